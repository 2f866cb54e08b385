"""PLACEHOLDER for the media metadata cleaner built on branch ``issue12media``.

The release gate (issue 12) codes against this API; the real package replaces this file at
merge. Until then only PNG is cleaned here (ancillary text, time and EXIF chunks dropped,
image chunks copied byte for byte); every other format is reported as not cleanable, so the
gate withholds it unless the custodian confirms it. Nothing here pretends to clean what it
cannot.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from tkapp.errors import TkError

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Chunks that carry free text, time, EXIF or XMP (dropped); the rest are needed to display.
_PNG_METADATA = {
    b"tEXt": "text",
    b"iTXt": "text",
    b"zTXt": "text",
    b"eXIf": "exif",
    b"tIME": "time",
}
_LIMIT = 512 * 1024 * 1024


class MediaNotCleanable(TkError):
    """The file's metadata cannot be cleaned; ``reason`` says why."""

    code = "media_not_cleanable"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanReport:
    removed: tuple[str, ...]
    kept: tuple[str, ...]
    lossless: bool


def clean_media(src: BinaryIO, dst: BinaryIO, mime_type: str) -> CleanReport:
    """Copy ``src`` to ``dst`` without its identifying metadata (PNG only in this placeholder).

    Raises:
        MediaNotCleanable: unsupported format, malformed file or too large.
    """
    if mime_type.lower() != "image/png":
        raise MediaNotCleanable("unsupported_format")
    if src.read(8) != _PNG_SIGNATURE:
        raise MediaNotCleanable("malformed")
    dst.write(_PNG_SIGNATURE)
    removed: list[str] = []
    kept: list[str] = []
    total = 8
    while True:
        head = src.read(8)
        if len(head) != 8:
            raise MediaNotCleanable("malformed")
        length, kind = struct.unpack(">I4s", head)
        total += 12 + length
        if total > _LIMIT:
            raise MediaNotCleanable("too_large")
        body = src.read(length)
        crc = src.read(4)
        if len(body) != length or len(crc) != 4:
            raise MediaNotCleanable("malformed")
        if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
            raise MediaNotCleanable("malformed")
        if kind in _PNG_METADATA:
            code = _PNG_METADATA[kind]
            if code not in removed:
                removed.append(code)
        else:
            dst.write(head + body + crc)
            if kind in (b"iCCP", b"sRGB", b"gAMA") and "colour_profile" not in kept:
                kept.append("colour_profile")
        if kind == b"IEND":
            break
    return CleanReport(tuple(removed), tuple(kept), True)


def describe_removed(codes: tuple[str, ...] | list[str]) -> list[str]:
    """The removed metadata as phrases (the real package translates them)."""
    return list(codes)
