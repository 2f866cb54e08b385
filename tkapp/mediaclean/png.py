"""PNG: keep the chunks a viewer needs, drop text, EXIF, time and unknown extras.

Kept chunks are copied with their original CRC (nothing is recomputed or re-encoded); every
chunk's CRC is checked on the way, and a damaged file is refused. An EXIF chunk that rotated
the picture is replaced by one holding only the Orientation.
"""

from __future__ import annotations

import struct
import zlib
from typing import BinaryIO

from tkapp.errors import MediaNotCleanable
from tkapp.mediaclean._exif import inspect_tiff, orientation_only
from tkapp.mediaclean._io import CHUNK, malformed, read_exact
from tkapp.mediaclean._report import CleanReport, Findings

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Needed to show the picture right: structure, transparency, colour, pixel size, animation.
_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
    b"sBIT", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"cLLI",
}  # fmt: skip
_MAX_CHUNK = 0x7FFFFFFF  # the PNG limit on a chunk length
_MAX_SMALL = 1 << 24  # chunks we read whole (EXIF); larger ones are streamed


def clean_png(src: BinaryIO, dst: BinaryIO) -> CleanReport:
    found = Findings()
    if read_exact(src, 8, "PNG signature") != SIGNATURE:
        raise malformed("not a PNG")
    dst.write(SIGNATURE)
    first = True
    while True:
        length, kind = struct.unpack(">I4s", read_exact(src, 8, "chunk header"))
        if length > _MAX_CHUNK or not kind.isalpha():
            raise malformed("bad chunk header")
        if first and kind != b"IHDR":
            raise malformed("PNG must start with IHDR")
        first = False
        header = struct.pack(">I", length) + kind
        if kind in _KEEP:
            if kind == b"iCCP":
                found.kept("icc_profile")
            dst.write(header)
            _stream_chunk(src, dst, kind, length)
        elif kind == b"eXIf" and length <= _MAX_SMALL:
            body = _stream_chunk(src, None, kind, length, keep=True)
            codes, orientation = inspect_tiff(body)
            if codes:
                found.removed("png_exif")
            for code in codes - {"exif_other"}:
                found.removed(code)
            if orientation != 1:
                found.kept("orientation")
                tiff = orientation_only(orientation)
                crc = zlib.crc32(b"eXIf" + tiff)
                dst.write(struct.pack(">I", len(tiff)) + b"eXIf" + tiff + struct.pack(">I", crc))
        elif kind[0:1].isupper():
            # A critical chunk we do not know: a viewer could not show the picture without it.
            raise MediaNotCleanable("unsupported_format", "unknown critical PNG chunk")
        elif kind == b"iTXt" and length <= _MAX_SMALL:
            body = _stream_chunk(src, None, kind, length, keep=True)
            found.removed("xmp" if body.startswith(b"XML:com.adobe.xmp\x00") else "png_text")
        else:
            _stream_chunk(src, None, kind, length)
            found.removed(_removed_code(kind))
        if kind == b"IEND":
            break
    if src.read(1):
        found.removed("trailing_data")
    return found.report()


def _removed_code(kind: bytes) -> str:
    if kind in (b"tEXt", b"zTXt", b"iTXt"):
        return "png_text"
    if kind == b"tIME":
        return "png_time"
    if kind == b"eXIf":
        return "png_exif"
    return "png_other"


def _stream_chunk(
    src: BinaryIO, dst: BinaryIO | None, kind: bytes, length: int, *, keep: bool = False
) -> bytes:
    """Read a chunk's data and CRC in bounded blocks, checking the CRC; copy it to ``dst``."""
    crc = zlib.crc32(kind)
    kept = bytearray()
    left = length
    while left:
        block = read_exact(src, min(CHUNK, left), "chunk data")
        crc = zlib.crc32(block, crc)
        if dst is not None:
            dst.write(block)
        if keep:
            kept += block
        left -= len(block)
    stored = read_exact(src, 4, "chunk CRC")
    if struct.unpack(">I", stored)[0] != crc:
        raise malformed("PNG chunk CRC mismatch")
    if dst is not None:
        dst.write(stored)
    return bytes(kept)
