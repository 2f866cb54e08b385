"""The printable key card: the community key's fingerprint, to pin on the office wall.

A researcher compares the words their TK Commons shows for a bundle with the words on this
card (or read aloud from it) before trusting the community's key. One painter function draws
the card on any device: the on-screen preview, a printer, or a PDF (written atomically). The
QR code is drawn module by module as vector squares, so it stays sharp in print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from tkapp.crypto.fingerprint import Fingerprint
from tkapp.i18n import N_, _, current_language, normalise, translator

#: The instruction printed on the card, once per catalogue language.
INSTRUCTION = N_(
    "Before trusting a bundle from {community}, compare these words with the words TK Commons "
    "shows for it. If even one word is different, do not trust it."
)


@dataclass(frozen=True)
class KeyCard:
    """What the card shows."""

    community: str
    fingerprint: Fingerprint
    key_id: str
    languages: Sequence[str] = field(default_factory=tuple)

    def instructions(self) -> list[str]:
        """The instruction in each catalogue language (the UI language first), no repeats."""
        lines: list[str] = []
        seen: set[str] = set()
        for lang in (current_language(), *self.languages):
            code = normalise(lang)
            text = translator(code).gettext(INSTRUCTION).format(community=self.community)
            if text not in seen:
                seen.add(text)
                lines.append(text)
        return lines


def _font(family_hint: str, size_pt: float, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont(family_hint)
    if mono:
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFamilies(["DejaVu Sans Mono", "Consolas", "Menlo", "monospace"])
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    return font


def _draw_wrapped(painter: QPainter, rect: QRectF, text: str, font: QFont) -> float:
    """Draw word-wrapped text at the top of ``rect``; returns the height used."""
    painter.setFont(font)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
        Qt.TextFlag.TextWordWrap
    )
    bounds = painter.boundingRect(rect, flags, text)
    painter.drawText(rect, flags, text)
    return bounds.height()


def draw_qr(painter: QPainter, rect: QRectF, fingerprint: Fingerprint) -> None:
    """The QR code as vector squares in the largest square that fits ``rect``, quiet zone
    included."""
    matrix = fingerprint.qr().matrix
    modules = len(matrix) + 8  # 4 modules of quiet zone on each side
    side = min(rect.width(), rect.height())
    unit = side / modules
    left = rect.left() + (rect.width() - side) / 2 + 4 * unit
    top = rect.top() + 4 * unit
    painter.fillRect(
        QRectF(rect.left() + (rect.width() - side) / 2, rect.top(), side, side), QColor("#ffffff")
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                # A hair of overlap so no white seams appear between modules when scaled.
                painter.drawRect(QRectF(left + x * unit, top + y * unit, unit + 0.3, unit + 0.3))


def paint_key_card(painter: QPainter, rect: QRectF, card: KeyCard) -> None:
    """Draw the whole card inside ``rect`` (any paint device; sizes follow ``rect``)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    # Point sizes are scaled to the card's width, so the preview and the A4 page look alike.
    dpi = painter.device().logicalDpiY() or 96
    scale = rect.width() / (dpi * 7.5)  # a card 7.5 inches wide uses the nominal sizes
    pad = rect.width() * 0.05

    painter.fillRect(rect, QColor("#ffffff"))
    painter.setPen(QPen(QColor("#1b4d2a"), max(1.0, rect.width() * 0.006)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect.adjusted(2, 2, -2, -2), rect.width() * 0.02, rect.width() * 0.02)
    painter.setPen(QColor("#000000"))

    inner = rect.adjusted(pad, pad, -pad, -pad)
    y = inner.top()
    # Translators: heading of the printed key card; {community} is the community's name.
    title = _("Community key of {community}").format(community=card.community)
    y += _draw_wrapped(
        painter,
        QRectF(inner.left(), y, inner.width(), inner.height()),
        title,
        _font("", 20 * scale, bold=True),
    )
    y += pad * 0.2
    subtitle = _("TK Commons · key {key_id}").format(key_id=card.key_id)
    y += _draw_wrapped(
        painter,
        QRectF(inner.left(), y, inner.width(), inner.height()),
        subtitle,
        _font("", 10 * scale),
    )
    y += pad * 0.5

    # The QR code on the right, the words on the left.
    qr_side = inner.width() * 0.36
    qr_rect = QRectF(inner.right() - qr_side, y, qr_side, qr_side)
    draw_qr(painter, qr_rect, card.fingerprint)
    text_width = inner.width() - qr_side - pad * 0.5
    words_font = _font("", 22 * scale, bold=True)
    metrics = QFontMetricsF(words_font)
    words_y = y
    painter.setFont(words_font)
    words = card.fingerprint.words()
    for line in (words[:5], words[5:]):
        text = " ".join(line)
        # Shrink the words if a long line would not fit beside the QR code.
        font = QFont(words_font)
        width = metrics.horizontalAdvance(text)
        if width > text_width:
            font.setPointSizeF(words_font.pointSizeF() * text_width / width)
        painter.setFont(font)
        line_height = QFontMetricsF(font).height()
        painter.drawText(
            QRectF(inner.left(), words_y, text_width, line_height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        words_y += line_height * 1.15
    words_y += pad * 0.3
    hex_font = _font("", 11 * scale, mono=True)
    for line in card.fingerprint.hex_groups().splitlines():
        words_y += _draw_wrapped(
            painter, QRectF(inner.left(), words_y, text_width, inner.height()), line, hex_font
        )
    y = max(words_y, qr_rect.bottom()) + pad * 0.5

    painter.setPen(QPen(QColor("#1b4d2a"), max(1.0, rect.width() * 0.002)))
    painter.drawLine(int(inner.left()), int(y), int(inner.right()), int(y))
    painter.setPen(QColor("#000000"))
    y += pad * 0.4
    body = _font("", 11 * scale)
    for text in card.instructions():
        y += _draw_wrapped(
            painter, QRectF(inner.left(), y, inner.width(), rect.bottom() - y), text, body
        )
        y += pad * 0.25
    painter.restore()


def card_height_for(width: float) -> float:
    """The card's height for ``width`` (a fixed aspect ratio, close to A5 landscape)."""
    return width * 0.70


def card_pdf_bytes(card: KeyCard) -> bytes:
    """The card on an A4 page as PDF bytes (made in memory; the caller writes the file)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(_("Community key of {community}").format(community=card.community))
    writer.setCreator("TK Commons")
    painter = QPainter(writer)
    paint_on_page(painter, card)
    painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def paint_on_page(painter: QPainter, card: KeyCard) -> None:
    """The card at the top of a page (printer or PDF), full page width."""
    device = painter.device()
    width = float(device.width())
    paint_key_card(painter, QRectF(0, 0, width, card_height_for(width)), card)


class KeyCardPreview(QWidget):
    """The card as it will be printed, scaled to the widget's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card: KeyCard | None = None
        self.setAccessibleName(_("Key card preview"))
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(360)

    def set_card(self, card: KeyCard | None) -> None:
        self.card = card
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:  # Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # Qt's name
        return int(card_height_for(width))

    def sizeHint(self) -> QSize:  # Qt's name
        return QSize(520, int(card_height_for(520)))

    def paintEvent(self, _event) -> None:  # Qt's name
        if self.card is None:
            return
        painter = QPainter(self)
        width = float(self.width())
        height = min(float(self.height()), card_height_for(width))
        paint_key_card(painter, QRectF(0, 0, width, height), self.card)
        painter.end()


__all__ = [
    "INSTRUCTION",
    "KeyCard",
    "KeyCardPreview",
    "card_pdf_bytes",
    "draw_qr",
    "paint_key_card",
    "paint_on_page",
]
