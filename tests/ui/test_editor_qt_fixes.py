"""The emit() reference work-around keeps True alive however many signals are emitted."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import tkapp.ui.qt_fixes  # noqa: F401


class _Emitter(QObject):
    plain = Signal()
    number = Signal(float)
    payload = Signal(int, bool, object)


def test_emit_does_not_drain_true(qapp) -> None:
    emitter = _Emitter()
    emitter.number.connect(lambda _v: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(5000):
        emitter.plain.emit()
        emitter.number.emit(1.5)
        emitter.payload.emit(1, True, None)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert abs(after[0] - before[0]) < 50 and abs(after[1] - before[1]) < 50
