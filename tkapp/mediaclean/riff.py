"""WAV (RIFF/WAVE): keep the format, fact and sample data chunks; drop every other chunk.

Two passes over the seekable source: the first reads only the chunk headers (to know the new
RIFF size, which comes first in the file), the second copies the kept chunks in blocks.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from tkapp.errors import MediaNotCleanable
from tkapp.mediaclean._io import copy_exact, malformed, read_exact, remaining
from tkapp.mediaclean._report import CleanReport, Findings

_KEEP = {b"fmt ", b"fact", b"data"}
_PADDING = {b"JUNK", b"junk", b"PAD ", b"FLLR", b"fllr"}
_CODES = {
    b"LIST": "riff_info",
    b"id3 ": "id3",
    b"ID3 ": "id3",
    b"bext": "riff_bext",
    b"iXML": "riff_ixml",
    b"_PMX": "xmp",
}


def clean_wav(src: BinaryIO, dst: BinaryIO) -> CleanReport:
    found = Findings()
    tag, riff_size, form = struct.unpack("<4sI4s", read_exact(src, 12, "RIFF header"))
    if tag != b"RIFF" or form != b"WAVE":
        raise MediaNotCleanable("unsupported_format", "only RIFF WAVE is supported")
    if riff_size < 4 or riff_size - 4 > remaining(src):
        raise malformed("RIFF size points past the end")
    end = src.tell() + riff_size - 4
    kept: list[tuple[bytes, int, int]] = []  # (id, data offset, size)
    while src.tell() < end:
        chunk_id, size = struct.unpack("<4sI", read_exact(src, 8, "chunk header"))
        data_at = src.tell()
        padded = size + (size & 1)
        if data_at + size > end:
            raise malformed("chunk size points past the end")
        # A missing pad byte after the last chunk is a common writer slip: tolerated.
        src.seek(min(data_at + padded, end))
        if chunk_id in _KEEP:
            kept.append((chunk_id, data_at, size))
        elif chunk_id not in _PADDING:
            found.removed(_CODES.get(chunk_id, "riff_other"))
    if remaining(src) > 0:
        found.removed("trailing_data")
    ids = [chunk_id for chunk_id, _, _ in kept]
    if ids.count(b"fmt ") != 1 or ids.count(b"data") != 1:
        raise malformed("WAV needs one format and one data chunk")
    total = 4 + sum(8 + size + (size & 1) for _, _, size in kept)
    dst.write(struct.pack("<4sI4s", b"RIFF", total, b"WAVE"))
    for chunk_id, data_at, size in kept:
        dst.write(struct.pack("<4sI", chunk_id, size))
        src.seek(data_at)
        copy_exact(src, dst, size)
        if size & 1:
            dst.write(b"\x00")
    return found.report()
