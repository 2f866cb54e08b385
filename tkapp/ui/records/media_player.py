"""Audio and video playback straight from the encrypted catalogue, through memory only.

The bytes are read on the catalogue worker (``cat.open_media``) into a ``QByteArray`` and
handed to ``QMediaPlayer.setSourceDevice`` through a ``QBuffer``: the decrypted media never
becomes a file, not even a temporary one.

Size limit: the whole clip sits in memory while it plays, so clips larger than
:data:`MAX_PLAYBACK_BYTES` (512 MB) are refused with a plain message instead of exhausting an
old laptop's memory. A streaming ``QIODevice`` that fetched chunks on demand would lift the
limit, but QtMultimedia reads its source device from its own threads while the catalogue
connection must stay on the one worker thread, so every read would have to block on that
worker (and wait behind any long job running there); memory is the safer trade for now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Media, MediaKind
from tkapp.i18n import _
from tkapp.ui.records.entity_models import size_text
from tkapp.ui.records.media_source import MediaOp, MediaReader, MediaRunner

#: Largest clip played from memory (bytes).
MAX_PLAYBACK_BYTES = 512 * 1024 * 1024
_CHUNK = 1024 * 1024


class MediaTooLarge(Exception):
    """Internal: the stored clip turned out larger than the playback limit."""


def read_into_qbytearray(stream: Any, limit: int) -> QByteArray:
    """Read a binary stream in chunks into one ``QByteArray`` (runs on the worker).

    Building the ``QByteArray`` directly keeps a single copy of the clip in memory.
    """
    data = QByteArray()
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return data
        data.append(chunk)
        if data.size() > limit:
            raise MediaTooLarge()


def load_media_op(media_id: str, limit: int = MAX_PLAYBACK_BYTES) -> MediaOp[QByteArray]:
    """A worker op returning the stored media's bytes as a ``QByteArray``."""

    def op(cat: MediaReader) -> QByteArray:
        stream = cat.open_media(media_id)
        try:
            return read_into_qbytearray(stream, limit)
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    return op


def load_file_op(path: Path, limit: int = MAX_PLAYBACK_BYTES) -> MediaOp[QByteArray]:
    """A worker op reading a file the user picked but has not saved into the catalogue yet."""

    def op(_cat: MediaReader) -> QByteArray:
        with path.open("rb") as stream:
            return read_into_qbytearray(stream, limit)

    return op


def format_ms(ms: int) -> str:
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class MediaPlayerWidget(QWidget):
    """Plays one audio or video media item from memory, with play/pause and a position bar."""

    #: The clip is in memory and the player has loaded it.
    loaded = Signal()
    #: Loading failed; the message is already shown in the widget.
    failed = Signal(str)

    def __init__(self, runner: MediaRunner | None, parent: QWidget | None = None) -> None:
        """``runner`` reads stored media; None for a player given only clips in memory."""
        super().__init__(parent)
        self._runner = runner
        self._buffer: QBuffer | None = None
        self._media: Media | None = None
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.video = QVideoWidget(self)
        self.video.setMinimumHeight(240)
        self.video.hide()

        self.message = QLabel(_("Loading…"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)

        style = self.style()
        self.play_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), _("Play")
        )
        self.play_button.setEnabled(False)
        self.stop_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), _("Stop")
        )
        self.stop_button.setEnabled(False)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName(_("Position"))
        self.position.setEnabled(False)
        self.time_label = QLabel(format_ms(0))

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.position, 1)
        controls.addWidget(self.time_label)

        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        self._top = layout.count()
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(controls)
        layout.addStretch(1)

        self.play_button.clicked.connect(self.toggle_play)
        self.stop_button.clicked.connect(self.player.stop)
        self.position.sliderMoved.connect(self.player.setPosition)
        self.player.durationChanged.connect(self._on_duration)
        self.player.positionChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.errorOccurred.connect(self._on_error)

    # -- loading ---------------------------------------------------------------------------

    def load(
        self, media: Media, source_path: Path | None = None, *, data: bytes | None = None
    ) -> None:
        """Fetch the clip on the worker and start the player on it (not playing yet).

        ``data`` is a clip already in memory (a recording not saved yet): no worker needed.
        """
        self.unload()
        self._media = media
        if media.kind is MediaKind.VIDEO:
            self.player.setVideoOutput(self.video)
            self.video.show()
        if media.size > MAX_PLAYBACK_BYTES:
            self._refuse()
            return
        if data is not None:
            self._on_bytes(QByteArray(data))
            return
        if self._runner is None:
            raise ValueError("this player plays only clips held in memory")
        self.message.setText(_("Loading…"))
        op = load_file_op(source_path) if source_path else load_media_op(media.id)
        self._runner.run(op, self._on_bytes, self._on_load_error, context=self)

    def _refuse(self) -> None:
        text = _(
            "This recording is too large to play here (more than {limit}). It is kept safe "
            "in the catalogue."
        ).format(limit=size_text(MAX_PLAYBACK_BYTES))
        self.message.setText(text)
        self.failed.emit(text)

    def _on_bytes(self, data: QByteArray) -> None:
        media = self._media
        if media is None:
            return
        buffer = QBuffer(self)
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        # The URL only tells the backend the file name (its type); nothing is read from it.
        self.player.setSourceDevice(buffer, QUrl(media.file_name or "clip"))
        self.message.setText(media.caption or media.file_name)
        self.play_button.setEnabled(True)
        self.stop_button.setEnabled(True)
        self.position.setEnabled(True)

    def _on_load_error(self, exc: BaseException) -> None:
        if isinstance(exc, MediaTooLarge):
            self._refuse()
            return
        from tkapp.errors import TkError
        from tkapp.i18n.messages import describe_error

        text = (
            describe_error(exc)
            if isinstance(exc, TkError)
            else _("The recording could not be read.")
        )
        self.message.setText(text)
        self.failed.emit(text)

    def unload(self) -> None:
        """Stop and forget the clip (its bytes are freed with the buffer)."""
        # setSource(QUrl()) stops and drops the device in one step; stop() followed at once by
        # setSourceDevice(None) can deadlock Qt 6.12's FFmpeg backend while audio is playing.
        self.player.setSource(QUrl())
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer.deleteLater()
            self._buffer = None
        self.play_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.position.setEnabled(False)

    # -- controls --------------------------------------------------------------------------

    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def _on_duration(self, ms: int) -> None:
        self.position.setRange(0, max(0, ms))
        self._update_time()

    def _on_position(self, ms: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(ms)
        self._update_time()

    def _update_time(self) -> None:
        self.time_label.setText(
            _("{position} / {duration}").format(
                position=format_ms(self.player.position()),
                duration=format_ms(self.player.duration()),
            )
        )

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        style = self.style()
        if state == QMediaPlayer.PlaybackState.PlayingState:
            self.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause))
            self.play_button.setText(_("Pause"))
        else:
            self.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            self.play_button.setText(_("Play"))

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia:
            self.loaded.emit()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self.message.setText(_("This recording's format cannot be played here."))

    def _on_error(self, _error: QMediaPlayer.Error, _text: str) -> None:
        self.message.setText(_("This recording cannot be played here."))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.unload()
        super().closeEvent(event)
