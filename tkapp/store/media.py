"""Media bytes as fixed-size chunk rows inside the encrypted file, streamed in and out.

A 500 MB video is read from its source one chunk at a time and written as chunk rows; the
reader fetches one chunk at a time too. Nothing is ever held whole in memory or written to
disk outside the catalogue (the sqlcipher3 connection has no incremental blob I/O, so chunks
are rows).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from collections.abc import Callable
from typing import Any, BinaryIO, cast

from tkapp.core.model import Media
from tkapp.core.users import GroupKey
from tkapp.crypto import keyring
from tkapp.errors import Cancelled, NotFound, StoreError
from tkapp.store import codec, sealed
from tkapp.store.connection import Connection, mapped_errors

CHUNK_SIZE = 256 * 1024
_CHUNK_TABLES = ("media_chunk", "received_media_chunk")


def _source_size(source: BinaryIO) -> int:
    """Total bytes if the source can tell (for progress), else 0."""
    try:
        return os.fstat(source.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        pass
    try:
        here = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(here)
        return max(0, end - here)
    except (OSError, AttributeError, io.UnsupportedOperation):
        return 0


def write(
    conn: Connection,
    meta: Media,
    source: BinaryIO,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Media:
    """Store ``source`` as chunks of a new media row; fills ``size`` and ``sha256``.

    Runs inside the caller's transaction, so a cancel or an error leaves nothing behind.
    """
    total = _source_size(source)
    key = _record_key(conn, meta.record_id)
    cur = conn.execute(
        "INSERT INTO media (id, record_id, consent_id, size, chunk_size, sha256, data,"
        " sealed_group, key_version) VALUES (?, ?, ?, 0, ?, '', '{}', ?, ?)",
        (
            meta.id,
            meta.record_id,
            meta.consent_id,
            CHUNK_SIZE,
            key.group if key else "",
            key.version if key else 0,
        ),
    )
    media_rowid = int(cur.lastrowid)
    digest = hashlib.sha256()
    size = 0
    seq = 0
    while True:
        if cancel is not None and cancel():
            raise Cancelled()
        chunk = read_full(source, CHUNK_SIZE)
        if not chunk:
            break
        digest.update(chunk)
        conn.execute(
            "INSERT INTO media_chunk (media_rowid, seq, bytes) VALUES (?, ?, ?)",
            (media_rowid, seq, _seal_chunk(key, meta.id, seq, chunk)),
        )
        size += len(chunk)
        seq += 1
        if progress is not None:
            progress(size, max(total, size))
    meta.size = size
    meta.sha256 = digest.hexdigest()
    update_meta(conn, meta)
    return meta


def read_full(source: BinaryIO, n: int) -> bytes:
    """Read exactly ``n`` bytes unless the stream ends (pipes return short reads)."""
    parts: list[bytes] = []
    missing = n
    while missing:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


# --- sealing: media of a sealed record follow its key (tkapp.store.sealed) -----------------


def _record_key(conn: Connection, record_id: str) -> GroupKey | None:
    """The key a record's media are sealed under (its own); None for a record in the clear.

    Raises:
        NotPermitted: the record is sealed and the reader lacks its key.
    """
    if not record_id:
        return None
    row = conn.execute(
        "SELECT sealed_group, key_version FROM record WHERE id = ?", (record_id,)
    ).fetchone()
    if row is None or not row[0]:
        return None
    return sealed.key_to_read(conn, row[0], int(row[1]), record_id)


def _seal_chunk(key: GroupKey | None, media_id: str, seq: int, chunk: bytes) -> bytes:
    if key is None:
        return chunk
    context = sealed.media_context(media_id, f"chunk:{seq:d}", key.version)
    return keyring.seal(key.key, chunk, context)


def _open_chunk(key: GroupKey | None, media_id: str, seq: int, blob: bytes) -> bytes:
    if key is None:
        return blob
    context = sealed.media_context(media_id, f"chunk:{seq:d}", key.version)
    return keyring.open_sealed(key.key, blob, context)


def _row_key(conn: Connection, media_id: str, group: str, version: int) -> GroupKey | None:
    return sealed.key_to_read(conn, group, version, media_id) if group else None


def _decode(conn: Connection, media_id: str, row: tuple[Any, ...]) -> Media:
    """``row``: (data, sealed_group, key_version, sealed)."""
    key = _row_key(conn, media_id, row[1], int(row[2]))
    if key is None:
        return codec.loads(Media, row[0])
    context = sealed.media_context(media_id, "meta", key.version)
    return codec.loads(Media, sealed.open_text(key, row[3], context))


def update_meta(conn: Connection, meta: Media) -> None:
    row = conn.execute(
        "SELECT sealed_group, key_version FROM media WHERE id = ?", (meta.id,)
    ).fetchone()
    if row is None:
        raise NotFound(meta.id, entity="media", id=meta.id)
    key = _row_key(conn, meta.id, row[0], int(row[1]))
    state = codec.dumps(meta)
    if key is None:
        data, blob, sha256 = state, None, meta.sha256
    else:
        context = sealed.media_context(meta.id, "meta", key.version)
        data, blob, sha256 = "", sealed.seal_text(key, state, context), ""
    conn.execute(
        "UPDATE media SET record_id = ?, consent_id = ?, size = ?, sha256 = ?, data = ?,"
        " sealed = ? WHERE id = ?",
        (meta.record_id, meta.consent_id, meta.size, sha256, data, blob, meta.id),
    )


def reseal_for_record(
    conn: Connection, record_id: str, key: GroupKey | None, *, old: GroupKey | None = None
) -> None:
    """Seal a record's media under ``key`` (None: store them in the clear), chunk by chunk,
    in the caller's transaction. ``old``: the key they are sealed under, if the reader may no
    longer hold it (a group key rotation)."""
    target = (key.group, key.version) if key else ("", 0)
    rows = conn.execute(
        "SELECT rowid, id, data, sealed_group, key_version, sealed FROM media WHERE record_id = ?",
        (record_id,),
    ).fetchall()
    for rowid, media_id, data, group, version, blob in rows:
        if (group, int(version)) == target:
            continue
        if group and old is not None and (old.group, old.version) == (group, int(version)):
            was: GroupKey | None = old
        else:
            was = _row_key(conn, media_id, group, int(version))
        if was is None:
            meta_json = data
        else:
            meta_json = sealed.open_text(
                was, blob, sealed.media_context(media_id, "meta", was.version)
            )
        chunks = conn.execute(
            "SELECT seq FROM media_chunk WHERE media_rowid = ? ORDER BY seq", (rowid,)
        ).fetchall()
        for (seq,) in chunks:
            stored = conn.execute(
                "SELECT bytes FROM media_chunk WHERE media_rowid = ? AND seq = ?", (rowid, seq)
            ).fetchone()[0]
            plain = _open_chunk(was, media_id, int(seq), bytes(stored))
            conn.execute(
                "UPDATE media_chunk SET bytes = ? WHERE media_rowid = ? AND seq = ?",
                (_seal_chunk(key, media_id, int(seq), plain), rowid, seq),
            )
        meta = codec.loads(Media, meta_json)
        if key is None:
            values: tuple[Any, ...] = (meta_json, None, meta.sha256, "", 0)
        else:
            context = sealed.media_context(media_id, "meta", key.version)
            values = ("", sealed.seal_text(key, meta_json, context), "", key.group, key.version)
        conn.execute(
            "UPDATE media SET data = ?, sealed = ?, sha256 = ?, sealed_group = ?,"
            " key_version = ? WHERE rowid = ?",
            (*values, rowid),
        )


def follow_record(conn: Connection, record_id: str) -> None:
    """Seal (or unseal) a record's media as the record itself is (a file moved to it)."""
    reseal_for_record(conn, record_id, _record_key(conn, record_id))


def get(conn: Connection, media_id: str) -> Media:
    """Raises NotFound, or NotPermitted for a sealed file whose key the reader lacks."""
    row = conn.execute(
        "SELECT data, sealed_group, key_version, sealed FROM media WHERE id = ?", (media_id,)
    ).fetchone()
    if row is None:
        raise NotFound(media_id, entity="media", id=media_id)
    return _decode(conn, media_id, row)


def list_for(conn: Connection, record_id: str | None, consent_id: str | None) -> list[Media]:
    """Media of a record, of a consent, or all; sealed ones the reader may not open are left
    out (a placeholder record shows how many it has, never what they are)."""
    columns = "SELECT id, data, sealed_group, key_version, sealed FROM media"
    if record_id:
        rows = conn.execute(columns + " WHERE record_id = ? ORDER BY rowid", (record_id,))
    elif consent_id:
        rows = conn.execute(columns + " WHERE consent_id = ? ORDER BY rowid", (consent_id,))
    else:
        rows = conn.execute(columns + " ORDER BY rowid")
    return [
        _decode(conn, r[0], r[1:])
        for r in rows.fetchall()
        if not r[2] or sealed.may_open(conn, r[2], int(r[3]))
    ]


def delete(conn: Connection, media_id: str) -> None:
    row = conn.execute("SELECT rowid FROM media WHERE id = ?", (media_id,)).fetchone()
    if row is None:
        raise NotFound(media_id, entity="media", id=media_id)
    conn.execute("DELETE FROM media_chunk WHERE media_rowid = ?", (row[0],))
    conn.execute("DELETE FROM media WHERE rowid = ?", (row[0],))


def ids_for_record(conn: Connection, record_id: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM media WHERE record_id = ?", (record_id,))]


class ChunkReader(io.RawIOBase):
    """Seekable, read-only view of one stored file, fetching one chunk row at a time.

    Serves the catalogue's own media (``media_chunk``) and media received in bundles
    (``received_media_chunk``): both tables hold ``(media_rowid, seq, bytes)`` rows.
    """

    def __init__(
        self,
        conn_getter: Callable[[], Connection],
        chunk_table: str,
        rowid: int,
        size: int,
        chunk_size: int,
        *,
        opener: Callable[[int, bytes], bytes] | None = None,
    ) -> None:
        super().__init__()
        #: Turns a stored chunk (seq, bytes) into its plain bytes (sealed media).
        self._opener = opener
        if chunk_table not in _CHUNK_TABLES:
            raise ValueError(chunk_table)
        self._conn_getter = conn_getter
        self._select = f"SELECT bytes FROM {chunk_table} WHERE media_rowid = ? AND seq = ?"  # noqa: S608 - a fixed table name
        self._rowid, self._size, self._chunk_size = rowid, size, chunk_size
        self._pos = 0
        self._cached_seq = -1
        self._cached = b""

    @property
    def size(self) -> int:
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError("bad whence")
        if pos < 0:
            raise ValueError("negative position")
        self._pos = pos
        return pos

    def _chunk(self, seq: int) -> bytes:
        if seq != self._cached_seq:
            try:
                conn = self._conn_getter()
            except StoreError:
                raise ValueError("the catalogue is locked") from None
            with mapped_errors():
                row = conn.execute(self._select, (self._rowid, seq)).fetchone()
            if row is None:
                raise StoreError(f"missing media chunk {seq}")
            stored = bytes(row[0])
            if self._opener is not None:
                stored = self._opener(seq, stored)
            self._cached_seq, self._cached = seq, stored
        return self._cached

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if self._pos >= self._size:
            return 0
        view = memoryview(buffer).cast("B")
        seq, offset = divmod(self._pos, self._chunk_size)
        chunk = self._chunk(seq)
        n = min(len(view), len(chunk) - offset, self._size - self._pos)
        # A view, not a slice: the bytes are copied once, into the caller's buffer.
        view[:n] = memoryview(chunk)[offset : offset + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._cached = b""
        super().close()


def open_reader(conn_getter: Callable[[], Connection], media_id: str) -> BinaryIO:
    """A buffered, seekable reader (what QtMultimedia and the bundle writer consume)."""
    conn = conn_getter()
    with mapped_errors():
        row = conn.execute(
            "SELECT rowid, size, chunk_size, sealed_group, key_version FROM media WHERE id = ?",
            (media_id,),
        ).fetchone()
    if row is None:
        raise NotFound(media_id, entity="media", id=media_id)
    key = _row_key(conn, media_id, row[3], int(row[4]))
    opener = None if key is None else functools.partial(_open_chunk, key, media_id)
    reader = ChunkReader(
        conn_getter, "media_chunk", int(row[0]), int(row[1]), int(row[2]), opener=opener
    )
    return buffered(reader)


def buffered(raw: ChunkReader) -> BinaryIO:
    return cast(BinaryIO, io.BufferedReader(raw, buffer_size=CHUNK_SIZE))
