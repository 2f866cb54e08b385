"""The one way tkapp writes a file: temp file in the destination folder, fsync, rename.

Every writer (catalogue, backup, restore, passphrase change, bundle, exports, trust store,
translations) uses these helpers, so a crash leaves either the old file or the complete new
one, and any leftover temp file is recognisable and can be cleaned up:

- temp files are created owner-only (0600) from the first byte, never loosened later;
- their names are ``.<dest name>.<purpose>-<pid>-<random>.tkapp-tmp`` (hidden, beside the
  destination, so the final rename is atomic), carrying the writer's process id so that a
  later start can tell a leftover of a killed writer (pid gone) from a file being written now;
- :func:`remove_stale_temps` deletes the leftovers of dead writers in a folder;
  :func:`clean_known_folders` does it in every folder a temp file was ever made in (they are
  listed in ``temp-folders.txt`` in the data folder), at each catalogue open and ``tkapp check``.

This module sits below every layer (like ``tkapp.errors``): it raises plain ``OSError``;
callers turn that into their own typed errors.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: Every temp file name ends so; ``tkapp check`` and start-up cleaning look for it.
TEMP_SUFFIX = ".tkapp-tmp"
# SQLite may put its own files beside a temp database while it is being written.
_SIDE_SUFFIXES = ("", "-journal", "-wal", "-shm")
_TEMP_NAME = re.compile(r"^\..+\.[a-z]+-(?P<pid>\d+)-[0-9a-f]+\.tkapp-tmp(?:-journal|-wal|-shm)?$")


def temp_path_for(dest: Path, purpose: str = "tmp") -> Path:
    """A fresh hidden temp name next to ``dest`` (same folder: the final rename is atomic).

    File systems limit a name to 255 bytes; a long destination name is shortened in the temp
    name (the destination itself is checked by the final rename, which reports it plainly).
    """
    stem = dest.name
    while len(stem.encode("utf-8", "surrogateescape")) > 160:
        stem = stem[:-1]
    return dest.with_name(f".{stem}.{purpose}-{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


def create_temp(dest: Path, purpose: str = "tmp") -> tuple[Path, int]:
    """Create a new, empty temp file for ``dest`` (mode 0600, exclusive); returns path and fd."""
    tmp = temp_path_for(dest, purpose)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    _remember_folder(tmp.parent)
    return tmp, fd


def fsync_file(path: Path) -> None:
    """Flush ``path``'s content to the disk."""
    # Windows needs a writable handle to flush a file.
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (Windows cannot open a folder: no-op there)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def remove_temp(tmp: Path) -> None:
    """Remove ``tmp`` and any SQLite side file beside it (missing ones are fine)."""
    for suffix in _SIDE_SUFFIXES:
        with contextlib.suppress(OSError):
            Path(str(tmp) + suffix).unlink()


def place(tmp: Path, dest: Path, *, overwrite: bool) -> None:
    """Move the finished, fsynced ``tmp`` to ``dest`` in one step; ``tmp`` is gone after.

    Without ``overwrite``, a file appearing at ``dest`` meanwhile is never replaced
    (``FileExistsError``): a hard link fails if the name exists, a rename would replace it.
    """
    try:
        if overwrite:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)
            except FileExistsError:
                raise
            except OSError:
                # File systems without hard links (FAT USB sticks): check, then rename.
                if dest.exists():
                    raise FileExistsError(str(dest)) from None
                os.rename(tmp, dest)
        fsync_dir(dest.parent)
    finally:
        remove_temp(tmp)


@contextlib.contextmanager
def atomic_output(
    dest: Path, purpose: str = "tmp", *, overwrite: bool = True, mode: int = 0o600
) -> Iterator[BinaryIO]:
    """Write ``dest`` through a binary stream; it appears only if the block succeeds.

    ``mode`` loosens the permissions of the finished file only when asked (e.g. 0644 for a
    public key); the temp file is 0600 while it is written.

    Raises:
        FileExistsError: ``dest`` exists and ``overwrite`` is false (checked at the end too).
        OSError: the folder is missing, read-only, full...
    """
    if not overwrite and dest.exists():
        raise FileExistsError(str(dest))
    tmp, fd = create_temp(dest, purpose)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if mode != 0o600:
            os.chmod(tmp, mode)
        place(tmp, dest, overwrite=overwrite)
    finally:
        remove_temp(tmp)


def atomic_write_bytes(
    dest: Path, data: bytes, *, mode: int = 0o600, exclusive: bool = False
) -> None:
    """Write ``data`` to ``dest`` atomically (``FileExistsError``: ``exclusive`` and it exists)."""
    with atomic_output(dest, "write", overwrite=not exclusive, mode=mode) as out:
        out.write(data)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (unsure -> True: keep the file)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # Windows-only path: os.kill(pid, 0) would terminate the process there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return bool(code.value == 259)  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def stale_temps(folder: Path) -> list[Path]:
    """The tkapp temp files in ``folder`` whose writing process is gone."""
    found: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match and not pid_alive(int(match["pid"])):
            found.append(Path(entry.path))
    return sorted(found)


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete the leftovers of killed writers in ``folder``; returns what was removed."""
    removed: list[Path] = []
    for path in stale_temps(folder):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


# --- folders to clean at the next start -----------------------------------------------------

_REGISTRY_NAME = "temp-folders.txt"
_REGISTRY_KEEP = 100


def _registry() -> Path | None:
    from tkapp import paths  # below every layer too; imported late to keep this module light

    try:
        return paths.data_dir() / _REGISTRY_NAME
    except Exception:
        return None


def _known_folders(registry: Path) -> list[str]:
    try:
        text = registry.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return []
    return [line for line in text.splitlines() if line]


def _remember_folder(folder: Path) -> None:
    """Note ``folder`` so a temp file a killed writer leaves there is found at the next start."""
    registry = _registry()
    if registry is None:
        return
    line = str(folder.absolute())
    if "\n" in line or line in _known_folders(registry):
        return
    # One short append per new folder (O_APPEND: concurrent writers do not overwrite each other).
    with contextlib.suppress(OSError):
        fd = os.open(registry, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)


def clean_known_folders() -> list[Path]:
    """Remove dead writers' temp files in every remembered folder; returns what was removed."""
    registry = _registry()
    if registry is None:
        return []
    folders = _known_folders(registry)
    removed: list[Path] = []
    for folder in folders:
        removed.extend(remove_stale_temps(Path(folder)))
    if len(folders) > 2 * _REGISTRY_KEEP:
        keep = [f for f in folders if Path(f).is_dir()][-_REGISTRY_KEEP:]
        with contextlib.suppress(OSError):
            atomic_write_bytes(registry, "".join(f + "\n" for f in keep).encode("utf-8"))
    return removed
