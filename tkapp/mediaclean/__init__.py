"""Media cleaned on the way out: location, names, device serials and free text removed.

Pure byte processing (no store, no Qt, no services, no temporary files): the release gate
hands :func:`clean_media` a readable, seekable stream of the original and a writable stream
for the cleaned copy. Pictures are cleaned losslessly by rewriting their segments or chunks,
never re-encoded; video boxes and WAV chunks are rewritten while the media data streams
through in bounded blocks; MP3, Ogg and FLAC tags are removed with ``mutagen`` on an
in-memory copy (up to ``MAX_TAGGED`` bytes).

The kind of file is decided by its content and cross-checked with the declared MIME type.
On :class:`MediaNotCleanable` the partial output in ``dst`` must be discarded.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from tkapp.errors import MediaNotCleanable
from tkapp.mediaclean._report import (
    NOT_CLEANABLE_REASONS,
    REMOVED_CODES,
    CleanReport,
    describe_reason,
    describe_removed,
)
from tkapp.mediaclean.jpeg import clean_jpeg
from tkapp.mediaclean.mp4 import IMAGE_BRANDS, MAX_MOOV, clean_mp4
from tkapp.mediaclean.png import SIGNATURE as _PNG_SIGNATURE
from tkapp.mediaclean.png import clean_png
from tkapp.mediaclean.riff import clean_wav
from tkapp.mediaclean.tagged import MAX_TAGGED, clean_tagged

__all__ = [
    "MAX_MOOV",
    "MAX_TAGGED",
    "NOT_CLEANABLE_REASONS",
    "REMOVED_CODES",
    "CleanReport",
    "MediaNotCleanable",
    "clean_media",
    "describe_reason",
    "describe_removed",
    "detect_kind",
]

# The MIME types each kind of content may be declared as (aliases seen in the wild).
_MIME_TYPES: dict[str, frozenset[str]] = {
    "jpeg": frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}),
    "png": frozenset({"image/png", "image/apng", "image/x-png"}),
    "mp3": frozenset({"audio/mpeg", "audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/mpa"}),
    "ogg": frozenset({"audio/ogg", "audio/opus", "audio/vorbis", "application/ogg", "video/ogg"}),
    "flac": frozenset({"audio/flac", "audio/x-flac"}),
    "mp4": frozenset(
        {
            "video/mp4",
            "audio/mp4",
            "audio/m4a",
            "audio/x-m4a",
            "video/x-m4v",
            "video/quicktime",
            "video/3gpp",
            "audio/3gpp",
        }
    ),
    "wav": frozenset({"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"}),
}
_QUICKTIME_FIRST_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip"}


def clean_media(src: BinaryIO, dst: BinaryIO, mime_type: str) -> CleanReport:
    """Write a copy of ``src`` without its hidden metadata to ``dst``.

    Args:
        src: seekable, readable stream of the original file; read from its start.
        dst: writable stream for the cleaned file (need not be seekable).
        mime_type: the type the catalogue declares for the file; must agree with the content.

    Returns:
        What was removed and kept, and whether the media payload was left untouched.

    Raises:
        MediaNotCleanable: unknown or unsupported kind of file (``unsupported_format``),
            damaged or mislabelled (``malformed``), too big to clean (``too_large``), or a
            video with a track of timed metadata (``timed_metadata``).
    """
    src.seek(0)  # MP4 chunk offsets count from the start of the file
    kind = detect_kind(src)
    if kind is None:
        raise MediaNotCleanable("unsupported_format", "unknown kind of file")
    declared = mime_type.split(";", 1)[0].strip().lower()
    if declared not in _MIME_TYPES[kind]:
        raise MediaNotCleanable("malformed", f"content is {kind}, declared {declared}")
    try:
        if kind == "jpeg":
            return clean_jpeg(src, dst)
        if kind == "png":
            return clean_png(src, dst)
        if kind == "mp4":
            return clean_mp4(src, dst)
        if kind == "wav":
            return clean_wav(src, dst)
        return clean_tagged(src, dst, kind)
    except (struct.error, ValueError, IndexError, EOFError, OverflowError) as error:
        # Our parsers check every length they read; this is the net under that rule.
        raise MediaNotCleanable("malformed", type(error).__name__) from error


def detect_kind(src: BinaryIO) -> str | None:
    """The kind of media file its first bytes show, or None when it is none we can clean.

    Reads from the current position of ``src`` and puts it back there.
    """
    start = src.tell()
    head = src.read(64)
    if head.startswith(b"ID3") and len(head) >= 10:
        # An ID3v2 tag in front: FLAC files sometimes carry one too.
        size = 0
        for byte in head[6:10]:
            size = (size << 7) | (byte & 0x7F)
        src.seek(start + 10 + size)
        after = src.read(4)
        src.seek(start)
        return "flac" if after == b"fLaC" else "mp3"
    src.seek(start)
    return _kind_of(head)


def _kind_of(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return None if head[8:12] in IMAGE_BRANDS else "mp4"
    if head[4:8] in _QUICKTIME_FIRST_BOXES and len(head) >= 8:
        return "mp4"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"  # MPEG audio frame sync, layer bits set
    return None
