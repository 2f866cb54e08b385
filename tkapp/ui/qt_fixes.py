"""Work-arounds for defects of the installed Qt binding, installed once on import.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every ``emit`` from Python lowers the reference count of ``True`` by one.
After a few thousand emits (a long session; the serial worker emits for every catalogue call)
the count reaches zero and the interpreter aborts with "Fatal Python error: bool_dealloc".
Python 3.12 made ``True`` immortal, which hides the defect there.

The fix is detected, not assumed: one emit on a private signal is measured, and ``emit`` is
wrapped only if the count drops, so a fixed binding is left alone.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_installed = False


class _Probe(QObject):
    ping = Signal()


def _references_lost_by_emit() -> int:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    return max(0, before - sys.getrefcount(True))


def install() -> bool:
    """Install the work-around if this binding needs it; returns True when installed."""
    global _installed
    if _installed:
        return True
    lost = _references_lost_by_emit()
    if not lost:
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None
    for _ in range(lost):  # what the probe itself took
        incref(True)

    def emit(self: SignalInstance, *args: object) -> object:
        result = original(self, *args)
        if result is True or result is False:
            # Give back the reference the binding forgot to take.
            incref(result)
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _installed = True
    return True


install()
