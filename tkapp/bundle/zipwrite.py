"""A deterministic ZIP writer for bundles: stored entries, streamed, CRC patched in place.

Each entry's local header is written with its final size and a zero CRC, the data streamed
through CRC-32 and SHA-256 in one pass, then the CRC patched by seeking back. Memory stays at
one buffer whatever the entry size, and the same inputs always give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from tkapp.bundle import zipformat as zf
from tkapp.errors import HashMismatch, LimitExceeded, SizeMismatch

BUFFER = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WrittenEntry:
    """What the writer learnt about one entry while writing it."""

    name: str
    offset: int
    size: int
    crc: int
    sha256: str


class StoredZipWriter:
    """Write stored entries to a seekable binary file positioned at offset 0."""

    def __init__(self, out: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        self._out = out
        # Each entry's finished central directory record: the directory is all the writer
        # must remember until it closes (one bytes object an entry, not an entry object,
        # its name and hash: a bundle may hold 65,534 entries).
        self._directory: list[bytes] = []
        self._offset = 0
        self._progress = progress
        self._buffer = bytearray(BUFFER)

    def _check_room(self, extra: int) -> None:
        if self._offset + extra > zf.MAX_U32 or len(self._directory) >= zf.MAX_ENTRIES:
            raise LimitExceeded("bundle would exceed 4 GiB or 65534 entries (no ZIP64 in v1)")

    def _local_header(self, name: bytes, size: int, crc: int) -> bytes:
        return zf.LOCAL.pack(
            zf.LOCAL_SIG,
            zf.VERSION_NEEDED,
            zf.FLAGS,
            zf.METHOD_STORED,
            zf.DOS_TIME,
            zf.DOS_DATE,
            crc,
            size,
            size,
            len(name),
            0,
        )

    def add_bytes(self, name: str, data: bytes) -> WrittenEntry:
        """Add a small entry held in memory."""
        raw_name = name.encode("utf-8")
        self._check_room(zf.LOCAL.size + len(raw_name) + len(data))
        crc = zf.crc32(data)
        self._out.write(self._local_header(raw_name, len(data), crc))
        self._out.write(raw_name)
        self._out.write(data)
        entry = WrittenEntry(name, self._offset, len(data), crc, hashlib.sha256(data).hexdigest())
        self._offset += zf.LOCAL.size + len(raw_name) + len(data)
        self._directory.append(_central_record(raw_name, entry))
        if self._progress:
            self._progress(len(data))
        return entry

    def add_stream(
        self, name: str, src: BinaryIO, size: int, sha256: str | None = None
    ) -> WrittenEntry:
        """Copy exactly ``size`` bytes from ``src`` into a new entry.

        Args:
            name: entry name.
            src: readable stream positioned at the start of the content.
            size: the declared size; a shorter or longer stream is an error.
            sha256: when given, the content must hash to it (checked before returning).

        Raises:
            SizeMismatch: the stream has more or fewer bytes than ``size``.
            HashMismatch: the content does not hash to ``sha256``.
            LimitExceeded: the bundle would outgrow plain ZIP.
        """
        raw_name = name.encode("utf-8")
        self._check_room(zf.LOCAL.size + len(raw_name) + size)
        header_at = self._offset
        self._out.write(self._local_header(raw_name, size, 0))
        self._out.write(raw_name)
        crc = 0
        digest = hashlib.sha256()
        remaining = size
        view = memoryview(self._buffer)
        while remaining:
            want = min(remaining, BUFFER)
            got = src.readinto(view[:want])  # type: ignore[attr-defined]
            if not got:
                raise SizeMismatch(name, path=name)
            chunk = view[:got]
            crc = zf.crc32(chunk, crc)
            digest.update(chunk)
            self._out.write(chunk)
            remaining -= got
            if self._progress:
                self._progress(got)
        if src.read(1):
            raise SizeMismatch(name, path=name)
        hex_digest = digest.hexdigest()
        if sha256 is not None and hex_digest != sha256:
            raise HashMismatch(name, path=name)
        end = header_at + zf.LOCAL.size + len(raw_name) + size
        # Patch the CRC (offset 14 in the local header), then return to the end.
        self._out.seek(header_at + 14)
        self._out.write(crc.to_bytes(4, "little"))
        self._out.seek(end)
        entry = WrittenEntry(name, header_at, size, crc, hex_digest)
        self._offset = end
        self._directory.append(_central_record(raw_name, entry))
        return entry

    def close(self) -> int:
        """Write the central directory and end record; returns the total file size."""
        cd_start = self._offset
        size = sum(len(record) for record in self._directory)
        self._check_room(size + zf.END.size)
        self._out.writelines(self._directory)
        count = len(self._directory)
        self._out.write(zf.END.pack(zf.END_SIG, 0, 0, count, count, size, cd_start, 0))
        return cd_start + size + zf.END.size


def _central_record(raw_name: bytes, entry: WrittenEntry) -> bytes:
    """The central directory record of an entry written at ``entry.offset``."""
    return (
        zf.CENTRAL.pack(
            zf.CENTRAL_SIG,
            zf.VERSION_MADE_BY,
            zf.VERSION_NEEDED,
            zf.FLAGS,
            zf.METHOD_STORED,
            zf.DOS_TIME,
            zf.DOS_DATE,
            entry.crc,
            entry.size,
            entry.size,
            len(raw_name),
            0,
            0,
            0,
            0,
            zf.EXTERNAL_ATTR,
            entry.offset,
        )
        + raw_name
    )
