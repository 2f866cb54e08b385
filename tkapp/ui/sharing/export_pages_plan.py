"""The export wizard's plan pages: the plan in plain words with the custodian's release
decisions, and the explicit confirmation for culturally sensitive records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWizardPage,
)

from tkapp.i18n import _, ngettext
from tkapp.licensing.gate import ConsentOverride
from tkapp.services import approvals, sharing
from tkapp.services.sharing import PlanSummary
from tkapp.ui.common.dialogs import error_text
from tkapp.ui.sharing.approve_dialog import ApproveDialog
from tkapp.ui.sharing.export_pages_base import Page, title_font
from tkapp.ui.sharing.export_texts import plan_html, plan_summary
from tkapp.ui.sharing.release_decisions import (
    OverrideDialog,
    ReleaseActions,
    SendAsIsDialog,
    with_override,
)

if TYPE_CHECKING:
    from tkapp.ui.sharing.export_wizard import ExportWizard


class PlanPage(QWizardPage):
    """The plan, computed on the worker and shown in plain words."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("What goes, and what stays"))
        self.setSubTitle(_("Read this carefully: it is exactly what the bundle will hold."))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setFont(title_font(self))
        self.summary.setAccessibleName(_("Summary of the plan"))
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Working out the plan"))
        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)
        self.details.setAccessibleName(_("The plan in detail"))
        # The custodian's explicit decisions the gate's answer allows (issue 12).
        self.release_actions = ReleaseActions(self)
        self.release_actions.release_requested.connect(self.ask_release)
        self.release_actions.send_as_is_requested.connect(self.ask_send_as_is)
        self.release_actions.undo_release.connect(lambda rid: self._set_override(rid, None))
        self.release_actions.undo_send_as_is.connect(lambda mid: self._set_confirmed(mid, False))
        # Shared approval (k of n): how many custodians approved, and a way to ask another.
        self.approval_note = QLabel(self)
        self.approval_note.setWordWrap(True)
        self.approval_note.hide()
        self.ask_approval = QPushButton(_("Ask a custodian to approve…"), self)
        self.ask_approval.clicked.connect(self.ask_for_approval)
        self.ask_approval.hide()
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.busy)
        box.addWidget(self.details, 1)
        box.addWidget(self.release_actions)
        approval_row = QHBoxLayout()
        approval_row.addWidget(self.approval_note, 1)
        approval_row.addWidget(self.ask_approval)
        box.addLayout(approval_row)
        self.view: PlanSummary | None = None
        self._generation = 0
        #: Record id -> release without a consent record; media ids sent as they are.
        self.overrides: dict[str, ConsentOverride] = {}
        self.confirmed_media: set[str] = set()
        #: The open decision dialog, if any (tests answer it).
        self.dialog: OverrideDialog | SendAsIsDialog | ApproveDialog | None = None

    def initializePage(self) -> None:
        # Decisions are made for one recipient and purpose: a new plan starts without them.
        self.overrides = {}
        self.confirmed_media = set()
        self.replan()

    def replan(self) -> None:
        """Ask the gate again (on the worker) with the custodian's current decisions."""
        self.view = None
        self.wiz.plan_view = None
        self.release_actions.set_busy(True)
        self._generation += 1
        generation = self._generation
        self.summary.setText(_("Working out which records may go…"))
        self.details.clear()
        self.busy.show()
        self.completeChanged.emit()
        ids = self.wiz.records_page.record_ids()
        recipient = self.wiz.recipient
        purpose = self.wiz.purpose
        overrides = dict(self.overrides)
        confirmed = frozenset(self.confirmed_media)
        assert recipient is not None

        def done(view: PlanSummary) -> None:
            if generation != self._generation:
                return
            self.show_plan(view)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self.busy.hide()
            self.summary.setText(error_text(error))

        self.wiz.runner.run(
            lambda cat: sharing.plan_export_summary(
                cat, ids, recipient, purpose, overrides=overrides, confirmed_media=confirmed
            ),
            done,
            failed,
            context=self,
        )

    def show_plan(self, view: PlanSummary) -> None:
        self.view = view
        self.wiz.plan_view = view
        self.busy.hide()
        self.summary.setText(plan_summary(view))
        self.details.setHtml(plan_html(view))
        self.release_actions.show_plan(view.plan)
        self.release_actions.set_busy(False)
        self._show_approval(view.approval)
        self.completeChanged.emit()

    def _show_approval(self, state: approvals.ApprovalStatus | None) -> None:
        if state is None or (state.needed <= 1 and state.enough):
            self.approval_note.hide()
            self.ask_approval.hide()
            return
        names = ", ".join(state.approvers) or _("nobody yet")
        self.approval_note.setText(
            _("Approvals: {have} of {needed} needed ({names}).").format(
                have=state.have, needed=state.needed, names=names
            )
        )
        self.approval_note.show()
        self.ask_approval.setVisible(not state.enough)
        self.ask_approval.setEnabled(bool(state.candidates))

    def ask_for_approval(self) -> None:
        """Another custodian types their own passphrase; the approval is stored, then the
        plan is worked out again (the same plan: the approval counts)."""
        view = self.view
        if view is None or view.approval is None:
            return
        state = view.approval
        dialog = ApproveDialog(state.candidates, state.needed, state.have, self)
        plan = view.plan

        def approve() -> None:
            who, passphrase = dialog.answer()
            dialog.ok.setEnabled(False)

            def done(_approval: approvals.Approval) -> None:
                dialog.done(1)
                self.replan()

            def failed(error: BaseException) -> None:
                dialog.show_error(error_text(error))

            self.wiz.runner.run(
                lambda cat: approvals.approve(cat, plan, who, passphrase),
                done,
                failed,
                context=dialog,
            )

        dialog.buttons.accepted.disconnect()
        dialog.buttons.accepted.connect(approve)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def ask_release(self, record_id: str) -> None:
        """The "Release without consent…" action: who decides and why, then plan again."""
        view = self.view
        if view is None:
            return
        item = next((p for p in view.plan.excluded if p.record_id == record_id), None)
        if item is None:
            return
        dialog = OverrideDialog(item, view.plan.title(record_id), view.actor, self)
        dialog.accepted.connect(lambda: self._set_override(record_id, dialog.override()))
        self._open(dialog)

    def ask_send_as_is(self, media_id: str) -> None:
        """The "Send as it is…" action: an explicit confirmation, then plan again."""
        view = self.view
        if view is None:
            return
        found = [m for p in view.plan.included for m in p.media if m.media.id == media_id]
        if not found:
            return
        dialog = SendAsIsDialog(found[0], self)
        dialog.accepted.connect(lambda: self._set_confirmed(media_id, True))
        self._open(dialog)

    def _open(self, dialog: OverrideDialog | SendAsIsDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def _set_override(self, record_id: str, override: ConsentOverride | None) -> None:
        self.overrides = with_override(self.overrides, record_id, override)
        self.replan()

    def _set_confirmed(self, media_id: str, confirmed: bool) -> None:
        if confirmed:
            self.confirmed_media.add(media_id)
        else:
            self.confirmed_media.discard(media_id)
        self.replan()

    def isComplete(self) -> bool:
        view = self.view
        enough = view is not None and (view.approval is None or view.approval.enough)
        return (
            view is not None
            and bool(view.plan.included)
            and len(view.plan.terms_ids) == 1
            and enough
        )

    def nextId(self) -> int:
        view = self.view
        if view is not None and view.plan.needs_confirmation:
            return int(Page.CONFIRM)
        return int(Page.DESTINATION)


class ConfirmPage(QWizardPage):
    """Culturally sensitive records go only after the custodian ticks the box."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Culturally sensitive records"))
        self.setSubTitle(
            _(
                "The community marked these records TK Culturally Sensitive: each time they "
                "are shared, a custodian must confirm that it is right to share them."
            )
        )
        self.records = QListWidget(self)
        self.records.setAccessibleName(_("Culturally sensitive records"))
        self.check = QCheckBox(self)
        self.check.setAccessibleName(_("Confirm sharing the culturally sensitive records"))
        self.note = QLabel(
            _(
                "If you are not sure, press Back and choose other records: these will then "
                "stay in the catalogue."
            ),
            self,
        )
        self.note.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.records, 1)
        box.addWidget(self.check)
        box.addWidget(self.note)
        self.check.toggled.connect(lambda _on: self.completeChanged.emit())

    def initializePage(self) -> None:
        view = self.wiz.plan_view
        assert view is not None
        sensitive = view.plan.needs_confirmation
        self.records.clear()
        for item in sensitive:
            self.records.addItem("⚠ " + view.plan.title(item.record_id))
        self.check.setChecked(False)
        self.check.setText(
            ngettext(
                "I confirm that the community agrees to share this record with {name}.",
                "I confirm that the community agrees to share these {n} records with {name}.",
                len(sensitive),
            ).format(n=len(sensitive), name=view.plan.recipient.name)
        )

    def isComplete(self) -> bool:
        return self.check.isChecked()
