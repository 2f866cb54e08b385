"""Atomic file placement: temp file in the destination folder, fsync, rename."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from tkapp.errors import CatalogueExists, DiskFull, StoreError


def temp_path_for(dest: Path, purpose: str) -> Path:
    """A fresh hidden name next to ``dest`` (same folder, so the final rename is atomic)."""
    return dest.with_name(f".{dest.name}.{purpose}-{secrets.token_hex(4)}.tmp")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    # Windows cannot open a directory; the rename is durable enough there.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place(tmp: Path, dest: Path, *, overwrite: bool) -> None:
    """Move the finished, fsynced ``tmp`` to ``dest`` in one step.

    Without ``overwrite``, a file appearing at ``dest`` meanwhile is never replaced: a hard
    link fails if the name exists (rename would silently replace it).
    """
    try:
        if overwrite:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)
            except FileExistsError:
                raise CatalogueExists(str(dest), path=str(dest)) from None
            except OSError:
                # File systems without hard links (FAT USB sticks): check, then rename.
                if dest.exists():
                    raise CatalogueExists(str(dest), path=str(dest)) from None
                os.rename(tmp, dest)
            else:
                tmp.unlink()
        fsync_dir(dest.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def os_error(exc: OSError, path: Path) -> StoreError:
    """A typed error for an operating-system failure on ``path``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(str(path), path=str(path))
    return StoreError(f"{path}: {exc.strerror or exc}", path=str(path))
