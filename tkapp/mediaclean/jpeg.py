"""JPEG: rewrite the marker segments, copy the compressed picture data byte for byte.

Kept: JFIF APP0 (without its thumbnail), ICC_PROFILE APP2 chunks, Adobe APP14 (its colour
transform flag is needed to decode), every coding segment (SOFn, DHT, DQT, DRI, SOS...), and a
new minimal EXIF APP1 holding only the Orientation when the original was rotated. Dropped:
EXIF, XMP, Photoshop/IPTC, comments, every other APPn and whatever follows the end marker.
"""

from __future__ import annotations

import os
import re
import struct
from typing import BinaryIO

from tkapp.mediaclean._exif import inspect_tiff, orientation_only
from tkapp.mediaclean._io import CHUNK, malformed, read_exact
from tkapp.mediaclean._report import CleanReport, Findings

_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_APP0, _APP1, _APP2, _APP13, _APP14 = 0xE0, 0xE1, 0xE2, 0xED, 0xEE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_SOF = {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
_DHT, _DAC, _DQT, _DNL, _DRI, _DHP, _EXP = 0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF
# In entropy-coded data 0xFF is followed by 0x00 (stuffing) or RSTn; anything else is a marker.
_MARKER_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_EXIF_ID = b"Exif\x00\x00"
_XMP_IDS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")


def clean_jpeg(src: BinaryIO, dst: BinaryIO) -> CleanReport:
    found = Findings()
    if read_exact(src, 2, "JPEG start") != b"\xff\xd8":
        raise malformed("not a JPEG")
    dst.write(b"\xff\xd8")
    exif_written = False
    scans = 0
    while True:
        marker = _next_marker(src)
        if marker == _EOI:
            break
        if marker in _STANDALONE:
            dst.write(bytes((0xFF, marker)))
            continue
        if marker == _SOI:
            raise malformed("second start-of-image marker")
        (length,) = struct.unpack(">H", read_exact(src, 2, "segment length"))
        if length < 2:
            raise malformed("bad segment length")
        body = read_exact(src, length - 2, "segment")
        if 0xE0 <= marker <= 0xEF or marker == _COM:
            kept = _app_segment(marker, body, found, exif_written)
            if kept is not None:
                if marker == _APP1:
                    exif_written = True
                dst.write(bytes((0xFF, marker)) + struct.pack(">H", len(kept) + 2) + kept)
            continue
        if not _coding_segment_is_sound(marker, body):
            # Only well-formed coding segments are copied, so no text can ride along in one.
            raise malformed(f"unexpected or damaged marker 0x{marker:02X}")
        dst.write(bytes((0xFF, marker)) + struct.pack(">H", length) + body)
        if marker == _SOS:
            scans += 1
            _copy_scan(src, dst)
    if scans == 0:
        raise malformed("JPEG without picture data")
    dst.write(b"\xff\xd9")
    if src.read(1):
        found.removed("trailing_data")  # e.g. MPF second pictures, motion-photo videos
    return found.report()


def _next_marker(src: BinaryIO) -> int:
    if read_exact(src, 1, "marker") != b"\xff":
        raise malformed("marker expected")
    byte = read_exact(src, 1, "marker")[0]
    fills = 0
    while byte == 0xFF:  # fill bytes before a marker are allowed
        fills += 1
        if fills > 1 << 16:
            raise malformed("endless fill bytes")
        byte = read_exact(src, 1, "marker")[0]
    if byte == 0x00:
        raise malformed("stuffed byte outside picture data")
    return byte


def _app_segment(marker: int, body: bytes, found: Findings, exif_written: bool) -> bytes | None:
    """The segment body to write back (possibly rewritten), or None to drop it."""
    if marker == _COM:
        found.removed("jpeg_comment")
    elif marker == _APP0 and body.startswith(b"JFIF\x00") and len(body) >= 14:
        if body[12] or body[13] or len(body) > 14:
            found.removed("thumbnail")
        return body[:12] + b"\x00\x00"  # same header, no thumbnail
    elif marker == _APP1 and body.startswith(_EXIF_ID):
        codes, orientation = inspect_tiff(body[len(_EXIF_ID) :])
        for code in codes:
            found.removed(code)
        if orientation != 1 and not exif_written:
            found.kept("orientation")
            return _EXIF_ID + orientation_only(orientation)
    elif marker == _APP1 and body.startswith(_XMP_IDS):
        found.removed("xmp")
    elif marker == _APP2 and body.startswith(b"ICC_PROFILE\x00"):
        found.kept("icc_profile")
        return body
    elif marker == _APP13:
        found.removed("iptc")
    elif marker == _APP14 and body.startswith(b"Adobe") and len(body) == 12:
        found.kept("colour_transform")
        return body
    else:
        found.removed("vendor_segment")
    return None


def _coding_segment_is_sound(marker: int, body: bytes) -> bool:
    """Whether ``body`` has exactly the shape ITU T.81 gives this coding segment."""
    size = len(body)
    if marker in _SOF or marker == _DHP:
        return size >= 6 and size == 6 + 3 * body[5]
    if marker == _SOS:
        return size >= 1 and size == 4 + 2 * body[0]
    if marker == _DQT:  # tables of 64 values, 8- or 16-bit, ids 0..3
        at = 0
        while at < size:
            if body[at] >> 4 > 1 or body[at] & 0x0F > 3:
                return False
            at += 1 + 64 * (2 if body[at] >> 4 else 1)
        return size > 0 and at == size
    if marker == _DHT:  # class 0..1, id 0..3, 16 counts then the symbols
        at = 0
        while at + 17 <= size:
            if body[at] >> 4 > 1 or body[at] & 0x0F > 3:
                return False
            at += 17 + sum(body[at + 1 : at + 17])
        return size > 0 and at == size
    if marker in (_DRI, _DNL):
        return size == 2
    if marker == _DAC:  # at most 4 DC and 4 AC conditioning pairs
        pairs = [body[at] for at in range(0, size, 2)]
        valid = all(pair >> 4 <= 1 and pair & 0x0F <= 3 for pair in pairs)
        return 0 < size <= 16 and size % 2 == 0 and valid
    if marker == _EXP:
        return size == 1
    return False


def _copy_scan(src: BinaryIO, dst: BinaryIO) -> None:
    """Copy entropy-coded data up to the next marker, then leave ``src`` on that marker."""
    carry = b""
    while True:
        block = src.read(CHUNK)
        if not block:
            raise malformed("truncated picture data")
        data = carry + block if carry else block
        hit = _MARKER_IN_SCAN.search(data)
        view = memoryview(data)  # writes without copying the block again
        if hit is not None:
            dst.write(view[: hit.start()])
            src.seek(hit.start() - len(data), os.SEEK_CUR)
            return
        # A trailing 0xFF may start a marker whose second byte is in the next block.
        keep = 1 if data.endswith(b"\xff") else 0
        dst.write(view[: len(data) - keep])
        carry = data[len(data) - keep :]
