"""A window that shows one media item: photos with zoom, audio and video with a player.

Photos are decoded from bytes read on the catalogue worker (``QImage.loadFromData``), never
from a file. When the media shows or voices a person who has died, or carries a content
warning, the window first shows the warning and loads nothing until the custodian chooses
"Show anyway".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QImageReader,
    QKeySequence,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Media, MediaKind
from tkapp.errors import TkError
from tkapp.i18n import _, format_date, format_percent, names
from tkapp.i18n.messages import describe_error
from tkapp.ui.records.entity_models import size_text
from tkapp.ui.records.media_player import (
    MAX_PLAYBACK_BYTES,
    MediaPlayerWidget,
    MediaTooLarge,
    load_file_op,
    load_media_op,
)
from tkapp.ui.records.media_source import MediaOp, MediaReader, MediaRunner

#: Largest photo decoded for viewing (bytes); a 100-megapixel JPEG is far below this.
MAX_PHOTO_BYTES = 256 * 1024 * 1024


def decode_image_op(media_id: str | None, path: Path | None) -> MediaOp[QImage]:
    """A worker op: read a photo (stored or picked) and decode it to a ``QImage``.

    ``QImage`` may be built off the GUI thread; only ``QPixmap`` must wait for it.
    """
    loader = (
        load_file_op(path, MAX_PHOTO_BYTES)
        if path
        else load_media_op(str(media_id), MAX_PHOTO_BYTES)
    )

    def op(cat: MediaReader) -> QImage:
        return decode_image(loader(cat))

    return op


def decode_image(data: QByteArray, max_side: int = 0) -> QImage:
    """Decode image bytes held in memory, turned upright (camera EXIF orientation).

    With ``max_side`` the decoder scales while reading (cheap thumbnails from big JPEGs).
    """
    buffer = QBuffer()
    buffer.setData(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    if max_side:
        size = reader.size()
        if size.isValid() and max(size.width(), size.height()) > max_side:
            reader.setScaledSize(
                size.scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio)
            )
    image = reader.read()
    buffer.close()
    return image


class PhotoView(QGraphicsView):
    """A zoomable, pannable photo. Ctrl+wheel zooms; "fit" follows the window's size."""

    zoom_changed = Signal(float)

    MIN_ZOOM = 0.02
    MAX_ZOOM = 16.0
    STEP = 1.25

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.addItem(self._item)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self._fit = True

    def set_image(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        self._item.setPixmap(pixmap)
        self._scene.setSceneRect(QRectF(pixmap.rect()))
        self.fit()

    def has_image(self) -> bool:
        return not self._item.pixmap().isNull()

    def zoom(self) -> float:
        """The current scale (1.0 = one image pixel per screen pixel)."""
        return self.transform().m11()

    def is_fit(self) -> bool:
        return self._fit

    def set_zoom(self, factor: float) -> None:
        factor = max(self.MIN_ZOOM, min(self.MAX_ZOOM, factor))
        self._fit = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoom_changed.emit(self.zoom())

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * self.STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / self.STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        self._fit = True
        if self.has_image():
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_changed.emit(self.zoom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)


class ContentWarningCover(QWidget):
    """A covered panel saying why, with a "Show anyway" button."""

    revealed = Signal()

    def __init__(self, warning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setStyleSheet("ContentWarningCover { background: #2b2b2b; } QLabel { color: white; }")
        self.setObjectName("content_warning_cover")
        title = QLabel(_("Content warning"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.text = QLabel(warning)
        self.text.setWordWrap(True)
        self.show_button = QPushButton(_("Show anyway"))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, self.text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.show_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.show_button.clicked.connect(self.revealed.emit)


class MediaViewerDialog(QDialog):
    """Shows one media item. ``source_path`` is for a file picked but not saved yet,
    ``source_data`` for a recording made in the app and not saved yet (audio only)."""

    def __init__(
        self,
        runner: MediaRunner,
        media: Media,
        *,
        warning: str = "",
        source_path: Path | None = None,
        source_data: bytes | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.media = media
        self._source_path = source_path
        self._source_data = source_data  # a recording kept but not saved yet
        self.setWindowTitle(media.caption or media.file_name)
        self.resize(900, 640)
        self.setSizeGripEnabled(True)

        self.pages = QStackedWidget()
        self.cover = ContentWarningCover(warning)
        self.status = QLabel()
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.photo = PhotoView()
        self.player: MediaPlayerWidget | None = None
        for page in (self.cover, self.status, self.photo):
            self.pages.addWidget(page)

        # Zoom tools (photos only).
        self.zoom_out_button = QPushButton(_("Zoom out"))
        self.zoom_in_button = QPushButton(_("Zoom in"))
        self.fit_button = QPushButton(_("Fit to window"))
        self.actual_button = QPushButton(_("Actual size"))
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(60)
        self.zoom_tools = QWidget()
        tools = QHBoxLayout(self.zoom_tools)
        tools.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_button,
            self.actual_button,
        ):
            tools.addWidget(widget)
        tools.addWidget(self.zoom_label)
        tools.addStretch(1)
        self.zoom_tools.setVisible(False)
        self.zoom_in_button.clicked.connect(self.photo.zoom_in)
        self.zoom_out_button.clicked.connect(self.photo.zoom_out)
        self.fit_button.clicked.connect(self.photo.fit)
        self.actual_button.clicked.connect(self.photo.actual_size)
        self.photo.zoom_changed.connect(
            lambda z: self.zoom_label.setText(format_percent(round(z, 3)))
        )
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, self.photo.zoom_in)
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, self.photo.zoom_out)
        QShortcut(QKeySequence("Ctrl+0"), self, self.photo.fit)

        self.details = QLabel(self._details_text())
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.zoom_tools)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

        self.cover.revealed.connect(self._load)
        # Locking the catalogue (Ctrl+L or the idle timer) closes the viewer, so the decrypted
        # photo or clip does not stay on screen or in memory.
        runner.catalogue_changed.connect(self._on_catalogue_changed)
        if warning:
            self.pages.setCurrentWidget(self.cover)
        else:
            self._load()

    def _on_catalogue_changed(self, is_open: bool) -> None:
        if not is_open:
            self.photo.set_image(QImage())
            self.reject()

    def _details_text(self) -> str:
        m = self.media
        parts = [names.media_kind_name(m.kind), m.file_name]
        if m.size:
            parts.append(size_text(m.size))
        if m.creator:
            parts.append(_("by {creator}").format(creator=m.creator))
        if m.created:
            parts.append(format_date(m.created))
        line = " · ".join(parts)
        return f"{m.caption}\n{line}" if m.caption else line

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> None:
        kind = self.media.kind
        if kind is MediaKind.PHOTO:
            if self.media.size > MAX_PHOTO_BYTES:
                self._show_status(
                    _("This photo is too large to show here (more than {limit}).").format(
                        limit=size_text(MAX_PHOTO_BYTES)
                    )
                )
                return
            self._show_status(_("Loading…"))
            self._runner.run(
                decode_image_op(self.media.id, self._source_path),
                self._on_image,
                self._on_error,
                context=self,
            )
        elif kind in (MediaKind.AUDIO, MediaKind.VIDEO):
            if kind is MediaKind.AUDIO:
                self.resize(640, 300)  # nothing to look at: a compact window
            self.player = MediaPlayerWidget(self._runner)
            self.pages.addWidget(self.player)
            self.pages.setCurrentWidget(self.player)
            self.player.load(self.media, self._source_path, data=self._source_data)
        else:
            self._show_status(
                _("This document is kept safely inside the catalogue. It cannot be shown here yet.")
            )

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.pages.setCurrentWidget(self.status)

    def _on_image(self, image: QImage) -> None:
        if image.isNull():
            self._show_status(_("This photo's format cannot be shown here."))
            return
        self.pages.setCurrentWidget(self.photo)
        self.zoom_tools.setVisible(True)
        self.photo.set_image(image)

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, MediaTooLarge):
            self._show_status(
                _("This file is too large to show here (more than {limit}).").format(
                    limit=size_text(MAX_PLAYBACK_BYTES)
                )
            )
        elif isinstance(exc, TkError):
            self._show_status(describe_error(exc))
        else:
            self._show_status(_("This file could not be read."))

    def done(self, result: int) -> None:
        if self.player is not None:
            self.player.unload()
        super().done(result)
