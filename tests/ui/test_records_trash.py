"""Journey: delete a record (to the trash) and restore it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from shell_helpers import open_in_window, titles, wait_rows_loaded, wait_search


def _wait_changed(window, qtbot, count):
    qtbot.waitUntil(lambda: window.records.model.rowCount() == count, timeout=10_000)
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)


def test_delete_to_trash_and_restore(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    records = window.records
    open_in_window(window, qtbot, catalogue_path, passphrase)
    assert records.trash.text() == "Trash"
    assert records.select_id(records.model.record_id(titles(window).index("Chicha de yuca")))
    assert records.delete_button.isEnabled()
    qtbot.mouseClick(records.delete_button, Qt.MouseButton.LeftButton)
    _wait_changed(window, qtbot, 2)
    assert "Chicha de yuca" not in titles(window)
    qtbot.waitUntil(lambda: "1 in the trash" in window.counts.text())
    assert "moved to the trash" in window.statusBar().currentMessage()

    # The trash view lists it; Restore brings it back.
    qtbot.mouseClick(records.trash, Qt.MouseButton.LeftButton)
    assert records.in_trash() and records.restore_button.isVisible()
    assert not records.delete_button.isVisible()
    _wait_changed(window, qtbot, 1)
    assert titles(window) == ["Chicha de yuca"]
    records.table.selectRow(0)
    qtbot.mouseClick(records.restore_button, Qt.MouseButton.LeftButton)
    _wait_changed(window, qtbot, 0)
    assert "trash is empty" in records.result.text()

    qtbot.mouseClick(records.trash, Qt.MouseButton.LeftButton)
    _wait_changed(window, qtbot, 3)
    assert "Chicha de yuca" in titles(window)
    qtbot.waitUntil(lambda: "0 in the trash" in window.counts.text())


def test_purge_from_trash(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    records = window.records
    open_in_window(window, qtbot, catalogue_path, passphrase)
    victim = records.model.record_id(0)
    records.delete_ids([victim])
    _wait_changed(window, qtbot, 2)
    records.trash.setChecked(True)
    _wait_changed(window, qtbot, 1)
    records.purge_ids([victim])
    _wait_changed(window, qtbot, 0)
    records.trash.setChecked(False)
    _wait_changed(window, qtbot, 2)
    assert victim not in records.model.ids()


def test_share_selected_opens_the_export_wizard_with_the_selection(
    main_window, qtbot, catalogue_path, passphrase
):
    window = main_window
    records = window.records
    open_in_window(window, qtbot, catalogue_path, passphrase)
    assert not records.share_button.isEnabled()
    chosen = records.model.record_id(titles(window).index("Chicha de yuca"))
    assert records.select_id(chosen)
    assert records.share_button.isEnabled()
    wizard = records.share_selected()
    try:
        assert list(wizard.record_ids) == [chosen]
    finally:
        wizard.close()
    records.trash.setChecked(True)
    assert not records.share_button.isVisible()
