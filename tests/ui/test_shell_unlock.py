"""Journey: open a catalogue, a wrong passphrase first, lock (Ctrl+L), unlock again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from shell_helpers import sha256, titles, unlock, wait_rows_loaded, wait_search

from tkapp.errors import WrongPassphrase
from tkapp.i18n.messages import describe_error
from tkapp.ui.common.passphrase_widgets import PassphraseEdit


def _try(window, qtbot, text):
    screen = window.unlock_screen
    screen.error.setVisible(False)
    screen.passphrase.setText(text)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: screen.error.isVisible() or window.stack.currentWidget() is window.view,
        timeout=10_000,
    )


def test_wrong_passphrase_then_lock_and_unlock(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    window.settings.add_recent(catalogue_path)
    window.show_start()
    assert window.start.recent_paths() == [catalogue_path.resolve()]
    qtbot.mouseClick(window.start.open_button, Qt.MouseButton.LeftButton)
    screen = window.unlock_screen
    assert window.stack.currentWidget() is screen
    assert screen.name_label.text() == "prueba"

    before = sha256(catalogue_path)
    _try(window, qtbot, "not the passphrase")
    assert window.stack.currentWidget() is screen
    assert screen.error.text() == describe_error(WrongPassphrase())
    assert screen.passphrase.text() == ""  # cleared for the next try
    assert not window.runner.is_open()
    assert sha256(catalogue_path) == before  # a failed attempt never touches the file

    unlock(window, qtbot, passphrase)
    assert window.runner.is_open()
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)
    assert "Chicha de yuca" in titles(window)
    qtbot.waitUntil(lambda: "Comunidad de prueba" in window.windowTitle())
    assert window.windowTitle().startswith("TK Commons")
    assert "3 records" in window.counts.text()

    # Ctrl+L locks: the catalogue closes on the worker, the table forgets its rows.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.records.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked()
    assert window.stack.currentWidget() is screen
    assert "locked" in screen.heading.text()
    qtbot.waitUntil(lambda: not window.runner.is_open())
    assert window.records.model.rowCount() == 0
    assert window.windowTitle().startswith("TK Commons")
    assert not window.act_new.isEnabled()

    locked = sha256(catalogue_path)
    _try(window, qtbot, "still wrong")
    assert screen.error.isVisible()
    assert window.is_locked()
    assert sha256(catalogue_path) == locked

    unlock(window, qtbot, passphrase)
    assert not window.is_locked()
    wait_search(window, qtbot)
    assert window.records.model.rowCount() == 3


def test_missing_catalogue_is_explained(main_window, tmp_path):
    from shell_helpers import close_boxes, visible_boxes

    window = main_window
    window.open_catalogue_file(tmp_path / "gone.tkc")
    boxes = visible_boxes()
    assert boxes and "no catalogue" in boxes[0].text()
    assert window.stack.currentWidget() is window.start
    close_boxes()


def test_passphrase_field_show_hide_and_caps_lock(qtbot):
    field = PassphraseEdit("Passphrase")
    qtbot.addWidget(field)
    field.show()
    assert field.edit.echoMode() == field.edit.EchoMode.Password
    qtbot.mouseClick(field.toggle, Qt.MouseButton.LeftButton)
    assert field.is_text_visible()
    assert field.toggle.text() == "Hide"
    qtbot.mouseClick(field.toggle, Qt.MouseButton.LeftButton)
    assert not field.is_text_visible()

    # An upper-case letter typed without Shift means Caps Lock is on.
    qtbot.keyClick(field.edit, "A")
    assert field.caps_lock_on()
    assert field.caps.isVisibleTo(field)
    qtbot.keyClick(field.edit, "b")
    assert not field.caps_lock_on()
    qtbot.keyClick(field.edit, "C", Qt.KeyboardModifier.ShiftModifier)
    assert not field.caps_lock_on()
    assert not field.caps.isVisibleTo(field)
    assert field.edit.accessibleName() == "Passphrase"
