"""Bounded stream helpers: exact reads that refuse truncation, chunked copies."""

from __future__ import annotations

import os
from typing import BinaryIO

from tkapp.errors import MediaNotCleanable

CHUNK = 1 << 20


def malformed(detail: str) -> MediaNotCleanable:
    return MediaNotCleanable("malformed", detail)


def read_exact(src: BinaryIO, size: int, what: str = "data") -> bytes:
    """Read exactly ``size`` bytes or refuse: a short read means a truncated file."""
    data = src.read(size)
    if len(data) != size:
        raise malformed(f"truncated {what}")
    return data


def copy_exact(src: BinaryIO, dst: BinaryIO, size: int) -> None:
    """Copy ``size`` bytes in bounded chunks."""
    while size > 0:
        block = src.read(min(CHUNK, size))
        if not block:
            raise malformed("truncated payload")
        dst.write(block)
        size -= len(block)


def remaining(src: BinaryIO) -> int:
    """Bytes from the current position to the end, leaving the position unchanged."""
    here = src.tell()
    end = src.seek(0, os.SEEK_END)
    src.seek(here)
    return end - here
