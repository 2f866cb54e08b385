"""Screenshots of the start screen, the unlock screen, the main window and the record editor in
Spanish and in Kichwa (and English, to compare), for people to look at: untranslated words,
cut-off or overflowing text.

Writes PNGs to the folder in ``TKAPP_SHOTS`` (or the test's tmp_path), the main window at
1366x768 (the custodians' laptops):

    TKAPP_SHOTS=/tmp/shots-i18n .venv/bin/python -m pytest -q tests/ui/test_i18n_screens.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from editor_helpers import open_editor
from PySide6.QtWidgets import QApplication, QWidget
from shell_helpers import open_in_window

from tests.ui.conftest import close_all_dialogs
from tkapp import i18n
from tkapp.ui.app.main_window import MainWindow
from tkapp.ui.common.qt_translations import install_qt_translations
from tkapp.ui.common.settings import Settings

SIZE = (1366, 768)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """Switch our strings and Qt's to the parametrised language; English again afterwards."""
    lang: str = request.param
    i18n.set_language(lang)
    install_qt_translations(qapp, lang)
    yield lang
    install_qt_translations(qapp, "en")
    i18n.set_language("en")


def _save(widget: QWidget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path)), path
    assert path.stat().st_size > 1000
    return path


@pytest.mark.parametrize("language", ["en", "es", "qu_EC"], indirect=True)
def test_i18n_screenshots(
    language: str,
    runner: Any,
    qtbot: Any,
    shots: Path,
    catalogue_path: Path,
    passphrase: str,
) -> None:
    # Built after the language switch: the window reads its texts when it is made.
    window = MainWindow(runner, Settings())
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    taken: list[Path] = []
    try:
        taken.append(_save(window, shots, f"{language}-01-start"))
        window.open_catalogue_file(catalogue_path)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_screen)
        taken.append(_save(window, shots, f"{language}-02-unlock"))
        open_in_window(window, qtbot, catalogue_path, passphrase)
        window.records.table.selectRow(0)
        qtbot.waitUntil(lambda: "·" in window.counts.text(), timeout=10_000)
        taken.append(_save(window, shots, f"{language}-03-main"))

        model = window.records.model
        record_id = model.record_id(0)
        editor = open_editor(runner, qtbot, record_id)
        for index in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(index)
            taken.append(_save(editor, shots, f"{language}-04-editor-tab{index + 1}"))
        editor.close()
    finally:
        window.idle.detach()
        window._hidden.clear()
        close_all_dialogs()
        window.close()
        window.deleteLater()
        close_all_dialogs()
    assert len(taken) >= 5
