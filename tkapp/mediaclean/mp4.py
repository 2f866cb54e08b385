"""MP4 / M4A / QuickTime: rewrite the box tree, stream the media data through unchanged.

What goes: every user-data box (``udta``: iTunes-style ``ilst`` tags, QuickTime ``©xyz``
location, ``loci``, ``XMP_``...), every ``meta`` box (Apple's ``mdta`` keys such as
``com.apple.quicktime.location.ISO6709``), ``uuid`` boxes (XMP, vendor data), padding and
unknown top-level boxes; the creation and modification times in ``mvhd``/``tkhd``/``mdhd``
are set to zero. Everything a player needs (``ftyp``, the sample tables, ``mdat``) is kept;
inside ``moov`` only the boxes a player needs are kept (``_NEEDED``), unknown ones go.

When ``moov`` shrinks and sits before ``mdat``, the media data moves: every chunk offset in
``stco``/``co64`` is moved with it. Fragmented files, encrypted sample tables and tracks of
timed metadata (a GPS trail stored as samples inside ``mdat``) are refused, not half-cleaned.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tkapp.errors import MediaNotCleanable
from tkapp.mediaclean._io import copy_exact, malformed, read_exact, remaining
from tkapp.mediaclean._report import CleanReport, Findings

MAX_MOOV = 64 << 20  # the sample tables are read whole; a 10-hour video has a few MB
_MAX_TOP_LEVEL = 10_000  # real files have a handful; keeps the box list small
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
# What a player needs inside each container (ISO 14496-12 and QuickTime). Anything else is
# dropped, so a box we do not know cannot carry metadata out.
_NEEDED: dict[bytes, set[bytes]] = {
    b"moov": {b"mvhd", b"trak", b"iods"},
    b"trak": {b"tkhd", b"tref", b"trgr", b"edts", b"mdia", b"tapt", b"load", b"clip", b"matt"},
    b"mdia": {b"mdhd", b"hdlr", b"minf", b"elng"},
    b"minf": {b"vmhd", b"smhd", b"hmhd", b"nmhd", b"sthd", b"gmhd", b"hdlr", b"dinf", b"stbl"},
    b"stbl": {
        b"stsd", b"stts", b"ctts", b"cslg", b"stss", b"stps", b"sdtp", b"sbgp", b"sgpd",
        b"stsc", b"stsz", b"stz2", b"stco", b"co64", b"subs", b"saiz", b"padb", b"stsh", b"stdp",
    },
    b"edts": {b"elst"},
    b"dinf": {b"dref"},
}  # fmt: skip
_DROP = {b"udta", b"meta", b"uuid", b"free", b"skip", b"wide"}
_TIMES = {b"mvhd", b"tkhd", b"mdhd"}
_OFFSETS = {b"stco": ">I", b"co64": ">Q"}
_FRAGMENTED = {b"moof", b"mfra", b"sidx", b"mvex", b"styp"}
# Sample entries of metadata tracks (GoPro GPMF, Google CAMM, Apple mebx, Sony rtmd).
_TIMED_METADATA = {b"gpmd", b"camm", b"mebx", b"rtmd"}
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"crx "}


@dataclass(frozen=True)
class _Box:
    kind: bytes
    start: int
    header: int
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


def clean_mp4(src: BinaryIO, dst: BinaryIO) -> CleanReport:
    found = Findings()
    boxes = _top_level(src)
    moovs = [box for box in boxes if box.kind == b"moov"]
    if len(moovs) != 1:
        raise malformed("an MP4 file needs exactly one moov box")
    if any(box.kind in _FRAGMENTED for box in boxes):
        raise MediaNotCleanable("unsupported_format", "fragmented MP4")
    moov = moovs[0]
    if moov.size - moov.header > MAX_MOOV:
        raise MediaNotCleanable("too_large", "MP4 index too large")
    src.seek(moov.start + moov.header)
    moov_body = read_exact(src, moov.size - moov.header, "moov")

    kept: list[_Box] = []
    for box in boxes:
        if box.kind in (b"ftyp", b"moov", b"mdat"):
            kept.append(box)
        elif box.kind in _DROP or box.kind == b"pnot":
            src.seek(box.start + box.header)
            _report_dropped(box.kind, src.read(min(box.size - box.header, 1 << 20)), found)
        else:
            found.removed("mp4_user_data")

    # First pass learns the new moov size; the second writes it with chunk offsets relocated.
    new_moov_size = len(_box(b"moov", _rebuild(b"moov", moov_body, found, None)))
    relocate = _relocator(kept, moov, new_moov_size)
    new_moov = _box(b"moov", _rebuild(b"moov", moov_body, found, relocate))
    assert len(new_moov) == new_moov_size

    for box in kept:
        if box.kind == b"moov":
            dst.write(new_moov)
        else:
            src.seek(box.start)
            copy_exact(src, dst, box.size)
    return found.report()


def _top_level(src: BinaryIO) -> list[_Box]:
    """The top-level boxes: headers only, payloads skipped by seeking."""
    boxes: list[_Box] = []
    size_left = remaining(src)
    position = src.tell()
    end = position + size_left
    while position < end:
        src.seek(position)
        size, kind = struct.unpack(">I4s", read_exact(src, 8, "box header"))
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", read_exact(src, 8, "box header"))
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise malformed("box size points past the end")
        boxes.append(_Box(kind, position, header, size))
        if len(boxes) > _MAX_TOP_LEVEL:
            raise malformed("too many top-level boxes")
        position += size
    return boxes


def _children(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """(kind, box start, payload start, box end) of each child box in ``data[start:end]``."""
    position = start
    while position < end:
        if end - position < 8:
            if data[position:end].strip(b"\x00"):
                raise malformed("stray bytes in a box")
            return  # old QuickTime writers end some lists with four zero bytes
        size, kind = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            if end - position < 16:
                raise malformed("truncated box header")
            (size,) = struct.unpack_from(">Q", data, position + 8)
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise malformed("box size points past its parent")
        yield kind, position, position + header, position + size
        position += size


def _box(kind: bytes, body: bytes) -> bytes:
    if len(body) + 8 <= 0xFFFFFFFF:
        return struct.pack(">I4s", len(body) + 8, kind) + body
    return struct.pack(">I4sQ", 1, kind, len(body) + 16) + body


def _rebuild(
    parent: bytes, data: bytes, found: Findings, relocate: Callable[[int], int] | None
) -> bytes:
    """The payload of container ``parent`` with metadata boxes dropped, recursively."""
    out = bytearray()
    for kind, start, body, end in _children(data, 0, len(data)):
        if kind in _DROP:
            _report_dropped(kind, data[body:end], found)
        elif kind in _FRAGMENTED or kind == b"saio":
            raise MediaNotCleanable("unsupported_format", "fragmented or encrypted MP4")
        elif kind not in _NEEDED[parent]:
            found.removed("mp4_user_data")
        elif kind in _CONTAINERS:
            if kind == b"stbl":
                _refuse_timed_metadata(data, body, end)
            out += _box(kind, _rebuild(kind, data[body:end], found, relocate))
        elif kind in _TIMES:
            out += _box(kind, _zero_times(data[body:end], found))
        elif kind in _OFFSETS and relocate is not None:
            out += _box(kind, _relocated(data[body:end], _OFFSETS[kind], relocate))
        elif kind == b"hdlr" and data[body + 8 : body + 12] == b"meta":
            raise MediaNotCleanable("timed_metadata", "metadata track")
        else:
            out += data[start:end]
    return bytes(out)


def _refuse_timed_metadata(data: bytes, body: int, end: int) -> None:
    for kind, _, child, child_end in _children(data, body, end):
        if kind == b"stsd":
            entries = data[child + 8 : child_end]
            for entry, _, _, _ in _children(entries, 0, len(entries)):
                if entry in _TIMED_METADATA:
                    raise MediaNotCleanable("timed_metadata", "metadata track")


def _zero_times(body: bytes, found: Findings) -> bytes:
    """Creation and modification times set to zero ("unknown" in ISO 14496-12)."""
    if len(body) < 4:
        raise malformed("short header box")
    width = 16 if body[0] == 1 else 8
    if len(body) < 4 + width:
        raise malformed("short header box")
    if body[4 : 4 + width].strip(b"\x00"):
        found.removed("mp4_time")
    return body[:4] + bytes(width) + body[4 + width :]


def _relocated(body: bytes, fmt: str, relocate: Callable[[int], int]) -> bytes:
    width = struct.calcsize(fmt)
    if len(body) < 8:
        raise malformed("short chunk offset table")
    (count,) = struct.unpack_from(">I", body, 4)
    if 8 + count * width > len(body):
        raise malformed("chunk offset table longer than its box")
    out = bytearray(body)
    for index in range(count):
        at = 8 + index * width
        (offset,) = struct.unpack_from(fmt, body, at)
        struct.pack_into(fmt, out, at, relocate(offset))
    return bytes(out)


def _relocator(kept: list[_Box], moov: _Box, new_moov_size: int) -> Callable[[int], int]:
    """Maps an offset in the original file to the same byte in the cleaned file."""
    starts: list[int] = []
    moves: list[tuple[_Box, int]] = []
    position = 0
    for box in kept:
        starts.append(box.start)
        moves.append((box, position))
        position += new_moov_size if box is moov else box.size

    def relocate(offset: int) -> int:
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            raise malformed("chunk offset before the media data")
        box, new_start = moves[index]
        if box.kind != b"mdat" or offset >= box.end:
            raise malformed("chunk offset outside the media data")
        return new_start + offset - box.start

    return relocate


def _report_dropped(kind: bytes, payload: bytes, found: Findings) -> None:
    if kind in (b"free", b"skip", b"wide"):
        return  # padding: dropped, nothing to report
    if kind == b"uuid":
        found.removed("xmp" if payload[:16] == _XMP_UUID else "mp4_user_data")
        return
    codes = set()
    if b"\xa9xyz" in payload or b"loci" in payload or b"location" in payload:
        codes.add("mp4_location")
    if b"ilst" in payload or b"keys" in payload:
        codes.add("mp4_tags")
    if b"XMP_" in payload or b"<x:xmpmeta" in payload:
        codes.add("xmp")
    for code in codes or {"mp4_user_data"}:
        found.removed(code)
