"""A generated sound source for the in-app recorder (the test machines have no microphone)."""

from __future__ import annotations

import hashlib
import math
import struct

from PySide6.QtCore import QTimer

from tkapp.ui.records.audio_recorder import PcmSource

RATE = 48_000
CHUNK_MS = 20


def generated_pcm(frames: int, start: int = 0) -> bytes:
    """A voice-like tone plus a deterministic noise pattern: every chunk's bytes are unique,
    so a slice of them found on disk would prove a leak of the raw sound."""
    out = bytearray()
    for i in range(start, start + frames):
        noise = hashlib.blake2b(i.to_bytes(8, "little"), digest_size=2).digest()
        jitter = int.from_bytes(noise, "little", signed=True) // 16
        value = int(9000 * math.sin(2 * math.pi * 220 * i / RATE)) + jitter
        out += struct.pack("<h", max(-32768, min(32767, value)))
    return bytes(out)


class GeneratedSource(PcmSource):
    """Pushes generated PCM in real time, like a microphone; keeps what it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sample_rate = RATE
        self.channels = 1
        self.sent = bytearray()
        self.started = False
        self._frame = 0
        self._timer = QTimer(self)
        self._timer.setInterval(CHUNK_MS)
        self._timer.timeout.connect(self._push)

    def _push(self) -> None:
        frames = RATE * CHUNK_MS // 1000
        pcm = generated_pcm(frames, self._frame)
        self._frame += frames
        self.sent += pcm
        self.chunk.emit(pcm)

    def start(self) -> None:
        self.started = True
        self._timer.start()

    def suspend(self) -> None:
        self._timer.stop()

    def resume(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
