"""The sharing ledger (exports and their follow-ups), the bundle sequence and the address book.

Ledger rows are append-only (a schema trigger refuses updates): the ledger is how a community
answers "who has what of ours, under which terms", so it must not be rewritten afterwards.
Follow-ups (results returned, publications notified, benefits received) are rows of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tkapp.errors import NotFound, StoreError
from tkapp.store.connection import Connection
from tkapp.store.entities import get_meta, set_meta

SEQUENCE_META = "export_sequence"


@dataclass(frozen=True)
class ExportRow:
    """One ledger entry (JSON columns as text)."""

    bundle_id: str
    sequence: int
    created: str
    recipient: str  # JSON object
    purpose: str
    user_class: str
    records: str  # JSON list of {"id", "version"}
    terms_id: str
    bundle_sha256: str
    expires: str | None
    file_name: str


@dataclass(frozen=True)
class FollowUpRow:
    bundle_id: str
    kind: str
    date: str
    note: str
    created: str


_EXPORT_COLUMNS = (
    "bundle_id, sequence, created, recipient, purpose, user_class, records, terms_id,"
    " bundle_sha256, expires, file_name"
)


def _export(values: Sequence[object]) -> ExportRow:
    return ExportRow(
        bundle_id=str(values[0]),
        sequence=int(str(values[1])),
        created=str(values[2]),
        recipient=str(values[3]),
        purpose=str(values[4]),
        user_class=str(values[5]),
        records=str(values[6]),
        terms_id=str(values[7]),
        bundle_sha256=str(values[8]),
        expires=None if values[9] is None else str(values[9]),
        file_name=str(values[10]),
    )


# --- the sequence -------------------------------------------------------------------------


def current_sequence(conn: Connection) -> int:
    """The highest sequence reserved or recorded so far (0 before the first export)."""
    reserved = conn.execute("SELECT max(sequence) FROM export_reservation").fetchone()[0]
    recorded = conn.execute("SELECT max(sequence) FROM export").fetchone()[0]
    return max(int(get_meta(conn, SEQUENCE_META, "0") or 0), int(reserved or 0), int(recorded or 0))


def next_sequence(conn: Connection, moment: datetime) -> int:
    """THE sequence rule: higher than any this catalogue reserved, and at least the export
    time in milliseconds since 1970.

    The time part is what keeps a catalogue restored from an older backup from reusing a
    number it already gave out (its ledger forgot the later exports, but the clock did not).
    """
    return max(current_sequence(conn) + 1, int(moment.timestamp() * 1000))


def reserve_export(
    conn: Connection, sequence: int, bundle_id: str, reserved: str, file_name: str
) -> None:
    """Reserve a sequence and bundle id (commit this BEFORE the bundle file appears).

    Raises:
        StoreError: the sequence is not above every one reserved before.
    """
    if sequence <= current_sequence(conn):
        raise StoreError("export sequence moved", sequence=sequence)
    conn.execute(
        "INSERT INTO export_reservation (sequence, bundle_id, reserved, file_name)"
        " VALUES (?, ?, ?, ?)",
        (sequence, bundle_id, reserved, file_name),
    )
    set_meta(conn, SEQUENCE_META, str(sequence))


@dataclass(frozen=True)
class ReservationRow:
    sequence: int
    bundle_id: str
    reserved: str
    file_name: str


def unfinished_exports(conn: Connection) -> list[ReservationRow]:
    """Reservations with no ledger entry: exports that stopped (killed, failed, cancelled).
    A bundle file may or may not exist for them; its id will never be given out again."""
    rows = conn.execute(
        "SELECT sequence, bundle_id, reserved, file_name FROM export_reservation r"
        " WHERE NOT EXISTS (SELECT 1 FROM export e WHERE e.sequence = r.sequence)"
        " ORDER BY sequence"
    )
    return [ReservationRow(int(a), str(b), str(c), str(d)) for a, b, c, d in rows]


# --- the ledger ---------------------------------------------------------------------------


def record_export(
    conn: Connection, row: ExportRow, record_versions: Sequence[tuple[str, int]]
) -> None:
    """Add a ledger entry and advance the catalogue's sequence to it (caller's transaction).

    Raises:
        StoreError: the sequence and bundle id were not reserved (see :func:`reserve_export`).
    """
    found = conn.execute(
        "SELECT bundle_id FROM export_reservation WHERE sequence = ?", (row.sequence,)
    ).fetchone()
    if found is None or str(found[0]) != row.bundle_id:
        raise StoreError("export sequence was not reserved", sequence=row.sequence)
    cur = conn.execute(
        f"INSERT INTO export ({_EXPORT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
        (
            row.bundle_id,
            row.sequence,
            row.created,
            row.recipient,
            row.purpose,
            row.user_class,
            row.records,
            row.terms_id,
            row.bundle_sha256,
            row.expires,
            row.file_name,
        ),
    )
    export_rowid = int(cur.lastrowid)
    conn.executemany(
        "INSERT INTO export_record (record_id, export_rowid, version) VALUES (?, ?, ?)",
        [(record_id, export_rowid, version) for record_id, version in record_versions],
    )


def list_exports(conn: Connection) -> list[ExportRow]:
    """Newest first."""
    rows = conn.execute(f"SELECT {_EXPORT_COLUMNS} FROM export ORDER BY sequence DESC")  # noqa: S608
    return [_export(tuple(r)) for r in rows]


def get_export(conn: Connection, bundle_id: str) -> ExportRow:
    found = conn.execute(
        f"SELECT {_EXPORT_COLUMNS} FROM export WHERE bundle_id = ?",  # noqa: S608
        (bundle_id,),
    ).fetchone()
    if found is None:
        raise NotFound(bundle_id, entity="export", id=bundle_id)
    return _export(tuple(found))


def exports_of_record(conn: Connection, record_id: str) -> list[ExportRow]:
    """Every export that carried ``record_id``, newest first."""
    rows = conn.execute(
        f"SELECT {', '.join('e.' + c.strip() for c in _EXPORT_COLUMNS.split(','))}"  # noqa: S608
        " FROM export e JOIN export_record er ON er.export_rowid = e.rowid"
        " WHERE er.record_id = ? ORDER BY e.sequence DESC",
        (record_id,),
    )
    return [_export(tuple(r)) for r in rows]


def _export_rowid(conn: Connection, bundle_id: str) -> int:
    found = conn.execute("SELECT rowid FROM export WHERE bundle_id = ?", (bundle_id,)).fetchone()
    if found is None:
        raise NotFound(bundle_id, entity="export", id=bundle_id)
    return int(found[0])


def add_follow_up(conn: Connection, row: FollowUpRow) -> None:
    conn.execute(
        "INSERT INTO export_follow_up (export_rowid, kind, date, note, created)"
        " VALUES (?, ?, ?, ?, ?)",
        (_export_rowid(conn, row.bundle_id), row.kind, row.date, row.note, row.created),
    )


def follow_ups(conn: Connection, bundle_id: str | None = None) -> list[FollowUpRow]:
    """Follow-ups of one export (or all), oldest first."""
    sql = (
        "SELECT e.bundle_id, f.kind, f.date, f.note, f.created FROM export_follow_up f"
        " JOIN export e ON e.rowid = f.export_rowid"
    )
    if bundle_id is None:
        rows = conn.execute(sql + " ORDER BY f.rowid")
    else:
        rows = conn.execute(sql + " WHERE e.bundle_id = ? ORDER BY f.rowid", (bundle_id,))
    return [FollowUpRow(str(a), str(b), str(c), str(d), str(e)) for a, b, c, d, e in rows]


def exports_lacking(conn: Connection, kind: str, created_before: str) -> list[ExportRow]:
    """Exports made before ``created_before`` (ISO text) with no follow-up of ``kind``."""
    rows = conn.execute(
        f"SELECT {_EXPORT_COLUMNS} FROM export WHERE created < ? AND NOT EXISTS ("  # noqa: S608
        " SELECT 1 FROM export_follow_up f WHERE f.export_rowid = export.rowid AND f.kind = ?)"
        " ORDER BY sequence",
        (created_before, kind),
    )
    return [_export(tuple(r)) for r in rows]


# --- the address book ---------------------------------------------------------------------


def save_recipient(conn: Connection, recipient_id: str, name: str, data: str) -> None:
    """Insert or replace one recipient (Recipient JSON)."""
    conn.execute(
        "INSERT INTO recipient (id, name, data) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, data = excluded.data",
        (recipient_id, name, data),
    )


def get_recipient(conn: Connection, recipient_id: str) -> str:
    found = conn.execute("SELECT data FROM recipient WHERE id = ?", (recipient_id,)).fetchone()
    if found is None:
        raise NotFound(recipient_id, entity="recipient", id=recipient_id)
    return str(found[0])


def find_recipient_by_name(conn: Connection, name: str) -> str | None:
    found = conn.execute(
        "SELECT data FROM recipient WHERE name = ? COLLATE NOCASE ORDER BY rowid LIMIT 1",
        (name.strip(),),
    ).fetchone()
    return str(found[0]) if found else None


def list_recipients(conn: Connection) -> list[str]:
    return [
        str(r[0]) for r in conn.execute("SELECT data FROM recipient ORDER BY name COLLATE NOCASE")
    ]


def delete_recipient(conn: Connection, recipient_id: str) -> bool:
    cur = conn.execute("DELETE FROM recipient WHERE id = ?", (recipient_id,))
    return bool(cur.rowcount > 0)


# --- revoked grants -----------------------------------------------------------------------


@dataclass(frozen=True)
class RevocationRow:
    bundle_id: str
    reason: str
    revoked: str  # RFC 3339 UTC


def add_revocation(conn: Connection, row: RevocationRow) -> bool:
    """Record that a grant (an export) is revoked; False if it already was.

    Raises:
        NotFound: no export has this bundle id.
    """
    _export_rowid(conn, row.bundle_id)
    cur = conn.execute(
        "INSERT OR IGNORE INTO grant_revocation (bundle_id, reason, revoked) VALUES (?, ?, ?)",
        (row.bundle_id, row.reason, row.revoked),
    )
    return bool(cur.rowcount > 0)


def list_revocations(conn: Connection) -> list[RevocationRow]:
    """Every revoked grant, oldest first."""
    rows = conn.execute("SELECT bundle_id, reason, revoked FROM grant_revocation ORDER BY rowid")
    return [RevocationRow(str(a), str(b), str(c)) for a, b, c in rows]
