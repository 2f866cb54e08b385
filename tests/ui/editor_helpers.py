"""Helpers for the record editor, media and section tests (plain functions, no fixtures)."""

from __future__ import annotations

import hashlib
import math
import struct
import wave
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QMessageBox


def make_png(path: Path, text: str = "PHOTO", size: tuple[int, int] = (320, 240)) -> Path:
    """A small real PNG, as a camera file the custodian picks."""
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor("#3c7a3c"))
    painter = QPainter(image)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPixelSize(28)
    painter.setFont(font)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.drawEllipse(20, 20, 60, 60)
    painter.end()
    assert image.save(str(path), "PNG")
    return path


def make_wav(path: Path, seconds: float = 0.4, rate: int = 8000) -> Path:
    """A short real WAV clip (a 440 Hz tone), as a recorder's file."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(rate)
        clip.writeframes(frames)
    return path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def call(runner: Any, qtbot: Any, op: Any, timeout: int = 10_000) -> Any:
    """Run ``op(cat)`` on the runner's worker and wait for its result (re-raising errors)."""
    results: list[Any] = []
    errors: list[BaseException] = []
    runner.run(op, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=timeout)
    if errors:
        raise errors[0]
    return results[0]


def read_media(runner: Any, qtbot: Any, media_id: str) -> bytes:
    def op(cat: Any) -> bytes:
        stream = cat.open_media(media_id)
        try:
            return stream.read()
        finally:
            stream.close()

    return call(runner, qtbot, op)


def open_editor(runner: Any, qtbot: Any, record_id: str | None) -> Any:
    """A real record editor, shown and loaded."""
    from tkapp.ui.records.record_editor import RecordEditorDialog

    dialog = RecordEditorDialog(runner, record_id)
    # A test that fails half-way must not hang on the unsaved-changes question when
    # pytest-qt closes the window: answer "Discard" unless the test says otherwise.
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    assert not dialog.has_unsaved_changes()
    return dialog


def save_and_wait(dialog: Any, qtbot: Any, timeout: int = 20_000) -> str:
    """Click Save and wait until the record (and its media) are stored."""
    with qtbot.waitSignal(dialog.saved, timeout=timeout) as blocker:
        assert dialog.save()
    qtbot.waitUntil(lambda: not dialog._saving, timeout=timeout)
    return blocker.args[0]
