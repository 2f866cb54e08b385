"""Every ZIP the app accepts goes through the one strict reader (tkapp/ziparchive.py): the same
hostile archive is refused at each entry point, before anything is read or written."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from importing.conftest import SAMPLES
from tkapp import ziparchive
from tkapp.errors import UnsafeArchive
from tkapp.services.catalogue import Catalogue
from tkapp.services.dwca_check import check_archive
from tkapp.services.importing import run_import
from tkapp.services.importing.exchange import preview_csv_import
from tkapp.services.importing.readers import read_xlsx

RECORDS_CSV = b"id,title\n,Guayusa\n"


def _zip(path: Path, files: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


HOSTILE: dict[str, list[tuple[str, bytes]]] = {
    "duplicate": [("records.csv", RECORDS_CSV), ("Records.CSV", RECORDS_CSV)],
    "traversal": [("records.csv", RECORDS_CSV), ("../../evil.csv", b"x")],
    "absolute": [("records.csv", RECORDS_CSV), ("/tmp/evil.csv", b"x")],
    "bomb": [("records.csv", RECORDS_CSV), ("big.csv", b"\0" * (24 * 1024 * 1024))],
    # Each under the per-entry floor; together ~1000:1.
    "many_small_bombs": [("records.csv", RECORDS_CSV)]
    + [(f"part{i}.csv", b"\0" * (512 * 1024)) for i in range(40)],
    "too_many_entries": [("records.csv", RECORDS_CSV)]
    + [(f"note{i}.txt", b"x") for i in range(12)],
}

ENTRY_POINTS: dict[str, Callable[[Catalogue, Path], object]] = {
    "csv_exchange": preview_csv_import,
    "attachments": lambda cat, z: run_import(cat, SAMPLES / "kobo_export.csv", media=z),
    "data_zip": run_import,
    "xlsx": lambda _cat, z: read_xlsx(z),
    "dwca_check": lambda _cat, z: check_archive(z),
}


@pytest.fixture
def few_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit (200,000 entries) is the same check; a small one keeps the test fast.
    limits = dataclasses.replace(ziparchive.DEFAULT_LIMITS, max_entries=10)
    monkeypatch.setattr(ziparchive, "DEFAULT_LIMITS", limits)


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.usefixtures("few_entries")
def test_each_entry_point_refuses_each_hostile_zip(
    cat: Catalogue, tmp_path: Path, entry_point: str, kind: str
) -> None:
    hostile = _zip(tmp_path / "input.zip", HOSTILE[kind])
    audit = len(cat.audit_entries())
    with pytest.raises(UnsafeArchive) as info:
        ENTRY_POINTS[entry_point](cat, hostile)
    assert info.value.exit_code == 3 and info.value.params["file"] == "input.zip"
    assert cat.count() == 0 and len(cat.audit_entries()) == audit
    assert not (tmp_path.parent / "evil.csv").exists()


def test_an_exchange_zip_with_the_same_file_in_two_folders(cat: Catalogue, tmp_path: Path) -> None:
    # Matched by base name: two records.csv leave the choice to chance, so it is refused.
    twice = _zip(tmp_path / "twice.zip", [("a/records.csv", b"x"), ("b/records.csv", b"y")])
    with pytest.raises(UnsafeArchive, match=r"twice: records\.csv"):
        preview_csv_import(cat, twice)


def test_a_safe_archive_still_opens(tmp_path: Path) -> None:
    ok = _zip(tmp_path / "ok.zip", [("folder/records.csv", RECORDS_CSV), ("folder/", b"")])
    with ziparchive.SafeZip(ok) as archive:
        assert archive.names() == ["folder/records.csv"]
        with archive.open("folder/records.csv") as handle:
            assert handle.read() == RECORDS_CSV


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("a/b.csv", None),
        ("a/", None),
        ("../x", "empty, '.' or '..' path component"),
        ("a//b", "empty, '.' or '..' path component"),
        ("a\\b", "backslash in entry name"),
        ("C:/x", "absolute entry name"),
        ("/x", "absolute entry name"),
        ("a\u202eb", "control or invisible character in entry name"),
        # ASCII names skip the per-character look-up only when every character is printable.
        ("a\x00b", "control or invisible character in entry name"),
        ("a\tb", "control or invisible character in entry name"),
        ("a\x7fb", "control or invisible character in entry name"),
        ("a\x85b", "control or invisible character in entry name"),
        ("a\U000e0001b", "control or invisible character in entry name"),
        ("a\u0378b", "control or invisible character in entry name"),  # unassigned
        ("fotos/uña de gato.jpg", None),
        ("a b~!@#$%^&()=+[]{};',.csv", None),
    ],
)
def test_the_one_name_rule(name: str, problem: str | None) -> None:
    assert ziparchive.name_problem(name) == problem
