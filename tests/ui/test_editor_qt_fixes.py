"""The PySide6 emit() reference defect cannot bring the app down (tkapp.ui.common.qt_fixes)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from tkapp.ui.common import qt_fixes


class _Emitter(QObject):
    plain = Signal()
    number = Signal(float)
    payload = Signal(int, bool, object)
    relay = Signal()


def test_true_keeps_a_reserve_when_emit_loses_references(qapp) -> None:
    if qt_fixes.emit_loses_references():
        assert qt_fixes._installed
        assert sys.getrefcount(True) > qt_fixes.RESERVE // 2
        assert sys.getrefcount(False) > qt_fixes.RESERVE // 2
        assert sys.getrefcount(None) > qt_fixes.RESERVE // 2


def test_many_emits_and_signal_relays_still_work(qapp) -> None:
    emitter = _Emitter()
    seen: list[int] = []
    emitter.relay.connect(lambda: seen.append(1))
    emitter.plain.connect(emitter.relay.emit)  # signal-to-signal keeps working
    for _ in range(5000):
        emitter.plain.emit()
        emitter.number.emit(1.5)
        emitter.payload.emit(1, True, None)
    assert len(seen) == 5000
    assert sys.getrefcount(True) > 1000
