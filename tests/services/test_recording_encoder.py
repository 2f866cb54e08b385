"""The in-app recorder's encoder: PCM in, a playable Opus or FLAC file out, all in memory."""

from __future__ import annotations

import io
import math
import struct

import pytest
import soundfile

from tkapp.services.recording import (
    EmptyRecording,
    RecordingEncoder,
    format_for_rate,
    peak_level,
)


def tone(rate: int, seconds: float, amplitude: int = 8000, channels: int = 1) -> bytes:
    frames = int(rate * seconds)
    samples = []
    for i in range(frames):
        value = int(amplitude * math.sin(2 * math.pi * 440 * i / rate))
        samples.extend([value] * channels)
    return struct.pack(f"<{len(samples)}h", *samples)


def test_opus_at_48k_in_odd_sized_chunks() -> None:
    pcm = tone(48_000, 1.0)
    encoder = RecordingEncoder(48_000, 1)
    for start in range(0, len(pcm), 3001):  # odd sizes split frames in the middle
        encoder.write(pcm[start : start + 3001])
    audio = encoder.finish()
    assert (audio.mime_type, audio.extension) == ("audio/ogg", "opus")
    assert audio.data.startswith(b"OggS") and b"OpusHead" in audio.data[:100]
    assert audio.duration_ms == 1000
    # Compact: a tenth of the raw PCM or less.
    assert len(audio.data) < len(pcm) / 10
    decoded, rate = soundfile.read(io.BytesIO(audio.data), dtype="int16")
    assert rate == 48_000
    assert abs(len(decoded) - 48_000) < 1000


def test_flac_fallback_is_lossless_at_44k_stereo() -> None:
    pcm = tone(44_100, 0.5, channels=2)
    encoder = RecordingEncoder(44_100, 2)
    encoder.write(pcm)
    audio = encoder.finish()
    assert (audio.mime_type, audio.extension) == ("audio/flac", "flac")
    decoded, rate = soundfile.read(io.BytesIO(audio.data), dtype="int16")
    assert rate == 44_100
    assert decoded.tobytes() == pcm


def test_nothing_recorded_is_an_empty_recording() -> None:
    encoder = RecordingEncoder(48_000, 1)
    encoder.write(b"\x01")  # half a frame: no sound yet
    with pytest.raises(EmptyRecording):
        encoder.finish()


def test_discard_forgets_and_refuses_more() -> None:
    encoder = RecordingEncoder(16_000, 1)
    encoder.write(tone(16_000, 0.1))
    encoder.discard()
    with pytest.raises(RuntimeError):
        encoder.write(b"\0\0")


def test_format_choice_and_level() -> None:
    assert format_for_rate(24_000)[0] == "OGG"
    assert format_for_rate(22_050)[0] == "FLAC"
    assert peak_level(b"") == 0.0
    assert peak_level(struct.pack("<3h", 0, -16384, 100)) == 0.5
    assert peak_level(struct.pack("<h", -32768)) == 1.0
