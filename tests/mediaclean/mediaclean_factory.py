"""Real media files made for the tests (Pillow, exiftool, ffmpeg, mutagen) and checkers.

The originals carry the markers below in their metadata; a cleaned file must contain none of
them, as bytes or as anything an independent reader (exiftool, mutagen) reports.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, PngImagePlugin

from tkapp.mediaclean import CleanReport, clean_media

PERSON = "Rosa Tupiza"
CREATOR = "Maria Quishpe"
SERIAL = "SN-99887766"
MAKER_NOTE = b"MAKERNOTE-SECRET-0001"
LOCALITY = "garden beside the communal house"
# Strings that must not survive cleaning, in any form.
MARKERS = (PERSON, CREATOR, SERIAL, MAKER_NOTE.decode(), LOCALITY, "78.5249", "78 deg 31")
GPS_ARGS = (
    "-GPSLatitude=0.2299",
    "-GPSLatitudeRef=S",
    "-GPSLongitude=78.5249",
    "-GPSLongitudeRef=W",
)


def exiftool(data: bytes, *extra: str) -> dict[str, object]:
    """Everything exiftool reads from ``data`` (given on stdin), as group:tag -> value."""
    result = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", "-ee", *extra, "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    found: dict[str, object] = json.loads(result.stdout)[0]
    return {key: value for key, value in found.items() if not key.startswith("System:")}


def leaks(data: bytes) -> list[str]:
    """The markers present in the raw bytes or in what exiftool reports about them."""
    text = json.dumps(exiftool(data), ensure_ascii=False)
    return [m for m in MARKERS if m.encode() in data or m in text]


def clean(data: bytes, mime: str) -> tuple[bytes, CleanReport]:
    out = io.BytesIO()
    report = clean_media(io.BytesIO(data), out, mime)
    return out.getvalue(), report


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


def _picture(mode: str, size: tuple[int, int]) -> Image.Image:
    count = size[0] * size[1] * len(mode)
    return Image.frombytes(mode, size, bytes((i * 7 + i // 97) % 256 for i in range(count)))


def srgb_profile() -> bytes:
    profile: bytes = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    exif[0x013B] = PERSON  # Artist
    exif[0x8298] = f"(c) {PERSON}"  # Copyright
    exif[0x010F] = "TKTestCam"  # Make
    exif[0x0110] = "Model X"  # Model
    sub = exif.get_ifd(0x8769)
    sub[0xA431] = SERIAL  # BodySerialNumber
    sub[0x927C] = MAKER_NOTE  # MakerNote
    sub[0xA430] = PERSON  # CameraOwnerName
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (0.0, 13.0, 47.64)
    gps[3], gps[4] = "W", (78.0, 31.0, 29.64)
    return exif


def make_jpeg(folder: Path) -> bytes:
    """A phone-like photo: EXIF (GPS, names, serial, maker note), XMP, IPTC, comment, ICC."""
    path = folder / "photo.jpg"
    _picture("RGB", (64, 48)).save(
        path, quality=90, exif=_exif(), icc_profile=srgb_profile(), comment=LOCALITY.encode()
    )
    _exiftool_write(
        path,
        *GPS_ARGS,
        f"-XMP-dc:Creator={CREATOR}",
        "-XMP-exif:GPSLatitude=0.2299 S",
        "-XMP-exif:GPSLongitude=78.5249 W",
        f"-IPTC:By-line={PERSON}",
    )
    return path.read_bytes()


def make_png(folder: Path) -> bytes:
    """A PNG with tEXt, zTXt, iTXt, eXIf (names, GPS, orientation), XMP, tIME and ICC."""
    path = folder / "picture.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PERSON)
    info.add_text("Comment", LOCALITY, zip=True)
    info.add_itxt("Description", f"{LOCALITY} ({SERIAL})", lang="es")
    _picture("RGBA", (40, 30)).save(path, pnginfo=info, exif=_exif(), icc_profile=srgb_profile())
    _exiftool_write(path, f"-XMP-dc:Creator={CREATOR}", "-PNG:ModifyDate=2024:05:01 10:00:00")
    return path.read_bytes()


def _exiftool_write(path: Path, *args: str) -> None:
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", *args, str(path)],
        check=True,
        capture_output=True,
    )


def ffmpeg(path: Path, *args: str) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", *args, str(path)], check=True, capture_output=True
    )
    return path


def decoded_md5(data: bytes, stream: str) -> str:
    """MD5 of the decoded samples of one kind of stream ("a" or "v"), read from stdin."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", "-", "-map", f"0:{stream}:0", "-f", "md5", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode().strip()


def cover_jpeg() -> bytes:
    out = io.BytesIO()
    _picture("RGB", (8, 8)).save(out, format="JPEG", comment=PERSON.encode())
    return out.getvalue()


def vorbis_picture_block() -> str:
    from mutagen.flac import Picture

    picture = Picture()
    picture.type = 3
    picture.mime = "image/jpeg"
    picture.desc = PERSON
    picture.data = cover_jpeg()
    return base64.b64encode(picture.write()).decode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Made-up streams: structure without payload, for hostile input and big files -----------


def box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I4s", len(body) + 8, kind) + body


def full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return box(kind, bytes((version, 0, 0, 0)), payload)


def mp4_index(
    offsets: list[int], *, handler: bytes = b"vide", entry: bytes = b"mp4v", extra: bytes = b""
) -> bytes:
    """A ``moov`` with one track whose chunks sit at ``offsets``, plus place and time."""
    times = struct.pack(">II", 3_800_000_000, 3_800_000_001)  # a 2024 date, seconds since 1904
    stco = full_box(b"stco", 0, struct.pack(">I", len(offsets)) + b"".join(
        struct.pack(">I", offset) for offset in offsets
    ))  # fmt: skip
    stsd = full_box(b"stsd", 0, struct.pack(">I", 1) + box(entry, bytes(8)))
    track = box(
        b"trak",
        full_box(b"tkhd", 0, times + bytes(72)),
        box(
            b"mdia",
            full_box(b"mdhd", 0, times + bytes(12)),
            full_box(b"hdlr", 0, bytes(4) + handler + bytes(13)),
            box(b"minf", box(b"stbl", stsd, stco)),
        ),
    )
    place = box(b"udta", box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7) + b"-00.2299-078.5249/"))
    return box(b"moov", full_box(b"mvhd", 0, times + bytes(88)), track, place, extra)


def ftyp(brand: bytes = b"isom") -> bytes:
    return box(b"ftyp", brand, bytes(4), brand + b"mp41")


class Synthetic(io.RawIOBase):
    """A seekable read-only stream ``head + block * count + tail``, made as it is read."""

    def __init__(self, head: bytes, block: bytes, count: int, tail: bytes) -> None:
        self._head, self._block, self._tail = head, block, tail
        self._body_end = len(head) + len(block) * count
        self.size = self._body_end + len(tail)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._position, self.size)[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._position < self.size:
            piece = self._piece(len(view) - done)
            view[done : done + len(piece)] = piece
            done += len(piece)
            self._position += len(piece)
        return done

    def _piece(self, limit: int) -> bytes:
        at = self._position
        if at < len(self._head):
            return self._head[at : at + limit]
        if at < self._body_end:
            inside = (at - len(self._head)) % len(self._block)
            return self._block[inside : inside + limit]
        at -= self._body_end
        return self._tail[at : at + limit]


class HashSink(io.RawIOBase):
    """A writable stream that keeps only a hash and a byte count."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        if len(self.head) < 4096:
            self.head += data[: 4096 - len(self.head)]
        self.digest.update(data)
        self.size += len(data)
        return len(data)
