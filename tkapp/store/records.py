"""Knowledge records: rows, links, full-text index, search and table summaries.

A record is a narrow ``record`` row (the columns filters and the records table need, kept
small so scans decrypt few pages) and a ``record_data`` row with the full record as JSON.
``record_fts`` (contentless FTS5: the text is stored once, encrypted, in ``record_data``)
indexes the title, the body (summary, description, uses) and the names (scientific and
vernacular names of linked taxa, holder names), with the FTS5 rowid equal to the record's
rowid. It keeps prefix indexes for one and two letters and no word positions (migration 3).
"""

# Queries here are built from constant fragments and "?" placeholders only; every value is
# bound, so the S608 (string-built SQL) warning does not apply.
# ruff: noqa: S608

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from tkapp.core.model import (
    AccessLevel,
    Category,
    KnowledgeRecord,
    Person,
    RecordStatus,
    Taxon,
)
from tkapp.core.users import GroupKey
from tkapp.errors import KeyringError, NotFound
from tkapp.store import codec, sealed
from tkapp.store import media as media_store
from tkapp.store.connection import Connection
from tkapp.store.text import fts_query, nfc

_IN_CHUNK = 500  # bound parameters per IN (...) query


@dataclass(frozen=True)
class RecordFilter:
    category: Category | None = None
    access: AccessLevel | None = None
    label: str | None = None  # Local Contexts label code, e.g. "tkcs"
    status: RecordStatus | None = None
    has_media: bool | None = None
    in_trash: bool = False  # True: only deleted (trashed) records


# Not frozen (read it, never change it): a frozen dataclass's __init__ sets each field
# through object.__setattr__, about 5 us a row on the reference machine, a millisecond per
# page of 200 rows, which was most of what search added to the raw FTS5 query (issue 19).
@dataclass(slots=True)
class RecordSummary:
    id: str
    title: str
    category: Category
    access: AccessLevel
    status: RecordStatus
    taxa: str  # scientific names, "; "-joined
    local_names: str  # vernacular names, "; "-joined
    labels: tuple[str, ...]
    media_count: int
    modified: datetime
    #: The protocol group whose key seals this record ("" for records stored in the clear).
    protected_group: str = ""
    #: False: the reader does not hold the group's key; ``title``, ``taxa`` and
    #: ``local_names`` are empty and the front ends show a placeholder.
    readable: bool = True


def iso(moment: datetime) -> str:
    """UTC ISO text with microseconds: sorts correctly as text (the ``modified`` index)."""
    if moment.tzinfo is not UTC:  # (an import's times are UTC already: no conversion)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


@dataclass
class _Index:
    body: str
    names: str
    taxa_text: str
    names_text: str


class NameCache:
    """Taxon and person lookups for indexing; an import reuses one across thousands of rows."""

    def __init__(self) -> None:
        self._taxa: dict[str, Taxon | None] = {}
        self._persons: dict[str, Person | None] = {}

    def taxon(self, conn: Connection, taxon_id: str) -> Taxon | None:
        if taxon_id not in self._taxa:
            row = conn.execute("SELECT data FROM taxon WHERE id = ?", (taxon_id,)).fetchone()
            self._taxa[taxon_id] = codec.loads(Taxon, row[0]) if row else None
        return self._taxa[taxon_id]

    def person(self, conn: Connection, person_id: str) -> Person | None:
        if person_id not in self._persons:
            row = conn.execute("SELECT data FROM person WHERE id = ?", (person_id,)).fetchone()
            self._persons[person_id] = codec.loads(Person, row[0]) if row else None
        return self._persons[person_id]

    def put_taxon(self, taxon: Taxon) -> None:
        self._taxa[taxon.id] = taxon

    def put_person(self, person: Person) -> None:
        self._persons[person.id] = person

    def forget(self) -> None:
        self._taxa.clear()
        self._persons.clear()


def _index_text(conn: Connection, rec: KnowledgeRecord, names: NameCache) -> _Index:
    uses = [(use.part, use.preparation, use.purpose, use.season) for use in rec.uses]
    people = [link.person_id for link in rec.holders]
    return _index_parts(
        conn,
        names,
        summary=rec.summary,
        description=rec.description,
        uses=uses,
        taxon_ids=rec.taxon_ids,
        holder_ids=people,
    )


def _index_parts(
    conn: Connection,
    names: NameCache,
    *,
    summary: str,
    description: str,
    uses: Iterable[Iterable[str]],
    taxon_ids: Iterable[str],
    holder_ids: Iterable[str],
) -> _Index:
    """What a record's row in the full-text index and its table columns say (the one rule)."""
    body_parts = [summary, description]
    for use in uses:
        body_parts += use
    scientific: list[str] = []
    vernacular: list[str] = []
    for taxon_id in taxon_ids:
        taxon = names.taxon(conn, taxon_id)
        if taxon is None:
            continue
        scientific.append(taxon.scientific_name)
        vernacular += [v.name for v in taxon.vernacular_names]
    holder_names: list[str] = []
    for person_id in holder_ids:
        person = names.person(conn, person_id)
        if person is not None:
            holder_names.append(person.name)
    return _Index(
        body=nfc("\n".join(p for p in body_parts if p)),
        names=nfc("\n".join(scientific + vernacular + holder_names)),
        taxa_text="; ".join(scientific),
        names_text="; ".join(vernacular),
    )


def save(
    conn: Connection,
    rec: KnowledgeRecord,
    state_json: str,
    *,
    new: bool,
    names: NameCache | None = None,
    trashed: bool = False,
) -> int:
    """Insert or replace one record with its links and index entries (caller's transaction).

    A protected record (tkapp.store.sealed) is sealed under its group's current key: its row
    keeps no title or names, its links to taxa and people live only inside the sealed JSON,
    its index entry only in the reader's in-memory index, and its media follow its key.

    Raises:
        NotPermitted: a protected record and the reader does not hold its group's key.
    """
    assert rec.created is not None and rec.modified is not None
    key = sealed.key_to_write(conn, rec.access, rec.restricted_group, rec.id)
    idx = _index_text(conn, rec, names or NameCache())
    if key is None:
        title, taxa_text, names_text = rec.title, idx.taxa_text, idx.names_text
        group, key_version, data, blob = "", 0, state_json, None
    else:
        title = taxa_text = names_text = data = ""
        group, key_version = key.group, key.version
        blob = sealed.seal_text(key, state_json, sealed.record_context(rec.id, "data", key_version))
        sealed.mark_protected(conn)
    values = (
        title,
        rec.category.value,
        rec.access.value,
        rec.status.value,
        rec.language,
        rec.version,
        iso(rec.created),
        iso(rec.modified),
        codec.dumps_plain(rec.labels),
        rec.terms_id,
        taxa_text,
        names_text,
        group,
        key_version,
    )
    if new:
        cur = conn.execute(
            "INSERT INTO record (title, category, access, status, language, version, created,"
            " modified, labels, terms_id, taxa_text, names_text, sealed_group, key_version,"
            " trashed, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, int(trashed), rec.id),
        )
        rowid = int(cur.lastrowid)
        conn.execute(
            "INSERT INTO record_data (rowid, data, sealed) VALUES (?, ?, ?)", (rowid, data, blob)
        )
    else:
        old = conn.execute(
            "SELECT rowid, sealed_group, key_version FROM record WHERE id = ?", (rec.id,)
        ).fetchone()
        if old is None:
            raise NotFound(rec.id, entity="record", id=rec.id)
        rowid = int(old[0])
        conn.execute(
            "UPDATE record SET title = ?, category = ?, access = ?, status = ?, language = ?,"
            " version = ?, created = ?, modified = ?, labels = ?, terms_id = ?, taxa_text = ?,"
            " names_text = ?, sealed_group = ?, key_version = ? WHERE rowid = ?",
            (*values, rowid),
        )
        conn.execute(
            "UPDATE record_data SET data = ?, sealed = ? WHERE rowid = ?", (data, blob, rowid)
        )
        conn.execute("DELETE FROM record_label WHERE record_rowid = ?", (rowid,))
        conn.execute("DELETE FROM record_taxon WHERE record_rowid = ?", (rowid,))
        conn.execute("DELETE FROM record_person WHERE record_rowid = ?", (rowid,))
        conn.execute("DELETE FROM record_fts WHERE rowid = ?", (rowid,))
        sealed.index_drop(conn, rowid)
        if (old[1], int(old[2])) != (group, key_version):
            media_store.reseal_for_record(conn, rec.id, key)
        if key is not None and not old[1]:
            # Protected from now on: its words, deleted above, still sit in the index's
            # segments under a tombstone until a merge. Merge now, so none is left on disk.
            conn.execute("INSERT INTO record_fts (record_fts) VALUES ('optimize')")
    if rec.labels:
        conn.executemany(
            "INSERT OR IGNORE INTO record_label (code, record_rowid) VALUES (?, ?)",
            [(code, rowid) for code in rec.labels],
        )
    if key is not None:
        sealed.index_put(
            conn,
            rowid,
            title=nfc(rec.title),
            body=idx.body,
            names=idx.names,
            taxa_text=idx.taxa_text,
            names_text=idx.names_text,
        )
        return rowid
    if rec.taxon_ids:
        conn.executemany(
            "INSERT OR IGNORE INTO record_taxon (record_rowid, taxon_id) VALUES (?, ?)",
            [(rowid, tid) for tid in rec.taxon_ids],
        )
    people = {h.person_id for h in rec.holders}
    if rec.recorded_by:
        people.add(rec.recorded_by)
    if people:
        conn.executemany(
            "INSERT OR IGNORE INTO record_person (record_rowid, person_id) VALUES (?, ?)",
            [(rowid, pid) for pid in sorted(people)],
        )
    conn.execute(
        "INSERT INTO record_fts (rowid, title, body, names) VALUES (?, ?, ?, ?)",
        (rowid, nfc(rec.title), idx.body, idx.names),
    )
    return rowid


@lru_cache(maxsize=1024)  # a form's rows carry a handful of label combinations
def _labels_json(labels: tuple[str, ...]) -> str:
    return codec.dumps_plain(list(labels))


class BulkInserter:
    """Inserts many NEW records with a few ``executemany`` calls (imports).

    Rowids are assigned here: the caller holds the write transaction (``BEGIN IMMEDIATE``),
    so nobody else can take them meanwhile. A protected record is sealed here too and goes
    into the same batches (its row without title or names, no links, no on-disk index entry:
    the rule of :func:`save`), so a catalogue with many sealed records imports at the same
    pace.
    """

    def __init__(self, conn: Connection, names: NameCache) -> None:
        self.conn = conn
        self.names = names
        row = conn.execute("SELECT coalesce(max(rowid), 0) FROM record").fetchone()
        self.next_rowid = int(row[0]) + 1
        #: Rowids below this are in the database (written by :meth:`flush` or before).
        self.flushed_below = self.next_rowid
        self._records: list[tuple[Any, ...]] = []
        self._data: list[tuple[int, str, bytes | None]] = []
        self._labels: list[tuple[str, int]] = []
        self._taxa: list[tuple[int, str]] = []
        self._persons: list[tuple[int, str]] = []
        self._fts: list[tuple[int, str, str, str]] = []
        self._sealed_index: list[tuple[int, str, str, str, str, str]] = []
        self._marked_protected = False
        #: ids of the pending sealed records (their media must find the row: see is_pending)
        self._pending_sealed: set[str] = set()

    def __len__(self) -> int:
        return len(self._records)

    def is_pending_sealed(self, record_id: str) -> bool:
        """True: a sealed record not written yet. Its media are sealed under the key its row
        names (tkapp.store.media), so the batch must be written before them."""
        return record_id in self._pending_sealed

    def add(self, rec: KnowledgeRecord, state_json: str) -> int:
        assert rec.created is not None and rec.modified is not None
        key = sealed.key_to_write(self.conn, rec.access, rec.restricted_group, rec.id)
        rowid = self.next_rowid
        self.next_rowid += 1
        idx = _index_text(self.conn, rec, self.names)
        if key is None:
            title, taxa_text, names_text = rec.title, idx.taxa_text, idx.names_text
            group, key_version, data, blob = "", 0, state_json, None
        else:
            title = taxa_text = names_text = data = ""
            group, key_version = key.group, key.version
            context = sealed.record_context(rec.id, "data", key_version)
            blob = sealed.seal_text(key, state_json, context)
            if not self._marked_protected:
                sealed.mark_protected(self.conn)
                self._marked_protected = True
            self._pending_sealed.add(rec.id)
        created = iso(rec.created)
        self._records.append(
            (
                rowid,
                rec.id,
                title,
                rec.category.value,
                rec.access.value,
                rec.status.value,
                rec.language,
                rec.version,
                created,
                created if rec.modified == rec.created else iso(rec.modified),
                _labels_json(tuple(rec.labels)),
                rec.terms_id,
                taxa_text,
                names_text,
                group,
                key_version,
            )
        )
        self._data.append((rowid, data, blob))
        self._labels += [(code, rowid) for code in dict.fromkeys(rec.labels)]
        if key is not None:
            # Its words only in the reader's in-memory index, as save() does.
            self._sealed_index.append(
                (rowid, nfc(rec.title), idx.body, idx.names, idx.taxa_text, idx.names_text)
            )
            return rowid
        self._taxa += [(rowid, tid) for tid in dict.fromkeys(rec.taxon_ids)]
        people = dict.fromkeys(h.person_id for h in rec.holders)
        if rec.recorded_by:
            people[rec.recorded_by] = None
        self._persons += [(rowid, pid) for pid in people]
        self._fts.append((rowid, nfc(rec.title), idx.body, idx.names))
        return rowid

    def flush(self) -> None:
        if not self._records:
            return
        conn = self.conn
        conn.executemany(
            "INSERT INTO record (rowid, id, title, category, access, status, language, version,"
            " created, modified, labels, terms_id, taxa_text, names_text, sealed_group,"
            " key_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._records,
        )
        conn.executemany(
            "INSERT INTO record_data (rowid, data, sealed) VALUES (?, ?, ?)", self._data
        )
        conn.executemany(
            "INSERT INTO record_label (code, record_rowid) VALUES (?, ?)", self._labels
        )
        conn.executemany(
            "INSERT INTO record_taxon (record_rowid, taxon_id) VALUES (?, ?)", self._taxa
        )
        conn.executemany(
            "INSERT INTO record_person (record_rowid, person_id) VALUES (?, ?)", self._persons
        )
        conn.executemany(
            "INSERT INTO record_fts (rowid, title, body, names) VALUES (?, ?, ?, ?)", self._fts
        )
        if self._sealed_index and sealed.has_index(conn):
            sealed.index_put_many(conn, self._sealed_index)
        for pending in (
            self._records,
            self._data,
            self._labels,
            self._taxa,
            self._persons,
            self._fts,
            self._sealed_index,
        ):
            pending.clear()
        self._pending_sealed.clear()
        self.flushed_below = self.next_rowid


def _rowid(conn: Connection, record_id: str) -> int:
    row = conn.execute("SELECT rowid FROM record WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise NotFound(record_id, entity="record", id=record_id)
    return int(row[0])


def exists(conn: Connection, record_id: str) -> bool:
    return conn.execute("SELECT 1 FROM record WHERE id = ?", (record_id,)).fetchone() is not None


def existing_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0] for r in conn.execute(f"SELECT id FROM record WHERE id IN ({marks})", chunk)
        )
    return found


def ids_under_terms(conn: Connection, terms_id: str) -> list[str]:
    """Ids of the records governed by terms version ``terms_id``."""
    rows = conn.execute("SELECT id FROM record WHERE terms_id = ?", (terms_id,))
    return [str(r[0]) for r in rows]


def load(conn: Connection, record_id: str) -> tuple[KnowledgeRecord, bool]:
    """The record and whether it is in the trash.

    Raises:
        NotFound: no such record. NotPermitted: it is sealed and the reader lacks its key.
        KeyringError: its sealed value does not open here (moved from another record).
    """
    row = conn.execute(
        "SELECT d.data, r.trashed, r.sealed_group, r.key_version, d.sealed"
        " FROM record r JOIN record_data d ON d.rowid = r.rowid WHERE r.id = ?",
        (record_id,),
    ).fetchone()
    if row is None:
        raise NotFound(record_id, entity="record", id=record_id)
    data = row[0]
    if row[2]:
        version = int(row[3])
        key = sealed.key_to_read(conn, row[2], version, record_id)
        data = sealed.open_text(key, row[4], sealed.record_context(record_id, "data", version))
    return codec.loads(KnowledgeRecord, data), bool(row[1])


def unreadable_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that are sealed under a key the reader does not hold."""
    found: set[str] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT id, sealed_group, key_version FROM record"
            f" WHERE sealed_group != '' AND id IN ({marks})",
            chunk,
        )
        found.update(r[0] for r in rows if not sealed.may_open(conn, r[1], int(r[2])))
    return found


def set_trashed(conn: Connection, record_id: str, trashed: bool) -> None:
    rowid = _rowid(conn, record_id)
    conn.execute("UPDATE record SET trashed = ? WHERE rowid = ?", (int(trashed), rowid))


def purge(conn: Connection, record_id: str) -> None:
    rowid = _rowid(conn, record_id)
    for table in ("record_label", "record_taxon", "record_person"):
        conn.execute(f"DELETE FROM {table} WHERE record_rowid = ?", (rowid,))
    conn.execute("DELETE FROM record_fts WHERE rowid = ?", (rowid,))
    sealed.index_drop(conn, rowid)
    conn.execute("DELETE FROM consent_record WHERE record_id = ?", (record_id,))
    conn.execute("DELETE FROM record_data WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM record WHERE rowid = ?", (rowid,))


def reindex(conn: Connection, rowids: Iterable[int]) -> None:
    """Recompute names and index entries (after a linked taxon or person changed)."""
    names = NameCache()
    for rowid in rowids:
        row = conn.execute("SELECT data FROM record_data WHERE rowid = ?", (rowid,)).fetchone()
        if row is None or not row[0]:  # sealed records have no links to re-index from
            continue
        rec = codec.loads(KnowledgeRecord, row[0])
        save(conn, rec, row[0], new=False, names=names)


def rebuild_index(conn: Connection) -> None:
    """Index every record again (a migration that recreates ``record_fts``)."""
    names = NameCache()
    batch: list[tuple[int, str, str, str]] = []
    sql = "INSERT INTO record_fts (rowid, title, body, names) VALUES (?, ?, ?, ?)"
    rows = conn.execute("SELECT rowid, data FROM record_data WHERE data != '' ORDER BY rowid")
    for rowid, data in rows:
        # The stored JSON's own fields, not a decoded KnowledgeRecord: decoding is most of the
        # cost, and a million records should migrate in minutes.
        rec = json.loads(data)
        uses = [(u["part"], u["preparation"], u["purpose"], u["season"]) for u in rec["uses"]]
        people = [link["person_id"] for link in rec["holders"]]
        idx = _index_parts(
            conn,
            names,
            summary=rec["summary"],
            description=rec["description"],
            uses=uses,
            taxon_ids=rec["taxon_ids"],
            holder_ids=people,
        )
        batch.append((rowid, nfc(rec["title"]), idx.body, idx.names))
        if len(batch) >= 1000:
            conn.executemany(sql, batch)
            batch.clear()
    conn.executemany(sql, batch)


def rowids_linking_taxon(conn: Connection, taxon_id: str) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT record_rowid FROM record_taxon WHERE taxon_id = ?", (taxon_id,)
        )
    ]


def rowids_linking_person(conn: Connection, person_id: str) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT record_rowid FROM record_person WHERE person_id = ?", (person_id,)
        )
    ]


# --- search -----------------------------------------------------------------------------


def _filter_sql(filters: RecordFilter) -> tuple[str, list[Any]]:
    clauses = ["r.trashed = ?"]
    params: list[Any] = [int(filters.in_trash)]
    if filters.category is not None:
        clauses.append("r.category = ?")
        params.append(filters.category.value)
    if filters.access is not None:
        clauses.append("r.access = ?")
        params.append(filters.access.value)
    if filters.status is not None:
        clauses.append("r.status = ?")
        params.append(filters.status.value)
    if filters.label:
        clauses.append("r.rowid IN (SELECT record_rowid FROM record_label WHERE code = ?)")
        params.append(filters.label)
    if filters.has_media is not None:
        clauses.append(
            ("" if filters.has_media else "NOT ")
            + "EXISTS (SELECT 1 FROM media m WHERE m.record_id = r.id)"
        )
    return " AND ".join(clauses), params


#: Up to this many full-text hits are ordered by relevance; more are ordered newest first.
RANKED_HITS_MAX = 2_000

#: A search counts its matches up to here, then says "more than 10,000": counting the hits of a
#: one-letter prefix at a million records takes a second, and the page never needs it. The
#: records table asks for a higher cap only when it is scrolled down to the capped end.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: the ids shown, and how many records match in all."""

    ids: list[str]
    #: The number of matches, or (``capped``) the cap the count stopped at.
    total: int
    #: True: relevance order (a few hits); False: newest first.
    ranked: bool
    #: True: more than ``total`` records match. Only known when this call counted (no
    #: ``total`` passed in).
    capped: bool = False
    #: The rows' table summaries in the same order, when asked for (``with_rows``).
    rows: list[RecordSummary] = field(default_factory=list)


#: The on-disk index, and the reader's in-memory index of the sealed records they may read.
_DISK_INDEX = ("record_fts", "record_fts")
_SEALED_INDEX = ("temp.sealed_fts", "sealed_fts")
_TRASH = "SELECT rowid FROM record WHERE trashed = 1"


def _hits_sql(
    filters: RecordFilter, index: tuple[str, str], trash_empty: bool | None
) -> tuple[str, str, list[Any]]:
    """(FROM clause, WHERE conditions, parameters) for full-text hits ``f`` within filters.
    ``index``: the table and its MATCH column name; ``trash_empty``: known for a search
    filtered by the trash flag only (:func:`_trash_is_empty`), else None.

    Only the trash flag set: with an empty trash the hits need no check at all; otherwise
    they are checked against the (usually small) set of trashed rowids, which SQLite builds
    once per statement from an index, so the full-text index's own order and early LIMIT
    stay intact. Any other filter joins the record row.
    """
    table, column = index
    if trash_empty is not None:
        if trash_empty:
            return table + " f", column + " MATCH ?", []
        clause = " AND f.rowid IN (" if filters.in_trash else " AND f.rowid NOT IN ("
        return table + " f", column + " MATCH ?" + clause + _TRASH + ")", []
    where, params = _filter_sql(filters)
    return table + " f JOIN record r ON r.rowid = f.rowid", column + " MATCH ? AND " + where, params


def _trash_is_empty(conn: Connection, filters: RecordFilter) -> bool | None:
    """For a search filtered by the trash flag only: is the trash empty (an index probe
    of a few microseconds; checking each hit against even an empty set costs about a tenth
    of a microsecond a hit)? None for any other filter."""
    if filters != RecordFilter(in_trash=filters.in_trash):
        return None
    return bool(conn.execute("SELECT NOT EXISTS (" + _TRASH + ")").fetchone()[0])


def _summary_sql(conn: Connection) -> tuple[str, str]:
    """(columns, joins) of a table row of record ``r``, read by :func:`_summary`.

    A sealed record's title and names come from the reader's in-memory view (when it holds
    any: otherwise every sealed record is one the reader may not read)."""
    if sealed.index_in_use(conn):
        return (
            "r.id, coalesce(v.title, r.title), coalesce(v.taxa_text, r.taxa_text),"
            " coalesce(v.names_text, r.names_text), r.category, r.access, r.status, r.labels,"
            " r.modified, (SELECT count(*) FROM media m WHERE m.record_id = r.id),"
            " r.sealed_group, v.rowid IS NOT NULL",
            " LEFT JOIN temp.sealed_view v ON v.rowid = r.rowid",
        )
    return (
        "r.id, r.title, r.taxa_text, r.names_text, r.category, r.access, r.status, r.labels,"
        " r.modified, (SELECT count(*) FROM media m WHERE m.record_id = r.id),"
        " r.sealed_group, 0",
        "",
    )


# A page of table rows converts 200 rows' codes at once: a dictionary lookup is several times
# cheaper than calling the enum, and a page shares a handful of label sets (parsed once).
_CATEGORIES = {member.value: member for member in Category}
_ACCESS_LEVELS = {member.value: member for member in AccessLevel}
_STATUSES = {member.value: member for member in RecordStatus}
_LABEL_SETS: dict[str, tuple[str, ...]] = {"[]": ()}
_LABEL_SETS_MAX = 1_000


def _labels(text: str) -> tuple[str, ...]:
    labels = _LABEL_SETS.get(text)
    if labels is None:
        labels = tuple(json.loads(text))
        if len(_LABEL_SETS) < _LABEL_SETS_MAX:
            _LABEL_SETS[text] = labels
    return labels


def _summary(row: Sequence[Any]) -> RecordSummary:
    """A table row from the columns of :func:`_summary_sql`, from the first one on."""
    return RecordSummary(
        row[0],
        row[1],
        _CATEGORIES[row[4]],
        _ACCESS_LEVELS[row[5]],
        _STATUSES[row[6]],
        row[2],
        row[3],
        _labels(row[7]),
        row[9],
        datetime.fromisoformat(row[8]),
        row[10],
        not row[10] or row[11] == 1,
    )


def search_page(
    conn: Connection,
    query: str,
    filters: RecordFilter | None,
    *,
    offset: int = 0,
    limit: int | None = None,
    total: int | None = None,
    count_to: int | None = None,
    with_rows: bool = False,
) -> SearchPage:
    """Ids ``offset .. offset + limit`` of a search (``limit`` None: to the end).

    A query matches every word as a prefix (relevance order up to :data:`RANKED_HITS_MAX`
    hits, newest first beyond); no query lists the records newest first. The matches are
    counted up to ``count_to`` only (None: :data:`COUNT_CAP`; then ``capped``). ``total`` is
    the count a first page returned: later pages pass it back, so the count is not run
    again. ``with_rows``: the page's table rows come in the same statement as its ids.

    Two statements at most: a bounded count, and the page (with its rows), both driven by
    the full-text index's own order or the rank sort of a few hits, each word prefix read
    once from the prefix index (``record_fts`` has ``prefix = '1 2'``).
    """
    filters = filters or RecordFilter()
    limit = -1 if limit is None else limit
    count_to = COUNT_CAP if count_to is None else count_to
    if limit >= 0:
        count_to = max(count_to, offset + limit)  # never fewer than the page itself shows
    columns, joins = _summary_sql(conn) if with_rows else ("r.id", "")
    if not query.strip():
        where, params = _filter_sql(filters)
        capped = False
        if total is None:
            n = _count(conn, "SELECT 1 FROM record r WHERE " + where, params, count_to)
            total, capped = min(n, count_to), n > count_to
        # Ties by rowid, as the listing indexes hold them (no sort).
        sql = (
            "SELECT " + columns + " FROM record r" + joins + " WHERE " + where
            + " ORDER BY r.modified DESC, r.rowid LIMIT ? OFFSET ?"
        )  # fmt: skip
        return _page(conn.execute(sql, [*params, limit, offset]), total, False, capped, with_rows)
    match = fts_query(query)
    if not match:
        return SearchPage([], 0, ranked=False)
    trash_empty = _trash_is_empty(conn, filters)
    if trash_empty and filters.in_trash:
        return SearchPage([], 0, ranked=False)
    indexes = [_DISK_INDEX, _SEALED_INDEX] if sealed.index_in_use(conn) else [_DISK_INDEX]
    sides = [_hits_sql(filters, index, trash_empty) for index in indexes]
    capped = False
    if total is None:
        counts = _side_counts(conn, match, sides, count_to)
        # An index with no hit is not asked for the page (ranking reads each word's hits).
        indexes = [index for index, n in zip(indexes, counts, strict=True) if n != 0]
        sides = [hits for hits, n in zip(sides, counts, strict=True) if n != 0]
        found = sum(n for n in counts if n is not None)
        total, capped = min(found, count_to), found > count_to
    if total == 0 or not sides:
        return SearchPage([], 0, ranked=False)
    # bm25 costs a few microseconds per hit: ranking tens of thousands of hits (a one-letter
    # prefix) makes every keystroke sluggish and tells a person nothing. Past
    # RANKED_HITS_MAX hits, use the index's own order instead: newest first, no sort.
    ranked = total <= RANKED_HITS_MAX and not capped
    # Each index gives its hits in the page's order with its own early LIMIT (its rowid order
    # needs no sort; a few ranked hits are sorted by their score, computed once a hit); two
    # indexes each give their first offset + limit and SQLite merges the two short lists by
    # one key: bm25 (smaller is better) or the rowid negated (newest first).
    want = limit if len(sides) == 1 else (-1 if limit < 0 else offset + limit)
    arms, args = [], []
    for (source, where, params), (_table, column) in zip(sides, indexes, strict=True):
        if ranked:
            key, order = "bm25(" + column + ", " + sealed.RANK_WEIGHTS + ")", "k"
        else:
            key, order = "-f.rowid", "f.rowid DESC"
        arms.append(
            "SELECT f.rowid AS rid, " + key + " AS k FROM " + source + " WHERE " + where
            + " ORDER BY " + order + " LIMIT ?"
        )  # fmt: skip
        args += [match, *params, want]
    if len(arms) == 1:
        hits = arms[0] + " OFFSET ?"
        args.append(offset)
    else:
        hits = " UNION ALL ".join("SELECT * FROM (" + arm + ")" for arm in arms)
        hits += " ORDER BY k LIMIT ? OFFSET ?"
        args += [limit, offset]
    sql = (
        "SELECT " + columns + " FROM (" + hits + ") p JOIN record r ON r.rowid = p.rid"
        + joins + " ORDER BY p.k"
    )  # fmt: skip
    return _page(conn.execute(sql, args), total, ranked, capped, with_rows)


def _count(conn: Connection, rows_sql: str, params: list[Any], count_to: int) -> int:
    """How many rows ``rows_sql`` gives, counted up to ``count_to + 1`` only."""
    sql = "SELECT count(*) FROM (" + rows_sql + " LIMIT ?)"
    return int(conn.execute(sql, [*params, count_to + 1]).fetchone()[0])


def _side_counts(
    conn: Connection, match: str, sides: list[tuple[str, str, list[Any]]], count_to: int
) -> list[int | None]:
    """Hits per index, ``count_to + 1`` at most in all: the on-disk index first, the
    in-memory one only for what is left (None: not counted, the cap was already passed)."""
    counts: list[int | None] = []
    left = count_to + 1
    for source, where, params in sides:
        if left <= 0:
            counts.append(None)
            continue
        rows = "SELECT 1 FROM " + source + " WHERE " + where
        n = _count(conn, rows, [match, *params], left - 1)
        counts.append(n)
        left -= n
    return counts


def _page(rows: Any, total: int, ranked: bool, capped: bool, with_rows: bool) -> SearchPage:
    if not with_rows:
        return SearchPage([row[0] for row in rows], total, ranked, capped)
    found = [_summary(row) for row in rows]
    return SearchPage([s.id for s in found], total, ranked, capped, found)


def search_ids(
    conn: Connection, query: str, filters: RecordFilter | None, limit: int | None = None
) -> list[str]:
    """Ids matching ``query`` (relevance order) or all (newest first), within ``filters``."""
    # The count only decides the order here: it may stop where ranking stops.
    return search_page(conn, query, filters, limit=limit, count_to=RANKED_HITS_MAX).ids


#: Where :func:`ids_after` stopped: the last record's id (walking by id) or rowid.
IdCursor = tuple[str, int]


def ids_after(
    conn: Connection, in_trash: bool, after: IdCursor | None, limit: int, *, by_id: bool = False
) -> tuple[list[str], IdCursor | None]:
    """Up to ``limit`` record ids (in the trash or not) that come after ``after`` (None: from
    the first), and the cursor to pass back for the next ones (None: there are no more).

    Newest added first (rowid descending), or with ``by_id`` in the ids' own order: keys an
    edit never changes, so a record edited while a walk goes on is given exactly once (a walk
    by ``modified`` would move it behind the cursor and leave it out), and a record added
    during a walk is not given (as when the ids were listed first). Keyset pagination: each
    call seeks where the last one stopped, so walking every record costs one pass in all and
    the caller holds one batch of ids at a time.
    """
    args: tuple[Any, ...]
    if by_id:
        sql = "SELECT id, id, 0 FROM record WHERE trashed = ? AND id > ? ORDER BY id LIMIT ?"
        args = (int(in_trash), after[0] if after else "", limit)
    else:
        # "+trashed": not through a listing index (it would sort every record for each
        # batch), but a seek in the table's own rowid order.
        sql = (
            "SELECT id, '', rowid FROM record WHERE +trashed = ? AND rowid < ?"
            " ORDER BY rowid DESC LIMIT ?"
        )
        args = (int(in_trash), after[1] if after else 2**63 - 1, limit)
    rows = conn.execute(sql, args).fetchall()
    cursor = (rows[-1][1], int(rows[-1][2])) if len(rows) == limit else None
    return [row[0] for row in rows], cursor


def count_readable(conn: Connection, in_trash: bool) -> int:
    """How many records (in the trash or not) the reader may read."""
    rows = conn.execute(
        "SELECT sealed_group, key_version, count(*) FROM record WHERE trashed = ?"
        " GROUP BY sealed_group, key_version",
        (int(in_trash),),
    )
    return sum(
        n for group, version, n in rows if not group or sealed.may_open(conn, group, int(version))
    )


def count(conn: Connection, filters: RecordFilter | None) -> int:
    where, params = _filter_sql(filters or RecordFilter())
    return int(conn.execute("SELECT count(*) FROM record r WHERE " + where, params).fetchone()[0])


def summaries(conn: Connection, ids: Sequence[str]) -> list[RecordSummary]:
    """Table rows for ``ids``, in the same order (unknown ids are left out).

    A sealed record's title and names come from the reader's in-memory view; one they may not
    read comes back with ``readable`` False and no title or names.
    """
    found: dict[str, RecordSummary] = {}
    columns, joins = _summary_sql(conn)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        sql = "SELECT " + columns + " FROM record r" + joins + " WHERE r.id IN (" + marks + ")"
        for row in conn.execute(sql, chunk):
            found[row[0]] = _summary(row)
    return [found[i] for i in ids if i in found]


# --- sealed records: the reader's in-memory index, re-sealing ----------------------------


def index_sealed(conn: Connection) -> int:
    """Build the in-memory index of the sealed records the reader may read (at unlock).

    Returns:
        How many records it holds.
    """
    sealed.drop_index(conn)
    sealed.create_index(conn)
    names = NameCache()
    # One transaction and one final merge: row by row, each insert would leave its own index
    # segment and every search would walk them all.
    conn.execute("BEGIN")
    try:
        count = _index_sealed_rows(conn, names)
        conn.execute("INSERT INTO temp.sealed_fts (sealed_fts) VALUES ('optimize')")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return count


def _index_sealed_rows(conn: Connection, names: NameCache) -> int:
    batch: list[tuple[int, str, str, str, str, str]] = []
    rows = conn.execute(
        "SELECT r.rowid, r.id, r.sealed_group, r.key_version, d.sealed FROM record r"
        " JOIN record_data d ON d.rowid = r.rowid WHERE r.sealed_group != ''"
    ).fetchall()
    for rowid, record_id, group, version, blob in rows:
        if not sealed.may_open(conn, group, int(version)):
            continue
        key = sealed.key_to_read(conn, group, int(version), record_id)
        context = sealed.record_context(record_id, "data", int(version))
        try:
            rec = json.loads(sealed.open_text(key, blob, context))
        except KeyringError:
            continue  # a damaged or moved value: listed as a placeholder, opening it says so
        uses = [(u["part"], u["preparation"], u["purpose"], u["season"]) for u in rec["uses"]]
        idx = _index_parts(
            conn,
            names,
            summary=rec["summary"],
            description=rec["description"],
            uses=uses,
            taxon_ids=rec["taxon_ids"],
            holder_ids=[link["person_id"] for link in rec["holders"]],
        )
        batch.append(
            (int(rowid), nfc(rec["title"]), idx.body, idx.names, idx.taxa_text, idx.names_text)
        )
    sealed.index_put_many(conn, batch)
    return len(batch)


def reseal_batch(conn: Connection, old: GroupKey, new: GroupKey, limit: int) -> int:
    """Move up to ``limit`` records (and their media) of ``old``'s group and version to
    ``new`` (caller's transaction). Returns how many moved; 0 when none is left."""
    rows = conn.execute(
        "SELECT r.rowid, r.id, d.sealed FROM record r JOIN record_data d ON d.rowid = r.rowid"
        " WHERE r.sealed_group = ? AND r.key_version = ? LIMIT ?",
        (old.group, old.version, limit),
    ).fetchall()
    for rowid, record_id, blob in rows:
        state = sealed.open_text(old, blob, sealed.record_context(record_id, "data", old.version))
        fresh = sealed.seal_text(new, state, sealed.record_context(record_id, "data", new.version))
        conn.execute(
            "UPDATE record SET sealed_group = ?, key_version = ? WHERE rowid = ?",
            (new.group, new.version, rowid),
        )
        conn.execute("UPDATE record_data SET sealed = ? WHERE rowid = ?", (fresh, rowid))
        media_store.reseal_for_record(conn, record_id, new, old=old)
    return len(rows)


def sealed_versions(conn: Connection) -> set[tuple[str, int]]:
    """Every (group, key version) some record is sealed under."""
    return {
        (str(r[0]), int(r[1]))
        for r in conn.execute(
            "SELECT DISTINCT sealed_group, key_version FROM record WHERE sealed_group != ''"
        )
    }


def plain_protected_ids(conn: Connection) -> list[str]:
    """Records at a protected access level still stored in the clear (before sealing)."""
    return [
        r[0]
        for r in conn.execute(
            # trashed IN (0, 1) lets the (trashed, access, ...) index answer: no table scan at
            # every unlock, only the protected records' rows are read.
            "SELECT id FROM record WHERE trashed IN (0, 1) AND access IN (?, ?)"
            " AND sealed_group = '' ORDER BY rowid",
            (AccessLevel.RESTRICTED.value, AccessLevel.SECRET_SACRED.value),
        )
    ]
