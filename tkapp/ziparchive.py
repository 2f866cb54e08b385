"""The one strict, bounded reader for every ZIP the app accepts from outside: CSV exchange
archives, attachments, ODK Central exports, XLSX workbooks and Darwin Core Archives. Entries
are read as streams, never extracted to disk.

Python's ``zipfile`` is used only to locate and inflate entries; every name and size is checked
here first, because it accepts ``../`` names, absolute names and duplicates, and trusts the
sizes an archive declares (PLATFORM-NOTES.md). Refused: unsafe names, duplicates (after
Unicode and case folding, as Windows and macOS compare names), symlinks, encrypted entries,
and "bombs" (too many entries, too large in total, or a compression ratio no photo or
spreadsheet has, for one entry or for the whole archive).

Bundles (``.tkb``) have their own stricter format reader (:mod:`tkapp.bundle.zipread`: stored
entries only, one top folder, local headers checked); it applies :func:`name_problem`, the
one rule for an unsafe entry name, before its format's own rules.

This module sits below every layer (like ``tkapp.errors`` and ``tkapp.atomicfile``).
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


#: Unicode categories an entry name may not use: control, format (invisible), surrogate,
#: private use and unassigned.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def name_problem(name: str) -> str | None:
    """Why an entry name is unsafe to use as a path on any system, or None when it is safe.

    Refused: control or invisible characters, backslashes, absolute names and drive letters,
    and empty, ``.`` or ``..`` path parts (a trailing ``/`` marks a folder and is allowed).
    """
    # Printable ASCII has none of those categories: most names skip the per-character look-up
    # (a verify checks every entry's name; it was a large part of verifying small records).
    if not (name.isascii() and name.isprintable()) and any(
        unicodedata.category(ch) in _INVISIBLE for ch in name
    ):
        return "control or invisible character in entry name"
    if "\\" in name:
        return "backslash in entry name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute entry name"
    if any(part in ("", ".", "..") for part in name.removesuffix("/").split("/")):
        return "empty, '.' or '..' path component"
    return None


def _check_name(name: str, label: str, limits: ArchiveLimits) -> str:
    shown = name.encode("unicode_escape").decode("ascii")[:120]
    if len(name.encode("utf-8", "surrogateescape")) > limits.max_name_bytes:
        raise UnsafeArchive("entry name too long", file=label, row=0, path=shown)
    problem = name_problem(name)
    if problem is not None:
        raise UnsafeArchive(f"{problem}: {shown}", file=label, row=0, path=shown)
    return name


def _bomb(size: int, compressed: int, limits: ArchiveLimits) -> bool:
    return size > limits.ratio_floor and size > limits.max_ratio * max(compressed, 1)


class SafeZip:
    """An opened, checked archive. Use as a context manager; :meth:`open` streams one entry.

    Raises (from the constructor):
        UnsafeArchive: a dangerous name, a duplicate, a symlink, an encrypted entry, or a bomb.
        zipfile.BadZipFile / OSError: not a ZIP at all (the caller says what it expected).
    """

    def __init__(self, path: Path, *, label: str = "", limits: ArchiveLimits | None = None):
        self.path = Path(path)
        self.label = label or self.path.name
        self._zip = zipfile.ZipFile(self.path)
        try:
            # Looked up at each call, so one setting bounds every entry point.
            self.entries = self._check(limits or DEFAULT_LIMITS)
        except BaseException:
            self._zip.close()
            raise

    def _check(self, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            raise UnsafeArchive("too many entries", file=self.label, row=0)
        entries: dict[str, zipfile.ZipInfo] = {}
        folded: set[str] = set()
        total = packed = 0
        for info in infos:
            name = _check_name(info.filename, self.label, limits)
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
            packed += info.compress_size
            if total > limits.max_total_size:
                raise UnsafeArchive("too large when unpacked", file=self.label, row=0)
            if _bomb(info.file_size, info.compress_size, limits):
                raise UnsafeArchive(
                    "compression ratio of a decompression bomb", file=self.label, row=0, path=name
                )
            entries[name] = info
        # Many small entries, each under the floor, can make a bomb together.
        if _bomb(total, packed, limits):
            raise UnsafeArchive("compression ratio of a decompression bomb", file=self.label, row=0)
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
