"""One row of a media list: a stored media item, or a file or recording staged until the
owner is saved; and the kind and MIME type of a picked file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from PySide6.QtGui import QImage

from tkapp.core.model import Media, MediaKind


def kind_for_mime(mime: str) -> MediaKind:
    """The media kind for a MIME type."""
    top = mime.split("/", 1)[0]
    if top == "image":
        return MediaKind.PHOTO
    if top == "audio":
        return MediaKind.AUDIO
    if top == "video":
        return MediaKind.VIDEO
    return MediaKind.DOCUMENT


def mime_for_file(path: Path) -> str:
    """The MIME type of a file from its name and first bytes (Qt's shared-mime database)."""
    from PySide6.QtCore import QMimeDatabase

    mime = QMimeDatabase().mimeTypeForFile(str(path)).name()
    return mime if "/" in mime else "application/octet-stream"


@dataclass(eq=False)
class MediaEntry:
    """One row: a stored media item, or a picked file waiting to be saved."""

    media: Media
    source_path: Path | None = None  # set while the file is not in the catalogue yet
    #: A recording made in the app, held in memory only until the owner is saved.
    source_data: bytes | None = None
    dirty: bool = False  # stored item whose caption/creator/... changed
    revealed: bool = False  # the custodian chose "Show anyway" in this session
    thumbnail: QImage | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.source_path is not None or self.source_data is not None


def open_source(entry: MediaEntry) -> BinaryIO:
    """The bytes of a staged entry: the recording in memory, or the picked file."""
    if entry.source_data is not None:
        return io.BytesIO(entry.source_data)
    assert entry.source_path is not None
    return entry.source_path.open("rb")
