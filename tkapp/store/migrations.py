"""Numbered schema migrations, tracked in ``PRAGMA user_version``.

Each migration is ``(version, function)``; the function receives a connection inside an open
transaction and must only move the schema from ``version - 1`` to ``version``. Never edit a
released migration: append a new one, and add a test that runs it on the fixture catalogue
(tests/data/catalogue-v1.tkc).

Records and the other entities keep their full contents in a JSON ``data`` column; the real
columns are only what search, filters and links need, so most model changes need no migration.
"""

from __future__ import annotations

from collections.abc import Callable

from tkapp.store.connection import APPLICATION_ID, MAGIC, Connection

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE signing_key (
    key_id BLOB PRIMARY KEY,
    seed BLOB NOT NULL,
    public BLOB NOT NULL,
    created TEXT NOT NULL
);

CREATE TABLE record (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    access TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT NOT NULL,
    version INTEGER NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    trashed INTEGER NOT NULL DEFAULT 0,
    labels TEXT NOT NULL DEFAULT '[]',
    terms_id TEXT NOT NULL DEFAULT '',
    taxa_text TEXT NOT NULL DEFAULT '',
    names_text TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL
);
CREATE INDEX record_by_modified ON record (trashed, modified DESC);
CREATE INDEX record_by_category ON record (trashed, category, modified DESC);
CREATE INDEX record_by_access ON record (trashed, access, modified DESC);
CREATE INDEX record_by_status ON record (trashed, status, modified DESC);
CREATE INDEX record_by_terms ON record (terms_id);

CREATE TABLE record_label (
    code TEXT NOT NULL,
    record_rowid INTEGER NOT NULL,
    PRIMARY KEY (code, record_rowid)
) WITHOUT ROWID;
CREATE INDEX record_label_by_record ON record_label (record_rowid);

CREATE TABLE record_taxon (
    record_rowid INTEGER NOT NULL,
    taxon_id TEXT NOT NULL,
    PRIMARY KEY (record_rowid, taxon_id)
) WITHOUT ROWID;
CREATE INDEX record_taxon_by_taxon ON record_taxon (taxon_id);

CREATE TABLE record_person (
    record_rowid INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (record_rowid, person_id)
) WITHOUT ROWID;
CREATE INDEX record_person_by_person ON record_person (person_id);

-- Contentless: the text lives (encrypted) in record.data; the index only maps words to rows.
CREATE VIRTUAL TABLE record_fts USING fts5 (
    title, body, names,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2"
);

CREATE TABLE taxon (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    scientific_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX taxon_by_name ON taxon (scientific_name COLLATE NOCASE);

CREATE TABLE person (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX person_by_name ON person (name COLLATE NOCASE);

CREATE TABLE consent (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE consent_record (
    consent_rowid INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (consent_rowid, record_id)
) WITHOUT ROWID;
CREATE INDEX consent_record_by_record ON consent_record (record_id);

CREATE TABLE media (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL DEFAULT '',
    consent_id TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL,
    chunk_size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX media_by_record ON media (record_id);
CREATE INDEX media_by_consent ON media (consent_id);
-- Media bytes in fixed-size chunks: streamed in and out, never whole in memory.
CREATE TABLE media_chunk (
    media_rowid INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (media_rowid, seq)
);

-- Append-only, hash-chained (tkapp.store.audit).
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit (entity_id, seq);
"""


def _v1(conn: Connection) -> None:
    for statement in _V1.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    # Relevance: a word in the title weighs most, then names, then the body.
    conn.execute(
        "INSERT INTO record_fts (record_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0)')"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    conn.execute("INSERT INTO meta (key, value) VALUES ('magic', ?)", (MAGIC,))


Migration = Callable[[Connection], None]

#: (version, migration) in order. The version a catalogue ends at is ``LATEST``.
MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _v1),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int = LATEST) -> list[int]:
    """Apply every migration above the catalogue's version, each in its own transaction.

    Returns:
        The versions applied, in order.
    """
    applied: list[int] = []
    for version, step in MIGRATIONS:
        if version <= current_version(conn) or version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
