"""The open data commands, run in-process against real catalogue files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from opendata.conftest import PASSPHRASE, new_catalogue
from opendata.mixed import build
from tkapp.cli.main import run_cli
from tkapp.core.model import KnowledgeRecord
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import open_catalogue


@pytest.fixture
def cat_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("TKAPP_LANG", "en")
    path = tmp_path / "c.tkc"
    with new_catalogue(path) as cat:
        build(cat)
    return path


def test_export_dwca_and_geojson(
    cat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "gbif.zip"
    assert run_cli(["export-dwca", str(cat_file), str(dest)]) == 0
    text = capsys.readouterr().out
    assert "Published 3 records under CC-BY-NC-4.0" in text
    assert ("left out" in text and "Marked TK Secret" in text) or "never published" in text
    assert zipfile.is_zipfile(dest)
    assert run_cli(["export-dwca", str(cat_file), str(dest)]) == 5  # exists: refused
    capsys.readouterr()
    assert run_cli(["export-dwca", str(cat_file), str(dest), "--overwrite", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # No --media-base-url: the one publishable media file is left out, and said so.
    assert data["records"] == 3 and data["media"] == 0 and data["media_left_out"] == 1
    assert {r["code"] for e in data["excluded"] for r in e["reasons"]} >= {
        "access_not_public",
        "label_forbids_open",
        "no_taxon",
        "terms_refuse",
    }
    geo = tmp_path / "places.geojson"
    assert run_cli(["export-geojson", str(cat_file), str(geo)]) == 0
    assert json.loads(geo.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_nothing_to_publish_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("TKAPP_LANG", "en")
    path = tmp_path / "empty.tkc"
    with new_catalogue(path) as cat:
        cat.add_record(KnowledgeRecord("Privado", open_licence="CC-BY-4.0"))
    assert run_cli(["export-dwca", str(path), str(tmp_path / "x.zip")]) == 3
    captured = capsys.readouterr()
    assert "Access is community only" in captured.out
    assert "No record can be published openly" in captured.err
    assert not (tmp_path / "x.zip").exists()


def test_csv_export_then_import_preview_dry_run_and_yes(
    cat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exchange = tmp_path / "exchange.zip"
    assert run_cli(["export-csv", str(cat_file), str(exchange)]) == 0
    captured = capsys.readouterr()
    assert "not encrypted" in captured.err
    target = tmp_path / "target.tkc"
    new_catalogue(target).close()
    # One record is under terms the new catalogue does not have: refused, never defaulted.
    assert run_cli(["import-csv", str(target), str(exchange), "--yes"]) == 3
    assert "(terms_id): no terms version" in capsys.readouterr().err
    with open_catalogue(cat_file, PASSPHRASE) as source, open_catalogue(target, PASSPHRASE) as cat:
        for info in terms_service.list_terms(source):
            if not info.is_default:
                terms_service.save_terms(cat, terms_service.get_terms(source, info.id))
    assert run_cli(["import-csv", str(target), str(exchange), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "Records: 12 new, 0 changed, 0 unchanged" in text
    assert "Dry run: nothing was written." in text
    # Not a terminal and no --yes: the preview only.
    assert run_cli(["import-csv", str(target), str(exchange)]) == 0
    assert "Run again with --yes" in capsys.readouterr().out
    assert run_cli(["import-csv", str(target), str(exchange), "--yes"]) == 0
    assert "Imported: 12 records" in capsys.readouterr().out
    assert run_cli(["import-csv", str(target), str(exchange), "--yes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["records"]["unchanged"] == 12 and data["errors"] == []
    assert data["error_count"] == 0


def test_import_csv_row_errors_exit_3(
    cat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "records.csv").write_text("id,title\nnope,Hola\n", encoding="utf-8")
    assert run_cli(["import-csv", str(cat_file), str(folder), "--yes"]) == 3
    captured = capsys.readouterr()
    assert "records.csv row 2 (id)" in captured.err
    assert "Nothing was imported" in captured.err


def test_export_csv_keeps_trash_home_and_says_how_precise_places_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tkapp.core.model import AccessLevel, HolderLink, Person, Place, Sensitivity, Taxon

    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("TKAPP_LANG", "en")
    path = tmp_path / "c.tkc"
    with new_catalogue(path) as cat:
        holder = cat.add_person(Person("ZQTRASHHOLDER"))
        taxon = cat.add_taxon(Taxon("ZQTRASHTAXON"))
        secret = cat.add_record(
            KnowledgeRecord(
                "ZQTRASHTITLE",
                access=AccessLevel.SECRET_SACRED,
                taxon_ids=[taxon.id],
                holders=[HolderLink(holder.id)],
            )
        )
        cat.delete_record(secret.id)  # secret AND in the Trash: nothing of it may leave
        cat.add_record(
            KnowledgeRecord(
                "Withheld place",
                access=AccessLevel.PUBLIC,
                place=Place("ZQGARDEN", -1.234567, -77.654321, 5, Sensitivity.WITHHOLD),
            )
        )
        cat.add_record(
            KnowledgeRecord(
                "Rough place",
                access=AccessLevel.PUBLIC,
                place=Place("ZQHOUSE", -0.987654, -77.123456, 5, Sensitivity.HIGH),
            )
        )
    dest = tmp_path / "x"
    assert run_cli(["export-csv", str(path), str(dest)]) == 0
    assert "Places are written only as precisely" in capsys.readouterr().out
    written = b"".join(p.read_bytes() for p in dest.iterdir())
    for leak in (b"ZQTRASH", b"ZQGARDEN", b"ZQHOUSE", b"1.234567", b"77.654321", b"0.987654"):
        assert leak not in written, leak
    assert b"-1.0" in written and b"-77.1" in written  # the high place, rounded to 0.1


def test_export_dwca_check_passes_and_reports_what_gbif_would_reject(
    cat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "gbif.zip"
    args = ["export-dwca", str(cat_file), str(dest), "--check"]
    assert run_cli([*args, "--media-base-url", "https://data.example.org/sy/"]) == 0
    text = capsys.readouterr().out
    assert "Check passed" in text and "left out: GBIF shows media" not in text

    assert run_cli([*args, "--overwrite"]) == 0
    assert "1 media file was left out: GBIF shows media only" in capsys.readouterr().out

    # A country written as a name, not an ISO code: GBIF would flag every row.
    with open_catalogue(cat_file, PASSPHRASE) as cat:
        community = cat.community
        community.country = "Ecuador"
        cat.update_community(community)
    assert run_cli([*args, "--overwrite"]) == 3
    text = capsys.readouterr().out
    assert "GBIF would reject or flag 4 things:" in text
    assert "occurrence.txt:2 has a country code that is not two letters" in text
    assert run_cli([*args, "--overwrite", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert {f["kind"] for f in data["check"]} == {"bad_country_code"}
