"""The shell's smaller parts: settings, strength meter, About, progress/cancel, demo, manners."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QListWidget,
    QTableView,
)
from shell_helpers import close_boxes, open_in_window, titles, visible_boxes

from tkapp.errors import Cancelled
from tkapp.ui.app.about import AboutDialog
from tkapp.ui.common import settings as keys
from tkapp.ui.common.passphrase_widgets import estimate_strength
from tkapp.ui.common.progress import run_any_with_progress
from tkapp.ui.common.settings import Settings


def test_settings_table_is_typed_and_survives_damage(tmp_path):
    path = tmp_path / "tkapp.ini"
    settings = Settings(path)
    assert settings.get(keys.IDLE_LOCK_MINUTES) == 10.0
    assert settings.get(keys.RECENT_CATALOGUES) == []
    settings.set(keys.IDLE_LOCK_MINUTES, 2.5)
    settings.set(keys.WINDOW_GEOMETRY, b"\x00\x01binary")
    for n in range(12):
        settings.add_recent(tmp_path / f"c{n}.tkc")
    settings.add_recent(tmp_path / "c3.tkc")
    again = Settings(path)  # a fresh reader sees typed values, not strings
    assert again.get(keys.IDLE_LOCK_MINUTES) == 2.5
    assert again.get(keys.WINDOW_GEOMETRY) == b"\x00\x01binary"
    recent = again.recent_catalogues()
    assert len(recent) == keys.MAX_RECENT and recent[0].name == "c3.tkc"
    text = path.read_text(encoding="utf-8")
    assert "passphrase" not in text.lower()
    # A hand-damaged value falls back to the default instead of stopping the app.
    path.write_text(text.replace("idle_lock_minutes=2.5", "idle_lock_minutes=lots"))
    assert Settings(path).get(keys.IDLE_LOCK_MINUTES) == 10.0
    assert all(isinstance(k.default, k.kind) for k in keys.ALL_KEYS)


@pytest.mark.parametrize(
    ("text", "acceptable"),
    [
        ("", False),
        ("abc", False),
        ("password123", False),  # common, whatever its length
        ("contraseña", False),
        ("aaaaaaaaaaaaaaaa", False),  # long but one character
        ("Tr4vesía-Napo!", True),
        ("rio condor tejido", True),  # three words
        ("wayusa tsawata yaku kawsay", True),
    ],
)
def test_strength_estimate(text, acceptable):
    strength = estimate_strength(text)
    assert strength.acceptable is acceptable
    assert 0 <= strength.score <= 4
    if not acceptable:
        assert strength.score <= 1


def test_about_shows_versions_and_selftest(runner, qtbot):
    dialog = AboutDialog(runner)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().startswith("TK Commons")
    qtbot.waitUntil(lambda: dialog.selftest.text() != "checking…", timeout=15_000)
    assert dialog.selftest_ok is True
    assert dialog.selftest.text() == "passed"


def test_about_reports_sqlcipher_of_open_catalogue(open_runner, qtbot):
    dialog = AboutDialog(open_runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sqlcipher.text() != "checking…", timeout=15_000)
    assert dialog.sqlcipher.text()


def test_long_job_shows_progress_and_can_be_cancelled(main_window, qtbot):
    results = []

    def op(_cat, job):
        for step in range(1000):
            job.check()
            job.report(step, 1000)
            time.sleep(0.005)
        return "finished"

    dialog = run_any_with_progress(
        main_window,
        main_window.runner,
        op,
        title="Test",
        label="Working…",
        on_success=results.append,
        on_error=results.append,
    )
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.bar.value() > 0, timeout=5_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert isinstance(results[0], Cancelled)


def test_backup_and_check_from_the_menu(main_window, qtbot, catalogue_path, passphrase, tmp_path):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    done = []
    window.ops.backup_to(tmp_path / "copia.tkc", on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=15_000)
    assert (tmp_path / "copia.tkc").exists()
    window.ops.check_catalogue()
    qtbot.waitUntil(lambda: any("healthy" in b.text() for b in visible_boxes()), timeout=15_000)
    close_boxes()


def test_restore_backup_then_unlock(main_window, qtbot, catalogue_path, passphrase, tmp_path):
    window = main_window
    dest = tmp_path / "restored.tkc"
    window.ops.restore_to(catalogue_path, dest, passphrase)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_screen, timeout=15_000)
    assert window.unlock_screen.path == dest
    window.ops.restore_to(catalogue_path, tmp_path / "other.tkc", "wrong passphrase")
    qtbot.waitUntil(lambda: bool(visible_boxes()), timeout=15_000)
    assert "Wrong passphrase" in visible_boxes()[0].text()
    assert not (tmp_path / "other.tkc").exists()
    close_boxes()


def test_demo_catalogue_opens_with_its_shown_passphrase(main_window, qtbot):
    window = main_window
    qtbot.mouseClick(window.start.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.view, timeout=60_000)
    assert window.ops.demo_path().exists()
    qtbot.waitUntil(lambda: window.records.model.rowCount() > 10, timeout=10_000)
    window.lock()
    assert "demo" in window.unlock_screen.hint.text()
    assert window.unlock_screen.hint.isVisible()


def test_desktop_manners(main_window, qtbot, catalogue_path, passphrase):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    assert window.windowTitle().startswith("TK Commons")
    shortcuts = {
        window.act_new: "Ctrl+N",
        window.act_find: "Ctrl+F",
        window.act_lock: "Ctrl+L",
        window.act_quit: "Ctrl+Q",
    }
    for action, keys_text in shortcuts.items():
        assert action.shortcut().toString() == keys_text
    # Every visible control has an accessible name (screen readers, UI automation).
    nameless = []
    for kind in (QAbstractButton, QLineEdit, QComboBox, QListWidget, QTableView):
        for widget in window.findChildren(kind):
            if (
                widget.isVisible()
                and not widget.accessibleName()
                and not (isinstance(widget, QAbstractButton) and widget.text())
            ):
                if widget.objectName() in ("qt_scrollarea_viewport",):
                    continue
                nameless.append((type(widget).__name__, widget.objectName()))
    assert nameless == []
    # Every sidebar section exists; sections still to come show a placeholder.
    for key in ("records", "species", "people", "consent", "terms", "sharing", "received", "keys"):
        section = window.view.show_section(key)
        assert section.isVisible()
    window.view.show_section("records")
    assert titles(window)


def test_language_choice_is_remembered(main_window, qtbot):
    from tkapp.i18n import current_language, set_language

    window = main_window
    spanish = next(a for a in window.language_group.actions() if a.data() == "es")
    spanish.trigger()
    try:
        assert window.settings.get(keys.LANGUAGE) == "es"
        assert current_language() == "es"
        assert any("restart" in b.text() or "reinici" in b.text() for b in visible_boxes())
    finally:
        set_language("en")
        close_boxes()


def test_geometry_is_remembered(runner, qtbot):
    from tkapp.ui.app.main_window import MainWindow

    first = MainWindow(runner, Settings())
    first.resize(700, 520)  # inside the offscreen screen (800x600)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    second = MainWindow(runner, Settings())
    qtbot.addWidget(second)
    # The width is clamped to the small offscreen screen; the height must come back.
    assert Settings().get(keys.WINDOW_GEOMETRY)
    assert second.size().height() == 520
    first.deleteLater()


def test_verify_from_the_start_screen_opens_the_verify_window(main_window, qtbot, tmp_path):
    from tkapp.ui.verify.verify_window import VerifyWindow, open_windows

    window = main_window.ops.verify_bundle_path(None)
    try:
        assert isinstance(window, VerifyWindow) and window in open_windows()
        assert window.windowTitle().startswith("TK Commons")
    finally:
        window.close()


def test_run_gui_starts_and_quits(monkeypatch, qapp):
    from tkapp.ui.app import main

    monkeypatch.setattr(type(qapp), "exec", lambda self: 0)
    assert main.run_gui([]) == 0
    for widget in qapp.topLevelWidgets():
        widget.close()
    assert Path(main.ICON).name == "tkapp.svg"


def test_import_a_kobo_export_from_the_menu(
    main_window, qtbot, catalogue_path, passphrase, tmp_path
):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    before = window.records.model.rowCount()
    export = tmp_path / "kobo.csv"
    export.write_text(
        "plant/title,plant/scientific_name,_gps_latitude,_gps_longitude,_uuid\n"
        "Hojas de guayusa,Ilex guayusa,-1.05,-77.6,abc-1\n"
        "Corteza de cascarilla,Cinchona officinalis,-2.9,-79.0,abc-2\n",
        encoding="utf-8",
    )
    done = []
    dialog = window.ops.import_from(export, on_done=done.append)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=15_000)
    # The dialog shows how each column is understood before anything is written.
    becomes = {
        dialog.table.item(r, 0).text(): dialog.table.cellWidget(r, 1).currentData()
        for r in range(dialog.table.rowCount())
    }
    assert becomes["plant/title"] == "title" and becomes["_uuid"] == "key"
    assert becomes["_gps_latitude"] == "latitude"
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(done), timeout=15_000)
    assert done[0].counts.created == 2 and not done[0].errors
    assert any("2 new records" in b.text() for b in visible_boxes())
    close_boxes()
    qtbot.waitUntil(lambda: window.records.model.rowCount() == before + 2, timeout=10_000)
    # A bad row: the preview names it in plain words and nothing can be imported.
    bad = tmp_path / "bad.csv"
    bad.write_text("title,latitude\nSin lugar,not-a-number\n", encoding="utf-8")
    dialog = window.ops.import_from(bad)
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=15_000)
    assert not dialog.import_button.isEnabled()
    assert "row 2" in dialog.problems.toPlainText()
    assert "Traceback" not in dialog.problems.toPlainText()
    dialog.reject()
    assert window.records.model.rowCount() == before + 2


def test_find_brings_the_records_search_from_any_section(
    main_window, qtbot, catalogue_path, passphrase
):
    from tkapp.ui.app.main_window import MainWindow

    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    window.view.show_section("terms")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.act_find.trigger()
    assert window.view.current_key() == "records"
    assert window.records.search.hasFocus()
    # The menu's Find no longer hides QWidget.find (look a widget up by its window id).
    assert "find" not in vars(MainWindow)
