"""Journey: search as you type (with and without accents) and the filters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from shell_helpers import open_in_window, search_for, titles, wait_rows_loaded, wait_search

from tkapp.core.model import Category

GUAYUSA = "Guayusa para el ánimo de la mañana"


def test_search_with_and_without_accents(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    assert len(titles(window)) == 3

    # Typed key by key: one search after the pause, not one per key.
    window.records.search.clear()
    wait_search(window, qtbot)
    qtbot.keyClicks(window.records.search, "animo")
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)
    assert titles(window) == [GUAYUSA]

    assert search_for(window, qtbot, "ÁNIMO") == [GUAYUSA]
    assert search_for(window, qtbot, "mañana") == [GUAYUSA]
    assert search_for(window, qtbot, "manana") == [GUAYUSA]
    assert search_for(window, qtbot, "yuca") == ["Chicha de yuca"]
    assert search_for(window, qtbot, "zzzz-nada") == []
    assert "Nothing found" in window.records.result.text()
    assert "0 shown" in window.counts.text()
    assert search_for(window, qtbot, "") and len(titles(window)) == 3


def test_filters_and_find_shortcut(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    records = window.records
    records.category.setCurrentIndex(records.category.findData(Category.MEDICINAL.value))
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)
    assert titles(window) == [GUAYUSA]
    records.category.setCurrentIndex(0)
    records.media.setCurrentIndex(records.media.findData(True))
    wait_search(window, qtbot)
    assert records.model.rowCount() == 0
    records.media.setCurrentIndex(0)
    wait_search(window, qtbot)
    assert records.model.rowCount() == 3

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    records.table.setFocus()
    qtbot.keyClick(records.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert records.search.hasFocus()
