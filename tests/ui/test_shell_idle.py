"""Journey: auto-lock after idle time keeps an open editor's unsaved text and brings it back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from shell_helpers import open_in_window, search_for, unlock

from tkapp.ui.catalogue.idle import IdleWatcher
from tkapp.ui.common import settings as keys


def test_auto_lock_after_idle_keeps_unsaved_edits(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    window.settings.set(keys.IDLE_LOCK_MINUTES, 0.4 / 60)  # 400 ms
    open_in_window(window, qtbot, catalogue_path, passphrase)
    assert window.idle.is_active() and window.idle.timeout_ms() == 400

    # A new record with text typed but not saved (Ctrl+N opens the editor).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.records.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editors = window.open_editors()
    assert len(editors) == 1
    editor = editors[0]
    if hasattr(editor, "loaded"):
        qtbot.waitUntil(lambda: not editor._loading, timeout=10_000)
    title = editor.knowledge.title_edit if hasattr(editor, "knowledge") else editor.title
    title.setText("Receta sin guardar de la abuela")
    assert editor.has_unsaved_changes()

    # Nobody touches anything: the window locks itself.
    qtbot.waitUntil(window.is_locked, timeout=5_000)
    qtbot.waitUntil(lambda: not window.runner.is_open())
    assert window.stack.currentWidget() is window.unlock_screen
    assert not editor.isVisible()  # hidden, not destroyed
    assert title.text() == "Receta sin guardar de la abuela"
    assert window.records.model.rowCount() == 0

    unlock(window, qtbot, passphrase)
    assert editor.isVisible()
    assert editor.has_unsaved_changes()
    assert title.text() == "Receta sin guardar de la abuela"
    assert window.idle.is_active()

    # Saving it now works: it reaches the catalogue and the list.
    window.settings.set(keys.IDLE_LOCK_MINUTES, 10.0)
    window.idle.set_timeout_ms(600_000)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
    assert search_for(window, qtbot, "abuela") == ["Receta sin guardar de la abuela"]


def test_activity_postpones_the_lock(qtbot):
    watcher = IdleWatcher(300)
    fired = []
    watcher.idle.connect(lambda: fired.append(True))
    watcher.start()
    qtbot.wait(200)
    watcher.poke()
    qtbot.wait(200)
    assert not fired  # 400 ms since start, but only 200 ms since the last activity
    qtbot.waitUntil(lambda: bool(fired), timeout=2_000)
    assert not watcher.is_active()
    watcher.set_timeout_ms(0)
    watcher.start()
    assert not watcher.is_active()  # 0 = never
    watcher.detach()
