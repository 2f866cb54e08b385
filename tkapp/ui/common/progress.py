"""A cancellable progress window for long catalogue jobs (backup, restore, check, import).

The job runs on the serial worker through :meth:`Runner.run_job`; the window shows its
``(done, total)`` reports and its Cancel button sets the job's cancel flag. The operation then
raises :class:`tkapp.errors.Cancelled` at a safe point and the service layer leaves nothing
half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import Cancelled
from tkapp.i18n import _
from tkapp.ui.common.dialogs import show_error, show_info, window_title
from tkapp.ui.common.worker import Job, OnError, OnProgress, OnSuccess, Runner

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

T = TypeVar("T")


class JobProgressBar(QProgressBar):
    """The progress of one worker job, and the handle to cancel it.

    Every window with a long job shows this one bar: busy until the first report, then the
    share done (large byte counts scaled to per-mille, as ``QProgressBar`` counts in ints).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self.setRange(0, 0)
        self.setAccessibleName(_("Progress"))

    def track(self, job: Job) -> None:
        """Follow ``job`` (posted with ``on_progress=bar.set_progress``); shows the bar."""
        self.job = job
        self.setRange(0, 0)
        self.show()

    def set_progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.setRange(0, 0)
            return
        self.setRange(0, 1000)
        self.setValue(int(1000 * min(done, total) / total))

    def running(self) -> bool:
        return self.job is not None

    def cancel(self) -> None:
        """Ask the job to stop at its next safe point (it then raises ``Cancelled``)."""
        if self.job is not None:
            self.job.cancel()

    def finish(self, *, completed: bool) -> None:
        """The job ended: a full bar if it completed, else the bar hides."""
        self.job = None
        if completed:
            self.setRange(0, 1000)
            self.setValue(1000)
        else:
            self.hide()


class ProgressDialog(QDialog):
    """Shows one job's progress; Cancel asks the job to stop."""

    def __init__(self, title: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(title))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(380)
        self.label = QLabel(label, self)
        self.label.setWordWrap(True)
        self.bar = JobProgressBar(self)
        buttons = QDialogButtonBox(self)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setAccessibleName(_("Cancel this task"))
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.clicked.connect(self.request_cancel)
        box = QVBoxLayout(self)
        box.addWidget(self.label)
        box.addWidget(self.bar)
        box.addWidget(buttons)

    @property
    def job(self) -> Job | None:
        return self.bar.job

    def set_progress(self, done: int, total: int) -> None:
        self.bar.set_progress(done, total)

    def request_cancel(self) -> None:
        self.bar.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(_("Stopping safely…"))

    def reject(self) -> None:
        # Escape or the window's close button cancel too; the window closes when the job ends.
        self.request_cancel()


def run_with_progress(
    parent: QWidget,
    runner: Runner,
    op: Callable[[Catalogue, Job], T],
    *,
    title: str,
    label: str,
    on_success: OnSuccess[T] | None = None,
    on_error: OnError | None = None,
) -> ProgressDialog:
    """Run ``op(catalogue, job)`` on the worker behind a cancellable progress window."""
    return _with_progress(
        parent,
        lambda done, failed, progress: runner.run_job(
            op, done, failed, context=parent, on_progress=progress
        ),
        title=title,
        label=label,
        on_success=on_success,
        on_error=on_error,
    )


def run_any_with_progress(
    parent: QWidget,
    runner: Runner,
    op: Callable[[Catalogue | None, Job], T],
    *,
    title: str,
    label: str,
    on_success: OnSuccess[T] | None = None,
    on_error: OnError | None = None,
) -> ProgressDialog:
    """Run ``op(catalogue or None, job)`` behind a cancellable progress window."""
    return _with_progress(
        parent,
        lambda done, failed, progress: runner.run_any_job(
            op, done, failed, context=parent, on_progress=progress
        ),
        title=title,
        label=label,
        on_success=on_success,
        on_error=on_error,
    )


def _with_progress(
    parent: QWidget,
    start: Callable[[OnSuccess[T], OnError, OnProgress], Job],
    *,
    title: str,
    label: str,
    on_success: OnSuccess[T] | None,
    on_error: OnError | None,
) -> ProgressDialog:
    """Open the window, then ``start(succeeded, failed, progress)`` posts the job."""
    dialog = ProgressDialog(title, label, parent)

    def finish() -> None:
        dialog.bar.job = None
        dialog.done(QDialog.DialogCode.Accepted)
        dialog.deleteLater()

    def succeeded(result: T) -> None:
        finish()
        if on_success:
            on_success(result)

    def failed(error: BaseException) -> None:
        finish()
        if on_error:
            on_error(error)
        elif isinstance(error, Cancelled):
            show_info(parent, _("Cancelled. Nothing was changed."), title)
        else:
            show_error(parent, error, title)

    # The context is the parent, not the dialog: the result must still arrive after the
    # dialog closed itself, so the caller learns the job ended.
    dialog.bar.job = start(succeeded, failed, dialog.set_progress)
    dialog.open()
    return dialog
