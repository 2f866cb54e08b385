"""Helpers for the shell's own desktop tests (not fixtures: plain functions)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tkapp.ui.app.main_window import MainWindow


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def visible_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def close_boxes() -> None:
    for box in visible_boxes():
        box.done(0)


def unlock(window: MainWindow, qtbot: Any, passphrase: str) -> None:
    """Type the passphrase on the unlock screen and wait for the catalogue view."""
    screen = window.unlock_screen
    assert window.stack.currentWidget() is screen
    screen.passphrase.setText(passphrase)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.view, timeout=10_000)


def wait_search(window: MainWindow, qtbot: Any) -> None:
    records = window.records
    qtbot.waitUntil(lambda: not records.searching and not records._timer.isActive(), timeout=10_000)


def wait_rows_loaded(window: MainWindow, qtbot: Any) -> None:
    model = window.records.model
    for row in range(min(model.rowCount(), 3)):
        model.data(model.index(row, 0))
    qtbot.waitUntil(
        lambda: all(model.is_row_loaded(r) for r in range(min(model.rowCount(), 3))),
        timeout=10_000,
    )


def titles(window: MainWindow) -> list[str]:
    model = window.records.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def open_in_window(window: MainWindow, qtbot: Any, path: Path, passphrase: str) -> None:
    """Open ``path`` through the unlock screen and wait for the first search."""
    window.open_catalogue_file(path)
    unlock(window, qtbot, passphrase)
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)


def search_for(window: MainWindow, qtbot: Any, text: str) -> list[str]:
    window.records.search.setText(text)
    assert window.records._timer.isActive()  # debounced, not run per keystroke
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)
    return titles(window)
