"""A strict, bounded reader for ZIP files that come from the field (attachments, ODK Central
exports, XLSX workbooks): entries are read as streams, never extracted to disk.

Python's ``zipfile`` is used only to locate and inflate entries; every name and size is checked
here first, because it accepts ``../`` names, absolute names and duplicates, and trusts the
sizes an archive declares (PLATFORM-NOTES.md). Refused: unsafe names, duplicates (after
Unicode and case folding, as Windows and macOS compare names), symlinks, encrypted entries,
and "bombs" (too many entries, too large in total, or a compression ratio no photo or
spreadsheet has).
"""

from __future__ import annotations

import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tkapp.errors import UnsafeArchive


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds for one archive. Generous for field media (a long interview recording is a few
    hundred MB), far below what a decompression bomb needs."""

    max_entries: int = 200_000
    max_entry_size: int = 4 * 1024**3
    max_total_size: int = 64 * 1024**3
    #: Inflated/deflated size. JPEG and audio barely compress; spreadsheets' XML reaches ~30.
    max_ratio: int = 200
    #: Entries smaller than this are not ratio-checked (a tiny text file may compress well).
    ratio_floor: int = 1024 * 1024
    max_name_bytes: int = 1024


DEFAULT_LIMITS = ArchiveLimits()


def _check_name(name: str, label: str) -> str:
    shown = name.encode("unicode_escape").decode("ascii")[:120]
    if len(name.encode("utf-8")) > DEFAULT_LIMITS.max_name_bytes:
        raise UnsafeArchive("entry name too long", file=label, row=0, path=shown)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        raise UnsafeArchive("control character in an entry name", file=label, row=0, path=shown)
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"absolute or backslash entry name: {shown}", file=label, row=0)
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafeArchive(f"'..' or empty path part: {shown}", file=label, row=0)
    return name


class SafeZip:
    """An opened, checked archive. Use as a context manager; :meth:`open` streams one entry.

    Raises (from the constructor):
        UnsafeArchive: a dangerous name, a duplicate, a symlink, an encrypted entry, or a bomb.
        zipfile.BadZipFile / OSError: not a ZIP at all (the caller says what it expected).
    """

    def __init__(self, path: Path, *, label: str = "", limits: ArchiveLimits = DEFAULT_LIMITS):
        self.path = Path(path)
        self.label = label or self.path.name
        self._zip = zipfile.ZipFile(self.path)
        try:
            self.entries = self._check(limits)
        except BaseException:
            self._zip.close()
            raise

    def _check(self, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            raise UnsafeArchive("too many entries", file=self.label, row=0)
        entries: dict[str, zipfile.ZipInfo] = {}
        folded: set[str] = set()
        total = 0
        for info in infos:
            name = _check_name(info.filename, self.label)
            key = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
            if key in folded:
                raise UnsafeArchive(f"the same name twice: {name[:120]}", file=self.label, row=0)
            folded.add(key)
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            if mode and not (stat.S_ISREG(mode) or stat.S_IFMT(mode) == 0):
                raise UnsafeArchive("a link or device entry", file=self.label, row=0, path=name)
            if info.flag_bits & 0x1:
                raise UnsafeArchive("an encrypted entry", file=self.label, row=0, path=name)
            if info.file_size > limits.max_entry_size:
                raise UnsafeArchive("an entry too large", file=self.label, row=0, path=name)
            total += info.file_size
            if total > limits.max_total_size:
                raise UnsafeArchive("too large when unpacked", file=self.label, row=0)
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise UnsafeArchive(
                    "compression ratio of a decompression bomb", file=self.label, row=0, path=name
                )
            entries[name] = info
        return entries

    def names(self) -> list[str]:
        """The files (not folders), in archive order."""
        return list(self.entries)

    def open(self, name: str) -> IO[bytes]:
        """A stream of one entry's bytes. ``zipfile`` stops at the declared (checked) size and
        checks the CRC at the end, so a lying header cannot inflate more than was allowed."""
        return self._zip.open(self.entries[name])

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
