"""Turn sound recorded in the app into a compact audio file, in memory only.

The recorder hands over raw 16-bit PCM as it arrives from the microphone; this module encodes
it chunk by chunk into an in-memory ``BytesIO`` with libsndfile (through ``soundfile``, whose
wheels bundle libsndfile on Windows, macOS and Linux). Nothing is written to a file: the
encoded bytes go from memory into the encrypted catalogue.

Format: **Ogg Opus** whenever the microphone runs at a rate Opus accepts (48 kHz is asked for,
and almost every device gives it). Opus is made for speech: an elder's hour-long explanation
takes about 10 MB at the quality used here instead of ~300 MB of WAV or ~150 MB of FLAC, which
matters on small laptops, in backups and in bundles sent over village connections, and every
current player (including Qt's) plays it. **FLAC** (lossless, about half of WAV) is the
fallback for devices that only record at other rates (e.g. 44.1 kHz), because Opus cannot
take them without resampling.
"""

from __future__ import annotations

import io
from array import array
from dataclasses import dataclass
from typing import Any

#: The rate the recorder asks the microphone for.
PREFERRED_RATE = 48_000
#: Sample rates Ogg Opus accepts as they are.
OPUS_RATES = frozenset({8_000, 12_000, 16_000, 24_000, 48_000})
#: Bytes per sample: the recorder always delivers signed 16-bit little-endian PCM.
SAMPLE_BYTES = 2


@dataclass(frozen=True)
class EncodedAudio:
    """A finished recording, encoded, in memory."""

    data: bytes
    mime_type: str
    extension: str  # without the dot
    duration_ms: int


class EmptyRecording(ValueError):
    """Internal: stop was pressed before any sound arrived."""


def format_for_rate(sample_rate: int) -> tuple[str, str, str, str]:
    """(libsndfile format, subtype, MIME type, file extension) for a microphone rate."""
    if sample_rate in OPUS_RATES:
        return "OGG", "OPUS", "audio/ogg", "opus"
    return "FLAC", "PCM_16", "audio/flac", "flac"


def peak_level(pcm: bytes) -> float:
    """The loudest sample of a chunk of 16-bit PCM, from 0.0 (silence) to 1.0 (full scale)."""
    usable = len(pcm) - len(pcm) % SAMPLE_BYTES
    if usable <= 0:
        return 0.0
    samples = array("h")
    samples.frombytes(pcm[:usable])
    # array("h") is native-endian; every platform we ship on is little-endian, as is the PCM.
    loudest = max(*samples, -min(samples))
    return min(1.0, loudest / 32768.0)


class RecordingEncoder:
    """Encodes 16-bit PCM chunks as they arrive; :meth:`finish` returns the file's bytes."""

    def __init__(self, sample_rate: int, channels: int) -> None:
        import soundfile  # imported late: numpy and libsndfile load only when recording

        if sample_rate <= 0 or channels not in (1, 2):
            raise ValueError("unsupported audio format")
        self.sample_rate = sample_rate
        self.channels = channels
        fmt, subtype, self.mime_type, self.extension = format_for_rate(sample_rate)
        self._buffer = io.BytesIO()
        self._frame_bytes = SAMPLE_BYTES * channels
        self._rest = b""  # an incomplete frame left over from the last chunk
        self._frames = 0
        self._file: Any = soundfile.SoundFile(
            self._buffer,
            mode="w",
            samplerate=sample_rate,
            channels=channels,
            format=fmt,
            subtype=subtype,
        )

    @property
    def duration_ms(self) -> int:
        return self._frames * 1000 // self.sample_rate

    def write(self, pcm: bytes) -> None:
        """Add raw PCM (any length; an incomplete frame waits for the next chunk)."""
        if self._file is None:
            raise RuntimeError("the recording is already finished")
        data = self._rest + pcm
        usable = len(data) - len(data) % self._frame_bytes
        self._rest = data[usable:]
        if usable:
            self._file.buffer_write(data[:usable], dtype="int16")
            self._frames += usable // self._frame_bytes

    def finish(self) -> EncodedAudio:
        """Close the stream and return the encoded file (raises EmptyRecording when silent)."""
        if self._file is None:
            raise RuntimeError("the recording is already finished")
        frames = self._frames
        self._file.close()
        self._file = None
        data = self._buffer.getvalue()
        self._buffer = io.BytesIO()
        if frames == 0:
            raise EmptyRecording()
        return EncodedAudio(
            data=data,
            mime_type=self.mime_type,
            extension=self.extension,
            duration_ms=frames * 1000 // self.sample_rate,
        )

    def discard(self) -> None:
        """Drop everything recorded so far."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._buffer = io.BytesIO()
        self._rest = b""
