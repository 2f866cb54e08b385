"""Media on the way out: clean their metadata, in memory, through the one cleaning call.

The release gate (:mod:`tkapp.licensing.gate`) decides whether a media file leaves; it needs
to know whether the file *can* be cleaned and what cleaning removes. :func:`inspect` cleans
into a hashing sink (nothing kept) to learn that, and the cleaned file's hash and size, for
the plan; :func:`open_released` cleans again into memory when the export writes it. Decrypted
media never touch the disk. :func:`_clean` is the only call of the cleaner.
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, BinaryIO

from tkapp.core.model import Media
from tkapp.licensing.gate import MediaCleaning, MediaRelease
from tkapp.mediaclean import CleanReport, MediaNotCleanable, clean_media

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue


class _HashSink(io.RawIOBase):
    """A writable that keeps only the SHA-256 and the size of what passes through."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = bytes(data)
        self.digest.update(chunk)
        self.size += len(chunk)
        return len(chunk)


def _clean(src: BinaryIO, dst: BinaryIO, mime_type: str) -> CleanReport:
    # The one call of the metadata cleaner (tkapp.mediaclean).
    return clean_media(src, dst, mime_type)


def inspect(cat: Catalogue, media: Media) -> MediaCleaning:
    """Clean ``media`` into nothing: can it be cleaned, what goes, and the cleaned hash."""
    sink = _HashSink()
    try:
        with cat.open_media(media.id) as src:
            report = _clean(src, sink, media.mime_type)  # type: ignore[arg-type]
    except MediaNotCleanable as exc:
        return MediaCleaning(cleanable=False, reason=exc.reason)
    return MediaCleaning(
        cleanable=True,
        removed=tuple(report.removed),
        sha256=sink.digest.hexdigest(),
        size=sink.size,
    )


def open_released(cat: Catalogue, release: MediaRelease) -> BinaryIO:
    """The bytes of a released media file: cleaned (in memory), or as stored when the
    custodian confirmed an uncleanable file.

    Raises:
        MediaNotCleanable: the file changed since the plan and can no longer be cleaned.
    """
    if release.confirmed:
        return cat.open_media(release.media.id)
    out = io.BytesIO()
    with cat.open_media(release.media.id) as src:
        _clean(src, out, release.media.mime_type)
    out.seek(0)
    return out
