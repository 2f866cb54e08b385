"""SQLCipher connections: the one place that imports sqlcipher3.

Everything that can go wrong at the SQLite level is translated to a typed error here
(:func:`translate`), so callers above the store never see a ``sqlcipher3`` exception.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from tkapp.errors import (
    CatalogueCorrupt,
    CatalogueLocked,
    CatalogueMissing,
    DiskFull,
    NotACatalogue,
    StoreError,
    TkError,
    UnsupportedCatalogue,
    WrongPassphrase,
)
from tkapp.store.kdf import SALT_BYTES

Connection = Any  # sqlcipher3 ships no type information
DatabaseError = sqlcipher3.DatabaseError

PAGE_SIZE = 4096  # SQLCipher 4 default; every catalogue file is a whole number of pages
SQLITE_HEADER = b"SQLite format 3\x00"
#: PRAGMA application_id of every catalogue: "TKC1".
APPLICATION_ID = 0x544B4331
MAGIC = "tk-commons-catalogue"

# SQLite primary result codes we translate.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM = 5, 6, 7
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26


def translate(exc: Exception, path: Path | None = None) -> TkError:
    """A typed error for a sqlcipher3 exception (disk full, corrupt, locked, wrong key...)."""
    code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    message = str(exc)
    where = str(path) if path else ""
    if code == _SQLITE_FULL or "disk is full" in message:
        return DiskFull(message, path=where)
    if code == _SQLITE_NOTADB or "file is not a database" in message:
        return WrongPassphrase(message, path=where)
    if code == _SQLITE_CORRUPT or "malformed" in message:
        return CatalogueCorrupt(message, path=where)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in message:
        return CatalogueLocked(message, path=where)
    if code == _SQLITE_CANTOPEN:
        return CatalogueMissing(message, path=where)
    return StoreError(message, path=where)


@contextlib.contextmanager
def mapped_errors(path: Path | None = None) -> Iterator[None]:
    """Run a block, turning sqlcipher3 exceptions into typed errors."""
    try:
        yield
    except sqlcipher3.Error as exc:
        raise translate(exc, path) from exc


def raw_key(key: bytes, salt: bytes) -> bytes:
    """SQLCipher raw-key syntax with explicit salt: ``x'<64 hex key><32 hex salt>'``."""
    return b"x'" + (key.hex() + salt.hex()).encode("ascii") + b"'"


def read_salt(path: Path) -> bytes:
    """Check the file looks like an encrypted catalogue and return its salt (first 16 bytes).

    Raises:
        CatalogueMissing: nothing (or a folder) at ``path``.
        NotACatalogue: a plaintext SQLite database.
        CatalogueCorrupt: too short to be a catalogue, or not whole pages.
    """
    if not path.exists() or path.is_dir():
        raise CatalogueMissing(str(path), path=str(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
        size = path.stat().st_size
    except OSError as exc:
        raise StoreError(str(exc), path=str(path)) from exc
    if head == SQLITE_HEADER:
        raise NotACatalogue("plaintext SQLite", path=str(path))
    if size < PAGE_SIZE:
        raise CatalogueCorrupt("too short", path=str(path))
    return head[:SALT_BYTES]


def connect(path: Path, key: bytes, salt: bytes, *, probe: bool = False) -> Connection:
    """Open ``path`` with the derived ``key``.

    With ``probe``, the file is opened read-only (and immutable when there is no pending
    -wal file), so the main file cannot be written: this is how a catalogue is checked before
    it is opened for real.
    The connection is in autocommit mode; :class:`tkapp.store.database.Database` issues
    explicit ``BEGIN IMMEDIATE``/``COMMIT``.
    """
    mode = "?mode=rw"
    if probe:
        # After a crash, committed transactions may still sit in the -wal file, and the main
        # file alone can be mid-checkpoint: an immutable probe would then see a torn database.
        # Read-only (not immutable) reads the WAL too and still never writes the main file.
        wal = Path(str(path) + "-wal")
        has_wal = wal.exists() and wal.stat().st_size > 0
        mode = "?mode=ro" if has_wal else "?mode=ro&immutable=1"
    target = path.absolute().as_uri() + mode
    with mapped_errors(path):
        conn = sqlcipher3.connect(target, uri=True, isolation_level=None, check_same_thread=True)
        try:
            # Before the key: SQLCipher would otherwise log a wrong key to stderr.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.set_key(raw_key(key, salt))
        except BaseException:
            conn.close()
            raise
    return conn


def create_connection(path: Path, key: bytes, salt: bytes) -> Connection:
    """Create a new encrypted database file at ``path`` (which must not exist)."""
    target = path.absolute().as_uri() + "?mode=rwc"
    with mapped_errors(path):
        conn = sqlcipher3.connect(target, uri=True, isolation_level=None, check_same_thread=True)
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.set_key(raw_key(key, salt))
    return conn


def check_key_and_features(conn: Connection, path: Path) -> None:
    """First read through a fresh connection: wrong key, missing features, foreign file."""
    with mapped_errors(path):
        # SQLCipher decrypts page 1 here: a wrong key fails as "file is not a database".
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        check_features(conn)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_meta = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()[0]
        magic = None
        if has_meta:
            row = conn.execute("SELECT value FROM meta WHERE key = 'magic'").fetchone()
            magic = row[0] if row else None
    if app_id != APPLICATION_ID or magic != MAGIC:
        raise NotACatalogue("not ours", path=str(path))


def check_features(conn: Connection) -> None:
    """SQLCipher 4.x with FTS5, or :class:`UnsupportedCatalogue`."""
    row = conn.execute("PRAGMA cipher_version").fetchone()
    version = str(row[0]) if row else ""
    if not version.startswith("4."):
        raise UnsupportedCatalogue("SQLCipher 4 required, found " + (version or "none"))
    fts5 = conn.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone()[0]
    if not fts5:
        raise UnsupportedCatalogue("FTS5 missing")


def sqlcipher_version() -> str:
    conn = sqlcipher3.connect(":memory:")
    try:
        return str(conn.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        conn.close()
