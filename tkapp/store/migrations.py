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

-- The narrow part of a record: what the records table, filters and search touch. Kept small
-- so that scanning 100,000 of them reads (and decrypts) few pages.
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
    names_text TEXT NOT NULL DEFAULT ''
);
-- Covering indexes (they end with id): listing ids never reads the record rows.
CREATE INDEX record_by_modified ON record (trashed, modified DESC, id);
CREATE INDEX record_by_category ON record (trashed, category, modified DESC, id);
CREATE INDEX record_by_access ON record (trashed, access, modified DESC, id);
CREATE INDEX record_by_status ON record (trashed, status, modified DESC, id);
CREATE INDEX record_by_terms ON record (terms_id);

-- The whole record as JSON (model fields), one row per record, same rowid.
CREATE TABLE record_data (
    rowid INTEGER PRIMARY KEY,
    data TEXT NOT NULL
);

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


_V2 = """
-- Terms (LICENSING.md): one row per immutable *version*. ``data`` is the canonical terms.json.
-- ``first_export_id`` is '' until an export uses the version; from then on it never changes.
CREATE TABLE terms_version (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    set_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    template TEXT NOT NULL,
    data TEXT NOT NULL,
    created TEXT NOT NULL,
    first_export_id TEXT NOT NULL DEFAULT '',
    UNIQUE (set_id, version)
);
-- Belt and braces under the service check: a used version cannot be edited or deleted.
CREATE TRIGGER terms_version_used_is_immutable
BEFORE UPDATE OF id, set_id, version, name, template, data ON terms_version
WHEN OLD.first_export_id <> ''
BEGIN SELECT RAISE(ABORT, 'terms version used in an export is immutable'); END;
CREATE TRIGGER terms_version_used_not_deleted
BEFORE DELETE ON terms_version WHEN OLD.first_export_id <> ''
BEGIN SELECT RAISE(ABORT, 'terms version used in an export is immutable'); END;

-- A community's own wording of a Local Contexts label (LabelCustomisation JSON).
CREATE TABLE label_customisation (
    code TEXT PRIMARY KEY,
    data TEXT NOT NULL
);

-- Address book of recipients (Recipient JSON).
CREATE TABLE recipient (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX recipient_by_name ON recipient (name COLLATE NOCASE);

-- The sharing ledger: who has what of ours, under which terms. Rows are never changed.
CREATE TABLE export (
    rowid INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL UNIQUE,
    created TEXT NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    user_class TEXT NOT NULL,
    records TEXT NOT NULL,
    terms_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    expires TEXT,
    file_name TEXT NOT NULL
);
CREATE TRIGGER export_is_append_only BEFORE UPDATE ON export
BEGIN SELECT RAISE(ABORT, 'the sharing ledger is append-only'); END;
-- Which exports carried a record (answers "who has this record?").
CREATE TABLE export_record (
    record_id TEXT NOT NULL,
    export_rowid INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (record_id, export_rowid)
) WITHOUT ROWID;
CREATE INDEX export_record_by_export ON export_record (export_rowid);
-- Follow-ups of an export: results returned, publications notified, benefits received.
CREATE TABLE export_follow_up (
    rowid INTEGER PRIMARY KEY,
    export_rowid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
);
CREATE INDEX export_follow_up_by_export ON export_follow_up (export_rowid, kind);

-- Researcher side: bundles verified and imported, kept read-only.
CREATE TABLE received_bundle (
    rowid INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL UNIQUE,
    catalogue_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    signer_key_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    community TEXT NOT NULL,
    trust TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    source_name TEXT NOT NULL,
    verification TEXT NOT NULL,
    terms TEXT NOT NULL,
    terms_texts TEXT NOT NULL,
    odrl TEXT,
    manifest TEXT NOT NULL
);
CREATE TABLE received_record (
    bundle_rowid INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (bundle_rowid, kind, record_id)
) WITHOUT ROWID;
CREATE INDEX received_record_by_id ON received_record (record_id);
CREATE TRIGGER received_record_read_only BEFORE UPDATE ON received_record
BEGIN SELECT RAISE(ABORT, 'received records are read-only'); END;
-- Received media bytes, chunked exactly like the catalogue's own media (tkapp.store.media).
CREATE TABLE received_media (
    rowid INTEGER PRIMARY KEY,
    bundle_rowid INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    chunk_size INTEGER NOT NULL,
    UNIQUE (bundle_rowid, path)
);
CREATE TABLE received_media_chunk (
    media_rowid INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (media_rowid, seq)
);
"""


def _v2(conn: Connection) -> None:
    """Terms, label wording, address book, sharing ledger, received bundles (issues 3, 4)."""
    for statement in _V2.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    # Catalogue-wide bundle sequence (BUNDLE-FORMAT.md: increases per catalogue).
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('export_sequence', '0')")


_V3 = """
CREATE TABLE hub_project (
    id TEXT PRIMARY KEY,
    hub_id TEXT NOT NULL,
    data TEXT NOT NULL
)
"""


def _v3(conn: Connection) -> None:
    """Local Contexts Hub projects linked to records or the whole catalogue (issue 16)."""
    conn.execute(_V3)


_V4 = """
-- Export sequences and bundle ids, reserved (and committed) BEFORE the bundle file appears:
-- an export killed at any point leaves its reservation, so no later export reuses the id.
CREATE TABLE export_reservation (
    sequence INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL UNIQUE,
    reserved TEXT NOT NULL,
    file_name TEXT NOT NULL
);
CREATE TRIGGER export_reservation_is_append_only BEFORE UPDATE ON export_reservation
BEGIN SELECT RAISE(ABORT, 'export reservations are append-only'); END;
CREATE TRIGGER export_reservation_is_kept BEFORE DELETE ON export_reservation
BEGIN SELECT RAISE(ABORT, 'export reservations are append-only'); END;
-- Grants the community revoked (one row per revoked bundle), and the revocation lists made.
CREATE TABLE grant_revocation (
    rowid INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    revoked TEXT NOT NULL
);
CREATE TRIGGER grant_revocation_is_append_only BEFORE UPDATE ON grant_revocation
BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;
"""


def _v4(conn: Connection) -> None:
    """Export reservations and grant revocations (issue 14)."""
    for statement in _V4.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V5 = """
-- Search at a million records (issue 19). The full-text index is rebuilt with prefix indexes
-- for one- and two-letter prefixes (a keystroke's prefix is one term lookup, not a merge of
-- every word it starts), and detail = column: a query is a conjunction of word prefixes, never
-- a phrase, so word positions (most of the index's bytes) are not kept. Still contentless:
-- the text lives (encrypted) in record_data only.
DROP TABLE record_fts;
CREATE VIRTUAL TABLE record_fts USING fts5 (
    title, body, names,
    content = '', contentless_delete = 1, detail = column, prefix = '1 2',
    tokenize = "unicode61 remove_diacritics 2"
);
-- Listing indexes without the id: pages fetch ids for the rows shown, so the indexes only
-- order and count (half the bytes each).
DROP INDEX record_by_modified;
DROP INDEX record_by_category;
DROP INDEX record_by_access;
DROP INDEX record_by_status;
CREATE INDEX record_by_modified ON record (trashed, modified DESC);
CREATE INDEX record_by_category ON record (trashed, category, modified DESC);
CREATE INDEX record_by_access ON record (trashed, access, modified DESC);
CREATE INDEX record_by_status ON record (trashed, status, modified DESC)
"""


def _v5(conn: Connection) -> None:
    """Compact, prefix-indexed full-text index; slimmer listing indexes (issue 19)."""
    # Deferred: the index text of a record is decided in one place (tkapp.store.records).
    from tkapp.store import records

    for statement in _V5.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(
        "INSERT INTO record_fts (record_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0)')"
    )
    records.rebuild_index(conn)


_V6 = """
-- Field data imports (issue 15): which record a submission became, so the weekly re-import of
-- a growing KoboToolbox/ODK export updates records instead of duplicating them. ``scope`` is
-- "" for globally unique submission ids (_uuid, instanceID) or the key column's name for a
-- dataset's own ids; ``digest`` hashes the submission as last imported (unchanged -> skipped).
CREATE TABLE import_key (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    record_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    imported TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX import_key_by_record ON import_key (record_id);
"""


def _v6(conn: Connection) -> None:
    """Submission keys of field data imports (issue 15)."""
    for statement in _V6.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V7 = """
-- The community's key rotation statements (issue 14), oldest first, each with its minisign
-- signature by the old key: every later bundle carries them (data/keys/<position>.tkrot).
CREATE TABLE key_rotation (
    position INTEGER PRIMARY KEY,
    statement BLOB NOT NULL,
    signature BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE TRIGGER key_rotation_is_append_only BEFORE UPDATE ON key_rotation
BEGIN SELECT RAISE(ABORT, 'key rotations are append-only'); END;
-- Received bundles a community's revocation list withdrew (researcher side): one row per
-- bundle id, kept even if the bundle is removed from Received (the revocation stays true).
CREATE TABLE received_revocation (
    bundle_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    revoked TEXT NOT NULL,
    list_sequence INTEGER NOT NULL,
    applied TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER received_revocation_is_append_only BEFORE UPDATE ON received_revocation
BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;
"""


def _v7(conn: Connection) -> None:
    """Key rotation statements kept for the bundles; revocations of received bundles (14)."""
    for statement in _V7.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V8 = """
-- Protocol keys (issue 13): a record at access restricted or secret/sacred is sealed under its
-- protocol group's key. The narrow row keeps what a placeholder and the filters need (id,
-- access, status, category, labels, dates) and names the group and key version; its title,
-- names and full JSON live only in record_data.sealed (AEAD, tkapp.store.sealed). Its media
-- keep size and chunk layout in the clear; file name, caption, hash and bytes are sealed.
ALTER TABLE record ADD COLUMN sealed_group TEXT NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE record_data ADD COLUMN sealed BLOB;
ALTER TABLE media ADD COLUMN sealed_group TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE media ADD COLUMN sealed BLOB;
CREATE INDEX record_by_sealed_group ON record (sealed_group, key_version) WHERE sealed_group != ''
"""


def _v8(conn: Connection) -> None:
    """Sealed (protocol-key encrypted) records and media (issue 13)."""
    for statement in _V8.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V9 = """
-- People who unlock the catalogue (issue 13; not knowledge holders): their role, their box
-- public key and their private key locked under their own passphrase.
CREATE TABLE app_user (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('custodian', 'member', 'viewer')),
    public BLOB NOT NULL,
    locked BLOB NOT NULL,
    created TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE user_group (
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    grp TEXT NOT NULL,
    PRIMARY KEY (user_id, grp)
) WITHOUT ROWID;
-- Each version of a protocol group's key; the key itself exists only wrapped to members.
CREATE TABLE group_key (
    grp TEXT NOT NULL,
    version INTEGER NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (grp, version)
) WITHOUT ROWID;
CREATE TABLE group_key_wrap (
    grp TEXT NOT NULL,
    version INTEGER NOT NULL,
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    wrapped BLOB NOT NULL,
    PRIMARY KEY (grp, version, user_id),
    FOREIGN KEY (grp, version) REFERENCES group_key (grp, version)
) WITHOUT ROWID;
-- The community signing key's seed, wrapped to each custodian (signing_key.seed is emptied).
CREATE TABLE signing_key_wrap (
    key_id BLOB NOT NULL REFERENCES signing_key (key_id),
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    wrapped BLOB NOT NULL,
    PRIMARY KEY (key_id, user_id)
) WITHOUT ROWID;
"""


def _v9(conn: Connection) -> None:
    """People, protocol groups, group key and signing key wraps (13)."""
    for statement in _V9.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V10 = """
-- Shared approval of exports (issue 13, k of n). Each person's Ed25519 approval public key is
-- derived from their box key, so it can only be filled when they unlock (or approve).
ALTER TABLE app_user ADD COLUMN approval_public BLOB;
-- One custodian's signature over an export plan's digest; bundle_id is set by the export
-- that used it (an approval counts for one export only).
CREATE TABLE export_approval (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    approval_public BLOB NOT NULL,
    signature BLOB NOT NULL,
    created TEXT NOT NULL,
    bundle_id TEXT
);
CREATE INDEX export_approval_digest ON export_approval (digest);
CREATE INDEX export_approval_bundle ON export_approval (bundle_id);
"""


def _v10(conn: Connection) -> None:
    """Approval keys of people and approvals of export plans (13, shared approval)."""
    for statement in _V10.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V11 = """
-- Bulk imports audited per batch (issue 19): one hash-chained audit entry per few thousand new
-- records, the records it created listed here with the SHA-256 of each one's state (the
-- entry's digest hashes this list, tkapp.store.audit). Ids and hashes as bytes, not hex text:
-- a million-record import adds ~70 bytes a record, not a ~330-byte entry each.
CREATE TABLE audit_item (
    seq INTEGER NOT NULL,
    record_id BLOB NOT NULL,
    digest BLOB NOT NULL,
    PRIMARY KEY (seq, record_id)
) WITHOUT ROWID;
CREATE INDEX audit_item_by_record ON audit_item (record_id)
"""


def _v11(conn: Connection) -> None:
    """Batch audit entries of bulk imports list their records (issue 19)."""
    for statement in _V11.split(";\n"):
        if statement.strip():
            conn.execute(statement)


Migration = Callable[[Connection], None]

#: (version, migration) in order. The version a catalogue ends at is ``LATEST``.
MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (4, _v4),
    (5, _v5),
    (6, _v6),
    (7, _v7),
    (8, _v8),
    (9, _v9),
    (10, _v10),
    (11, _v11),
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
