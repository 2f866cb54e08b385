"""Taxa, persons, consent records, settings, meta and the community signing key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tkapp.core.model import ConsentRecord, Person, Taxon
from tkapp.errors import NotFound
from tkapp.store import codec
from tkapp.store.connection import Connection
from tkapp.store.text import fold

# --- taxa -------------------------------------------------------------------------------


def _taxon_search_text(t: Taxon) -> str:
    return fold(" ".join([t.scientific_name, *(v.name for v in t.vernacular_names)]))


def save_taxon(conn: Connection, t: Taxon, state_json: str, *, new: bool) -> None:
    values = (t.scientific_name, _taxon_search_text(t), state_json, t.id)
    if new:
        conn.execute(
            "INSERT INTO taxon (scientific_name, search_text, data, id) VALUES (?, ?, ?, ?)",
            values,
        )
    else:
        cur = conn.execute(
            "UPDATE taxon SET scientific_name = ?, search_text = ?, data = ? WHERE id = ?",
            values,
        )
        if cur.rowcount == 0:
            raise NotFound(t.id, entity="taxon", id=t.id)


def get_taxon(conn: Connection, taxon_id: str) -> Taxon:
    row = conn.execute("SELECT data FROM taxon WHERE id = ?", (taxon_id,)).fetchone()
    if row is None:
        raise NotFound(taxon_id, entity="taxon", id=taxon_id)
    return codec.loads(Taxon, row[0])


def taxon_exists(conn: Connection, taxon_id: str) -> bool:
    return conn.execute("SELECT 1 FROM taxon WHERE id = ?", (taxon_id,)).fetchone() is not None


def list_taxa(conn: Connection, query: str = "") -> list[Taxon]:
    if query.strip():
        rows = conn.execute(
            "SELECT data FROM taxon WHERE instr(search_text, ?) > 0"
            " ORDER BY scientific_name COLLATE NOCASE",
            (fold(query.strip()),),
        )
    else:
        rows = conn.execute("SELECT data FROM taxon ORDER BY scientific_name COLLATE NOCASE")
    return [codec.loads(Taxon, r[0]) for r in rows]


def find_taxon_by_name(conn: Connection, scientific_name: str) -> Taxon | None:
    row = conn.execute(
        "SELECT data FROM taxon WHERE scientific_name = ? COLLATE NOCASE LIMIT 1",
        (scientific_name.strip(),),
    ).fetchone()
    return codec.loads(Taxon, row[0]) if row else None


# --- persons ----------------------------------------------------------------------------


def save_person(conn: Connection, p: Person, state_json: str, *, new: bool) -> None:
    values = (p.name, fold(p.name + " " + p.community), state_json, p.id)
    if new:
        conn.execute("INSERT INTO person (name, search_text, data, id) VALUES (?, ?, ?, ?)", values)
    else:
        cur = conn.execute(
            "UPDATE person SET name = ?, search_text = ?, data = ? WHERE id = ?", values
        )
        if cur.rowcount == 0:
            raise NotFound(p.id, entity="person", id=p.id)


def get_person(conn: Connection, person_id: str) -> Person:
    row = conn.execute("SELECT data FROM person WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        raise NotFound(person_id, entity="person", id=person_id)
    return codec.loads(Person, row[0])


def person_exists(conn: Connection, person_id: str) -> bool:
    return conn.execute("SELECT 1 FROM person WHERE id = ?", (person_id,)).fetchone() is not None


def list_persons(conn: Connection, query: str = "") -> list[Person]:
    if query.strip():
        rows = conn.execute(
            "SELECT data FROM person WHERE instr(search_text, ?) > 0 ORDER BY name COLLATE NOCASE",
            (fold(query.strip()),),
        )
    else:
        rows = conn.execute("SELECT data FROM person ORDER BY name COLLATE NOCASE")
    return [codec.loads(Person, r[0]) for r in rows]


def find_person_by_name(conn: Connection, name: str) -> Person | None:
    row = conn.execute(
        "SELECT data FROM person WHERE name = ? COLLATE NOCASE LIMIT 1", (name.strip(),)
    ).fetchone()
    return codec.loads(Person, row[0]) if row else None


# --- consent records --------------------------------------------------------------------


def save_consent(conn: Connection, c: ConsentRecord, state_json: str, *, new: bool) -> None:
    if new:
        cur = conn.execute("INSERT INTO consent (data, id) VALUES (?, ?)", (state_json, c.id))
        rowid = int(cur.lastrowid)
    else:
        row = conn.execute("SELECT rowid FROM consent WHERE id = ?", (c.id,)).fetchone()
        if row is None:
            raise NotFound(c.id, entity="consent", id=c.id)
        rowid = int(row[0])
        conn.execute("UPDATE consent SET data = ? WHERE rowid = ?", (state_json, rowid))
        conn.execute("DELETE FROM consent_record WHERE consent_rowid = ?", (rowid,))
    conn.executemany(
        "INSERT OR IGNORE INTO consent_record (consent_rowid, record_id) VALUES (?, ?)",
        [(rowid, rid) for rid in c.record_ids],
    )


def get_consent(conn: Connection, consent_id: str) -> ConsentRecord:
    row = conn.execute("SELECT data FROM consent WHERE id = ?", (consent_id,)).fetchone()
    if row is None:
        raise NotFound(consent_id, entity="consent", id=consent_id)
    return codec.loads(ConsentRecord, row[0])


def consent_ids_for_record(conn: Connection, record_id: str) -> list[str]:
    """Ids of the consent records naming ``record_id``, in the order :func:`list_consents`
    gives them (the link table alone: nothing decoded)."""
    rows = conn.execute(
        "SELECT c.id FROM consent c JOIN consent_record cr ON cr.consent_rowid = c.rowid"
        " WHERE cr.record_id = ? ORDER BY c.rowid",
        (record_id,),
    )
    return [str(r[0]) for r in rows]


def list_consents(conn: Connection, record_id: str | None = None) -> list[ConsentRecord]:
    if record_id:
        rows = conn.execute(
            "SELECT c.data FROM consent c JOIN consent_record cr ON cr.consent_rowid = c.rowid"
            " WHERE cr.record_id = ? ORDER BY c.rowid",
            (record_id,),
        )
    else:
        rows = conn.execute("SELECT data FROM consent ORDER BY rowid")
    return [codec.loads(ConsentRecord, r[0]) for r in rows]


# --- settings and meta ------------------------------------------------------------------


def get_setting(conn: Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def set_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def get_meta(conn: Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


# --- signing key ------------------------------------------------------------------------


def save_signing_key(conn: Connection, key_id: bytes, seed: bytes, public: bytes) -> None:
    conn.execute(
        "INSERT INTO signing_key (key_id, seed, public, created) VALUES (?, ?, ?, ?)",
        (key_id, seed, public, datetime.now(UTC).isoformat()),
    )


def load_signing_key(conn: Connection) -> tuple[bytes, bytes, bytes] | None:
    """(key_id, seed, public) of the newest key."""
    row = conn.execute(
        "SELECT key_id, seed, public FROM signing_key ORDER BY created DESC LIMIT 1"
    ).fetchone()
    return (bytes(row[0]), bytes(row[1]), bytes(row[2])) if row else None


def save_key_rotation(conn: Connection, statement: bytes, signature: bytes) -> None:
    """Keep a rotation statement (appended after the earlier ones)."""
    conn.execute(
        "INSERT INTO key_rotation (statement, signature, created) VALUES (?, ?, ?)",
        (statement, signature, datetime.now(UTC).isoformat()),
    )


def list_key_rotations(conn: Connection) -> list[tuple[bytes, bytes]]:
    """(statement, signature) of every rotation, oldest first."""
    rows = conn.execute("SELECT statement, signature FROM key_rotation ORDER BY position")
    return [(bytes(r[0]), bytes(r[1])) for r in rows.fetchall()]


# --- statistics -------------------------------------------------------------------------


def counts(conn: Connection) -> dict[str, int]:
    # Records: all of them less the trash. A bare count(*) is SQLite's b-tree count over the
    # smallest index, a few times cheaper than walking the trashed = 0 range (issue 19: at
    # unlock this runs on the worker just before the first search typed).
    queries: Sequence[tuple[str, str]] = (
        ("records", "SELECT count(*) FROM record"),
        ("in_trash", "SELECT count(*) FROM record WHERE trashed = 1"),
        ("taxa", "SELECT count(*) FROM taxon"),
        ("persons", "SELECT count(*) FROM person"),
        ("media", "SELECT count(*) FROM media"),
        ("consents", "SELECT count(*) FROM consent"),
    )
    found = {name: int(conn.execute(sql).fetchone()[0]) for name, sql in queries}
    found["records"] -= found["in_trash"]
    return found
