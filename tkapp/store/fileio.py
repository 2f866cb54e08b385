"""The store's typed errors for file placement; the writing itself is :mod:`tkapp.atomicfile`."""

from __future__ import annotations

import errno
from pathlib import Path

from tkapp import atomicfile
from tkapp.errors import CatalogueExists, DiskFull, StoreError

__all__ = ["os_error", "place"]


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
