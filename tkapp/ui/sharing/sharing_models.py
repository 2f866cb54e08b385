"""Thin Qt model of the sharing ledger (``services.sharing.list_exports``).

The section loads the entries (and the terms versions, to show version numbers) on the
worker and hands them over; the model only formats them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from tkapp.i18n import N_, _, format_date, names, translate
from tkapp.services.grants import RevocationRow
from tkapp.services.sharing import ExportEntry
from tkapp.ui.common.table_model import ObjectTableModel

#: The ExportEntry of a row.
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 60
#: The bundle id (``urn:uuid:...``) of a row.
BUNDLE_ID_ROLE = Qt.ItemDataRole.UserRole + 61
#: True when the row has an overdue duty.
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 62


class LedgerColumn(IntEnum):
    DATE = 0
    RECIPIENT = 1
    ORGANISATION = 2
    USER_CLASS = 3
    PURPOSE = 4
    RECORDS = 5
    TERMS = 6
    EXPIRES = 7
    SHA256 = 8


LEDGER_HEADERS: dict[LedgerColumn, str] = {
    LedgerColumn.DATE: N_("Date"),
    LedgerColumn.RECIPIENT: N_("Recipient"),
    LedgerColumn.ORGANISATION: N_("Organisation"),
    # Translators: column header: the kind of user (university, company...).
    LedgerColumn.USER_CLASS: N_("Kind of user"),
    LedgerColumn.PURPOSE: N_("Purpose"),
    LedgerColumn.RECORDS: N_("Records"),
    LedgerColumn.TERMS: N_("Terms version"),
    LedgerColumn.EXPIRES: N_("Valid until"),
    # Translators: column header: the start of the bundle file's SHA-256 checksum.
    LedgerColumn.SHA256: N_("Checksum"),
}

SHORT_SHA = 12


def expiry_text(expires: datetime | None) -> str:
    if expires is None:
        return _("No end date")
    return format_date(expires.date())


#: Longest reason shown in the table cell (the whole reason is in its tooltip and details).
SHORT_REASON = 24


def revoked_text(row: RevocationRow, limit: int | None = None) -> str:
    """ "Revoked on <date>: <reason>" for a revoked grant (``limit``: shorten the reason)."""
    try:
        day = format_date(datetime.fromisoformat(row.revoked.replace("Z", "+00:00")).date())
    except ValueError:
        day = row.revoked[:10]
    reason = row.reason
    if limit is not None and len(reason) > limit:
        reason = reason[: limit - 1].rstrip() + "…"
    return _("Revoked on {date}: {reason}").format(date=day, reason=reason)


def is_expired(entry: ExportEntry, now: datetime | None = None) -> bool:
    moment = now or datetime.now(UTC)
    return entry.expires is not None and entry.expires <= moment


class LedgerModel(ObjectTableModel[ExportEntry]):
    """Every export, newest first, with the terms version's number."""

    Column = LedgerColumn
    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((), parent)
        self._versions: dict[str, str] = {}
        self._overdue: set[str] = set()
        self._revoked: dict[str, RevocationRow] = {}

    def set_entries(
        self,
        entries: Sequence[ExportEntry],
        versions: Mapping[str, str] | None = None,
        overdue: set[str] | None = None,
        revoked: Mapping[str, RevocationRow] | None = None,
    ) -> None:
        """Show ``entries``; ``versions`` maps terms ids to a short "name v2" text;
        ``overdue`` holds the bundle ids with an overdue duty; ``revoked`` the revoked grants
        by bundle id (``services.grants.revocations``)."""
        self._versions = dict(versions or {})
        self._overdue = set(overdue or ())
        self._revoked = dict(revoked or {})
        self.set_items(entries)

    def key(self, item: ExportEntry) -> str:
        return item.bundle_id

    def revocation(self, bundle_id: str) -> RevocationRow | None:
        return self._revoked.get(bundle_id)

    def entry(self, row: int) -> ExportEntry:
        return self.item(row)

    def replace_entry(self, entry: ExportEntry) -> None:
        """Put an updated entry (new follow-up) in place."""
        row = self.row_of(entry.bundle_id)
        if row >= 0:
            self.replace(row, entry)

    def terms_text(self, terms_id: str) -> str:
        return self._versions.get(terms_id, terms_id[:8])

    def header(self, column: IntEnum) -> str:
        return translate(LEDGER_HEADERS[LedgerColumn(column)])

    def tooltip(self, item: ExportEntry, column: IntEnum) -> str | None:
        if column is LedgerColumn.SHA256:
            return item.bundle_sha256
        if column is LedgerColumn.DATE and item.bundle_id in self._overdue:
            return _("A duty of this export is overdue: see the note above the table.")
        revoked = self._revoked.get(item.bundle_id)
        if column is LedgerColumn.EXPIRES and revoked is not None:
            return revoked_text(revoked)
        return None

    def role_data(self, item: ExportEntry, column: IntEnum, role: int) -> Any:
        if role == ENTRY_ROLE:
            return item
        if role == BUNDLE_ID_ROLE:
            return item.bundle_id
        if role == OVERDUE_ROLE:
            return item.bundle_id in self._overdue
        if role == Qt.ItemDataRole.ForegroundRole and column is LedgerColumn.EXPIRES:
            if item.bundle_id in self._revoked:
                return QColor("#a01818")
            if is_expired(item):
                return QColor("#8a4a12")
        return None

    def display(self, item: ExportEntry, column: IntEnum) -> str:
        entry = item
        if column is LedgerColumn.DATE:
            text = format_date(entry.created.date())
            # A mark as well as the banner's words, so the row is found without colour.
            return "⚠ " + text if entry.bundle_id in self._overdue else text
        if column is LedgerColumn.RECIPIENT:
            return entry.recipient.name
        if column is LedgerColumn.ORGANISATION:
            return entry.recipient.organisation
        if column is LedgerColumn.USER_CLASS:
            return names.user_class_name(entry.user_class)
        if column is LedgerColumn.PURPOSE:
            return names.purpose_name(entry.purpose)
        if column is LedgerColumn.RECORDS:
            return str(len(entry.records))
        if column is LedgerColumn.TERMS:
            return self.terms_text(entry.terms_id)
        if column is LedgerColumn.EXPIRES:
            revoked = self._revoked.get(entry.bundle_id)
            if revoked is not None:
                # The grant no longer holds, whatever its end date was.
                return revoked_text(revoked, SHORT_REASON)
            text = expiry_text(entry.expires)
            return _("{date} (ended)").format(date=text) if is_expired(entry) else text
        return entry.bundle_sha256[:SHORT_SHA]
