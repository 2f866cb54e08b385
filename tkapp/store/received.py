"""Bundles received from communities (researcher side): stored read-only (schema v2).

A received bundle is one ``received_bundle`` row (who signed it, when it was verified, its
terms and manifest), its records and consent records as JSON rows (a schema trigger refuses
any update: they are the community's words, not ours to edit), and its media as chunk rows
exactly like the catalogue's own media (:mod:`tkapp.store.media`): streamed in and out, never
whole in memory, never on disk outside the encrypted file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from tkapp.errors import Cancelled, HashMismatch, NotFound, SizeMismatch
from tkapp.store.connection import Connection, mapped_errors
from tkapp.store.media import CHUNK_SIZE, ChunkReader, buffered, read_full

RECORD = "record"
CONSENT = "consent"


@dataclass(frozen=True)
class BundleRow:
    bundle_id: str
    catalogue_id: str
    sequence: int
    manifest_sha256: str
    signer_key_id: str
    fingerprint: str
    community: str
    trust: str
    verified_at: str
    source_name: str
    verification: str  # JSON summary of the verification
    terms: str  # terms.json text
    terms_texts: str  # JSON {lang: text}
    odrl: str | None  # JSON or None
    manifest: str  # the manifest JSON text


@dataclass(frozen=True)
class ItemRow:
    bundle_id: str
    kind: str  # RECORD or CONSENT
    item_id: str
    title: str
    data: str  # JSON


@dataclass(frozen=True)
class MediaRow:
    bundle_id: str
    path: str
    sha256: str
    size: int


_BUNDLE_COLUMNS = (
    "bundle_id, catalogue_id, sequence, manifest_sha256, signer_key_id, fingerprint, community,"
    " trust, verified_at, source_name, verification, terms, terms_texts, odrl, manifest"
)


def _bundle(values: tuple[object, ...]) -> BundleRow:
    text = [None if v is None else str(v) for v in values]
    return BundleRow(
        bundle_id=str(text[0]),
        catalogue_id=str(text[1]),
        sequence=int(str(text[2])),
        manifest_sha256=str(text[3]),
        signer_key_id=str(text[4]),
        fingerprint=str(text[5]),
        community=str(text[6]),
        trust=str(text[7]),
        verified_at=str(text[8]),
        source_name=str(text[9]),
        verification=str(text[10]),
        terms=str(text[11]),
        terms_texts=str(text[12]),
        odrl=text[13],
        manifest=str(text[14]),
    )


def insert_bundle(conn: Connection, row: BundleRow) -> int:
    """Add a bundle row; returns its rowid (caller's transaction)."""
    cur = conn.execute(
        f"INSERT INTO received_bundle ({_BUNDLE_COLUMNS})"  # noqa: S608 - constant columns
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.bundle_id,
            row.catalogue_id,
            row.sequence,
            row.manifest_sha256,
            row.signer_key_id,
            row.fingerprint,
            row.community,
            row.trust,
            row.verified_at,
            row.source_name,
            row.verification,
            row.terms,
            row.terms_texts,
            row.odrl,
            row.manifest,
        ),
    )
    return int(cur.lastrowid)


def find_bundle(conn: Connection, bundle_id: str) -> BundleRow | None:
    found = conn.execute(
        f"SELECT {_BUNDLE_COLUMNS} FROM received_bundle WHERE bundle_id = ?",  # noqa: S608
        (bundle_id,),
    ).fetchone()
    return _bundle(tuple(found)) if found else None


def get_bundle(conn: Connection, bundle_id: str) -> BundleRow:
    row = find_bundle(conn, bundle_id)
    if row is None:
        raise NotFound(bundle_id, entity="received_bundle", id=bundle_id)
    return row


def list_bundles(conn: Connection) -> list[BundleRow]:
    """Most recently verified first."""
    rows = conn.execute(
        f"SELECT {_BUNDLE_COLUMNS} FROM received_bundle"  # noqa: S608
        " ORDER BY verified_at DESC, rowid DESC"
    )
    return [_bundle(tuple(r)) for r in rows]


def _bundle_rowid(conn: Connection, bundle_id: str) -> int:
    found = conn.execute(
        "SELECT rowid FROM received_bundle WHERE bundle_id = ?", (bundle_id,)
    ).fetchone()
    if found is None:
        raise NotFound(bundle_id, entity="received_bundle", id=bundle_id)
    return int(found[0])


def insert_item(
    conn: Connection, bundle_rowid: int, kind: str, item_id: str, *, title: str, data: str
) -> None:
    conn.execute(
        "INSERT INTO received_record (bundle_rowid, kind, record_id, title, data)"
        " VALUES (?, ?, ?, ?, ?)",
        (bundle_rowid, kind, item_id, title, data),
    )


def count_items(conn: Connection, bundle_id: str, kind: str) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM received_record WHERE bundle_rowid = ? AND kind = ?",
            (_bundle_rowid(conn, bundle_id), kind),
        ).fetchone()[0]
    )


def items(conn: Connection, bundle_id: str | None, kind: str) -> list[ItemRow]:
    """Items of one bundle (or of all bundles), by title."""
    sql = (
        "SELECT b.bundle_id, r.kind, r.record_id, r.title, r.data FROM received_record r"
        " JOIN received_bundle b ON b.rowid = r.bundle_rowid WHERE r.kind = ?"
    )
    args: tuple[str, ...] = (kind,)
    if bundle_id is not None:
        sql += " AND b.bundle_id = ?"
        args = (kind, bundle_id)
    rows = conn.execute(sql + " ORDER BY r.title COLLATE NOCASE, r.record_id, b.rowid", args)
    return [ItemRow(str(a), str(b), str(c), str(d), str(e)) for a, b, c, d, e in rows]


def get_item(conn: Connection, bundle_id: str, kind: str, item_id: str) -> ItemRow:
    found = conn.execute(
        "SELECT r.title, r.data FROM received_record r"
        " WHERE r.bundle_rowid = ? AND r.kind = ? AND r.record_id = ?",
        (_bundle_rowid(conn, bundle_id), kind, item_id),
    ).fetchone()
    if found is None:
        raise NotFound(item_id, entity="received_" + kind, id=item_id)
    return ItemRow(bundle_id, kind, item_id, str(found[0]), str(found[1]))


def write_media(
    conn: Connection,
    bundle_rowid: int,
    path: str,
    *,
    sha256: str,
    size: int,
    source: BinaryIO,
    cancel: Callable[[], bool] | None = None,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Stream ``source`` into chunk rows, checking it has the declared size and SHA-256."""
    cur = conn.execute(
        "INSERT INTO received_media (bundle_rowid, path, sha256, size, chunk_size)"
        " VALUES (?, ?, ?, ?, ?)",
        (bundle_rowid, path, sha256, size, CHUNK_SIZE),
    )
    media_rowid = int(cur.lastrowid)
    digest = hashlib.sha256()
    total = 0
    seq = 0
    while True:
        if cancel is not None and cancel():
            raise Cancelled()
        chunk = read_full(source, CHUNK_SIZE)
        if not chunk:
            break
        total += len(chunk)
        if total > size:
            raise SizeMismatch(path[:120], path=path[:120])
        digest.update(chunk)
        conn.execute(
            "INSERT INTO received_media_chunk (media_rowid, seq, bytes) VALUES (?, ?, ?)",
            (media_rowid, seq, chunk),
        )
        seq += 1
        if advance is not None:
            advance(len(chunk))
    if total != size:
        raise SizeMismatch(path[:120], path=path[:120])
    if digest.hexdigest() != sha256:
        raise HashMismatch(path[:120], path=path[:120])


def list_media(conn: Connection, bundle_id: str) -> list[MediaRow]:
    rows = conn.execute(
        "SELECT path, sha256, size FROM received_media WHERE bundle_rowid = ? ORDER BY path",
        (_bundle_rowid(conn, bundle_id),),
    )
    return [MediaRow(bundle_id, str(p), str(h), int(s)) for p, h, s in rows]


def delete_bundle(conn: Connection, bundle_id: str) -> None:
    """Remove a received bundle with its records, consents and media."""
    rowid = _bundle_rowid(conn, bundle_id)
    conn.execute(
        "DELETE FROM received_media_chunk WHERE media_rowid IN"
        " (SELECT rowid FROM received_media WHERE bundle_rowid = ?)",
        (rowid,),
    )
    conn.execute("DELETE FROM received_media WHERE bundle_rowid = ?", (rowid,))
    conn.execute("DELETE FROM received_record WHERE bundle_rowid = ?", (rowid,))
    conn.execute("DELETE FROM received_bundle WHERE rowid = ?", (rowid,))


@dataclass(frozen=True)
class RevokedRow:
    bundle_id: str
    reason: str
    revoked: str  # RFC 3339 UTC, the community's date
    list_sequence: int
    applied: str  # when this catalogue learnt it (ISO 8601)


def add_revocation(conn: Connection, row: RevokedRow) -> bool:
    """Mark a received bundle revoked; False when it already was (the first mark stays)."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO received_revocation"
        " (bundle_id, reason, revoked, list_sequence, applied) VALUES (?, ?, ?, ?, ?)",
        (row.bundle_id, row.reason, row.revoked, row.list_sequence, row.applied),
    )
    return bool(cursor.rowcount > 0)


def revocations(conn: Connection) -> dict[str, RevokedRow]:
    """Revoked received bundles by bundle id."""
    rows = conn.execute(
        "SELECT bundle_id, reason, revoked, list_sequence, applied FROM received_revocation"
    ).fetchall()
    return {
        str(r[0]): RevokedRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4])) for r in rows
    }


def open_media(conn_getter: Callable[[], Connection], bundle_id: str, path: str) -> BinaryIO:
    """A buffered, seekable reader of one received media file."""
    with mapped_errors():
        conn = conn_getter()
        found = conn.execute(
            "SELECT rowid, size, chunk_size FROM received_media"
            " WHERE bundle_rowid = ? AND path = ?",
            (_bundle_rowid(conn, bundle_id), path),
        ).fetchone()
    if found is None:
        raise NotFound(path[:120], entity="received_media", id=path[:120])
    rowid, size, chunk_size = (int(v) for v in found)
    return buffered(ChunkReader(conn_getter, "received_media_chunk", rowid, size, chunk_size))
