"""Keyboard use everywhere: Tab leaves tables, and the widget with the focus is easy to see.

Qt's tables keep Tab for moving between cells, which traps keyboard users inside them (Tab
never reaches the buttons below). Arrow keys still move between cells; Tab and Shift+Tab move
on to the next and previous control, as in every other list.

The style's own focus frame on lists and tables is a faint dotted line, almost invisible on
village laptops' screens; :data:`FOCUS_STYLE` draws a clear highlight-coloured frame on the
list or table that has the keyboard focus.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

FOCUS_STYLE = "QAbstractItemView:focus { border: 2px solid palette(highlight); }"


def release_tab(root: QWidget) -> None:
    """Let Tab leave every table and list under ``root`` (``root`` included)."""
    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.append(root)
    for view in views:
        view.setTabKeyNavigation(False)


def install_focus_style(app: QApplication) -> None:
    """Add the visible focus frame to the application's style sheet (once)."""
    sheet = app.styleSheet()
    if FOCUS_STYLE not in sheet:
        app.setStyleSheet(f"{sheet}\n{FOCUS_STYLE}" if sheet else FOCUS_STYLE)
