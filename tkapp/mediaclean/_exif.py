"""Just enough of EXIF (a TIFF structure) to say what it held and to keep the orientation.

The whole EXIF block is dropped by the cleaners; this module only reads it for the report
and writes back a new block holding a single tag, Orientation. A damaged block is not an
error here: it is removed anyway, we just cannot name its contents.
"""

from __future__ import annotations

import struct

_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_INTEROP_IFD = 0xA005
_NAME_TAGS = {
    0x013B,  # Artist
    0x8298,  # Copyright
    0x9C9D,  # XPAuthor
    0x9C9B,  # XPTitle
    0x9C9C,  # XPComment
    0xA430,  # CameraOwnerName
    0x010E,  # ImageDescription
}
_SERIAL_TAGS = {0xA431, 0xA435}  # BodySerialNumber, LensSerialNumber
_MAKER_NOTE = 0x927C
_MAX_ENTRIES = 1000


class _Bad(Exception):
    pass


def inspect_tiff(tiff: bytes) -> tuple[set[str], int]:
    """The removed-codes an EXIF TIFF block holds, and its orientation (1 when unknown)."""
    codes: set[str] = set()
    try:
        orientation = _walk(tiff, codes)
    except (_Bad, struct.error):
        return codes | {"exif_other"}, 1
    return codes, orientation


def _walk(tiff: bytes, codes: set[str]) -> int:
    if tiff[:4] == b"II*\x00":
        order = "<"
    elif tiff[:4] == b"MM\x00*":
        order = ">"
    else:
        raise _Bad
    orientation = 1
    seen: set[int] = set()
    (first,) = struct.unpack_from(order + "I", tiff, 4)
    pending: list[tuple[int, str]] = [(first, "ifd0")]
    while pending:
        offset, kind = pending.pop()
        if offset == 0 or offset in seen or len(seen) > 16:
            continue
        seen.add(offset)
        (count,) = struct.unpack_from(order + "H", tiff, offset)
        if count > _MAX_ENTRIES:
            raise _Bad
        for index in range(count):
            tag, typ, n, value = struct.unpack_from(order + "HHII", tiff, offset + 2 + 12 * index)
            code = _code_of(tag, kind)
            if code is not None:
                codes.add(code)
            if tag in (_EXIF_IFD, _INTEROP_IFD):
                pending.append((value, "sub"))
            elif tag == _GPS_IFD:
                pending.append((value, "gps"))
            elif tag == _ORIENTATION and kind == "ifd0" and typ == 3 and n == 1:
                (short,) = struct.unpack_from(order + "H", tiff, offset + 2 + 12 * index + 8)
                orientation = short if 1 <= short <= 8 else 1
        if kind in ("ifd0", "ifd1"):
            (following,) = struct.unpack_from(order + "I", tiff, offset + 2 + 12 * count)
            if following:
                codes.add("thumbnail")  # IFD1 is the embedded preview picture
                pending.append((following, "ifd1"))
    return orientation


def _code_of(tag: int, kind: str) -> str | None:
    if kind == "gps" or tag == _GPS_IFD:
        return "exif_gps"
    if tag in _NAME_TAGS:
        return "exif_names"
    if tag in _SERIAL_TAGS:
        return "exif_device_serial"
    if tag == _MAKER_NOTE:
        return "exif_maker_note"
    if kind == "ifd0" and tag == _ORIENTATION:
        return None  # kept (rewritten), not removed
    return "exif_other"


def orientation_only(orientation: int) -> bytes:
    """A TIFF block with one IFD holding only the Orientation tag."""
    return (
        b"MM\x00*"
        + struct.pack(">I", 8)
        + struct.pack(">H", 1)
        + struct.pack(">HHIHH", _ORIENTATION, 3, 1, orientation, 0)
        + struct.pack(">I", 0)
    )
