"""Which record each imported submission became (table ``import_key``, migration 3).

A KoboToolbox or ODK export grows every week and is imported again whole: the submission's
own id (``_uuid``, ``instanceID`` or a chosen key column) finds the record made from it, and
the digest of the submission as last imported says whether it changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tkapp.store.connection import Connection


@dataclass(frozen=True)
class ImportedKey:
    """A submission already imported: its record and the digest of what was imported."""

    record_id: str
    digest: str


def find(conn: Connection, scope: str, key: str) -> ImportedKey | None:
    row = conn.execute(
        "SELECT record_id, digest FROM import_key WHERE scope = ? AND key = ?", (scope, key)
    ).fetchone()
    return ImportedKey(str(row[0]), str(row[1])) if row else None


def put(conn: Connection, scope: str, key: str, record_id: str, digest: str) -> None:
    conn.execute(
        "INSERT INTO import_key (scope, key, record_id, digest, imported) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (scope, key) DO UPDATE SET record_id = excluded.record_id,"
        " digest = excluded.digest, imported = excluded.imported",
        (scope, key, record_id, digest, datetime.now(UTC).isoformat(timespec="seconds")),
    )


def count(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM import_key").fetchone()[0])
