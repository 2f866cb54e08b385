"""Atomic small-file writes: temp file in the same folder, fsync, rename, fsync the folder.

Used for the trust store and identity files, where a crash must leave either the old file or
the new one, never half of one, and where the file must never exist with loose permissions.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_path_for(dest: Path) -> Path:
    """A hidden, unique temp name next to ``dest`` (same file system, so rename is atomic)."""
    return dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.tmp")


def atomic_write_bytes(
    dest: Path, data: bytes, *, mode: int = 0o600, exclusive: bool = False
) -> None:
    """Write ``data`` to ``dest`` atomically with permissions ``mode`` from the start.

    Args:
        dest: final path.
        data: the whole content.
        mode: permission bits of the new file (set at creation, never loosened later).
        exclusive: refuse (``FileExistsError``) when ``dest`` already exists.
    """
    tmp = temp_path_for(dest)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if exclusive:
            # link() fails if dest exists, unlike rename(), so an existing file is never lost.
            os.link(tmp, dest)
            tmp.unlink()
        else:
            os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(dest.parent)
