"""What the export wizard's pages share: their ids in order, the record scopes, and fonts."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QWidget,
)


class Page(IntEnum):
    RECORDS = 0
    RECIPIENT = 1
    PLAN = 2
    CONFIRM = 3
    DESTINATION = 4
    PROGRESS = 5
    RESULT = 6


class Scope(IntEnum):
    SELECTED = 0
    SEARCH = 1
    ALL = 2


def title_font(widget: QWidget) -> QFont:
    font = widget.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    return font


def mono_font(widget: QWidget) -> QFont:
    font = QFont("Monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(widget.font().pointSizeF())
    return font
