"""The unlock screen says who has the catalogue open (issue 20, item 1)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from tkapp.i18n import set_language
from tkapp.services.catalogue import open_catalogue
from tkapp.store.lock import holder_path


def _try(window, qtbot, text):
    screen = window.unlock_screen
    screen.error.setVisible(False)
    screen.passphrase.setText(text)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: screen.error.isVisible() or window.stack.currentWidget() is window.view,
        timeout=10_000,
    )


def test_unlock_shows_who_holds_the_catalogue(
    main_window, qtbot, catalogue_path: Path, passphrase: str, tmp_path: Path
) -> None:
    window = main_window
    other = open_catalogue(catalogue_path, passphrase)  # "another window" holds it
    try:
        assert holder_path(catalogue_path).exists()
        window.open_catalogue_file(catalogue_path)
        _try(window, qtbot, passphrase)
        screen = window.unlock_screen
        assert window.stack.currentWidget() is screen
        text = screen.error.text()
        assert "open in another window or program" in text
        assert str(os.getpid()) in text
        assert not window.runner.is_open()
        window.grab().save(str(tmp_path / "unlock-locked-en.png"))
        set_language("es")
        try:
            _try(window, qtbot, passphrase)
            assert "abierto en otra ventana o programa" in screen.error.text()
            window.grab().save(str(tmp_path / "unlock-locked-es.png"))
        finally:
            set_language("en")
    finally:
        other.close()
    # Closed there: the same screen now opens it.
    _try(window, qtbot, passphrase)
    qtbot.waitUntil(window.runner.is_open, timeout=10_000)
