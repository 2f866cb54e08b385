"""The "Sharing" section: the sharing ledger, follow-ups and reminders (issue 6), and the
way into the export wizard and the open data dialog (issue 9).

The ledger answers "who has what of ours, under which terms": every export with its recipient,
purpose, records, terms version, expiry and checksum. A custodian notes follow-ups (results
returned, publication notified, benefits received); exports whose duties have no follow-up
after a year are listed in a reminder above the table, in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import N_, _, format_date, names, ngettext, translate
from tkapp.licensing.text import terms_name
from tkapp.services import sharing
from tkapp.services.grants import RevocationRow
from tkapp.services.sharing import FOLLOW_UP_KINDS, ExportEntry, OverdueDuty
from tkapp.ui.common.dates import use_app_date_format
from tkapp.ui.common.dialogs import error_text, set_text_color, warning_color
from tkapp.ui.common.worker import Runner
from tkapp.ui.sharing.export_wizard import ExportWizard
from tkapp.ui.sharing.opendata_dialog import OpenDataDialog
from tkapp.ui.sharing.sharing_models import LedgerColumn, LedgerModel, expiry_text, revoked_text

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

_Loaded = tuple[list[ExportEntry], list[OverdueDuty], dict[str, str], dict[str, RevocationRow]]

FOLLOW_UP_NAMES: dict[str, str] = {
    "results_returned": N_("Results returned"),
    "publication_notified": N_("Publication notified"),
    "benefits_received": N_("Benefits received"),
}

# What the recipient has not done yet, inside a sentence.
_OVERDUE_WHAT: dict[str, str] = {
    # Translators: "{recipient} has not yet returned the results ..."
    "results_returned": N_(
        "{recipient} has not yet returned the results (export of {date}, {days} days ago)."
    ),
    "publication_notified": N_(
        "{recipient} has not yet told you about a publication (export of {date}, {days} days ago)."
    ),
    "benefits_received": N_(
        "{recipient} has not yet shared benefits (export of {date}, {days} days ago)."
    ),
}


def follow_up_name(kind: str) -> str:
    text = FOLLOW_UP_NAMES.get(kind)
    return translate(text) if text else kind


def overdue_sentence(item: OverdueDuty) -> str:
    template = _OVERDUE_WHAT.get(item.follow_up)
    if template is None:
        return item.follow_up
    return translate(template).format(
        recipient=item.entry.recipient.name,
        date=format_date(item.entry.created.date()),
        days=item.days,
    )


class SharingSection(QWidget):
    """The sharing ledger with details, follow-ups and overdue reminders."""

    #: A short message for the status bar.
    message = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("sharing-section")
        self.overdue: list[OverdueDuty] = []
        self._loading = False
        self._generation = 0
        self._shown_bundle = ""
        self.wizard: ExportWizard | None = None
        self.open_data_dialog: OpenDataDialog | None = None

        title = QLabel(_("Sharing"), self)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        self.new_button = QPushButton(_("New export…"), self)
        self.new_button.setToolTip(_("Share records with a researcher as a signed bundle"))
        # A lambda: clicked() passes a bool that must not become record_ids.
        self.new_button.clicked.connect(lambda: self.new_export())  # noqa: PLW0108
        self.open_data_button = QPushButton(_("Open data…"), self)
        self.open_data_button.setToolTip(
            _("Publish the records marked for open publication (GBIF, a public map)")
        )
        self.open_data_button.clicked.connect(self.open_data)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.open_data_button)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setAccessibleName(_("Overdue duties"))
        self.banner.setStyleSheet(
            "QLabel { background: #fff1d6; color: #5a3000; border: 1px solid #d99a3a;"
            " padding: 6px; }"
        )
        self.banner.hide()
        self.empty = QLabel(
            _(
                "Nothing has been shared yet. Press “New export…” to share chosen records with "
                "a researcher under your terms; each export is listed here."
            ),
            self,
        )
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.model = LedgerModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Sharing ledger"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The kind of user is the longest text ("Cooperativas y organizaciones sin fines de
        # lucro"): it takes what is left; the organisation's short name keeps its width.
        header.setSectionResizeMode(int(LedgerColumn.USER_CLASS), QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_details(current.row())
        )

        details = QWidget(self)
        self.info = QFormLayout()
        self.info_labels: dict[str, QLabel] = {}
        for key, text in (
            ("recipient", _("Recipient:")),
            ("contact", _("Contact:")),
            ("kind", _("Kind of user:")),
            ("purpose", _("Purpose:")),
            ("terms", _("Terms:")),
            ("expires", _("Valid until:")),
            ("revoked", _("Revoked:")),
            ("file", _("File:")),
            ("sha", _("SHA-256:")),
        ):
            label = QLabel(details)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_labels[key] = label
            self.info.addRow(text, label)
        self.records_list = QListWidget(details)
        self.records_list.setAccessibleName(_("Records in this export"))
        self.records_count = QLabel(details)
        self.info.addRow(_("Records:"), self.records_count)
        info_box = QGroupBox(_("About this export"), details)
        info_layout = QVBoxLayout(info_box)
        info_layout.addLayout(self.info)
        info_layout.addWidget(self.records_list, 1)

        self.follow_ups = QListWidget(details)
        self.follow_ups.setAccessibleName(_("Follow-ups"))
        self.kind = QComboBox(details)
        self.kind.setAccessibleName(_("What happened"))
        for kind in FOLLOW_UP_KINDS:
            self.kind.addItem(follow_up_name(kind), kind)
        self.day = QDateEdit(details)
        self.day.setCalendarPopup(True)
        use_app_date_format(self.day)
        self.day.setDate(QDate.currentDate())
        self.day.setAccessibleName(_("When"))
        self.note = QLineEdit(details)
        self.note.setAccessibleName(_("Note"))
        self.note.setPlaceholderText(_("For example: article sent, 2 000 USD received"))
        self.add_button = QPushButton(_("Add follow-up"), details)
        self.add_button.clicked.connect(self.add_follow_up)
        self.follow_feedback = QLabel(details)
        self.follow_feedback.setWordWrap(True)
        # The note gets a whole line: on a 1366 px screen it shared half a panel with three
        # other controls and was a few characters wide.
        add_row = QHBoxLayout()
        add_row.addWidget(self.kind, 1)
        add_row.addWidget(self.day)
        add_row.addWidget(self.add_button)
        note_row = QHBoxLayout()
        note_label = QLabel(_("Note:"), details)
        note_label.setBuddy(self.note)
        note_row.addWidget(note_label)
        note_row.addWidget(self.note, 1)
        follow_box = QGroupBox(_("Follow-ups"), details)
        follow_layout = QVBoxLayout(follow_box)
        follow_layout.addWidget(self.follow_ups, 1)
        follow_layout.addLayout(note_row)
        follow_layout.addLayout(add_row)
        follow_layout.addWidget(self.follow_feedback)
        detail_row = QHBoxLayout(details)
        detail_row.setContentsMargins(0, 0, 0, 0)
        detail_row.addWidget(info_box, 1)
        detail_row.addWidget(follow_box, 1)
        self.details = details

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_text_color(self.error, warning_color(self.palette()))
        self.error.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)
        self._set_details_enabled(False)

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the ledger, the overdue duties and the terms versions' names."""
        if not self.runner.is_open():
            return
        self._loading = True
        self._generation += 1
        generation = self._generation

        def op(cat: Catalogue) -> _Loaded:
            from tkapp.services import grants
            from tkapp.services import terms as terms_service

            versions = {
                info.id: _("{name} v{version}").format(
                    name=terms_name(info.name), version=info.version
                )
                for info in terms_service.list_terms(cat)
            }
            return (
                sharing.list_exports(cat),
                sharing.overdue_duties(cat),
                versions,
                grants.revocations(cat),
            )

        def done(result: _Loaded) -> None:
            if generation != self._generation:
                return  # a newer refresh is on its way
            current = self.current_entry()
            entries, overdue, versions, revoked = result
            self._show(entries, overdue, versions, current.bundle_id if current else "", revoked)
            self._loading = False

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._loading = False
            self.error.setText(error_text(error))
            self.error.show()

        self.runner.run(op, done, failed, context=self)

    def loading(self) -> bool:
        return self._loading

    def _show(
        self,
        entries: Sequence[ExportEntry],
        overdue: list[OverdueDuty],
        versions: dict[str, str],
        keep: str,
        revoked: Mapping[str, RevocationRow] | None = None,
    ) -> None:
        self.error.hide()
        self.overdue = overdue
        self.model.set_entries(entries, versions, {o.entry.bundle_id for o in overdue}, revoked)
        self.empty.setVisible(not entries)
        self._show_banner(overdue)
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and entries:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self._show_details(row)
        else:
            self._show_details(-1)

    def _show_banner(self, overdue: list[OverdueDuty]) -> None:
        if not overdue:
            self.banner.hide()
            return
        lines = [
            "⚠ "
            + ngettext(
                "{n} duty is overdue:",
                "{n} duties are overdue:",
                len(overdue),
            ).format(n=len(overdue))
        ]
        lines += ["• " + overdue_sentence(item) for item in overdue[:6]]
        if len(overdue) > 6:
            lines.append(_("…and {n} more.").format(n=len(overdue) - 6))
        lines.append(
            _("Ask them about it. When it happens, select the export below and add a follow-up.")
        )
        self.banner.setText("\n".join(lines))
        self.banner.show()

    # -- details and follow-ups ------------------------------------------------------------------

    def current_entry(self) -> ExportEntry | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.entry(index.row())

    def _set_details_enabled(self, on: bool) -> None:
        for widget in (self.kind, self.day, self.note, self.add_button):
            widget.setEnabled(on)

    def _show_details(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            for label in self.info_labels.values():
                label.clear()
            self.records_count.clear()
            self.records_list.clear()
            self.follow_ups.clear()
            self._set_details_enabled(False)
            return
        entry = self.model.entry(row)
        recipient = entry.recipient
        who = recipient.name
        if recipient.organisation:
            who = _("{name} ({organisation})").format(
                name=recipient.name, organisation=recipient.organisation
            )
        self.info_labels["recipient"].setText(who)
        self.info_labels["contact"].setText(recipient.contact or "—")
        self.info_labels["kind"].setText(names.user_class_name(entry.user_class))
        self.info_labels["purpose"].setText(names.purpose_name(entry.purpose))
        self.info_labels["terms"].setText(self.model.terms_text(entry.terms_id))
        self.info_labels["expires"].setText(expiry_text(entry.expires))
        revocation = self.model.revocation(entry.bundle_id)
        self.info_labels["revoked"].setText(
            revoked_text(revocation) if revocation is not None else _("No")
        )
        self.info_labels["file"].setText(entry.file_name)
        self.info_labels["sha"].setText(entry.bundle_sha256)
        count = len(entry.records)
        self.records_count.setText(ngettext("{n} record", "{n} records", count).format(n=count))
        self.records_list.clear()
        self._show_follow_ups(entry)
        self._set_details_enabled(True)
        if entry.bundle_id != self._shown_bundle:
            self.follow_feedback.clear()  # a message about another export
        self._shown_bundle = entry.bundle_id
        ids = [record_id for record_id, _version in entry.records]
        bundle_id = entry.bundle_id

        def titles(summaries: list[Any]) -> None:
            current = self.current_entry()
            if current is None or current.bundle_id != bundle_id:
                return
            self.records_list.clear()
            self.records_list.addItems([s.title for s in summaries])
            gone = count - len(summaries)
            if gone > 0:
                self.records_list.addItem(
                    ngettext(
                        "({n} record was deleted since.)", "({n} records were deleted since.)", gone
                    ).format(n=gone)
                )

        self.runner.run(lambda cat: cat.summaries(ids), titles, lambda _e: None, context=self)

    def _show_follow_ups(self, entry: ExportEntry) -> None:
        self.follow_ups.clear()
        if not entry.follow_ups:
            self.follow_ups.addItem(_("No follow-up noted yet."))
            return
        for item in sorted(entry.follow_ups, key=lambda f: f.date):
            text = _("{date} — {what}").format(
                date=format_date(item.date), what=follow_up_name(item.kind)
            )
            if item.note:
                text += ": " + item.note
            self.follow_ups.addItem(text)

    def add_follow_up(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        kind = str(self.kind.currentData())
        qd = self.day.date()
        day = date(qd.year(), qd.month(), qd.day())
        note = self.note.text().strip()
        bundle_id = entry.bundle_id
        self.add_button.setEnabled(False)

        def done(updated: ExportEntry) -> None:
            self.add_button.setEnabled(True)
            self.note.clear()
            self.follow_feedback.setText(_("The follow-up was noted."))
            self.model.replace_entry(updated)
            self.refresh()

        def failed(error: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.follow_feedback.setText(error_text(error))

        self.runner.run(
            lambda cat: sharing.add_follow_up(cat, bundle_id, kind, day, note),
            done,
            failed,
            context=self,
        )

    # -- the export wizard and open data ---------------------------------------------------------

    def new_export(self, record_ids: list[str] | None = None) -> ExportWizard:
        """Open the export wizard (non-blocking; returned for tests and the records section)."""
        wizard = ExportWizard(self.runner, record_ids, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.exported.connect(lambda _result: self.refresh())
        self.wizard = wizard
        wizard.open()
        return wizard

    def open_data(self) -> OpenDataDialog:
        """Open the open data dialog (non-blocking; returned for tests)."""
        dialog = OpenDataDialog(self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_data_dialog = dialog
        dialog.open()
        return dialog
