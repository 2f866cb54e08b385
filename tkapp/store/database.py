"""An open catalogue file: create, open (checked before any write), transactions, close.

One process at a time: opening takes the catalogue's OS lock (:mod:`tkapp.store.lock`) before
anything else and holds it until :meth:`Database.close`; a second window or program gets
:class:`~tkapp.errors.CatalogueInUse` naming the holder, before its passphrase is even tried.

Opening is two-step so a failed open can never change the file: the key, the SQLCipher
features and our magic are checked through a read-only, immutable connection (no -wal/-shm
written); only then is the file opened for writing, put in WAL mode and migrated.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlcipher3

from tkapp.atomicfile import (
    clean_known_folders,
    create_temp,
    fsync_file,
    remove_stale_temps,
    remove_temp,
)
from tkapp.errors import (
    CatalogueCorrupt,
    CatalogueExists,
    NotACatalogue,
    StoreError,
    TkError,
    UnsupportedCatalogue,
)
from tkapp.store import kdf
from tkapp.store.audit import AuditChain
from tkapp.store.connection import (
    PAGE_SIZE,
    Connection,
    check_key_and_features,
    connect,
    create_connection,
    mapped_errors,
    read_salt,
    translate,
)
from tkapp.store.fileio import place
from tkapp.store.lock import CatalogueLock
from tkapp.store.migrations import LATEST, current_version, migrate

_BUSY_TIMEOUT_MS = 3000
_CACHE_KIB = 32 * 1024


class Database:
    """One open, unlocked catalogue file. Use from the thread that opened it only."""

    def __init__(
        self,
        path: Path,
        conn: Connection,
        key: bytes,
        salt: bytes,
        lock: CatalogueLock | None = None,
    ) -> None:
        self.path = path
        self._conn: Connection | None = conn
        self._key = key
        self._salt = salt
        self._lock = lock
        self.audit = AuditChain()
        with mapped_errors(path):
            self.audit.load(conn)

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        setup: Callable[[Connection, AuditChain], None] | None = None,
    ) -> Database:
        """Create a new, empty, migrated catalogue at ``path`` (refuses an existing path).

        The file is built under a temporary name in the same folder and moved into place only
        when complete, so a crash never leaves a half-made catalogue under the real name.
        """
        salt = kdf.new_salt()
        return cls.create_keyed(path, kdf.derive_key(passphrase, salt), salt, setup)

    @classmethod
    def create_keyed(
        cls,
        path: Path,
        key: bytes,
        salt: bytes,
        setup: Callable[[Connection, AuditChain], None] | None = None,
        before_place: Callable[[], None] | None = None,
    ) -> Database:
        """:meth:`create` with a given database key; ``before_place`` runs (under the lock)
        just before the finished file gets its name (the key slots file is written there, so
        a catalogue never exists without the means to open it)."""
        if path.exists():
            raise CatalogueExists(str(path), path=str(path))
        if not path.parent.is_dir():
            raise StoreError(str(path.parent), path=str(path))
        lock = CatalogueLock(path).acquire()
        try:
            return cls._create_locked(
                path, key, salt, setup=setup, before_place=before_place, lock=lock
            )
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _create_locked(
        cls,
        path: Path,
        key: bytes,
        salt: bytes,
        *,
        setup: Callable[[Connection, AuditChain], None] | None,
        before_place: Callable[[], None] | None,
        lock: CatalogueLock,
    ) -> Database:
        try:
            tmp = new_temp_file(path, "new")
        except OSError as exc:
            raise StoreError(str(exc), path=str(path)) from exc
        try:
            conn = create_connection(tmp, key, salt)
            try:
                with mapped_errors(tmp):
                    conn.execute("PRAGMA temp_store = MEMORY")
                    migrate(conn)
                    if setup is not None:
                        # The first contents (community, key) go in before the file gets its
                        # real name: a catalogue is never seen half-initialised.
                        chain = AuditChain()
                        conn.execute("BEGIN IMMEDIATE")
                        try:
                            setup(conn, chain)
                            chain.flush(conn)
                            conn.execute("COMMIT")
                        except BaseException:
                            conn.execute("ROLLBACK")
                            raise
                    conn.execute("PRAGMA journal_mode = WAL")
            finally:
                conn.close()
            # Encrypted, but still nobody else's business: owner-only like a key file.
            os.chmod(tmp, 0o600)
            fsync_file(tmp)
            if before_place is not None:
                before_place()
            place(tmp, path, overwrite=False)
        except OSError as exc:
            raise StoreError(str(exc), path=str(path)) from exc
        finally:
            remove_temp(tmp)
        return cls._open_checked(path, key, salt, lock)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Database:
        """Open an existing catalogue.

        Raises:
            CatalogueMissing, NotACatalogue, CatalogueCorrupt, WrongPassphrase,
            UnsupportedCatalogue, CatalogueLocked: the file's bytes are left untouched.
        """
        return cls.open_with(path, lambda salt: kdf.derive_key(passphrase, salt))

    @classmethod
    def open_with(cls, path: Path, key_for: Callable[[bytes], bytes]) -> Database:
        """:meth:`open` with the key given by ``key_for(salt)``, called under the lock (key
        slots are read there). Its errors leave the file untouched, like a wrong key's."""
        lock = CatalogueLock(path).acquire()
        try:
            salt = read_salt(path)
            key = key_for(salt)
            db = cls._open_checked(path, key, salt, lock)
        except BaseException:
            lock.release()
            raise
        # Temp files killed writers left (beside the catalogue, beside backups and exports)
        # go now. Only files whose writing process is gone: a running export keeps its own.
        remove_stale_temps(path.parent)
        clean_known_folders()
        return db

    @classmethod
    def _open_checked(
        cls, path: Path, key: bytes, salt: bytes, lock: CatalogueLock | None = None
    ) -> Database:
        _roll_back_hot_journal(path, key, salt)
        probe = connect(path, key, salt, probe=True)
        try:
            check_key_and_features(probe, path)
            with mapped_errors(path):
                version = current_version(probe)
                page_count = int(probe.execute("PRAGMA page_count").fetchone()[0])
        finally:
            probe.close()
        if version > LATEST:
            raise UnsupportedCatalogue(f"schema version {version} > {LATEST}", path=str(path))
        if version < 1:
            raise NotACatalogue("no schema", path=str(path))
        _check_not_truncated(path, page_count)
        conn = connect(path, key, salt)
        try:
            with mapped_errors(path):
                conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS:d}")
                # No plaintext temp files: sorts and temp tables stay in memory.
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB:d}")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError("journal_mode " + str(mode), path=str(path))
                # FULL: a transaction reported committed survives a power cut too.
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(conn)
            return cls(path, conn, key, salt, lock)
        except BaseException:
            conn.close()
            raise

    # --- state --------------------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise StoreError("closed", path=str(self.path))
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def salt(self) -> bytes:
        return self._salt

    def close(self) -> None:
        """Checkpoint, close, forget the key, release the lock. Idempotent."""
        conn, self._conn = self._conn, None
        self._key = b""
        lock, self._lock = self._lock, None
        try:
            if conn is not None:
                with contextlib.suppress(sqlcipher3.Error):
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.close()
        finally:
            if lock is not None:
                lock.release()

    # --- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One user action: ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any error).

        Audit entries appended inside are chained; the new head is saved in the same
        transaction. SQLite errors leave as typed errors (disk full -> DiskFull...).
        """
        conn = self.conn
        with mapped_errors(self.path):
            conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            self.audit.flush(conn)
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlcipher3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            with contextlib.suppress(sqlcipher3.Error):
                self.audit.load(conn)
            if isinstance(exc, sqlcipher3.Error):
                raise translate(exc, self.path) from exc
            raise

    @contextlib.contextmanager
    def bulk_transaction(self) -> Iterator[Connection]:
        """A large all-or-nothing write (imports): :meth:`transaction` in rollback-journal mode.

        In WAL mode one transaction grows the -wal file by every page it writes (gigabytes for
        a million records) until it commits. A rollback journal keeps only the ORIGINAL
        content of the pages that existed before the transaction (pages appended to the file
        are not journaled), so an import into a catalogue holds a small journal while its
        rows spill to the main file in batches. All-or-nothing is SQLite's own: a kill leaves
        a hot ``-journal`` that the next open rolls back (:meth:`_open_checked`) before
        anything is read. WAL mode is restored afterwards, whatever happened.
        """
        conn = self.conn
        # Leaving WAL mode checkpoints and removes the -wal file. We hold the only connection
        # (one process, one connection: the OS lock); should a statement of ours still be
        # reading, the mode cannot change and the import runs as an ordinary transaction
        # (still all-or-nothing, only with the large -wal file).
        try:
            mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
        except sqlcipher3.Error:
            mode = "wal"
        try:
            with self.transaction() as tx:
                yield tx
        finally:
            if mode != "wal":
                with mapped_errors(self.path):
                    conn.execute("PRAGMA journal_mode = WAL")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read; SQLite errors leave as typed errors."""
        with mapped_errors(self.path):
            yield self.conn

    # --- key material for backup / passphrase change (store-internal) ---------------------

    @property
    def key(self) -> bytes:
        if not self._key:
            raise StoreError("closed", path=str(self.path))
        return self._key

    def replace_file(self, new_file: Path, key: bytes, salt: bytes) -> None:
        """Swap the open catalogue for ``new_file`` (complete, fsynced, same folder).

        Used by the passphrase change: the current connection is checkpointed and closed,
        the new file renamed over the old one in one step, and reopened with the new key.
        """
        conn = self.conn
        with mapped_errors(self.path):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        self._conn = None
        try:
            place(new_file, self.path, overwrite=True)
        except OSError as exc:
            # The old file is intact; reopen it so the caller keeps a usable catalogue.
            reopened = Database._open_checked(self.path, self._key, self._salt)
            self._conn, reopened._conn = reopened._conn, None
            raise StoreError(str(exc), path=str(self.path)) from exc
        reopened = Database._open_checked(self.path, key, salt)
        self._conn, reopened._conn = reopened._conn, None
        self._key, self._salt = key, salt
        self.audit.load(self.conn)


def _roll_back_hot_journal(path: Path, key: bytes, salt: bytes) -> None:
    """A writer killed inside a bulk (rollback-journal) transaction leaves a hot ``-journal``:
    the main file holds half-written pages until SQLite plays the journal back. The read-only
    probe cannot do that (an immutable one would even read the torn pages as they are), so a
    read-write connection reads once first: SQLite restores the original pages from the journal
    (SQLCipher keeps them encrypted, as they were), which is the all-or-nothing promise."""
    journal = Path(str(path) + "-journal")
    if not journal.exists() or journal.stat().st_size == 0:
        return
    conn = connect(path, key, salt)
    try:
        with mapped_errors(path):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def new_temp_file(dest: Path, purpose: str) -> Path:
    """An empty, owner-only temp file beside ``dest`` for SQLite to fill (SQLite would create
    it with the default, world-readable permissions)."""
    tmp, fd = create_temp(dest, purpose)
    os.close(fd)
    return tmp


def _check_not_truncated(path: Path, page_count: int) -> None:
    """A file cut short (failed copy to a USB stick) is reported before any write."""
    wal = Path(str(path) + "-wal")
    journal = Path(str(path) + "-journal")
    try:
        size = path.stat().st_size
        wal_size = wal.stat().st_size if wal.exists() else 0
        journal_size = journal.stat().st_size if journal.exists() else 0
    except OSError as exc:
        raise StoreError(str(exc), path=str(path)) from exc
    if wal_size:
        return  # pages may legitimately live in the WAL until the next checkpoint
    if journal_size:
        # A bulk import was killed (Database.bulk_transaction): the main file holds part of
        # it until the read-write connection rolls the hot journal back, first thing.
        return
    if size % PAGE_SIZE or page_count * PAGE_SIZE > size:
        raise CatalogueCorrupt("truncated", path=str(path))


def error_from(exc: BaseException, path: Path) -> TkError:
    """Typed error for any store-level failure (used by callers outside transactions)."""
    if isinstance(exc, TkError):
        return exc
    if isinstance(exc, sqlcipher3.Error):
        return translate(exc, path)
    if isinstance(exc, OSError):
        return StoreError(str(exc), path=str(path))
    return StoreError(repr(exc), path=str(path))
