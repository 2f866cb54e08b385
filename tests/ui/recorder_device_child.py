"""Record about a second from the default audio input into a catalogue record, through the
real microphone path (``MicrophoneSource`` → ``QAudioSource``), the recorder dialog and the
record editor. Run in its own process by ``test_audio_recorder_device.py`` so that Qt's audio
backend meets the test's private PulseAudio server (``PULSE_SERVER``) at its first use.

    python -m tests.ui.recorder_device_child CATALOGUE PASSPHRASE RECORD_ID

Prints ``stored <media id>`` on success; exits non-zero with the reason otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

RECORD_MS = 2000


def pump(ms: int) -> None:
    """Run the event loop for ``ms`` (not processEvents(flags, ms): in PySide6 6.12 it
    corrupts the refcount of None when called many times)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait(condition: Callable[[], Any], timeout_ms: int = 15_000) -> None:
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        if clock.elapsed() > timeout_ms:
            raise SystemExit("timed out waiting")
        pump(20)


def main(catalogue: Path, passphrase: str, record_id: str) -> None:
    from tkapp.services.catalogue import open_catalogue
    from tkapp.ui.common.worker import Runner
    from tkapp.ui.records.audio_recorder import MicrophoneSource
    from tkapp.ui.records.record_editor import RecordEditorDialog

    app = QApplication([])
    if not MicrophoneSource.available():
        raise SystemExit("Qt sees no audio input")
    runner = Runner()
    opened: list[Any] = []
    failed: list[BaseException] = []
    runner.open(lambda: open_catalogue(catalogue, passphrase), opened.append, failed.append)
    wait(lambda: opened or failed)
    if failed:
        raise SystemExit(f"could not open the catalogue: {failed[0]!r}")
    try:
        dialog = RecordEditorDialog(runner, record_id)
        dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        loaded: list[bool] = []
        dialog.loaded.connect(lambda: loaded.append(True))
        dialog.show()
        wait(lambda: loaded)
        media = dialog.media.media
        recorder = media.record_audio()
        wait(recorder.isVisible)
        recorder.consent_box.setChecked(True)
        recorder.start_button.click()
        if recorder.pages.currentIndex() != 1:
            raise SystemExit("the recorder did not start")
        clock = QElapsedTimer()
        clock.start()
        peak = 0
        while clock.elapsed() < RECORD_MS:
            pump(20)
            peak = max(peak, recorder.meter.value())
        recorder.stop_button.click()
        wait(lambda: recorder.pages.currentIndex() == 2)
        recorder.caption_edit.setText("tono de prueba")
        recorder.keep_button.click()
        saved: list[str] = []
        dialog.saved.connect(saved.append)
        dialog.save()
        wait(lambda: saved and not dialog._saving, 30_000)
        results: list[Any] = []
        runner.run(lambda cat: cat.list_media(record_id=record_id), results.append, failed.append)
        wait(lambda: results or failed)
        clips = [m for m in (results[0] if results else []) if m.caption == "tono de prueba"]
        if len(clips) != 1:
            raise SystemExit(f"the clip is not in the catalogue: {results} {failed}")
        print(f"meter {peak}")
        print(f"stored {clips[0].id}")
        dialog.reject()
    finally:
        runner.shutdown()
        app.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
