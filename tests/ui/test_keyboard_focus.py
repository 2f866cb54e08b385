"""Keyboard users: Tab leaves tables, the focused table is framed, columns fit in Spanish."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView
from shell_helpers import open_in_window

from tkapp import i18n
from tkapp.core.model import AccessLevel, RecordStatus
from tkapp.ui.common.keyboard import FOCUS_STYLE, install_focus_style
from tkapp.ui.records.records_model import Column


def test_tab_leaves_the_records_table(main_window: Any, qtbot: Any, catalogue_path, passphrase):
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    views = window.findChildren(QAbstractItemView)
    assert views and not any(v.tabKeyNavigation() for v in views)
    table = window.records.table
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert table.currentIndex().row() == 0 and table.currentIndex().column() == 0


def test_focus_frame_is_installed_once(qapp: QApplication) -> None:
    before = qapp.styleSheet()
    try:
        install_focus_style(qapp)
        install_focus_style(qapp)
        assert qapp.styleSheet().count(FOCUS_STYLE) == 1
    finally:
        qapp.setStyleSheet(before)


def test_spanish_columns_fit_their_words(main_window: Any, qtbot: Any, catalogue_path, passphrase):
    i18n.set_language("es")
    try:
        from tkapp.ui.records.records_section import RecordsSection

        section = RecordsSection(main_window.runner)
        qtbot.addWidget(section)
        section.resize(1200, 600)
        table: QTableView = section.table
        metrics = table.fontMetrics()
        for column, values in (
            (Column.ACCESS, [i18n.names.access_name(a) for a in AccessLevel]),
            (Column.STATUS, [i18n.names.status_name(s) for s in RecordStatus]),
        ):
            widest = max(metrics.horizontalAdvance(v) for v in values)
            assert table.columnWidth(column) >= widest + 12, (column, values)
        assert "Verificado por la comunidad" in [i18n.names.status_name(s) for s in RecordStatus]
    finally:
        i18n.set_language("en")


def test_english_dates_fit_the_changed_column(main_window: Any, qtbot: Any) -> None:
    """ "Sep 28, 2026" was cut to "Sep 28, 20..." at 1366x768 in English."""
    from tkapp.ui.records.records_section import RecordsSection

    i18n.set_language("en")
    section = RecordsSection(main_window.runner)
    qtbot.addWidget(section)
    section.resize(1366, 700)
    table: QTableView = section.table
    widest = max(
        table.fontMetrics().horizontalAdvance(i18n.format_date(date(2026, month, 28)))
        for month in range(1, 13)
    )
    assert table.columnWidth(Column.MODIFIED) >= widest + 12


def test_recent_list_shows_community_names(
    main_window: Any, qtbot: Any, catalogue_path, passphrase
) -> None:
    window = main_window
    open_in_window(window, qtbot, catalogue_path, passphrase)
    qtbot.waitUntil(lambda: window.view.community.text() == "Comunidad de prueba", timeout=5_000)
    window.close_catalogue()
    qtbot.waitUntil(lambda: window.start.recent.count() == 1, timeout=5_000)
    text = window.start.recent.item(0).text()
    assert text.startswith("Comunidad de prueba") and catalogue_path.name in text


def test_one_date_format_in_text_and_date_fields(qtbot: Any) -> None:
    from datetime import date

    from tkapp.ui.common.dates import qt_date_format
    from tkapp.ui.records.record_editor_widgets import DateField

    i18n.set_language("es")
    try:
        field = DateField()
        qtbot.addWidget(field)
        field.set_value(date(2026, 12, 5))
        assert field.edit.displayFormat() == qt_date_format() == "d MMM yyyy"
        shown = field.edit.text()
        assert shown.startswith("5 ") and shown.endswith(" 2026") and "-" not in shown
        assert i18n.format_date(date(2026, 12, 5)) == "5 dic 2026"
    finally:
        i18n.set_language("en")
    assert qt_date_format("en") == "MMM d, yyyy"


def test_label_grid_stays_put_when_access_changes(open_runner: Any, qtbot: Any) -> None:
    from editor_helpers import open_editor

    from tkapp.core.model import AccessLevel as Level

    dialog = open_editor(open_runner, qtbot, None)
    dialog.resize(1100, 700)
    dialog.tabs.setCurrentWidget(dialog._containers[dialog.protocols])
    page = dialog.protocols
    QApplication.processEvents()
    positions = set()
    for level in (Level.PUBLIC, Level.SECRET_SACRED, Level.RESTRICTED, Level.COMMUNITY):
        page.access_combo.set_value(level)
        QApplication.processEvents()
        positions.add(page.labels.mapTo(dialog, page.labels.rect().topLeft()).y())
    assert len(positions) == 1, positions
    dialog.reject()
