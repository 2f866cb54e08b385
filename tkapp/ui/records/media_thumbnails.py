"""The pictures of a media list: decoded photo thumbnails, plain cards for other kinds, and
the covered (blurred, darkened, warning sign) picture of media with a warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

from tkapp.core.model import MediaKind
from tkapp.i18n import _, names
from tkapp.ui.records.media_entries import MediaEntry
from tkapp.ui.records.media_player import load_file_op, load_media_op
from tkapp.ui.records.media_viewer import MAX_PHOTO_BYTES, decode_image

THUMB = 128
#: Photos larger than this get a plain placeholder instead of a decoded thumbnail.
MAX_THUMBNAIL_SOURCE = 64 * 1024 * 1024

_KIND_COLOURS = {
    MediaKind.PHOTO: "#4a6d8c",
    MediaKind.AUDIO: "#6d4a8c",
    MediaKind.VIDEO: "#8c4a4a",
    MediaKind.DOCUMENT: "#5a6b4a",
}


def placeholder_image(kind: MediaKind, size: int = THUMB) -> QImage:
    """A plain card with the media kind written on it (audio, documents, big photos)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(_KIND_COLOURS.get(kind, "#666")))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPixelSize(size // 7)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, names.media_kind_name(kind)
    )
    painter.end()
    return image


def covered_image(source: QImage | None, kind: MediaKind, size: int = THUMB) -> QImage:
    """The thumbnail blurred and darkened, with a warning sign: nothing recognisable shows."""
    base = source if source is not None and not source.isNull() else placeholder_image(kind, size)
    square = base.scaled(
        size,
        size,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    # Down to a few pixels and back up: a strong blur without a filter library.
    tiny = square.scaled(
        6, 6, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    image = tiny.scaled(
        size, size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 150))
    triangle = QPainterPath()
    s = size
    triangle.moveTo(s * 0.5, s * 0.18)
    triangle.lineTo(s * 0.78, s * 0.62)
    triangle.lineTo(s * 0.22, s * 0.62)
    triangle.closeSubpath()
    painter.setPen(QPen(QColor("#ffcc33"), max(2, s // 32)))
    painter.drawPath(triangle)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(s // 5)
    painter.setFont(font)
    painter.drawText(QRect(0, int(s * 0.26), s, int(s * 0.34)), Qt.AlignmentFlag.AlignCenter, "!")
    font.setPixelSize(max(9, s // 10))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(
        QRect(2, int(s * 0.66), s - 4, int(s * 0.32)),
        Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
        _("Content warning"),
    )
    painter.end()
    return image


def thumbnail_op(entry: MediaEntry) -> Callable[[Any], QImage]:
    """A worker op: the photo's thumbnail (decoded at reduced size, in memory)."""
    media = entry.media
    path = entry.source_path
    loader = (
        load_file_op(path, MAX_PHOTO_BYTES) if path else load_media_op(media.id, MAX_PHOTO_BYTES)
    )

    def op(cat: Any) -> QImage:
        return decode_image(loader(cat), THUMB)

    return op
