"""Shared message helpers: errors in plain words, confirmations, accent colours.

Every ``on_error`` callback of the GUI goes through :func:`show_error`, so a custodian sees a
sentence that says what happened and what to do, never a Python traceback.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QMessageBox, QWidget

from tkapp import DISPLAY_NAME
from tkapp.errors import TkError
from tkapp.i18n import _
from tkapp.i18n.messages import describe_error

log = logging.getLogger(__name__)


def window_title(what: str = "") -> str:
    """Every window title starts with the display name (issue 5, desktop manners)."""
    # Translators: window title, e.g. "TK Commons — About"
    return _("{app} — {what}").format(app=DISPLAY_NAME, what=what) if what else DISPLAY_NAME


def error_text(error: BaseException) -> str:
    """A translated sentence for ``error``: ``describe_error`` for ours, a generic one else."""
    if isinstance(error, TkError):
        return describe_error(error)
    # Only the type goes to the log: an unexpected message could quote record text.
    log.error("unexpected error: %s", type(error).__name__)
    # The traceback only at debug level (a developer's console, never a file by default).
    log.debug("unexpected error", exc_info=error)
    return _(
        "Something unexpected went wrong. Nothing was changed. "
        "If it happens again, please tell the person who looks after this computer."
    )


def show_error(parent: QWidget | None, error: BaseException, title: str = "") -> QMessageBox:
    """Show ``error`` in plain words without blocking (the box is window-modal)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(window_title(title or _("Problem")))
    box.setText(error_text(error))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAccessibleName(_("Error message"))
    box.setObjectName("tkapp-error")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_info(parent: QWidget | None, text: str, title: str = "") -> QMessageBox:
    """A non-blocking information box."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(window_title(title))
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("tkapp-info")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def confirm(parent: QWidget | None, text: str, title: str = "", *, yes: str = "") -> bool:
    """Ask a yes/no question (blocking). ``yes`` labels the affirmative button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(window_title(title))
    box.setText(text)
    ok = box.addButton(yes or _("Yes"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(ok)
    box.exec()
    return box.clickedButton() is ok


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def warning_color(palette: QPalette) -> QColor:
    """An orange that stays readable on the light and the dark system palette."""
    return QColor("#ffb454") if is_dark(palette) else QColor("#9a4a00")


def good_color(palette: QPalette) -> QColor:
    return QColor("#7ddc8a") if is_dark(palette) else QColor("#1b6e2a")


def bad_color(palette: QPalette) -> QColor:
    return QColor("#ff8080") if is_dark(palette) else QColor("#b00020")


def set_text_color(widget: QWidget, color: QColor) -> None:
    """Colour a label's text through its palette (so no style sheet fights the theme)."""
    pal = widget.palette()
    pal.setColor(QPalette.ColorRole.WindowText, color)
    pal.setColor(QPalette.ColorRole.Text, color)
    widget.setPalette(pal)
