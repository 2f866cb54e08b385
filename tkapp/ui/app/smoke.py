"""Hooks that let a script check the desktop app without a person in front of it.

Used by the frozen-app tests (tests/packaging/test_frozen.py), which start the real
executable offscreen. Both hooks are off unless their environment variable is set:

- ``TKAPP_QUIT_AFTER_MS=N``: N milliseconds after the event loop starts, close every window and
  quit with exit status 0. The quit is repeated every 200 ms, so a modal dialog opened during
  start-up (its own nested event loop) cannot keep the app alive.
- ``TKAPP_SMOKE_REPORT=PATH``: just before quitting, write a small JSON report to PATH: the
  texts Qt gives its standard buttons (are Qt's own catalogues loaded and in the right
  language?), the Qt platform, the top-level windows, the application's language and the
  audio codecs Qt Multimedia can play. Nothing from the catalogue goes into it.
- ``TKAPP_SMOKE_SCREENSHOT=PATH.png``: at the same moment, save a picture of the main window
  (for the AppStream screenshots and for looking at the frozen app run headless). Use it
  only with demo data: the picture shows whatever the window shows.

Call :func:`install_quit_timer` once, after the ``QApplication`` exists and before ``exec()``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

QUIT_ENV = "TKAPP_QUIT_AFTER_MS"
REPORT_ENV = "TKAPP_SMOKE_REPORT"
SCREENSHOT_ENV = "TKAPP_SMOKE_SCREENSHOT"
_REPEAT_MS = 200

# Standard buttons whose text comes from Qt's own catalogue (qtbase_<lang>.qm).
_BUTTONS = {
    "ok": QDialogButtonBox.StandardButton.Ok,
    "cancel": QDialogButtonBox.StandardButton.Cancel,
    "save": QDialogButtonBox.StandardButton.Save,
    "close": QDialogButtonBox.StandardButton.Close,
    "yes": QDialogButtonBox.StandardButton.Yes,
    "no": QDialogButtonBox.StandardButton.No,
    "apply": QDialogButtonBox.StandardButton.Apply,
}


def standard_button_texts() -> dict[str, str]:
    """The texts of Qt's standard dialog buttons in the current Qt translation."""
    box = QDialogButtonBox()
    try:
        for flag in _BUTTONS.values():
            box.addButton(flag)
        return {name: box.button(flag).text().replace("&", "") for name, flag in _BUTTONS.items()}
    finally:
        box.deleteLater()


def audio_decoders() -> list[str]:
    """Audio codecs the Qt Multimedia backend can play (empty when no backend loaded).

    In the frozen app this proves the FFmpeg plugin and its libraries were bundled.
    """
    from PySide6.QtMultimedia import QMediaFormat

    codecs = QMediaFormat().supportedAudioCodecs(QMediaFormat.ConversionMode.Decode)
    return sorted(QMediaFormat.audioCodecName(codec) for codec in codecs)


def smoke_report(app: QApplication) -> dict[str, object]:
    """What the frozen-app test checks about a running GUI."""
    from tkapp.i18n import current_language

    return {
        "platform": QApplication.platformName(),
        "language": current_language(),
        "qt_locale": QLocale().name(),
        "buttons": standard_button_texts(),
        "windows": sorted(
            type(widget).__name__ for widget in app.topLevelWidgets() if widget.isVisible()
        ),
        "application_name": QCoreApplication.applicationName(),
        "audio_decoders": audio_decoders(),
    }


def _write_report(path: Path, report: dict[str, object]) -> None:
    from tkapp.atomicfile import atomic_write_bytes

    # Atomic like every file the app writes: a reader never sees half a report.
    text = json.dumps(report, ensure_ascii=False, indent=2)
    atomic_write_bytes(path, text.encode("utf-8"), mode=0o644)


def _save_screenshot(app: QApplication, path: Path) -> None:
    windows = [widget for widget in app.topLevelWidgets() if widget.isVisible()]
    if windows:
        main = max(windows, key=lambda widget: widget.width() * widget.height())
        main.grab().save(str(path))


def install_quit_timer(app: QApplication) -> QTimer | None:
    """Arm the quit (and report) hook when ``TKAPP_QUIT_AFTER_MS`` is set; else do nothing.

    Args:
        app: the running application.

    Returns:
        The timer (kept alive by ``app`` as its parent), or None when the hook is off.
    """
    raw = os.environ.get(QUIT_ENV, "").strip()
    if not raw:
        return None
    try:
        delay = max(0, int(raw))
    except ValueError:
        return None
    report_path = os.environ.get(REPORT_ENV)
    screenshot_path = os.environ.get(SCREENSHOT_ENV)
    timer = QTimer(app)
    timer.setSingleShot(False)
    state = {"reported": False, "shot": False}

    def quit_now() -> None:
        if report_path and not state["reported"]:
            state["reported"] = True
            _write_report(Path(report_path), smoke_report(app))
        if screenshot_path and not state["shot"]:
            state["shot"] = True
            _save_screenshot(app, Path(screenshot_path))
        timer.setInterval(_REPEAT_MS)
        app.closeAllWindows()
        app.quit()

    timer.timeout.connect(quit_now)
    timer.start(delay)
    return timer
