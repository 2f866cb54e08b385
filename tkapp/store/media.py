"""Media bytes as fixed-size chunk rows inside the encrypted file, streamed in and out.

A 500 MB video is read from its source one chunk at a time and written as chunk rows; the
reader fetches one chunk at a time too. Nothing is ever held whole in memory or written to
disk outside the catalogue (the sqlcipher3 connection has no incremental blob I/O, so chunks
are rows).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from typing import BinaryIO, cast

from tkapp.core.model import Media
from tkapp.errors import Cancelled, NotFound, StoreError
from tkapp.store import codec
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
    cur = conn.execute(
        "INSERT INTO media (id, record_id, consent_id, size, chunk_size, sha256, data)"
        " VALUES (?, ?, ?, 0, ?, '', '{}')",
        (meta.id, meta.record_id, meta.consent_id, CHUNK_SIZE),
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
            (media_rowid, seq, chunk),
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


def update_meta(conn: Connection, meta: Media) -> None:
    cur = conn.execute(
        "UPDATE media SET record_id = ?, consent_id = ?, size = ?, sha256 = ?, data = ?"
        " WHERE id = ?",
        (meta.record_id, meta.consent_id, meta.size, meta.sha256, codec.dumps(meta), meta.id),
    )
    if cur.rowcount == 0:
        raise NotFound(meta.id, entity="media", id=meta.id)


def get(conn: Connection, media_id: str) -> Media:
    row = conn.execute("SELECT data FROM media WHERE id = ?", (media_id,)).fetchone()
    if row is None:
        raise NotFound(media_id, entity="media", id=media_id)
    return codec.loads(Media, row[0])


def list_for(conn: Connection, record_id: str | None, consent_id: str | None) -> list[Media]:
    if record_id:
        rows = conn.execute(
            "SELECT data FROM media WHERE record_id = ? ORDER BY rowid", (record_id,)
        )
    elif consent_id:
        rows = conn.execute(
            "SELECT data FROM media WHERE consent_id = ? ORDER BY rowid", (consent_id,)
        )
    else:
        rows = conn.execute("SELECT data FROM media ORDER BY rowid")
    return [codec.loads(Media, r[0]) for r in rows]


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
    ) -> None:
        super().__init__()
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
            self._cached_seq, self._cached = seq, bytes(row[0])
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
    with mapped_errors():
        row = (
            conn_getter()
            .execute("SELECT rowid, size, chunk_size FROM media WHERE id = ?", (media_id,))
            .fetchone()
        )
    if row is None:
        raise NotFound(media_id, entity="media", id=media_id)
    return buffered(ChunkReader(conn_getter, "media_chunk", int(row[0]), int(row[1]), int(row[2])))


def buffered(raw: ChunkReader) -> BinaryIO:
    return cast(BinaryIO, io.BufferedReader(raw, buffer_size=CHUNK_SIZE))
