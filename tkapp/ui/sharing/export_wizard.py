"""The export wizard: share chosen records with one recipient as a signed bundle (issue 6).

Pages, in order: which records -> who receives them and what for -> the plan in plain words
(what goes, what stays and why, what is withheld, how places are shown, the duties the
recipient takes on) -> an explicit confirmation, only when culturally sensitive records would
go -> expiry and destination -> progress (cancellable) -> the result, with the community key's
fingerprint, the bundle's checksum and a short "how to verify" text to send with it.

Every catalogue call runs on the serial worker (:class:`~tkapp.ui.common.worker.Runner`); the plan
is computed there and shown as it came back. Nothing here blocks in a modal loop except the
optional "Choose…" file dialog, which tests never press: the destination is a line edit.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QWidget,
    QWizard,
)

from tkapp.core.model import Recipient
from tkapp.errors import TkError
from tkapp.i18n import _
from tkapp.licensing.vocab import Purpose
from tkapp.services.sharing import PlanSummary
from tkapp.ui.common import settings as keys
from tkapp.ui.common.dialogs import window_title
from tkapp.ui.common.worker import Runner
from tkapp.ui.sharing.export_jobs import ExportOutcome
from tkapp.ui.sharing.export_pages_base import Page
from tkapp.ui.sharing.export_pages_choose import RecipientPage, RecordsPage
from tkapp.ui.sharing.export_pages_plan import ConfirmPage, PlanPage
from tkapp.ui.sharing.export_pages_write import DestinationPage, ProgressPage, ResultPage


class ExportWizard(QWizard):
    """Share records with one recipient as a signed bundle.

    Args:
        runner: the catalogue's worker.
        record_ids: the records selected in the records table, or None.
    """

    #: The ExportResult, once the bundle was written and recorded.
    exported = Signal(object)

    def __init__(
        self, runner: Runner, record_ids: list[str] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.record_ids = list(record_ids) if record_ids else None
        self.recipient: Recipient | None = None
        self.purpose = Purpose.RESEARCH.value
        self.save_recipient = False
        self.plan_view: PlanSummary | None = None
        self.outcome: ExportOutcome | None = None
        self.setObjectName("export-wizard")
        self.setWindowTitle(window_title(_("Share records")))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.records_page = RecordsPage(self)
        self.recipient_page = RecipientPage(self)
        self.plan_page = PlanPage(self)
        self.confirm_page = ConfirmPage(self)
        self.destination_page = DestinationPage(self)
        self.progress_page = ProgressPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in (
            (Page.RECORDS, self.records_page),
            (Page.RECIPIENT, self.recipient_page),
            (Page.PLAN, self.plan_page),
            (Page.CONFIRM, self.confirm_page),
            (Page.DESTINATION, self.destination_page),
            (Page.PROGRESS, self.progress_page),
            (Page.RESULT, self.result_page),
        ):
            self.setPage(int(page_id), page)
        self.setStartId(int(Page.RECORDS))
        self.resize(920, 660)

    def settings_folder(self) -> str:
        try:
            return keys.Settings().get(keys.LAST_FOLDER)
        except (OSError, ValueError, TkError):
            return ""

    def remember_folder(self, folder: Path) -> None:
        # Only a convenience: a settings problem must not stop the export.
        with contextlib.suppress(OSError, ValueError, TkError):
            keys.Settings().set(keys.LAST_FOLDER, str(folder))

    def failed(self, error: BaseException) -> None:
        from tkapp.ui.common.dialogs import show_error

        show_error(self, error, _("Share records"))

    def reject(self) -> None:
        # Closing while the bundle is written stops it safely first (nothing half-written).
        if self.progress_page.running():
            self.progress_page.request_stop()
        super().reject()
