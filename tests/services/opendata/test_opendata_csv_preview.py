"""CSV exchange: preview (nothing written), row errors, all-or-nothing apply, protection."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from opendata.mixed import Mixed, build
from tkapp.cli.cmd_opendata import _print_preview as print_preview
from tkapp.core.model import AccessLevel, KnowledgeRecord, Person, Taxon
from tkapp.errors import Cancelled, CatalogueExists, UsageError, ValidationError
from tkapp.services.catalogue import Catalogue
from tkapp.services.csv_exchange import FILES, RECORD_COLUMNS, export_csv
from tkapp.services.importing.exchange import (
    MAX_ERRORS_KEPT,
    apply_csv_import,
    preview_csv_import,
)


def _write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    folder.mkdir(exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_folder_has_documented_columns(open_cat: Catalogue, tmp_path: Path) -> None:
    open_cat.add_record(KnowledgeRecord("=HYPERLINK(1)", access=AccessLevel.PUBLIC))
    out = tmp_path / "exchange"
    report = export_csv(open_cat, out)
    assert report.records == 1
    for name, columns in FILES.items():
        with (out / name).open(encoding="utf-8-sig", newline="") as handle:
            assert next(csv.reader(handle)) == list(columns)
    # Formula-looking text is written as text (leading apostrophe), read back unchanged.
    assert _rows(out, "records.csv")[0]["title"] == "'=HYPERLINK(1)"
    preview = preview_csv_import(open_cat, out)
    assert preview.records.unchanged and preview.change_count == 0
    with pytest.raises(CatalogueExists):
        export_csv(open_cat, out)


def test_protected_content_never_in_exchange_files(open_cat: Catalogue, tmp_path: Path) -> None:
    mixed: Mixed = build(open_cat)
    dest = tmp_path / "exchange.zip"
    report = export_csv(open_cat, dest)
    assert report.records_left_out == 3  # secret/sacred, TK Secret/Sacred, TK Women Restricted
    raw = dest.read_bytes()
    with zipfile.ZipFile(dest) as zf:
        members = b"\n".join(zf.read(n) for n in zf.namelist())
    never = [
        "LEAKSECRETTITLE", "LEAKSECRETBODY", "LEAKSECRETTAXON", "LEAKSECRETVERNACULAR",
        "LEAKTKSS", "LEAKTKWR", "LEAKCONFDESCRIPTION", "LEAKPREPARATION", "LEAKCONFLOCALITY",
        "LEAKCONTACT", "LEAKANONNAME", "LEAKLOCALNAME", "LEAKHOLDERNAME", "LEAKRECORDERNAME",
        "1.111222333",
    ]  # fmt: skip
    for marker in never:
        assert marker.encode() not in raw and marker.encode() not in members, marker
    # The community's other knowledge is there (this is its own exchange, not open data).
    assert b"LEAKRESTRICTED" in members and b"Corteza para el dolor" in members
    assert mixed.public_exact.encode() in members


def test_preview_reports_every_row_error_and_writes_nothing(
    open_cat: Catalogue, tmp_path: Path
) -> None:
    taxon = open_cat.add_taxon(Taxon("Zea mays"))
    folder = tmp_path / "in"
    good = "11111111-1111-4111-8111-111111111111"
    _write(
        folder,
        "records.csv",
        [
            {"id": good, "title": "Maíz", "taxon_ids": taxon.id, "latitude": "-0.5",
             "longitude": "-78.1", "category": "food"},
            {"id": "not-a-uuid", "title": "x", "taxon_ids": "", "latitude": "",
             "longitude": "", "category": "food"},
            {"id": "22222222-2222-4222-8222-222222222222", "title": "", "taxon_ids": "",
             "latitude": "", "longitude": "", "category": "food"},
            {"id": "33333333-3333-4333-8333-333333333333", "title": "y", "taxon_ids": "",
             "latitude": "abc", "longitude": "", "category": "food"},
            {"id": "44444444-4444-4444-8444-444444444444", "title": "z", "taxon_ids": "",
             "latitude": "", "longitude": "", "category": "sweets"},
            {"id": "55555555-5555-4555-8555-555555555555", "title": "w",
             "taxon_ids": "66666666-6666-4666-8666-666666666666", "latitude": "",
             "longitude": "", "category": "food"},
            {"id": good, "title": "twice", "taxon_ids": "", "latitude": "", "longitude": "",
             "category": "food"},
        ],
    )  # fmt: skip
    _write(folder, "uses.csv", [{"record_id": "77777777-7777-4777-8777-777777777777",
                                 "part": "seed"}])  # fmt: skip
    before = open_cat.audit_entries(limit=5)
    preview = preview_csv_import(open_cat, folder)
    rows = {(e.file, e.row, e.field) for e in preview.errors}
    assert rows == {
        ("records.csv", 3, "id"),
        ("records.csv", 4, "title"),
        ("records.csv", 5, "latitude"),
        ("records.csv", 6, "category"),
        ("records.csv", 7, "taxon_ids"),
        ("records.csv", 8, "id"),
        ("uses.csv", 2, "record_id"),
    }
    assert all(e.message for e in preview.errors)
    assert preview.records.created == 1
    assert preview.error_count == len(preview.errors) == 7
    assert open_cat.audit_entries(limit=5) == before  # nothing written by a preview
    with pytest.raises(ValidationError) as exc:
        apply_csv_import(open_cat, preview)
    assert exc.value.detail == "import_has_errors"
    assert open_cat.count() == 0


def test_apply_is_one_transaction_and_detects_edits_since_preview(
    open_cat: Catalogue, tmp_path: Path
) -> None:
    rosa = open_cat.add_person(Person("Rosa"))
    rec = open_cat.add_record(KnowledgeRecord("Old title", recorded_by=rosa.id))
    out = tmp_path / "x.zip"
    export_csv(open_cat, out)
    # Edit the exchange: rename the record, add a new one.
    with zipfile.ZipFile(out) as zf:
        files = {n: zf.read(n).decode("utf-8-sig") for n in zf.namelist()}
    rows = list(csv.DictReader(io.StringIO(files["records.csv"])))
    rows[0]["title"] = "New title"
    rows.append({**rows[0], "id": "88888888-8888-4888-8888-888888888888", "title": "Added"})
    folder = tmp_path / "edited"
    _write(folder, "records.csv", rows)
    preview = preview_csv_import(open_cat, folder)
    assert preview.ok
    assert (preview.records.created, preview.records.updated) == (1, 1)
    assert open_cat.get_record(rec.id).title == "Old title"

    with pytest.raises(Cancelled):
        apply_csv_import(open_cat, preview, cancel=lambda: True)
    assert open_cat.count() == 1 and open_cat.get_record(rec.id).title == "Old title"

    # Someone edits the record after the preview: the import refuses, writing nothing.
    changed = open_cat.get_record(rec.id)
    changed.summary = "edited meanwhile"
    open_cat.update_record(changed)
    with pytest.raises(ValidationError) as exc:
        apply_csv_import(open_cat, preview)
    assert exc.value.detail == "changed_since_preview"
    assert open_cat.count() == 1

    fresh = preview_csv_import(open_cat, folder)
    report = apply_csv_import(open_cat, fresh)
    assert (report.records_created, report.records_updated) == (1, 1)
    updated = open_cat.get_record(rec.id)
    assert updated.title == "New title" and updated.recorded_by == rosa.id
    assert updated.summary == ""  # the file says so: the file wins for the columns it has


def test_withheld_values_are_kept_on_reimport(open_cat: Catalogue, tmp_path: Path) -> None:
    rec = open_cat.add_record(
        KnowledgeRecord("Secretos de tinte", description="LEAKDESC", confidential={"description"})
    )
    out = tmp_path / "ex"
    export_csv(open_cat, out)
    assert _rows(out, "records.csv")[0]["description"] == ""
    assert _rows(out, "records.csv")[0]["withheld"] == "description"
    preview = preview_csv_import(open_cat, out)
    assert (preview.records.unchanged, preview.change_count) == (1, 0)
    assert open_cat.get_record(rec.id).description == "LEAKDESC"


def test_unknown_source_and_columns(open_cat: Catalogue, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        preview_csv_import(open_cat, tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError):
        preview_csv_import(open_cat, empty)
    folder = tmp_path / "cols"
    _write(folder, "records.csv", [{"id": "99999999-9999-4999-8999-999999999999",
                                    "title": "t", "colour": "red"}])  # fmt: skip
    preview = preview_csv_import(open_cat, folder)
    assert preview.ignored_columns == ["records.csv:colour"]
    assert set(RECORD_COLUMNS) >= {"id", "title"}


def test_preview_keeps_the_first_errors_in_file_order_and_counts_all(
    open_cat: Catalogue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # people.csv is planned first but sorts last: its problems, found first, must give way
    # to the records.csv problems found after them.
    folder = tmp_path / "many"
    _write(folder, "people.csv", [{"id": f"person-{n}", "name": "x"} for n in range(600)])
    _write(folder, "records.csv", [{"id": f"record-{n}", "title": "x"} for n in range(600)])
    preview = preview_csv_import(open_cat, folder)
    assert preview.error_count == 1200 and not preview.ok
    assert len(preview.errors) == MAX_ERRORS_KEPT == 1000
    expected = [("records.csv", row) for row in range(2, 602)]
    expected += [("people.csv", row) for row in range(2, 402)]
    assert [(e.file, e.row) for e in preview.errors] == expected
    with pytest.raises(ValidationError) as exc:
        apply_csv_import(open_cat, preview)
    assert exc.value.detail == "import_has_errors"
    # The command line shows the first ones and says how many more there are.
    print_preview(preview)
    err = capsys.readouterr().err
    assert "people.csv row 401 (id)" in err and "people.csv row 402" not in err
    assert "...and 200 more problems further down the files." in err
