"""Record an elder's voice straight into the catalogue: consent first, then record, then keep.

The sound never becomes a plaintext file. A :class:`PcmSource` delivers raw 16-bit PCM in
memory (the microphone through ``QAudioSource`` in pull mode, reading the ``QIODevice`` it
returns); :class:`~tkapp.services.recording.RecordingEncoder` encodes each chunk into an
in-memory Ogg Opus (or FLAC) stream; "Keep" hands the bytes to the media list, which stores
them in the encrypted catalogue when the record is saved. ``QMediaRecorder`` is not used
because it can only write to a file or URL.

The source is an interface so that tests (and machines without a microphone) can feed
generated sound through exactly the same dialog, encoder and store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QIODevice, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Media, MediaKind, Person
from tkapp.i18n import _
from tkapp.services.recording import (
    PREFERRED_RATE,
    EmptyRecording,
    EncodedAudio,
    RecordingEncoder,
    peak_level,
)
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.media_player import MediaPlayerWidget, format_ms
from tkapp.ui.records.record_editor_widgets import heading, hint

if TYPE_CHECKING:  # QtMultimedia loads only when a recording starts
    from PySide6.QtMultimedia import QAudioSource


class PcmSource(QObject):
    """Where recorded sound comes from: signed 16-bit little-endian PCM, pushed as it arrives.

    ``sample_rate`` and ``channels`` are known once :meth:`start` returned without error.
    """

    #: A chunk of PCM (bytes).
    chunk = Signal(bytes)
    #: The source stopped working (the message is for people).
    failed = Signal(str)

    sample_rate: int = PREFERRED_RATE
    channels: int = 1

    def start(self) -> None:
        raise NotImplementedError

    def suspend(self) -> None:
        raise NotImplementedError

    def resume(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class MicrophoneSource(PcmSource):
    """The computer's default microphone, read through ``QAudioSource`` into memory."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: QAudioSource | None = None
        self._device: QIODevice | None = None

    @staticmethod
    def available() -> bool:
        from PySide6.QtMultimedia import QMediaDevices

        return bool(QMediaDevices.audioInputs())

    def start(self) -> None:
        from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices

        device = QMediaDevices.defaultAudioInput()
        if device.isNull():
            raise OSError("no microphone")
        wanted = QAudioFormat()
        wanted.setSampleRate(PREFERRED_RATE)
        wanted.setChannelCount(1)
        wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(wanted):
            # Keep the device's own rate (the encoder picks FLAC for rates Opus cannot take),
            # but always 16-bit and at most two channels.
            preferred = device.preferredFormat()
            wanted.setSampleRate(preferred.sampleRate())
            wanted.setChannelCount(min(2, max(1, preferred.channelCount())))
        self.sample_rate = wanted.sampleRate()
        self.channels = wanted.channelCount()
        self._source = QAudioSource(device, wanted, self)
        self._device = self._source.start()  # pull mode: a QIODevice in memory
        if self._device is None:
            raise OSError("the microphone could not be opened")
        self._device.readyRead.connect(self._read)

    def _read(self) -> None:
        if self._device is not None:
            data = bytes(self._device.readAll().data())
            if data:
                self.chunk.emit(data)

    def suspend(self) -> None:
        if self._source is not None:
            self._read()
            self._source.suspend()

    def resume(self) -> None:
        if self._source is not None:
            self._source.resume()

    def stop(self) -> None:
        if self._source is not None:
            self._read()
            self._source.stop()
            self._source.deleteLater()
        self._source = None
        self._device = None


class LevelMeter(QProgressBar):
    """How loud the sound is right now (0–100), for checking the microphone hears the voice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 100)
        self.setTextVisible(False)
        self.setMinimumHeight(22)
        self.setAccessibleName(_("Sound level"))

    def show_level(self, level: float) -> None:
        self.setValue(round(100 * max(0.0, min(1.0, level))))


class RecorderDialog(QDialog):
    """Three steps: the speaker's consent, recording (level, pause, stop), keep or discard.

    After ``accept()``, :attr:`recording` holds the encoded audio and :meth:`media` the
    description to store it under.
    """

    def __init__(
        self,
        people: Sequence[Person],
        *,
        speaker_ids: Sequence[str] = (),
        source_factory: Callable[[], PcmSource] | None = None,
        runner: Runner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record audio"))
        self.setMinimumWidth(560)
        self._source_factory = source_factory or MicrophoneSource
        self._source: PcmSource | None = None
        self._encoder: RecordingEncoder | None = None
        self._elapsed_ms = 0
        self._clock = QElapsedTimer()
        self._paused = False
        self.recording: EncodedAudio | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(self._consent_page(people, speaker_ids))
        self.pages.addWidget(self._record_page())
        self.pages.addWidget(self._review_page(runner))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        self._tick = QTimer(self)
        self._tick.setInterval(200)
        self._tick.timeout.connect(self._show_time)
        if runner is not None:
            # Locking the catalogue closes the recorder and throws the unsaved sound away.
            runner.catalogue_changed.connect(self._on_catalogue_changed)

    def _on_catalogue_changed(self, is_open: bool) -> None:
        if not is_open and self.isVisible():
            self.reject()

    # -- pages -----------------------------------------------------------------------------

    def _consent_page(self, people: Sequence[Person], speaker_ids: Sequence[str]) -> QWidget:
        page = QWidget()
        self.speaker_combo = QComboBox()
        self.speaker_combo.setAccessibleName(_("Who will speak"))
        first = [p for p in people if p.id in speaker_ids]
        others = sorted((p for p in people if p.id not in speaker_ids), key=lambda p: p.name)
        for person in [*first, *others]:
            self.speaker_combo.addItem(person.name, person.id)
        self.speaker_combo.addItem(_("Someone not in the list"), "")
        self.consent_box = QCheckBox(
            _(
                "The person agreed to be recorded, and to the recording being kept in this "
                "catalogue and shared only as this record's access level allows."
            )
        )
        self.consent_box.setAccessibleName(_("The person agreed to be recorded"))
        self.consent_box.setStyleSheet("QCheckBox { spacing: 8px; }")
        consent_text = QLabel(self.consent_box.text())
        consent_text.setWordWrap(True)
        consent_text.setBuddy(self.consent_box)
        self.consent_box.setText("")
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent_box, 0, Qt.AlignmentFlag.AlignTop)
        consent_row.addWidget(consent_text, 1)
        consent_text.mousePressEvent = lambda _e: self.consent_box.toggle()  # type: ignore[method-assign]

        self.start_button = QPushButton(_("Start recording"))
        self.start_button.setEnabled(False)
        self.start_button.setDefault(True)
        cancel = QPushButton(_("Cancel"))
        self.consent_box.toggled.connect(self.start_button.setEnabled)
        self.start_button.clicked.connect(self.start_recording)
        cancel.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Who will speak"), self.speaker_combo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(page)
        layout.addWidget(heading(_("Before you record: ask for consent")))
        layout.addWidget(
            hint(
                _(
                    "Ask the person, in their own language, whether they agree to be recorded. "
                    "Tell them the recording stays locked in this catalogue and who may hear it. "
                    "If they say no, do not record."
                )
            )
        )
        layout.addLayout(form)
        layout.addLayout(consent_row)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _record_page(self) -> QWidget:
        page = QWidget()
        self.state_label = QLabel(_("Recording…"))
        font = self.state_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.state_label.setFont(font)
        self.time_label = QLabel(format_ms(0))
        self.time_label.setFont(font)
        self.time_label.setAccessibleName(_("Recording time"))
        self.meter = LevelMeter()
        self.pause_button = QPushButton(_("Pause"))
        self.stop_button = QPushButton(_("Stop"))
        self.stop_button.setDefault(True)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop_recording)

        top = QHBoxLayout()
        top.addWidget(self.state_label)
        top.addStretch(1)
        top.addWidget(self.time_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        level_label = QLabel(_("Sound level"))
        level_label.setBuddy(self.meter)
        layout.addWidget(level_label)
        layout.addWidget(self.meter)
        layout.addWidget(
            hint(
                _(
                    "The bar should move when the person speaks. The sound goes straight into "
                    "the locked catalogue; nothing is saved as a separate file."
                )
            )
        )
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _review_page(self, runner: Runner | None) -> QWidget:
        page = QWidget()
        self.review_label = QLabel()
        self.review_label.setWordWrap(True)
        self.player = MediaPlayerWidget(runner)
        self.caption_edit = QLineEdit()
        self.caption_edit.setAccessibleName(_("Caption"))
        self.caption_edit.setPlaceholderText(_("e.g. How to prepare the remedy, told by…"))
        self.keep_button = QPushButton(_("Keep recording"))
        self.keep_button.setDefault(True)
        self.discard_button = QPushButton(_("Discard"))
        self.keep_button.clicked.connect(self.keep)
        self.discard_button.clicked.connect(self.discard)
        form = QFormLayout()
        form.addRow(_("Caption"), self.caption_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(page)
        layout.addWidget(heading(_("Listen, then keep or discard")))
        layout.addWidget(self.review_label)
        layout.addWidget(self.player)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                _(
                    "Kept recordings are stored in the catalogue when you save the record. "
                    "Discarded ones are gone for good."
                )
            )
        )
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # -- recording -------------------------------------------------------------------------

    def speaker_id(self) -> str:
        return str(self.speaker_combo.currentData() or "")

    def start_recording(self) -> None:
        if not self.consent_box.isChecked():
            return
        source = self._source_factory()
        try:
            source.start()
            self._encoder = RecordingEncoder(source.sample_rate, source.channels)
        except (OSError, ValueError, RuntimeError, ImportError):
            source.stop()
            self.state_label.setText(
                _("No microphone could be opened. Check that one is plugged in and allowed.")
            )
            self.pause_button.setEnabled(False)
            self.stop_button.setEnabled(False)
            self.pages.setCurrentIndex(1)
            return
        source.setParent(self)
        source.chunk.connect(self._on_chunk)
        source.failed.connect(self._on_source_failed)
        self._source = source
        self._elapsed_ms = 0
        self._paused = False
        self._clock.start()
        self._tick.start()
        self.pages.setCurrentIndex(1)
        self.stop_button.setFocus()

    def _on_chunk(self, pcm: bytes) -> None:
        if self._encoder is None or self._paused:
            return
        self._encoder.write(pcm)
        self.meter.show_level(peak_level(pcm))

    def _on_source_failed(self, message: str) -> None:
        self.state_label.setText(message)
        self.stop_recording()

    def _show_time(self) -> None:
        running = 0 if self._paused else self._clock.elapsed()
        self.time_label.setText(format_ms(self._elapsed_ms + running))

    def toggle_pause(self) -> None:
        if self._source is None:
            return
        if self._paused:
            self._source.resume()
            self._paused = False
            self._clock.restart()
            self.pause_button.setText(_("Pause"))
            self.state_label.setText(_("Recording…"))
        else:
            self._source.suspend()
            self._elapsed_ms += self._clock.elapsed()
            self._paused = True
            self.meter.show_level(0.0)
            self.pause_button.setText(_("Continue"))
            self.state_label.setText(_("Paused"))

    def is_paused(self) -> bool:
        return self._paused

    def stop_recording(self) -> None:
        self._tick.stop()
        if self._source is not None:
            self._source.stop()
            self._source = None
        encoder, self._encoder = self._encoder, None
        if encoder is None:
            return
        try:
            self.recording = encoder.finish()
        except EmptyRecording:
            self.recording = None
            self.state_label.setText(_("Nothing was recorded. Check the microphone."))
            self.pages.setCurrentIndex(0)
            return
        self.review_label.setText(
            _("Recorded {duration}.").format(duration=format_ms(self.recording.duration_ms))
        )
        self.pages.setCurrentIndex(2)
        self.player.load(self.media(), data=self.recording.data)
        self.keep_button.setFocus()

    def keep(self) -> None:
        self.player.unload()
        self.accept()

    def discard(self) -> None:
        self.player.unload()
        self.recording = None
        self.reject()

    def media(self) -> Media:
        """The description the kept recording is stored under."""
        from datetime import date

        recording = self.recording
        assert recording is not None
        today = date.today()
        speaker = self.speaker_id()
        return Media(
            kind=MediaKind.AUDIO,
            mime_type=recording.mime_type,
            file_name=_("recording-{date}.{ext}").format(
                date=today.isoformat(), ext=recording.extension
            ),
            size=len(recording.data),
            caption=self.caption_edit.text().strip(),
            created=today,
            person_ids=[speaker] if speaker else [],
        )

    def reject(self) -> None:
        # Closing mid-recording (Escape, the window's X, a lock) throws the sound away.
        self._tick.stop()
        if self._source is not None:
            self._source.stop()
            self._source = None
        if self._encoder is not None:
            self._encoder.discard()
            self._encoder = None
        self.player.unload()
        self.recording = None
        super().reject()
