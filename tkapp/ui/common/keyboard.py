"""Keyboard and screen-reader use everywhere: Tab leaves tables, the focused widget is easy
to see, and form fields carry their label as accessible name.

Qt's tables keep Tab for moving between cells, which traps keyboard users inside them (Tab
never reaches the buttons below). Arrow keys still move between cells; Tab and Shift+Tab move
on to the next and previous control, as in every other list.

The style's own focus frame on lists and tables is a faint dotted line, almost invisible on
village laptops' screens; :data:`FOCUS_STYLE` draws a clear highlight-coloured frame on the
list or table that has the keyboard focus. :func:`name_form_fields` gives wrapped form fields
the name of their row's label, so a screen reader says what each field is.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QLabel,
    QWidget,
)

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


_CONTROLS = (
    "QAbstractButton",
    "QLineEdit",
    "QComboBox",
    "QAbstractItemView",
    "QAbstractSpinBox",
    "QAbstractSlider",
    "QTextEdit",
    "QPlainTextEdit",
)


def _is_control(widget: QWidget) -> bool:
    return any(widget.inherits(name) for name in _CONTROLS)


def name_form_fields(root: QWidget) -> None:
    """Give each form field the text of its row's label as accessible name, when the field is
    wrapped (with an error line, a "?" or a lock toggle) and Qt's buddy naming misses it."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label_item is None or field_item is None:
                continue
            label, field = label_item.widget(), field_item.widget()
            if not isinstance(label, QLabel) or field is None or not label.text().strip():
                continue
            text = label.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            text = text.strip().rstrip(":").strip()
            controls = [field, *field.findChildren(QWidget)]
            for control in controls:
                if not _is_control(control) or control.accessibleName():
                    continue
                if isinstance(control, QAbstractButton) and control.text():
                    continue  # "Known", "Show anyway": the button's own words name it
                control.setAccessibleName(text)
