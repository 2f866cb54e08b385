"""Terms versions, the catalogue's default terms, and label customisations (schema v2).

A terms version is stored as its canonical ``terms.json`` text plus the columns listings need.
Once an export used a version (``first_export_id`` set) the schema's triggers refuse any change
to it; the service checks first so the user gets a typed error instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tkapp.errors import NotFound
from tkapp.store.connection import Connection
from tkapp.store.entities import get_meta, set_meta

DEFAULT_TERMS_META = "default_terms_id"


@dataclass(frozen=True)
class TermsRow:
    """One stored terms version (``data`` is the canonical terms.json text)."""

    id: str
    set_id: str
    version: int
    name: str
    template: str
    data: str
    created: str
    first_export_id: str  # "" until an export used this version

    @property
    def used(self) -> bool:
        return bool(self.first_export_id)


_COLUMNS = "id, set_id, version, name, template, data, created, first_export_id"


def _row(values: tuple[object, ...]) -> TermsRow:
    return TermsRow(
        id=str(values[0]),
        set_id=str(values[1]),
        version=int(str(values[2])),
        name=str(values[3]),
        template=str(values[4]),
        data=str(values[5]),
        created=str(values[6]),
        first_export_id=str(values[7]),
    )


def insert(conn: Connection, row: TermsRow) -> None:
    """Add a new version (caller's transaction). A duplicate id or (set, version) fails."""
    conn.execute(
        "INSERT INTO terms_version (id, set_id, version, name, template, data, created,"
        " first_export_id) VALUES (?, ?, ?, ?, ?, ?, ?, '')",
        (row.id, row.set_id, row.version, row.name, row.template, row.data, row.created),
    )


def replace_unused(conn: Connection, row: TermsRow) -> None:
    """Overwrite a version no export has used yet (a draft being edited)."""
    cur = conn.execute(
        "UPDATE terms_version SET name = ?, template = ?, data = ? WHERE id = ?"
        " AND first_export_id = ''",
        (row.name, row.template, row.data, row.id),
    )
    if cur.rowcount == 0:
        raise NotFound(row.id, entity="terms", id=row.id)


def get(conn: Connection, terms_id: str) -> TermsRow:
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM terms_version WHERE id = ?",  # noqa: S608 - constant columns
        (terms_id,),
    ).fetchone()
    if found is None:
        raise NotFound(terms_id, entity="terms", id=terms_id)
    return _row(tuple(found))


def find(conn: Connection, terms_id: str) -> TermsRow | None:
    try:
        return get(conn, terms_id)
    except NotFound:
        return None


def list_all(conn: Connection) -> list[TermsRow]:
    """Every version, grouped by set (oldest set first), versions in order."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM terms_version"  # noqa: S608 - constant columns
        " ORDER BY (SELECT min(rowid) FROM terms_version t2 WHERE t2.set_id ="
        " terms_version.set_id), version"
    )
    return [_row(tuple(r)) for r in rows]


def count(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM terms_version").fetchone()[0])


def latest_in_set(conn: Connection, set_id: str) -> TermsRow | None:
    found = conn.execute(
        f"SELECT {_COLUMNS} FROM terms_version WHERE set_id = ?"  # noqa: S608
        " ORDER BY version DESC LIMIT 1",
        (set_id,),
    ).fetchone()
    return _row(tuple(found)) if found else None


def mark_used(conn: Connection, terms_ids: Iterable[str], export_id: str) -> None:
    """Record that ``export_id`` used these versions (the first export wins; never cleared)."""
    conn.executemany(
        "UPDATE terms_version SET first_export_id = ? WHERE id = ? AND first_export_id = ''",
        [(export_id, tid) for tid in terms_ids],
    )


def default_id(conn: Connection) -> str:
    return get_meta(conn, DEFAULT_TERMS_META, "")


def set_default_id(conn: Connection, terms_id: str) -> None:
    get(conn, terms_id)  # NotFound
    set_meta(conn, DEFAULT_TERMS_META, terms_id)


def record_count_using(conn: Connection, terms_id: str) -> int:
    """Records (trash included) that name this version explicitly."""
    return int(
        conn.execute("SELECT count(*) FROM record WHERE terms_id = ?", (terms_id,)).fetchone()[0]
    )


# --- label customisations ---------------------------------------------------------------


def get_label_customisation(conn: Connection, code: str) -> str | None:
    found = conn.execute("SELECT data FROM label_customisation WHERE code = ?", (code,)).fetchone()
    return str(found[0]) if found else None


def list_label_customisations(conn: Connection) -> dict[str, str]:
    return {
        str(code): str(data)
        for code, data in conn.execute("SELECT code, data FROM label_customisation ORDER BY code")
    }


def set_label_customisation(conn: Connection, code: str, data: str) -> None:
    conn.execute(
        "INSERT INTO label_customisation (code, data) VALUES (?, ?)"
        " ON CONFLICT (code) DO UPDATE SET data = excluded.data",
        (code, data),
    )


def delete_label_customisation(conn: Connection, code: str) -> bool:
    cur = conn.execute("DELETE FROM label_customisation WHERE code = ?", (code,))
    return bool(cur.rowcount > 0)
