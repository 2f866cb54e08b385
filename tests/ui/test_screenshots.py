"""Screenshots of the shell for people to look at (start, wizard, unlock, main window...).

Writes PNGs to the folder in ``TKAPP_SHOTS`` (or the test's tmp_path), in English and Spanish,
with the main window at 1366x768 (the users' laptops):

    TKAPP_SHOTS=/tmp/shots .venv/bin/python -m pytest -q tests/ui/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from shell_helpers import close_boxes, unlock, wait_rows_loaded, wait_search

from tkapp.i18n import set_language
from tkapp.ui.app.about import AboutDialog
from tkapp.ui.app.main_operations import DEMO_PASSPHRASE
from tkapp.ui.app.main_window import MainWindow
from tkapp.ui.common.settings import Settings

SIZE = (1366, 768)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path)), path
    assert path.stat().st_size > 1000
    return path


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_screenshots(lang, runner, qtbot, shots, tmp_path):
    set_language(lang)
    try:
        _take(lang, runner, qtbot, shots, tmp_path)
    finally:
        set_language("en")


def _take(lang, runner, qtbot, shots, tmp_path):
    window = MainWindow(runner, Settings())
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    try:
        _save(window, shots, f"{lang}-01-start-empty")

        wizard = window.ops.show_create_wizard()
        wizard.resize(720, 560)
        _save(wizard, shots, f"{lang}-02-wizard-community")
        wizard.community_page.name.setText("Comunidad Kichwa Sarayaku")
        wizard.community_page.people.setText("Kichwa")
        wizard.community_page.region.setText("Pastaza")
        wizard.next()
        _save(wizard, shots, f"{lang}-03-wizard-terms")
        wizard.next()
        page = wizard.passphrase_page
        page.person.setText("Rosa Gualinga")
        page.first.setText("wayusa tsawata yaku")
        page.second.setText("wayusa tsawata yak")
        _save(wizard, shots, f"{lang}-04-wizard-passphrase")
        page.second.setText("wayusa tsawata yaku")
        page.understood.setChecked(True)
        wizard.next()
        wizard.place_page.path_edit.setText(str(tmp_path / "Comunidad-Kichwa-Sarayaku.tkc"))
        _save(wizard, shots, f"{lang}-05-wizard-place")
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.backup_page, timeout=15_000)
        _save(wizard, shots, f"{lang}-06-wizard-backup")
        wizard.accept()
        qtbot.waitUntil(lambda: not wizard.isVisible())
        close_boxes()

        # The demo catalogue, locked, with a wrong passphrase tried first.
        window.ops.open_demo()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.view, timeout=60_000)
        window.lock()
        window.unlock_screen.passphrase.setText("wrong")
        window.unlock_screen.unlock()
        qtbot.waitUntil(window.unlock_screen.error.isVisible, timeout=10_000)
        window.unlock_screen.passphrase.setText("Abc")
        _save(window, shots, f"{lang}-07-unlock-error")
        unlock(window, qtbot, DEMO_PASSPHRASE)
        wait_search(window, qtbot)
        view = window.records.table
        model = window.records.model
        model.ensure_rows(0, 40)
        wait_rows_loaded(window, qtbot)
        qtbot.waitUntil(lambda: not model.is_loading(), timeout=10_000)
        view.selectRow(1)
        qtbot.waitUntil(lambda: "·" in window.counts.text(), timeout=10_000)
        _save(window, shots, f"{lang}-08-main-demo")

        window.records.search.setText("wayusa")
        wait_search(window, qtbot)
        wait_rows_loaded(window, qtbot)
        _save(window, shots, f"{lang}-09-main-search")
        window.records.search.clear()
        window.records.trash.setChecked(True)
        wait_search(window, qtbot)
        _save(window, shots, f"{lang}-10-main-trash")
        window.records.trash.setChecked(False)
        window.view.show_section("sharing")
        _save(window, shots, f"{lang}-11-sharing-section")
        window.view.show_section("records")

        about = AboutDialog(runner, window)
        about.show()
        qtbot.waitUntil(lambda: about.selftest_ok is not None, timeout=15_000)
        _save(about, shots, f"{lang}-12-about")
        about.close()

        window.lock()
        window.show_start()
        _save(window, shots, f"{lang}-13-start-recent")
        window.stack.setCurrentWidget(window.view)
        window.stack.setCurrentWidget(window.start)
        qtbot.mouseClick(window.start.open_button, Qt.MouseButton.LeftButton)
        _save(window, shots, f"{lang}-14-unlock")
    finally:
        window.idle.detach()
        window._hidden.clear()
        close_boxes()
        window.close()
        window.deleteLater()
