"""Application-wide idle detection for the auto-lock.

An event filter on the QApplication notes the time of every keyboard, mouse, wheel or touch
event in any window of the app. Restarting a QTimer on every mouse move would be wasteful, so
we only store a timestamp and let one single-shot timer re-arm itself for the remaining time.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits :attr:`idle` once when no user input arrived for ``timeout_ms``."""

    idle = Signal()

    def __init__(self, timeout_ms: int = 10 * 60 * 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timeout_ms = max(0, int(timeout_ms))
        self._last = time.monotonic()
        self._active = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def timeout_ms(self) -> int:
        return self._timeout_ms

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """Change the idle time; 0 turns the auto-lock off."""
        self._timeout_ms = max(0, int(timeout_ms))
        if self._active:
            self.start()

    def start(self) -> None:
        """Begin watching (a catalogue was unlocked)."""
        self._active = self._timeout_ms > 0
        self._last = time.monotonic()
        if self._active:
            self._timer.start(self._timeout_ms)
        else:
            self._timer.stop()

    def stop(self) -> None:
        """Stop watching (the catalogue is locked or closed)."""
        self._active = False
        self._timer.stop()

    def is_active(self) -> bool:
        return self._active

    def poke(self) -> None:
        """Count as user activity (also used for long jobs that should not be locked out)."""
        self._last = time.monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _ACTIVITY:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        if not self._active:
            return
        idle_ms = (time.monotonic() - self._last) * 1000.0
        remaining = self._timeout_ms - idle_ms
        if remaining > 5:
            self._timer.start(int(remaining) + 1)
            return
        self._active = False
        self.idle.emit()

    def detach(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.stop()
