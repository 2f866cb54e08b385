"""People & access in the desktop app (issue 13): "who are you" at unlock, managing people.

Real catalogue, real worker, real widgets offscreen at 1366x768; screenshots in English and
Spanish (``$TKAPP_SHOTS`` to keep them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from tkapp.core.users import Role
from tkapp.i18n import set_language
from tkapp.ui.access.people_panel import PassphraseDialog, PersonDialog, RemoveDialog

ANA, ROSA = "prueba: ana", "prueba: rosa"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


@pytest.fixture
def village(tmp_path: Path) -> Path:
    from tkapp.core.model import Community, KnowledgeRecord
    from tkapp.services.catalogue import create_catalogue

    path = tmp_path / "comunidad.tkc"
    with create_catalogue(path, ANA, Community("Comunidad de prueba"), custodian="Ana") as cat:
        cat.add_record(KnowledgeRecord("Chicha de yuca"))
        cat.people().add("Rosa", Role.MEMBER, ["parteras"], ROSA)
    return path


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _unlock_as(window: Any, qtbot: Any, path: Path, who: str, passphrase: str) -> None:
    window.open_catalogue_file(path)
    screen = window.unlock_screen
    assert window.stack.currentWidget() is screen
    screen.who.setCurrentIndex(screen.who.findData(who))
    screen.passphrase.setText(passphrase)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.view, timeout=20_000)


def _open_dialog(qtbot: Any, cls: type) -> Any:
    found: list[Any] = []

    def shown() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=5_000)
    return found[0]


def _grab(widget: Any, qtbot: Any, path: Path) -> None:
    qtbot.wait(100)  # let layouts settle before the picture
    widget.grab().save(str(path))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_who_are_you_then_people_and_access(
    runner: Any, qtbot: Any, village: Path, tmp_path: Path, lang: str
) -> None:
    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.settings import Settings

    set_language(lang)  # before the window is built, so every label is in that language
    window = MainWindow(runner, Settings())
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.open_catalogue_file(village)
        screen = window.unlock_screen
        # Two people: the unlock screen asks who you are, and waits for a name.
        assert screen.who.isVisible() and screen.who.names == ["Ana", "Rosa"]
        screen.passphrase.setText(ROSA)
        assert not screen.unlock_button.isEnabled()
        _grab(window, qtbot, _shots(tmp_path) / f"unlock-who-{lang}.png")
        # Ana's name with Rosa's passphrase: refused, nothing opened.
        screen.who.setCurrentIndex(screen.who.findData("Ana"))
        qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(screen.error.isVisible, timeout=20_000)
        assert not window.runner.is_open()

        _unlock_as(window, qtbot, village, "Ana", ANA)
        section = window.view.show_section("access")
        qtbot.waitUntil(lambda: section.table.rowCount() == 2, timeout=10_000)
        assert section.add_button.isEnabled()

        # Add Luis, a viewer in the elders' group.
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
        dialog = _open_dialog(qtbot, PersonDialog)
        dialog.name.setText("Luis")
        dialog.role.setCurrentIndex(dialog.role.findData("viewer"))
        dialog.groups.setText("Mayores")
        dialog.passphrase.setText("prueba: luis")
        dialog.again.setText("prueba: otra")
        dialog._check()
        assert dialog.error.isVisible() and dialog.isVisible()  # the two differ
        dialog.again.setText("prueba: luis")
        _grab(dialog, qtbot, _shots(tmp_path) / f"add-person-{lang}.png")
        dialog._check()
        qtbot.waitUntil(lambda: section.table.rowCount() == 3, timeout=20_000)
        names = [section.table.item(r, 0).text() for r in range(3)]
        assert names == ["Ana", "Luis", "Rosa"]
        assert section.table.item(1, 2).text() == "mayores"
        _grab(window, qtbot, _shots(tmp_path) / f"people-access-{lang}.png")

        # Rosa becomes a viewer outside the midwives' group.
        section.table.selectRow(2)
        qtbot.mouseClick(section.edit_button, Qt.MouseButton.LeftButton)
        dialog = _open_dialog(qtbot, PersonDialog)
        assert dialog.groups.text() == "parteras"
        dialog.role.setCurrentIndex(dialog.role.findData("viewer"))
        dialog.groups.setText("")
        dialog.accept()
        qtbot.waitUntil(lambda: "(" in section.table.item(2, 2).text(), timeout=20_000)

        # Remove Luis, changing the database key too.
        section.table.selectRow(1)
        qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
        remove = _open_dialog(qtbot, RemoveDialog)
        assert remove.rotate.isChecked()
        _grab(remove, qtbot, _shots(tmp_path) / f"remove-person-{lang}.png")
        remove.accept()
        qtbot.waitUntil(lambda: section.table.rowCount() == 2, timeout=30_000)

        # Ana changes her own passphrase.
        qtbot.mouseClick(section.passwd_button, Qt.MouseButton.LeftButton)
        change = _open_dialog(qtbot, PassphraseDialog)
        change.passphrase.setText("prueba: ana nueva")
        change.again.setText("prueba: ana nueva")
        change._check()
        assert change.result() == QDialog.DialogCode.Accepted
        qtbot.waitUntil(
            lambda: section.status.text() != "" and "…" not in section.status.text(), timeout=20_000
        )
    finally:
        window.idle.detach()
        window._hidden.clear()
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QDialog):
                dialog.reject()
        window.close()
        window.deleteLater()
        set_language("en")


def test_a_member_sees_people_but_cannot_change_them(
    main_window: Any, qtbot: Any, village: Path
) -> None:
    window = main_window
    _unlock_as(window, qtbot, village, "Rosa", ROSA)
    section = window.view.show_section("access")
    qtbot.waitUntil(lambda: section.table.rowCount() == 2, timeout=10_000)
    assert "Rosa" in section.me.text()
    assert not section.add_button.isEnabled()
    section.table.selectRow(0)
    assert not section.remove_button.isEnabled()
    assert section.passwd_button.isEnabled()


def test_one_person_is_not_asked_who_they_are(
    main_window: Any, qtbot: Any, catalogue_path: Path, passphrase: str
) -> None:
    window = main_window
    window.open_catalogue_file(catalogue_path)
    screen = window.unlock_screen
    assert not screen.who.isVisible() and screen.who.person() is None
    assert not screen.who_label.isVisible()


def test_restore_asks_who_when_several_people_use_the_backup(qtbot, tmp_path) -> None:
    """A backup used by several people: the restore dialog asks who, and that person's own
    passphrase restores it (the backup's keys file travels with it)."""
    from tkapp.core.model import Community
    from tkapp.core.users import Role
    from tkapp.services.catalogue import create_catalogue, open_catalogue
    from tkapp.ui.app.main_operations import BackupPassphraseDialog

    path, backup = tmp_path / "c.tkc", tmp_path / "c-backup.tkc"
    with create_catalogue(path, "ana: custodian phrase", Community("X"), custodian="Ana") as cat:
        cat.people().add("Rosa", Role.MEMBER, [], "rosa: member phrase")
        cat.backup(backup)
    dialog = BackupPassphraseDialog(backup)
    qtbot.addWidget(dialog)
    assert dialog.who.asks() and dialog.who.names == ["Ana", "Rosa"]
    single = tmp_path / "one.tkc"
    create_catalogue(single, "solo: custodian phrase", Community("Y"), custodian="Solo").close()
    assert not BackupPassphraseDialog(single).who.asks()
    # The restore itself, as the chosen person (the same service call the dialog leads to).
    from tkapp.services.catalogue import restore_backup

    restored = tmp_path / "restored.tkc"
    restore_backup(backup, restored, "rosa: member phrase", person="Rosa")
    with open_catalogue(restored, "rosa: member phrase", person="Rosa") as cat:
        assert cat.user is not None and cat.user.name == "Rosa"
