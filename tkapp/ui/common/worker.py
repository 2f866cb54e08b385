"""One serial background worker that owns the catalogue connection.

The GUI thread never touches the database or does crypto (ARCHITECTURE.md, Threads). Every
catalogue operation is a function posted to :class:`Runner`; one worker thread runs them in
order, so the SQLCipher connection only ever lives on that thread. Results come back to the
GUI thread through a queued signal, and a callback bound to a ``context`` widget is dropped if
that widget has gone away meanwhile (KeePassXC's context-bound callbacks, Anki's QueryOp).

The boundary is typed as Anki's ``QueryOp``: an op is ``Callable[[Catalogue], T]`` and its
``on_success`` receives that same ``T``; a long op is ``Callable[[Catalogue, Job], T]``. Work
that needs no open catalogue (verifying a received bundle, reading key files) is posted with
:meth:`Runner.run_any` / :meth:`Runner.run_any_job`, whose op is told ``None`` then; a
plain ``run`` op never receives ``None``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal

from tkapp.errors import Cancelled, CatalogueLocked

if TYPE_CHECKING:  # imported lazily at run time: the start screen must not load SQLCipher
    from tkapp.services.catalogue import Catalogue

T = TypeVar("T")

#: Called on the GUI thread with the op's result (what it returns is ignored).
OnSuccess = Callable[[T], object]
#: Called on the GUI thread with what the op raised (what it returns is ignored).
OnError = Callable[[BaseException], object]
#: Called on the GUI thread with a job's ``(done, total)`` report.
OnProgress = Callable[[int, int], None]


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


class _Pending:
    """The GUI-thread callbacks of one posted op (their types were checked when posted)."""

    __slots__ = ("context", "on_error", "on_progress", "on_success")

    def __init__(
        self,
        on_success: Callable[[Any], object] | None,
        on_error: OnError | None,
        on_progress: OnProgress | None,
        context: QObject | None,
    ) -> None:
        self.on_success = on_success
        self.on_error = on_error
        self.on_progress = on_progress
        self.context = context


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
        self._pending: dict[int, _Pending] = {}
        self._next = 0
        self.catalogue: Catalogue | None = None  # worker thread only
        self.path: Path | None = None

    # -- posting work ----------------------------------------------------------------------

    def run(
        self,
        op: Callable[[Catalogue], T],
        on_success: OnSuccess[T] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
    ) -> Job:
        """Run ``op(catalogue)`` on the worker; call back on the GUI thread.

        With no catalogue open the op does not run and ``on_error`` gets
        :class:`CatalogueLocked`."""
        return self.run_job(lambda cat, _job: op(cat), on_success, on_error, context=context)

    def run_job(
        self,
        op: Callable[[Catalogue, Job], T],
        on_success: OnSuccess[T] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
        on_progress: OnProgress | None = None,
    ) -> Job:
        """Run a long ``op(catalogue, job)`` that may report progress and be cancelled."""
        return self._post(
            lambda job: op(self._open_catalogue(), job),
            on_success,
            on_error,
            context=context,
            on_progress=on_progress,
        )

    def run_any(
        self,
        op: Callable[[Catalogue | None], T],
        on_success: OnSuccess[T] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
    ) -> Job:
        """Run ``op(catalogue or None)``: work that also runs with no catalogue open
        (verifying a bundle, reading key files), still in order on the worker."""
        return self.run_any_job(lambda cat, _job: op(cat), on_success, on_error, context=context)

    def run_any_job(
        self,
        op: Callable[[Catalogue | None, Job], T],
        on_success: OnSuccess[T] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
        on_progress: OnProgress | None = None,
    ) -> Job:
        """Run a long ``op(catalogue or None, job)``."""
        return self._post(
            lambda job: op(self.catalogue, job),
            on_success,
            on_error,
            context=context,
            on_progress=on_progress,
        )

    def _post(
        self,
        op: Callable[[Job], T],
        on_success: OnSuccess[T] | None,
        on_error: OnError | None,
        *,
        context: QObject | None,
        on_progress: OnProgress | None = None,
    ) -> Job:
        self._next += 1
        token = self._next
        job = Job(self._bridge, token)
        self._pending[token] = _Pending(on_success, on_error, on_progress, context)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def work() -> None:
            try:
                result = op(job)
            except BaseException as exc:  # delivered to on_error on the GUI thread
                self._bridge.finished.emit(token, False, exc)
            else:
                self._bridge.finished.emit(token, True, result)

        self._pool.submit(work)
        return job

    def _open_catalogue(self) -> Catalogue:
        """The open catalogue (worker thread), or :class:`CatalogueLocked`."""
        if self.catalogue is None:
            raise CatalogueLocked("no catalogue open")
        return self.catalogue

    # -- opening and locking ---------------------------------------------------------------

    def open(
        self,
        opener: Callable[[], Catalogue],
        on_success: OnSuccess[Catalogue] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
    ) -> Job:
        """Open a catalogue on the worker with ``opener()`` (which derives the key there)."""

        def op(_old: Catalogue | None) -> Catalogue:
            self._close_on_worker()
            self.catalogue = opener()
            return self.catalogue

        def done(cat: Catalogue) -> None:
            self.path = Path(cat.path)
            self.catalogue_changed.emit(True)
            if on_success:
                on_success(cat)

        return self.run_any(op, done, on_error, context=context)

    def lock(self, on_done: Callable[[None], None] | None = None) -> Job:
        """Close the connection so the key is forgotten."""

        def done(_result: None) -> None:
            self.catalogue_changed.emit(False)
            if on_done:
                on_done(None)

        return self.run_any(lambda _cat: self._close_on_worker(), done)

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
        pending = self._pending.pop(token, None)
        if not self._pending:
            self.busy_changed.emit(False)
        if pending is None or not self._alive(pending.context):
            return
        if ok:
            if pending.on_success:
                pending.on_success(payload)
            return
        assert isinstance(payload, BaseException)  # the worker emits only what was raised
        if pending.on_error:
            pending.on_error(payload)
        else:
            raise payload

    def _deliver_progress(self, token: int, done: int, total: int) -> None:
        pending = self._pending.get(token)
        if pending and pending.on_progress and self._alive(pending.context):
            pending.on_progress(done, total)
