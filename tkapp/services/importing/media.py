"""Photos and recordings from the field, matched to their submissions.

Sources: a KoboToolbox "media attachments" ZIP (``<user>/attachments/<form>/<submission
uuid>/<file>``), an ODK Central export ZIP (``media/<file>``), or a folder of files. The rule
for matching, in one place (:meth:`MediaSource.find`): a submission names its files in its
photo and audio questions; the file with that name is its attachment. When several files share
a name (phones restart their numbering), the one stored under the submission's id wins.
Files are streamed from the ZIP or folder into the catalogue, never unpacked to disk.
"""

from __future__ import annotations

import mimetypes
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tkapp.core.model import MediaKind
from tkapp.errors import ImportFileError, NotAttachments
from tkapp.services.importing.columns import is_media_name
from tkapp.ziparchive import SafeZip

_EXTRA_TYPES = {
    ".m4a": "audio/mp4",
    ".amr": "audio/amr",
    ".3ga": "audio/3gpp",
    ".opus": "audio/ogg",
    ".oga": "audio/ogg",
    ".heic": "image/heic",
    ".webp": "image/webp",
    ".3gp": "video/3gpp",
}


def media_type(name: str) -> tuple[MediaKind, str]:
    """(kind, MIME type) from a file name's ending."""
    ext = os.path.splitext(name)[1].lower()
    mime = _EXTRA_TYPES.get(ext) or mimetypes.guess_type("x" + ext)[0] or "application/octet-stream"
    major = mime.split("/", 1)[0]
    kind = {"image": MediaKind.PHOTO, "audio": MediaKind.AUDIO, "video": MediaKind.VIDEO}.get(
        major, MediaKind.DOCUMENT
    )
    return kind, mime


def bare_key(key: str) -> str:
    """A submission id without ODK's ``uuid:`` prefix (Kobo's ``_uuid`` has none)."""
    key = key.strip()
    return key[5:] if key.lower().startswith("uuid:") else key


@dataclass(frozen=True)
class Attachment:
    path: str  # inside the ZIP or folder
    name: str  # the file name


class MediaSource:
    """Files available for matching, by name. Use as a context manager."""

    def __init__(self, label: str, paths: list[str]) -> None:
        self.label = label
        self.by_name: dict[str, list[str]] = {}
        for path in paths:
            name = path.rsplit("/", 1)[-1]
            if is_media_name(name):
                self.by_name.setdefault(name.casefold(), []).append(path)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_name.values())

    def find(self, file_name: str, key: str) -> Attachment | None:
        """The file a submission (``key``) names ``file_name``, or None."""
        name = file_name.strip().rsplit("/", 1)[-1]
        candidates = self.by_name.get(name.casefold(), [])
        if not candidates:
            return None
        if len(candidates) > 1 and key:
            wanted = bare_key(key)
            for path in candidates:
                if wanted in path.split("/"):
                    return Attachment(path, name)
        return Attachment(candidates[0], name)

    @contextmanager
    def open(self, path: str) -> Iterator[IO[bytes]]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def close(self) -> None:
        pass

    def __enter__(self) -> MediaSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ZipMedia(MediaSource):
    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        super().__init__(archive.label, archive.names())

    @contextmanager
    def open(self, path: str) -> Iterator[IO[bytes]]:
        with self.archive.open(path) as handle:
            yield handle

    def close(self) -> None:
        self.archive.close()


class FolderMedia(MediaSource):
    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        paths: list[str] = []
        for root, dirs, files in os.walk(self.folder, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                full = Path(root) / name
                if full.is_symlink() or not full.is_file():
                    continue  # a link could point anywhere on the computer
                paths.append(full.relative_to(self.folder).as_posix())
        super().__init__(folder.name, paths)

    @contextmanager
    def open(self, path: str) -> Iterator[IO[bytes]]:
        with (self.folder / path).open("rb") as handle:
            yield handle


def open_media(path: Path) -> MediaSource:
    """The attachments at ``path`` (a ZIP or a folder).

    Raises:
        NotAttachments: a ZIP (or folder) without a single photo, recording or document.
        UnsafeArchive: a hostile ZIP. ImportFileError: not a ZIP.
    """
    label = path.name
    if path.is_dir():
        source: MediaSource = FolderMedia(path)
    else:
        try:
            archive = SafeZip(path, label=label)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFileError("not a ZIP file", file=label, row=0) from exc
        source = ZipMedia(archive)
    if not len(source):
        source.close()
        raise NotAttachments("no media files", file=label, row=0)
    return source
