"""Real media files made for the tests (Pillow, exiftool, ffmpeg, mutagen) and checkers.

The originals carry the markers below in their metadata; a cleaned file must contain none of
them, as bytes or as anything an independent reader (exiftool, mutagen) reports.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
from pathlib import Path

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
