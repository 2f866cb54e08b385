"""One serial background worker that owns the catalogue connection.

The GUI thread never touches the database or does crypto (ARCHITECTURE.md, Threads). Every
catalogue operation is a function posted to :class:`Runner`; one worker thread runs them in
order, so the SQLCipher connection only ever lives on that thread. Results come back to the
GUI thread through a queued signal, and a callback bound to a ``context`` widget is dropped if
that widget has gone away meanwhile (KeePassXC's context-bound callbacks, Anki's QueryOp).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from tkapp.errors import Cancelled


class Job:
    """Handed to long operations: report progress, notice cancellation."""

    def __init__(self, bridge: _Bridge, token: int) -> None:
        self._bridge = bridge
        self._token = token
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int) -> None:
        self._bridge.progress.emit(self._token, done, total)


class _Bridge(QObject):
    # Emitted from the worker thread, delivered queued on the GUI thread.
    finished = Signal(int, bool, object)
    progress = Signal(int, int, int)


class Runner(QObject):
    """Runs catalogue operations one at a time on a single background thread."""

    #: The catalogue was opened (True) or closed/locked (False).
    catalogue_changed = Signal(bool)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tkapp-store")
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._deliver)
        self._bridge.progress.connect(self._deliver_progress)
        self._pending: dict[int, tuple[Any, Any, Any, QObject | None]] = {}
        self._next = 0
        self.catalogue: Any = None  # tkapp.services.catalogue.Catalogue; worker thread only
        self.path: Path | None = None

    # -- posting work ----------------------------------------------------------------------

    def run(
        self,
        op: Callable[[Any], Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        context: QObject | None = None,
    ) -> Job:
        """Run ``op(catalogue)`` on the worker; call back on the GUI thread."""
        return self.run_job(lambda cat, _job: op(cat), on_success, on_error, context=context)

    def run_job(
        self,
        op: Callable[[Any, Job], Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        context: QObject | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Job:
        """Run a long ``op(catalogue, job)`` that may report progress and be cancelled."""
        self._next += 1
        token = self._next
        job = Job(self._bridge, token)
        self._pending[token] = (on_success, on_error, on_progress, context)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def work() -> None:
            try:
                result = op(self.catalogue, job)
            except BaseException as exc:  # delivered to on_error on the GUI thread
                self._bridge.finished.emit(token, False, exc)
            else:
                self._bridge.finished.emit(token, True, result)

        self._pool.submit(work)
        return job

    # -- opening and locking ---------------------------------------------------------------

    def open(
        self,
        opener: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        context: QObject | None = None,
    ) -> Job:
        """Open a catalogue on the worker with ``opener()`` (which derives the key there)."""

        def op(_cat: Any) -> Any:
            self._close_on_worker()
            self.catalogue = opener()
            return self.catalogue

        def done(cat: Any) -> None:
            self.path = Path(cat.path)
            self.catalogue_changed.emit(True)
            if on_success:
                on_success(cat)

        return self.run(op, done, on_error, context=context)

    def lock(self, on_done: Callable[[Any], None] | None = None) -> Job:
        """Close the connection so the key is forgotten."""

        def done(_result: Any) -> None:
            self.catalogue_changed.emit(False)
            if on_done:
                on_done(None)

        return self.run(lambda _cat: self._close_on_worker(), done)

    def is_open(self) -> bool:
        return self.catalogue is not None

    def _close_on_worker(self) -> None:
        if self.catalogue is not None:
            try:
                self.catalogue.close()
            finally:
                self.catalogue = None

    def shutdown(self) -> None:
        """Close the catalogue and stop the thread (application exit)."""
        self._pool.submit(self._close_on_worker)
        self._pool.shutdown(wait=True)

    # -- delivery on the GUI thread --------------------------------------------------------

    def _alive(self, context: QObject | None) -> bool:
        return context is None or shiboken6.isValid(context)

    def _deliver(self, token: int, ok: bool, payload: object) -> None:
        on_success, on_error, _progress, context = self._pending.pop(token, (None,) * 4)
        if not self._pending:
            self.busy_changed.emit(False)
        if not self._alive(context):
            return
        if ok and on_success:
            on_success(payload)
        elif not ok:
            if on_error:
                on_error(payload)  # type: ignore[arg-type]
            else:
                raise payload  # type: ignore[misc]

    def _deliver_progress(self, token: int, done: int, total: int) -> None:
        entry = self._pending.get(token)
        if entry and entry[2] and self._alive(entry[3]):
            entry[2](done, total)
