"""Atomic file placement for the store: the shared helpers of :mod:`tkapp.atomicfile`, with
failures turned into the store's typed errors."""

from __future__ import annotations

import errno
from pathlib import Path

from tkapp import atomicfile
from tkapp.atomicfile import create_temp, fsync_dir, fsync_file, remove_temp, temp_path_for
from tkapp.errors import CatalogueExists, DiskFull, StoreError

__all__ = [
    "create_temp",
    "fsync_dir",
    "fsync_file",
    "os_error",
    "place",
    "remove_temp",
    "temp_path_for",
]


def place(tmp: Path, dest: Path, *, overwrite: bool) -> None:
    """Move the finished, fsynced ``tmp`` to ``dest`` in one step (see
    :func:`tkapp.atomicfile.place`); an existing ``dest`` without ``overwrite`` is
    :class:`CatalogueExists`."""
    try:
        atomicfile.place(tmp, dest, overwrite=overwrite)
    except FileExistsError:
        raise CatalogueExists(str(dest), path=str(dest)) from None


def os_error(exc: OSError, path: Path) -> StoreError:
    """A typed error for an operating-system failure on ``path``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(str(path), path=str(path))
    return StoreError(f"{path}: {exc.strerror or exc}", path=str(path))
