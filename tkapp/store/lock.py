"""One writer at a time: an operating-system lock beside each catalogue file.

SQLite's own locking protects single transactions, not a passphrase change or a restore that
replaces the whole file: a second process writing the old file meanwhile loses its records
without an error. So every process that opens a catalogue (the app, each CLI command) holds
an exclusive OS lock on ``<catalogue>.lock`` for as long as it has the file open; passphrase
changes, restores, backups over an existing file (and, later, key-slot changes) take the
same lock on the file they replace.

- The lock is the OS's (``flock`` on Linux and macOS, ``LockFileEx`` byte lock on Windows,
  through ``portalocker``): it dies with its process, so a killed program never leaves a
  catalogue locked.
- Who holds it (program, process id, computer, since when) is written to
  ``<catalogue>.lock.json`` so the refusal can say where the catalogue is open. That file is
  advisory only: a stale one from a killed process is simply overwritten by the next holder.
- Both files are removed when the lock is released (best effort; Windows may keep them).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import portalocker

from tkapp.atomicfile import atomic_write_bytes, pid_alive
from tkapp.errors import CatalogueInUse, CatalogueMissing, StoreError

LOCK_SUFFIX = ".lock"
HOLDER_SUFFIX = ".lock.json"
_MAX_HOLDER_BYTES = 4096
_MAX_ATTEMPTS = 5


def lock_path(catalogue: Path) -> Path:
    return catalogue.with_name(catalogue.name + LOCK_SUFFIX)


def holder_path(catalogue: Path) -> Path:
    return catalogue.with_name(catalogue.name + HOLDER_SUFFIX)


@dataclass(frozen=True)
class Holder:
    """Who has a catalogue open (as recorded by that process; advisory)."""

    program: str
    pid: int
    host: str
    since: str

    def params(self) -> dict[str, str]:
        """The facts an error message shows (``program``, ``pid``, ``host``, ``since``)."""
        return {
            "program": self.program,
            "pid": str(self.pid),
            "host": self.host,
            "since": self.since,
        }

    @property
    def is_stale(self) -> bool:
        """Recorded by a process on this computer that no longer runs."""
        return self.host == socket.gethostname() and not pid_alive(self.pid)


def _program() -> str:
    argv = [a for a in sys.argv[:3] if a and not a.startswith("-")]
    name = Path(argv[0]).name if argv else "tkapp"
    if name in ("__main__.py", "python", "python3") or name.startswith("python"):
        name = "tkapp"
    command = argv[1] if len(argv) > 1 and name == "tkapp" else ""
    return (name + " " + command).strip() if command else name


def read_holder(catalogue: Path) -> Holder | None:
    """The recorded holder of ``catalogue``'s lock, or None (absent, unreadable, stale)."""
    try:
        with holder_path(catalogue).open("rb") as handle:
            raw = handle.read(_MAX_HOLDER_BYTES)
        data: Any = json.loads(raw.decode("utf-8"))
        holder = Holder(
            program=str(data["program"]),
            pid=int(data["pid"]),
            host=str(data["host"]),
            since=str(data["since"]),
        )
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return None if holder.is_stale else holder


class CatalogueLock:
    """An exclusive lock on one catalogue path; release with :meth:`release` (idempotent)."""

    def __init__(self, catalogue: Path) -> None:
        self.catalogue = catalogue
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> CatalogueLock:
        """Take the lock now or raise :class:`CatalogueInUse` naming the holder (no waiting:
        the other program may stay open for hours)."""
        if self._handle is not None:
            return self
        path = lock_path(self.catalogue)
        for _attempt in range(_MAX_ATTEMPTS):
            try:
                # Never truncate: another process may hold a lock on this file.
                fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
                handle = os.fdopen(fd, "r+b")
            except FileNotFoundError:
                raise CatalogueMissing(str(self.catalogue), path=str(self.catalogue)) from None
            except OSError as exc:
                if _read_only_media(exc):
                    # Nobody can write here (a write-protected stick, a CD): there is nothing a
                    # second writer could lose, and SQLite refuses writes on its own.
                    return self
                raise StoreError(f"{path}: {exc.strerror or exc}", path=str(path)) from exc
            try:
                portalocker.lock(handle, portalocker.LOCK_EX | portalocker.LOCK_NB)
            except portalocker.exceptions.LockException:
                handle.close()
                holder = read_holder(self.catalogue)
                raise CatalogueInUse(
                    "locked", path=str(self.catalogue), **(holder.params() if holder else {})
                ) from None
            if _same_file(handle, path):
                self._handle = handle
                self._record_holder()
                return self
            # The file was removed by its previous holder between our open and our lock:
            # this lock guards nothing; try again with the current file.
            with contextlib.suppress(OSError):
                portalocker.unlock(handle)
            handle.close()
        raise CatalogueInUse("lock file keeps changing", path=str(self.catalogue))

    def _record_holder(self) -> None:
        info = {
            "program": _program(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        }
        # Advisory only: a full disk must not stop a catalogue from opening.
        with contextlib.suppress(OSError):
            atomic_write_bytes(holder_path(self.catalogue), json.dumps(info).encode("utf-8"))

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        # Remove the names while still holding the lock, so a newcomer never finds our holder
        # record beside its own lock. (Windows refuses to delete an open file: they stay.)
        for name in (holder_path(self.catalogue), lock_path(self.catalogue)):
            with contextlib.suppress(OSError):
                name.unlink()
        with contextlib.suppress(OSError, portalocker.exceptions.LockException):
            portalocker.unlock(handle)
        handle.close()

    def __enter__(self) -> CatalogueLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _same_file(handle: IO[bytes], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def _read_only_media(exc: OSError) -> bool:
    return exc.errno == errno.EROFS


def remove_stale_holder(catalogue: Path) -> bool:
    """Delete a holder record left by a killed process when nobody holds the lock now."""
    path = holder_path(catalogue)
    if not path.exists():
        return False
    probe = CatalogueLock(catalogue)
    try:
        probe.acquire()
    except StoreError:
        return False
    probe.release()  # removes the stale record with our own
    return True
