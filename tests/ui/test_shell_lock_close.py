"""Locking and closing as people expect: Ctrl+L from an editor, Escape and Ctrl+W close it,
and the screens say exactly what happened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from shell_helpers import open_in_window, unlock


def _new_editor(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.records.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.open_editors()[-1]
    qtbot.waitUntil(lambda: not editor._loading, timeout=10_000)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def test_ctrl_l_locks_from_the_editor_and_says_you_locked_it(
    main_window, qtbot, catalogue_path, passphrase
) -> None:
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    editor = _new_editor(window, qtbot)
    editor.knowledge.title_edit.setText("Sin guardar")
    qtbot.keyClick(editor.knowledge.title_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.is_locked, timeout=5_000)
    assert not editor.isVisible()
    explain = window.unlock_screen.explain.text()
    assert "You locked it" in explain and "nobody" not in explain
    unlock(window, qtbot, passphrase)
    assert editor.isVisible() and editor.knowledge.title_edit.text() == "Sin guardar"

    # The idle timer's lock still says why it happened.
    window.lock()
    assert "nobody was using it" in window.unlock_screen.explain.text()
    unlock(window, qtbot, passphrase)


def test_escape_and_ctrl_w_close_the_editor(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    editor = _new_editor(window, qtbot)
    qtbot.keyClick(editor.knowledge.title_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.open_editors(), timeout=5_000)

    editor = _new_editor(window, qtbot)
    qtbot.keyClick(
        editor.knowledge.description_edit, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(lambda: not window.open_editors(), timeout=5_000)

    # With unsaved text, Ctrl+W asks first; "Cancel" keeps the editor and the text.
    editor = _new_editor(window, qtbot)
    editor.knowledge.title_edit.setText("Receta a medias")
    asked = []

    def cancel() -> QMessageBox.StandardButton:
        asked.append(True)
        return QMessageBox.StandardButton.Cancel

    editor.ask_unsaved = cancel
    qtbot.keyClick(editor.knowledge.title_edit, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert asked and editor.isVisible()
    editor.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    qtbot.keyClick(editor.knowledge.title_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.open_editors(), timeout=5_000)
    QApplication.processEvents()
