"""Protocol keys in the records table (issue 13): a record sealed for a group the person who
unlocked is not in shows as a neutral, italic placeholder and never opens in the editor.

Screenshots (English and Spanish, 1366x768) go to ``TKAPP_SHOTS`` or the test's tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from shell_helpers import close_boxes, open_in_window, search_for, titles, visible_boxes

from tkapp import i18n
from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.services.catalogue import create_catalogue
from tkapp.ui.common.qt_translations import install_qt_translations
from tkapp.ui.records.records_model import SUMMARY_ROLE

SECRET_TITLE = "Parto con hierbas de la abuela"
OPEN_TITLE = "Chicha de yuca"
PLACEHOLDER = {
    "en": "Restricted to the group \u201cmidwives\u201d",
    "es": "Restringido al grupo \u201cmidwives\u201d",
}


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    lang: str = request.param
    i18n.set_language(lang)
    install_qt_translations(qapp, lang)
    yield lang
    install_qt_translations(qapp, "en")
    i18n.set_language("en")


@pytest.fixture
def sealed_catalogue(tmp_path: Path, passphrase: str) -> Path:
    path = tmp_path / "protegido.tkc"
    key = GroupKey("midwives", 1, new_key())
    member = Reader(User("Rosa", Role.MEMBER, frozenset({"midwives"})), (key,))
    community = Community(name="Comunidad de prueba", people="Kichwa", languages=["es"])
    with create_catalogue(path, passphrase, community, reader=member) as cat:
        cat.add_record(KnowledgeRecord(title=OPEN_TITLE, description="Bebida de fiesta"))
        cat.add_record(
            KnowledgeRecord(
                title=SECRET_TITLE,
                description="Solo para las parteras",
                access=AccessLevel.RESTRICTED,
                restricted_group="Midwives",
            )
        )
    return path


@pytest.mark.parametrize("language", ["en", "es"], indirect=True)
def test_placeholder_row_and_view(
    language: str,
    main_window: Any,
    qtbot: Any,
    sealed_catalogue: Path,
    passphrase: str,
    tmp_path: Path,
) -> None:
    window = main_window
    # Unlocked with the catalogue passphrase only: no protocol key (part A adds people).
    open_in_window(window, qtbot, sealed_catalogue, passphrase)
    shown = titles(window)
    assert sorted(shown) == sorted([OPEN_TITLE, PLACEHOLDER[language]])
    assert SECRET_TITLE not in shown
    model = window.records.model
    row = shown.index(PLACEHOLDER[language])
    assert model.data(model.index(row, 0), SUMMARY_ROLE).readable is False
    from PySide6.QtCore import Qt

    assert model.data(model.index(row, 0), Qt.ItemDataRole.FontRole).italic()
    assert model.data(model.index(1 - row, 0), Qt.ItemDataRole.FontRole) is None
    assert search_for(window, qtbot, "parteras") == []  # its words are not searchable

    search_for(window, qtbot, "")
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(folder / f"placeholder-table-{language}.png"))

    record_id = model.data(model.index(row, 0), SUMMARY_ROLE).id
    box = window.records.edit_record(record_id)
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(lambda: bool(visible_boxes()), timeout=5_000)
    assert PLACEHOLDER[language] in box.text()
    assert SECRET_TITLE not in box.text()
    assert window.records.open_record_ids() == set()  # no editor was opened
    qtbot.wait(50)
    assert box.grab().save(str(folder / f"placeholder-view-{language}.png"))
    close_boxes()
