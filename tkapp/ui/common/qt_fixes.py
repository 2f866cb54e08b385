"""Work-arounds for defects of the installed Qt binding, installed once on import.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every ``emit`` from Python lowers the reference count of ``True`` by one.
After some thousands of emits (a long session: the serial worker emits for every catalogue
call) the count reaches zero and the interpreter aborts with "Fatal Python error:
bool_dealloc". Python 3.12 made ``True`` immortal, which hides the defect there.

The same binding also loses references to ``None`` somewhere outside ``emit`` (seen as
"Fatal Python error: none_dealloc" when a 100,000-record session ends), so ``None`` gets the
same treatment. The work-around does what Python 3.12 does: it gives ``None``, ``True`` and
``False`` a reserve of 2**40 references, so they can never be freed in any realistic
session. Wrapping ``emit`` instead would break ``signal.connect(other.emit)``, which PySide
handles specially. The defect is detected, not assumed: one emit on a private signal is
measured first.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

#: References added to None, True and False when the defect is present.
RESERVE = 1 << 40

_installed = False


class _Probe(QObject):
    ping = Signal()


def emit_loses_references() -> bool:
    """True if this binding's ``emit`` drops a reference to ``True``."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    return sys.getrefcount(True) < before


def install() -> bool:
    """Install the work-around if this binding needs it; returns True when installed."""
    global _installed  # noqa: PLW0603 - a once-per-process switch
    if _installed:
        return True
    if not emit_loses_references():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
        count = ctypes.c_ssize_t.from_address(id(singleton))
        count.value += RESERVE
    _installed = True
    return True


install()
