"""Qt's own strings and our dates follow the chosen language (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from tkapp import i18n
from tkapp.ui.common.qt_translations import install_qt_translations, qt_language


@pytest.fixture(autouse=True)
def _back_to_english(qapp: QApplication) -> Iterator[None]:
    yield
    install_qt_translations(qapp, "en")
    i18n.set_language("en")


def _cancel_text(qtbot: QtBot) -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button is not None
    return button.text().replace("&", "")


def test_qt_has_spanish_but_no_kichwa() -> None:
    assert qt_language("es") == "es"
    # No qtbase_qu*.qm ships with Qt: Kichwa users get Qt's buttons in Spanish.
    assert qt_language("qu_EC") == "es"
    assert qt_language("en") == "en"


def test_standard_buttons_in_spanish(qapp: QApplication, qtbot: QtBot) -> None:
    assert _cancel_text(qtbot) == "Cancel"
    assert install_qt_translations(qapp, "es") == "es"
    assert _cancel_text(qtbot) == "Cancelar"
    assert install_qt_translations(qapp, "en") == "en"
    assert _cancel_text(qtbot) == "Cancel"  # the Spanish translator was removed


def test_kichwa_uses_spanish_for_qt_strings(qapp: QApplication, qtbot: QtBot) -> None:
    assert install_qt_translations(qapp, "qu_EC") == "es"
    assert _cancel_text(qtbot) == "Cancelar"
    assert QLocale().language() == QLocale.Language.Quechua


def test_dates_in_spanish_render_as_spanish_dates(qapp: QApplication, qtbot: QtBot) -> None:
    i18n.set_language("es")
    install_qt_translations(qapp, "es")
    label = QLabel(i18n.format_date(date(2026, 11, 26), "long"))
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    assert label.text() == "26 de noviembre de 2026"
    # Qt's own date widgets get the same language through the default QLocale.
    assert QLocale().toString(QDate(2026, 11, 26), "d 'de' MMMM 'de' yyyy") == (
        "26 de noviembre de 2026"
    )
