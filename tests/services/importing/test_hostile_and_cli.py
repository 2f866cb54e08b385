"""Bad and hostile input: typed errors naming the file (and row), exit 3, nothing written.
And the command line end to end."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from importing.conftest import PASSPHRASE, SAMPLES
from tkapp.cli.main import run_cli
from tkapp.errors import ImportFileError, NotAttachments, UnsafeArchive
from tkapp.services.catalogue import Catalogue, open_catalogue
from tkapp.services.importing import run_import


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "files",
    [
        {"../../evil.jpg": b"x"},
        {"/etc/evil.jpg": b"x"},
        {"C:/evil.jpg": b"x"},
        {"a\\..\\evil.jpg": b"x"},
        {"a/evil.jpg": b"x", "A/Evil.jpg": b"y"},  # the same name on Windows and macOS
        {"bomb.jpg": b"\0" * (24 * 1024 * 1024)},  # ~1000:1, a decompression bomb
    ],
    ids=["traversal", "absolute", "drive", "backslash", "duplicate", "bomb"],
)
def test_hostile_attachment_zips_are_refused(
    cat: Catalogue, tmp_path: Path, files: dict[str, bytes]
) -> None:
    hostile = _zip(tmp_path / "attachments.zip", files)
    audit = len(cat.audit_entries())
    with pytest.raises(UnsafeArchive) as info:
        run_import(cat, SAMPLES / "kobo_export.csv", media=hostile)
    assert info.value.params["file"] == "attachments.zip" and info.value.exit_code == 3
    assert cat.count() == 0 and len(cat.audit_entries()) == audit
    assert not (tmp_path / "evil.jpg").exists()


def test_a_zip_that_is_not_an_attachments_zip(cat: Catalogue, tmp_path: Path) -> None:
    notes = _zip(tmp_path / "notes.zip", {"notes/readme.txt": b"hola"})
    with pytest.raises(NotAttachments) as info:
        run_import(cat, SAMPLES / "kobo_export.csv", media=notes)
    assert info.value.params == {"file": "notes.zip", "row": 0}
    with pytest.raises(ImportFileError):
        run_import(cat, SAMPLES / "kobo_export.csv", media=SAMPLES / "kobo_export.csv")
    assert cat.count() == 0


def test_a_hostile_data_zip(cat: Catalogue, tmp_path: Path) -> None:
    data = (SAMPLES / "odk_central.csv").read_bytes()
    hostile = _zip(tmp_path / "export.zip", {"form.csv": data, "media/../../x.jpg": b"x"})
    with pytest.raises(UnsafeArchive):
        run_import(cat, hostile)
    assert cat.count() == 0


def test_a_bad_row_imports_nothing_and_names_file_and_row(cat: Catalogue, tmp_path: Path) -> None:
    grown = tmp_path / "kobo.csv"
    text = (SAMPLES / "kobo_export.csv").read_text(encoding="utf-8")
    grown.write_text(text.replace('"-1.05";"-77.6"', '"-1.05";"-277.6"'), encoding="utf-8")
    preview = run_import(cat, grown, dry_run=True)
    assert [(e.file, e.row, e.field) for e in preview.errors] == [("kobo.csv", 3, "longitude")]
    with pytest.raises(Exception) as info:
        run_import(cat, grown, media=SAMPLES / "kobo_attachments.zip")
    assert info.value.params["row"] == 3 and info.value.params["file"] == "kobo.csv"
    assert cat.count() == 0 and cat.list_media() == []


@pytest.fixture
def cat_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "c.tkc"
    assert run_cli(["init", str(path), "--community", "Sacha Yaku", "--language", "es"]) == 0
    return path


def test_cli_dry_run_then_import_then_again(
    cat_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = str(SAMPLES / "kobo_export.xlsx")
    media = str(SAMPLES / "kobo_attachments.zip")
    capsys.readouterr()
    assert run_cli(["import", str(cat_file), export, "--media", media, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "_ubicacion_latitude -> latitude" in out and "_uuid -> submission key" in out
    assert "_status -> ignored" in out and "Would import: 2 new, 0 changed" in out
    assert "Dry run: nothing was written." in out
    assert run_cli(["import", str(cat_file), export, "--media", media]) == 0
    assert "3 photos or recordings attached" in capsys.readouterr().out
    assert run_cli(["import", str(cat_file), export, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 0, 2)
    with open_catalogue(cat_file, PASSPHRASE) as cat:
        assert cat.count() == 2


def test_cli_errors_exit_3_and_write_nothing(
    cat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_text = tmp_path / "lista.csv"
    bad_text.write_bytes("titulo\nbien\nmal \x81\n".encode("latin-1"))
    broken = tmp_path / "form.xlsx"
    broken.write_bytes((SAMPLES / "kobo_export.xlsx").read_bytes()[:2000])
    hostile = _zip(tmp_path / "att.zip", {"../x.jpg": b"x"})
    capsys.readouterr()
    assert run_cli(["import", str(cat_file), str(bad_text)]) == 3
    assert "lista.csv, row 3" in capsys.readouterr().err
    assert run_cli(["import", str(cat_file), str(broken)]) == 3
    assert "form.xlsx" in capsys.readouterr().err
    export = str(SAMPLES / "kobo_export.csv")
    assert run_cli(["import", str(cat_file), export, "--media", str(hostile)]) == 3
    assert "att.zip" in capsys.readouterr().err
    assert run_cli(["import", str(cat_file), export, "--map", "foto=nonsense"]) == 4
    with open_catalogue(cat_file, PASSPHRASE) as cat:
        assert cat.count() == 0


def test_import_csv_goes_through_the_one_importer(
    cat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["export-csv", str(cat_file), str(tmp_path / "x.zip")]) == 0
    # The exchange format is one of tkapp import's formats too.
    assert run_cli(["import", str(cat_file), str(tmp_path / "x.zip"), "--dry-run"]) == 0
    # And import-csv refuses what is not an exchange, pointing to tkapp import.
    folder = tmp_path / "other"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "odk_central.csv", folder / "odk_central.csv")
    assert run_cli(["import-csv", str(cat_file), str(SAMPLES / "odk_central.zip")]) == 4
    assert "tkapp import" in capsys.readouterr().err
