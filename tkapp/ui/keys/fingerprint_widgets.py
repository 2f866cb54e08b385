"""A key fingerprint on screen: words to read aloud, hex groups and a QR code.

The same three forms the CLI prints (``tkapp.crypto.fingerprint``), so a custodian comparing a
printed key card, a phone and this window sees the same words. The QR code is drawn from
segno's PNG bytes held in memory (never a file).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from tkapp.i18n import _
from tkapp.services.types import Fingerprint


def qr_pixmap(fingerprint: Fingerprint, scale: int = 5) -> QPixmap:
    """The fingerprint's QR code as a pixmap (segno PNG bytes decoded in memory)."""
    pixmap = QPixmap()
    pixmap.loadFromData(fingerprint.qr_png(scale=scale), "PNG")
    return pixmap


def words_font(base: QFont, factor: float = 1.6) -> QFont:
    """A large bold font for the words people read aloud to each other."""
    font = QFont(base)
    font.setPointSizeF(max(base.pointSizeF(), 9.0) * factor)
    font.setBold(True)
    return font


def mono_font(base: QFont) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(base.pointSizeF(), 9.0))
    return font


class FingerprintPanel(QWidget):
    """QR code on the left; the words (large) and the hex groups (small) on the right."""

    def __init__(self, parent: QWidget | None = None, *, qr_scale: int = 5) -> None:
        super().__init__(parent)
        self._scale = qr_scale
        self.fingerprint: Fingerprint | None = None
        self.qr = QLabel(self)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.qr.setAccessibleName(_("QR code of the key fingerprint"))
        self.words_caption = QLabel(_("Words to compare, read aloud:"), self)
        self.words = QLabel(self)
        self.words.setFont(words_font(self.font()))
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAccessibleName(_("Fingerprint words"))
        self.hex_caption = QLabel(_("The same fingerprint in hexadecimal:"), self)
        self.hex = QLabel(self)
        self.hex.setFont(mono_font(self.font()))
        self.hex.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hex.setAccessibleName(_("Fingerprint in hexadecimal"))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.qr, 0, 0, 5, 1)
        grid.addWidget(self.words_caption, 0, 1)
        grid.addWidget(self.words, 1, 1)
        grid.addWidget(self.hex_caption, 2, 1)
        grid.addWidget(self.hex, 3, 1)
        grid.setRowStretch(4, 1)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(16)

    def set_fingerprint(self, fingerprint: Fingerprint | None) -> None:
        self.fingerprint = fingerprint
        if fingerprint is None:
            self.qr.clear()
            self.words.clear()
            self.hex.clear()
            return
        self.qr.setPixmap(qr_pixmap(fingerprint, self._scale))
        self.words.setText(fingerprint.words_text())
        self.hex.setText(fingerprint.hex_groups())
