"""Our own ZIP reader for bundles: strict, bounded, never extracts anything.

Reads the end record, the central directory and every local header, and accepts only the
subset :mod:`tkapp.bundle.zipformat` describes. Python's ``zipfile`` is not used on untrusted
input: it accepts duplicate names and rewrites ``../`` on extraction (PLATFORM-NOTES.md).
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tkapp.bundle import zipformat as zf
from tkapp.bundle.limits import Limits
from tkapp.errors import (
    ContainerError,
    DuplicateEntry,
    LimitExceeded,
    UnsafePath,
    UnsupportedEntry,
)
from tkapp.ziparchive import name_problem

READ_CHUNK = 1024 * 1024
_FILE_TYPE_MASK = 0o170000
_REGULAR = 0o100000


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One stored regular file inside the bundle (slots: a bundle may list 65,534)."""

    name: str  # full path, including the top-level folder
    header_offset: int
    data_offset: int
    size: int
    crc: int

    @property
    def data_end(self) -> int:
        return self.data_offset + self.size


@dataclass(frozen=True)
class ZipIndex:
    """The validated table of contents: one top-level folder and its files."""

    top: str
    entries: dict[str, ZipEntry]  # relative path (below ``top``) -> entry, in file order


def _check_name(raw: bytes, limits: Limits) -> str:
    if len(raw) > limits.max_name_bytes:
        raise LimitExceeded("entry name too long")
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafePath("entry name is not UTF-8") from None
    shown = name.encode("unicode_escape").decode("ascii")[:120]
    if name.endswith("/"):
        raise UnsupportedEntry("directory entry", path=shown)
    if not unicodedata.is_normalized("NFC", name):
        raise UnsafePath("entry name is not NFC", path=shown)
    problem = name_problem(name)
    if problem is not None:
        raise UnsafePath(problem, path=shown)
    if ":" in name:
        raise UnsafePath("colon in entry name", path=shown)
    if len(name.split("/")) < 2:
        raise ContainerError("entry outside the single top-level folder", path=shown)
    return name


def _read_exact(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise ContainerError("unexpected end of file")
    return data


def read_index(f: BinaryIO, file_size: int, limits: Limits) -> ZipIndex:
    """Validate the container structure and return its entries (step 3).

    Raises:
        ContainerError, UnsafePath, DuplicateEntry, UnsupportedEntry, LimitExceeded.
    """
    if file_size < zf.END.size:
        raise ContainerError("file too small to be a bundle")
    # The end record must be the last 22 bytes: no archive comment, nothing appended.
    end = zf.END.unpack(_read_exact(f, file_size - zf.END.size, zf.END.size))
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment_len = end
    if sig != zf.END_SIG:
        raise ContainerError("no end record at the end of the file (data appended?)")
    if disk or cd_disk or comment_len or n_disk != n_total:
        raise ContainerError("multi-disk archive or comment")
    if n_total >= 0xFFFF or cd_size >= 0xFFFFFFFF or cd_offset >= 0xFFFFFFFF:
        raise ContainerError("ZIP64 is not supported")
    if n_total > limits.max_entries:
        raise LimitExceeded("too many entries")
    if n_total == 0:
        raise ContainerError("empty archive")
    if cd_offset + cd_size != file_size - zf.END.size:
        raise ContainerError("central directory does not end at the end record")
    if cd_size < n_total * zf.CENTRAL.size or cd_size > n_total * (
        zf.CENTRAL.size + limits.max_name_bytes
    ):
        raise ContainerError("central directory size is inconsistent")

    f.seek(cd_offset)
    central: list[tuple[bytes, int, int, int]] = []  # name, crc, size, header offset
    consumed = 0
    for _ in range(n_total):
        fixed = f.read(zf.CENTRAL.size)
        if len(fixed) != zf.CENTRAL.size:
            raise ContainerError("truncated central directory")
        (
            sig,
            made_by,
            needed,
            flags,
            method,
            mtime,
            mdate,
            crc,
            csize,
            usize,
            name_len,
            extra_len,
            comment_len,
            disk_start,
            internal,
            external,
            offset,
        ) = zf.CENTRAL.unpack(fixed)
        if sig != zf.CENTRAL_SIG:
            raise ContainerError("bad central directory signature")
        if flags & zf.FLAG_ENCRYPTED:
            raise UnsupportedEntry("encrypted entry")
        if flags & zf.FLAG_DATA_DESCRIPTOR:
            raise UnsupportedEntry("entry with a data descriptor")
        if method != zf.METHOD_STORED:
            raise UnsupportedEntry("compressed entry (only stored entries are allowed)")
        file_type = (external >> 16) & _FILE_TYPE_MASK
        if file_type != _REGULAR or external & 0x10:
            raise UnsupportedEntry("not a regular file (symlink, directory or device)")
        if csize != usize:
            raise ContainerError("stored entry with different sizes")
        if 0xFFFFFFFF in (csize, offset):
            raise ContainerError("ZIP64 is not supported")
        if (made_by, needed, flags, mtime, mdate, extra_len, comment_len, disk_start, internal,
                external) != (zf.VERSION_MADE_BY, zf.VERSION_NEEDED, zf.FLAGS, zf.DOS_TIME,
                zf.DOS_DATE, 0, 0, 0, 0, zf.EXTERNAL_ATTR):  # fmt: skip
            raise ContainerError("entry fields differ from the bundle format")
        if name_len > limits.max_name_bytes:
            raise LimitExceeded("entry name too long")
        raw_name = f.read(name_len)
        if len(raw_name) != name_len:
            raise ContainerError("truncated central directory")
        consumed += zf.CENTRAL.size + name_len
        central.append((raw_name, crc, usize, offset))
    if consumed != cd_size:
        raise ContainerError("central directory size is inconsistent")

    names: list[str] = [_check_name(raw, limits) for raw, _crc, _size, _off in central]
    seen: dict[str, str] = {}
    for name in names:
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen:
            shown = name.encode("unicode_escape").decode("ascii")[:120]
            raise DuplicateEntry("two entries with the same name", path=shown)
        seen[folded] = name
    # One byte form per bundle (BUNDLE-FORMAT.md section 6): entries sorted by path bytes.
    # Reordered entries would give the same bundle several file hashes.
    raw_names = [raw for raw, _crc, _size, _off in central]
    if any(a >= b for a, b in itertools.pairwise(raw_names)):
        raise ContainerError("entries are not sorted by name as the bundle format requires")
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1:
        raise ContainerError("more than one top-level folder")
    top = tops.pop()

    entries: dict[str, ZipEntry] = {}
    expected_offset = 0  # nothing before the first entry, no gaps, no overlaps
    for name, (raw_name, crc, size, offset) in zip(names, central, strict=True):
        if offset != expected_offset:
            raise ContainerError("entries overlap, leave gaps or are out of order")
        local = _read_exact(f, offset, zf.LOCAL.size + len(raw_name))
        fields = zf.LOCAL.unpack(local[: zf.LOCAL.size])
        wanted = (
            zf.LOCAL_SIG,
            zf.VERSION_NEEDED,
            zf.FLAGS,
            zf.METHOD_STORED,
            zf.DOS_TIME,
            zf.DOS_DATE,
            crc,
            size,
            size,
            len(raw_name),
            0,
        )
        if fields != wanted or local[zf.LOCAL.size :] != raw_name:
            raise ContainerError("local header differs from the central directory")
        data_offset = offset + len(local)
        expected_offset = data_offset + size
        if expected_offset > cd_offset:
            raise ContainerError("entry data runs into the central directory")
        entries[name.split("/", 1)[1]] = ZipEntry(name, offset, data_offset, size, crc)
    if expected_offset != cd_offset:
        raise ContainerError("unexplained bytes before the central directory")
    return ZipIndex(top, entries)


def iter_member(f: BinaryIO, entry: ZipEntry, chunk: int = READ_CHUNK) -> Iterator[bytes]:
    """Yield the entry's bytes in chunks (the caller checks hashes)."""
    f.seek(entry.data_offset)
    remaining = entry.size
    while remaining:
        block = f.read(min(chunk, remaining))
        if not block:
            raise ContainerError("unexpected end of file")
        remaining -= len(block)
        yield block


def read_member(f: BinaryIO, entry: ZipEntry, max_size: int) -> bytes:
    """Read a small entry into memory, checking its CRC-32.

    Raises:
        LimitExceeded: the entry is larger than ``max_size``.
        ContainerError: the CRC does not match.
    """
    if entry.size > max_size:
        raise LimitExceeded("entry too large", path=entry.name[-120:])
    data = _read_exact(f, entry.data_offset, entry.size)
    if zf.crc32(data) != entry.crc:
        raise ContainerError("CRC mismatch", path=entry.name[-120:])
    return data


def hash_member(f: BinaryIO, entry: ZipEntry) -> tuple[str, int]:
    """Stream an entry once; returns (SHA-256 hex, CRC-32)."""
    digest = hashlib.sha256()
    crc = 0
    for block in iter_member(f, entry):
        digest.update(block)
        crc = zf.crc32(block, crc)
    return digest.hexdigest(), crc
