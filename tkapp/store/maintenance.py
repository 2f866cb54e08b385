"""Integrity checks, encrypted backup and restore, passphrase change.

Every file written here is made under a temporary name in the destination folder (owner-only,
recognisable, see :mod:`tkapp.atomicfile`), fsynced and renamed, so a crash leaves either the
old file or the complete new one. A file that replaces a catalogue (restore, a backup over an
existing file) is placed only while holding that catalogue's lock (:mod:`tkapp.store.lock`):
never under a program that has it open.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import sqlcipher3

from tkapp.atomicfile import create_temp, fsync_file, remove_temp
from tkapp.errors import (
    Cancelled,
    CatalogueCorrupt,
    CatalogueExists,
    CatalogueLocked,
    StoreError,
    UnsupportedCatalogue,
    UsageError,
)
from tkapp.store import kdf
from tkapp.store.connection import (
    APPLICATION_ID,
    Connection,
    check_key_and_features,
    connect,
    create_connection,
    mapped_errors,
    read_salt,
)
from tkapp.store.database import Database, new_temp_file
from tkapp.store.fileio import os_error, place
from tkapp.store.lock import CatalogueLock
from tkapp.store.migrations import LATEST, current_version

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
_BACKUP_PAGES = 256  # pages per backup step (1 MiB): progress and cancel granularity
_COPY_CHUNK = 1024 * 1024


def integrity(conn: Connection) -> tuple[list[str], list[str]]:
    """Problems found by ``integrity_check`` and ``cipher_integrity_check`` (empty = fine).

    A page that fails authentication makes ``integrity_check`` itself fail; that failure is
    reported as a problem rather than raised, so the report lists everything found.
    """
    # The cipher check reads raw pages and verifies each HMAC: it never stops at a bad page.
    cipher = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    try:
        integrity_rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlcipher3.DatabaseError as exc:
        integrity_rows = [str(exc)]
    problems = [r for r in integrity_rows if r != "ok"]
    return problems, cipher


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def backup(
    db: Database,
    dest: Path,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    overwrite: bool = False,
    before_place: Callable[[], None] | None = None,
) -> None:
    """Write an encrypted copy of the open catalogue to ``dest`` (same passphrase)."""
    if _same_file(db.path, dest):
        raise UsageError("backup would overwrite the catalogue", path=str(dest))
    if dest.exists() and not overwrite:
        raise CatalogueExists(str(dest), path=str(dest))
    if not dest.parent.is_dir():
        raise StoreError(str(dest.parent), path=str(dest))
    # Replacing a file: it may be a catalogue someone has open; never pull it from under them.
    with CatalogueLock(dest) if overwrite and dest.exists() else contextlib.nullcontext():
        _backup_to(
            db,
            dest,
            progress=progress,
            cancel=cancel,
            overwrite=overwrite,
            before_place=before_place,
        )


def _backup_to(
    db: Database,
    dest: Path,
    *,
    progress: Progress | None,
    cancel: CancelCheck | None,
    overwrite: bool,
    before_place: Callable[[], None] | None,
) -> None:
    try:
        tmp = new_temp_file(dest, "backup")
    except OSError as exc:
        raise os_error(exc, dest) from exc

    def step(_status: int, remaining: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(total - remaining, total)

    try:
        target = create_connection(tmp, db.key, db.salt)
        try:
            with mapped_errors(dest):
                db.conn.backup(target, pages=_BACKUP_PAGES, progress=step, sleep=0)
                # A backup is one self-contained file: no WAL beside it.
                target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        fsync_file(tmp)
        if before_place is not None:
            before_place()  # the backup's key slots file goes first: never a backup without
        place(tmp, dest, overwrite=overwrite)
    except OSError as exc:
        raise os_error(exc, dest) from exc
    finally:
        remove_temp(tmp)


def change_passphrase(db: Database, new_passphrase: str) -> None:
    """Re-encrypt the whole catalogue under a new key and salt, then swap files atomically.

    ``sqlcipher_export`` copies everything into a new file keyed through a bound parameter
    (the key never appears in SQL text); the old file stays intact until the final rename.
    """
    salt = kdf.new_salt()
    rekey(db, kdf.derive_key(new_passphrase, salt), salt)


def rekey(
    db: Database,
    key: bytes,
    salt: bytes,
    *,
    in_new_file: Callable[[Connection, str], None] | None = None,
    before_swap: Callable[[], None] | None = None,
) -> None:
    """Re-encrypt the whole catalogue under ``key`` and ``salt``, then swap files atomically.

    ``in_new_file(conn, schema)`` may change the new copy (attached as ``schema``) before it is
    sealed; ``before_swap()`` runs once the new file is complete and fsynced, just before it
    replaces the old one (the key slots file is widened to both keys there).
    """
    conn = db.conn
    try:
        tmp = new_temp_file(db.path, "rekey")
    except OSError as exc:
        raise os_error(exc, db.path) from exc
    try:
        with mapped_errors(db.path):
            conn.execute(
                "ATTACH DATABASE ? AS rekeyed KEY ?",
                (str(tmp), "x'" + key.hex() + salt.hex() + "'"),
            )
            try:
                conn.execute("SELECT sqlcipher_export('rekeyed')")
                version = current_version(conn)
                conn.execute(f"PRAGMA rekeyed.user_version = {version:d}")
                conn.execute(f"PRAGMA rekeyed.application_id = {APPLICATION_ID:d}")
                if in_new_file is not None:
                    in_new_file(conn, "rekeyed")
            finally:
                conn.execute("DETACH DATABASE rekeyed")
        os.chmod(tmp, 0o600)
        fsync_file(tmp)
        if before_swap is not None:
            before_swap()
        db.replace_file(tmp, key, salt)
    except OSError as exc:
        raise os_error(exc, db.path) from exc
    finally:
        remove_temp(tmp)


KeyFor = Callable[[bytes], bytes]


def passphrase_key_for(passphrase: str) -> KeyFor:
    """The key of a catalogue from before key slots: derived from its passphrase."""
    return lambda salt: kdf.derive_key(passphrase, salt)


def verify_file(path: Path, key_for: KeyFor) -> tuple[list[str], list[str]]:
    """Open ``path`` read-only (never written) and run both integrity checks."""
    salt = read_salt(path)
    key = key_for(salt)
    conn = connect(path, key, salt, probe=True)
    try:
        check_key_and_features(conn, path)
        with mapped_errors(path):
            if current_version(conn) > LATEST:
                raise UnsupportedCatalogue("newer schema", path=str(path))
            return integrity(conn)
    finally:
        conn.close()


def restore(
    backup_file: Path,
    dest: Path,
    key_for: KeyFor,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    overwrite: bool = False,
    before_place: Callable[[], None] | None = None,
) -> None:
    """Check ``backup_file`` (key and integrity), then copy it atomically to ``dest``."""
    if _same_file(backup_file, dest):
        raise UsageError("backup and destination are the same file", path=str(dest))
    if not dest.parent.is_dir():
        raise StoreError(str(dest.parent), path=str(dest))
    # The destination may be a catalogue open elsewhere: take its lock for the whole swap.
    with CatalogueLock(dest):
        _restore_locked(
            backup_file,
            dest,
            key_for,
            progress=progress,
            cancel=cancel,
            overwrite=overwrite,
            before_place=before_place,
        )


def _restore_locked(
    backup_file: Path,
    dest: Path,
    key_for: KeyFor,
    *,
    progress: Progress | None,
    cancel: CancelCheck | None,
    overwrite: bool,
    before_place: Callable[[], None] | None,
) -> None:
    if dest.exists() and not overwrite:
        raise CatalogueExists(str(dest), path=str(dest))
    wal = Path(str(dest) + "-wal")
    if dest.exists() and wal.exists() and wal.stat().st_size:
        # Unsaved pages of the old catalogue would be replayed onto the restored file.
        raise CatalogueLocked("catalogue in use", path=str(dest))
    if not dest.parent.is_dir():
        raise StoreError(str(dest.parent), path=str(dest))
    problems, cipher = verify_file(backup_file, key_for)
    if problems or cipher:
        raise CatalogueCorrupt("; ".join((problems + cipher)[:5]), path=str(backup_file))
    try:
        tmp, fd = create_temp(dest, "restore")
    except OSError as exc:
        raise os_error(exc, dest) from exc
    try:
        total = backup_file.stat().st_size
        done = 0
        with backup_file.open("rb") as src, os.fdopen(fd, "wb") as out:
            while True:
                if cancel is not None and cancel():
                    raise Cancelled()
                block = src.read(_COPY_CHUNK)
                if not block:
                    break
                out.write(block)
                done += len(block)
                if progress is not None:
                    progress(done, total)
            out.flush()
        os.chmod(tmp, 0o600)
        fsync_file(tmp)
        if before_place is not None:
            before_place()
        place(tmp, dest, overwrite=overwrite)
        for stale in (wal, Path(str(dest) + "-shm")):
            with contextlib.suppress(OSError):
                stale.unlink()
    except OSError as exc:
        raise os_error(exc, dest) from exc
    finally:
        remove_temp(tmp)
