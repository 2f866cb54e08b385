"""The printable key card: the community key's fingerprint, to pin on the office wall.

A researcher compares the words their TK Commons shows for a bundle with the words on this
card (or read aloud from it) before trusting the community's key. One painter function draws
the card on any device: the on-screen preview, a printer, or a PDF (written atomically). The
QR code is drawn module by module as vector squares, so it stays sharp in print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPaintEvent,
    QPdfWriter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from tkapp.i18n import N_, _, current_language, normalise, translator
from tkapp.services.types import Fingerprint

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


def _font(size_pt: float, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont()  # the application's font: it has the glyphs of the UI language
    if mono:
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFamilies(["DejaVu Sans Mono", "Consolas", "Menlo", "monospace"])
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    return font


def _wrapped(painter: QPainter, rect: QRectF, text: str, font: QFont, draw: bool) -> float:
    """Word-wrapped text at the top of ``rect`` (drawn when ``draw``); returns its height."""
    painter.setFont(font)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
        Qt.TextFlag.TextWordWrap
    )
    bounds = painter.boundingRect(rect, flags, text)
    if draw:
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
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                # A hair of overlap so no white seams appear between modules when scaled.
                painter.drawRect(QRectF(left + x * unit, top + y * unit, unit + 0.3, unit + 0.3))
    painter.restore()


def paint_key_card(painter: QPainter, rect: QRectF, card: KeyCard) -> float:
    """Draw the whole card at the top of ``rect`` (any paint device; sizes follow the width).

    Returns:
        The card's height (as :func:`measure_key_card` gives it).
    """
    height = _layout(painter, rect, card, draw=False)
    card_rect = QRectF(rect.left(), rect.top(), rect.width(), height)
    painter.save()
    painter.fillRect(card_rect, QColor("#ffffff"))
    painter.setPen(QPen(QColor("#1b4d2a"), max(1.0, rect.width() * 0.006)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    radius = rect.width() * 0.02
    painter.drawRoundedRect(card_rect.adjusted(2, 2, -2, -2), radius, radius)
    painter.restore()
    _layout(painter, rect, card, draw=True)
    return height


def measure_key_card(width: float, card: KeyCard, device: QPaintDevice | None = None) -> float:
    """The height the card needs at ``width`` on ``device`` (default: a screen-like image)."""
    image = None
    if device is None:
        image = QImage(1, 1, QImage.Format.Format_ARGB32)
        device = image
    painter = QPainter(device)
    try:
        return _layout(painter, QRectF(0, 0, width, 1), card, draw=False)
    finally:
        painter.end()


def _layout(painter: QPainter, rect: QRectF, card: KeyCard, *, draw: bool) -> float:
    """Lay the card out from the top of ``rect``; draw it when ``draw``. Returns the height."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(QColor("#000000"))
    # Point sizes are scaled to the card's width, so the preview and the A4 page look alike.
    dpi = painter.device().logicalDpiY() or 96
    scale = rect.width() / (dpi * 7.5)  # a card 7.5 inches wide uses the nominal sizes
    pad = rect.width() * 0.05
    left, width = rect.left() + pad, rect.width() - 2 * pad
    tall = 10_000.0  # wrapping only needs the width

    y = rect.top() + pad
    # Translators: heading of the printed key card; {community} is the community's name.
    title = _("Community key of {community}").format(community=card.community)
    y += _wrapped(painter, QRectF(left, y, width, tall), title, _font(20 * scale, bold=True), draw)
    y += pad * 0.2
    subtitle = _("TK Commons · key {key_id}").format(key_id=card.key_id)
    y += _wrapped(painter, QRectF(left, y, width, tall), subtitle, _font(10 * scale), draw)
    y += pad * 0.5

    # The QR code on the right, the words and the hex groups on the left.
    qr_side = width * 0.36
    qr_rect = QRectF(left + width - qr_side, y, qr_side, qr_side)
    if draw:
        draw_qr(painter, qr_rect, card.fingerprint)
    text_width = width - qr_side - pad * 0.5
    words_font = _font(22 * scale, bold=True)
    metrics = QFontMetricsF(words_font, painter.device())
    words = card.fingerprint.words()
    lines = [" ".join(words[:5]), " ".join(words[5:])]
    # One size for both lines, shrunk if the longer line would not fit beside the QR code.
    widest = max(metrics.horizontalAdvance(text) for text in lines)
    font = QFont(words_font)
    if widest > text_width:
        font.setPointSizeF(words_font.pointSizeF() * text_width / widest * 0.98)
    painter.setFont(font)
    line_height = QFontMetricsF(font, painter.device()).height()
    words_y = y
    for text in lines:
        if draw:
            painter.drawText(
                QRectF(left, words_y, text_width, line_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        words_y += line_height * 1.15
    words_y += pad * 0.3
    hex_font = _font(11 * scale, mono=True)
    for line in card.fingerprint.hex_groups().splitlines():
        words_y += _wrapped(painter, QRectF(left, words_y, text_width, tall), line, hex_font, draw)
    y = max(words_y, qr_rect.bottom()) + pad * 0.5

    if draw:
        painter.setPen(QPen(QColor("#1b4d2a"), max(1.0, rect.width() * 0.002)))
        painter.drawLine(QPointF(left, y), QPointF(left + width, y))
        painter.setPen(QColor("#000000"))
    y += pad * 0.4
    body = _font(11 * scale)
    for text in card.instructions():
        y += _wrapped(painter, QRectF(left, y, width, tall), text, body, draw)
        y += pad * 0.25
    painter.restore()
    return y + pad * 0.75 - rect.top()


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
    paint_key_card(painter, QRectF(0, 0, float(device.width()), float(device.height())), card)


class KeyCardPreview(QWidget):
    """The card as it will be printed, scaled to the widget's width.

    The card's height depends on its width (the text wraps), so the widget sets its own
    minimum height whenever its width changes, rather than relying on height-for-width, which
    Qt's nested layouts and scroll areas only partly honour.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card: KeyCard | None = None
        self.setAccessibleName(_("Key card preview"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(360)

    def set_card(self, card: KeyCard | None) -> None:
        self.card = card
        self._fit_height()
        self.update()

    def _fit_height(self) -> None:
        height = int(measure_key_card(float(self.width()), self.card)) + 1 if self.card else 0
        if height != self.height() or height != self.minimumHeight():
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:  # Qt's name
        width = max(self.width(), 520)
        height = int(measure_key_card(float(width), self.card)) + 1 if self.card else 0
        return QSize(520, height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        super().resizeEvent(event)
        self._fit_height()

    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt's name
        if self.card is None:
            return
        painter = QPainter(self)
        paint_key_card(painter, QRectF(0, 0, float(self.width()), float(self.height())), self.card)
        painter.end()


__all__ = [
    "INSTRUCTION",
    "KeyCard",
    "KeyCardPreview",
    "card_pdf_bytes",
    "draw_qr",
    "measure_key_card",
    "paint_key_card",
    "paint_on_page",
]
