"""A screen-reader pass through Qt's accessibility tree: every control in the main journeys
(main window and its sections, the record editor's tabs, the recorder, the help) has a name."""

from __future__ import annotations

from typing import Any

from editor_helpers import open_editor
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)
from recorder_helpers import GeneratedSource
from shell_helpers import open_in_window

from tkapp.ui.app.main_window import SECTIONS

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QAbstractSpinBox,
    QAbstractSlider,
    QProgressBar,
    QScrollBar,
    QTextEdit,
    QPlainTextEdit,
)


def _inside_other_control(widget: QWidget) -> bool:
    """Parts of a composite control (a combo's line edit, a spin box's editor, a scroll bar)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView | QTabBar):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    """Visible, enabled-or-not controls under ``root`` whose accessible name is empty."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisible():
            continue
        if isinstance(widget, QScrollBar):
            continue  # a scroll area's own bars: the screen reader names them itself
        if _inside_other_control(widget) or widget.objectName().startswith("qt_"):
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        assert interface is not None and interface.isValid()
        name = interface.text(QAccessible.Text.Name).strip()
        if not name:
            found.append(
                f"{type(root).__name__} › {type(widget).__name__} "
                f"{widget.objectName() or ''} tooltip={widget.toolTip()!r}"
            )
    return found


def test_main_journeys_have_no_unnamed_control(
    main_window: Any, runner: Any, qtbot: Any, catalogue_path, passphrase
) -> None:
    window = main_window
    problems = unnamed(window)  # start screen
    open_in_window(window, qtbot, catalogue_path, passphrase)
    for key, _cls in SECTIONS:
        window.view.show_section(key)
        QApplication.processEvents()
        problems += [f"[{key}] {p}" for p in unnamed(window)]
    window.view.show_section("records")

    editor = open_editor(runner, qtbot, None)
    for tab in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        problems += [f"[editor tab {tab}] {p}" for p in unnamed(editor)]

    media = editor.media.media
    media.recorder_source_factory = GeneratedSource
    recorder = media.record_audio()
    qtbot.waitUntil(recorder.isVisible, timeout=5_000)
    problems += unnamed(recorder)
    recorder.consent_box.setChecked(True)
    recorder.start_recording()
    QApplication.processEvents()
    problems += unnamed(recorder)
    recorder.reject()
    editor.close()

    book = window.ops.show_help("consent")
    problems += unnamed(book)
    book.close()
    guide = window.ops.show_guide()
    problems += unnamed(guide)
    guide.close()
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
