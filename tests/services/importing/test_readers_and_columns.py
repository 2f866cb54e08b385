"""Readers (encodings, separators, workbooks, Kobo JSON) and the column model."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import openpyxl
import pytest

from tkapp.errors import ImportEncodingError, ImportFileError, ImportSpreadsheetError
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import columns as cols
from tkapp.services.importing import run_import
from tkapp.services.importing.readers import decode_text, parse_csv, parse_json

ROWS = 'titulo,latitud,longitud\nChonta,"-0,95","-77,8"\nÑame,-1.5,-78\n'


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ROWS.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ROWS.encode("utf-8"), "utf-8-sig"),
        (ROWS.encode("cp1252"), "cp1252"),
        (codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"), "utf-16"),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    table = parse_csv(data, "x.csv")
    assert table.encoding == encoding
    assert [row["titulo"] for _n, row in table.rows] == ["Chonta", "Ñame"]


def test_undecodable_text_is_a_typed_error_with_the_row() -> None:
    data = "titulo\nbien\nmal \x81\n".encode("latin-1")  # 0x81: undefined in cp1252
    with pytest.raises(ImportEncodingError) as info:
        decode_text(data, "x.csv")
    assert info.value.params == {"file": "x.csv", "row": 3}
    assert info.value.exit_code == 3


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators(sep: str) -> None:
    table = parse_csv(f'a{sep}b\n1{sep}"x{sep}y"\n'.encode(), "x.csv")
    assert table.delimiter == sep and table.rows == [(2, {"a": "1", "b": f"x{sep}y"})]


def test_decimal_commas_and_semicolons(cat: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes("titulo;latitud;longitud\nChonta;-0,95;-77,8\n".encode("cp1252"))
    run_import(cat, path)
    rec = cat.get_record(cat.search_ids("chonta")[0])
    assert (rec.place.latitude, rec.place.longitude) == (-0.95, -77.8)


def test_broken_quoting_names_the_row() -> None:
    with pytest.raises(ImportFileError) as info:
        parse_csv(b"a,b\n1,2\n3,4,5\n", "x.csv")
    assert info.value.params["row"] == 3


def test_a_kobo_shaped_workbook_written_by_openpyxl(cat: Catalogue, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["start", "grp_a/nombre", "grp_a/scientific_name", "sitio", "_uuid", "_id"])
    sheet.append(["2024-01-01", "Chirimoya", "Annona cherimola Mill.", "-1 -78 0 3", "u-1", 1])
    repeat = book.create_sheet("repeat_grupo")  # Kobo puts repeat groups in later sheets
    repeat.append(["x", "_parent_index"])
    path = tmp_path / "form.xlsx"
    book.save(path)
    result = run_import(cat, path)
    assert result.format == "xlsx" and result.counts.created == 1
    becomes = {c.header: c.target for c in result.columns}
    assert becomes == {
        "start": "ignore",
        "grp_a/nombre": "extra",
        "grp_a/scientific_name": "scientific_name",
        "sitio": "geopoint",
        "_uuid": "key",
        "_id": "ignore",
    }
    assert result.title_from == ["grp_a/scientific_name"]  # no local name: the species
    rec = cat.get_record(cat.search_ids("cherimola")[0])
    assert rec.title == "Annona cherimola Mill." and "grp_a/nombre: Chirimoya" in rec.description
    assert (rec.place.latitude, rec.place.longitude, rec.place.uncertainty_m) == (-1, -78, 3)


def test_an_xlsx_forced_as_csv_is_still_read_as_a_workbook(cat: Catalogue, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["title"])
    book.active.append(["Chonta"])
    path = tmp_path / "export.csv"  # renamed, or --format csv
    book.save(path)
    assert run_import(cat, path, file_format="csv").format == "xlsx"


def test_a_broken_workbook(cat: Catalogue, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["title"])
    book.save(good)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    for path in (broken, tmp_path / "text.xlsx"):
        if path.name == "text.xlsx":
            path.write_text("not a workbook", encoding="utf-8")
        with pytest.raises(ImportSpreadsheetError) as info:
            run_import(cat, path)
        assert info.value.params["file"] == path.name and info.value.exit_code == 3
    assert cat.count() == 0


def test_kobo_api_json_nested_groups() -> None:
    doc = {
        "count": 1,
        "results": [
            {
                "planta": {"nombre": "Chonta", "detalle": {"parte": "fruto"}},
                "_geolocation": [-1.0, -78.0],
                "_uuid": "abc",
            }
        ],
    }
    table = parse_json(json.dumps(doc).encode(), "api.json")
    assert table.columns == ["planta/nombre", "planta/detalle/parte", "_geolocation", "_uuid"]
    model = cols.understand(table.columns, [r for _n, r in table.rows])
    becomes = {c.header: c.target for c in model.columns}
    assert becomes["_geolocation"] == "geopoint" and becomes["planta/detalle/parte"] == "part"


def _becomes(headers: list[str], rows: list[dict[str, object]]) -> dict[str, str]:
    return {c.header: c.target for c in cols.understand(headers, rows).columns}


def test_group_prefixes_and_geopoints_under_any_name() -> None:
    headers = [
        "g1/local_names", "g2-scientific_name", "g3.part", "_sitio_latitude",
        "_sitio_longitude", "_sitio_precision", "otro-Latitude", "otro-Longitude",
    ]  # fmt: skip
    becomes = _becomes(headers, [dict.fromkeys(headers, "1")])
    assert becomes == {
        "g1/local_names": "local_names",
        "g2-scientific_name": "scientific_name",
        "g3.part": "part",
        "_sitio_latitude": "latitude",
        "_sitio_longitude": "longitude",
        "_sitio_precision": "uncertainty_m",
        "otro-Latitude": "ignore",  # a second place question: the first one is used
        "otro-Longitude": "ignore",
    }


def test_odk_status_and_a_dataset_id_never_collide_with_ours() -> None:
    headers = ["SubmissionDate", "title", "Status", "KEY", "meta-instanceID"]
    rows = [{"title": "x", "Status": "hasErrors", "KEY": "uuid:1", "meta-instanceID": "uuid:1"}]
    becomes = _becomes(headers, rows)
    assert becomes["Status"] == "ignore" and becomes["meta-instanceID"] == "key"
    # Without ODK's marks, "status" is ours.
    assert _becomes(["title", "status"], [{"title": "x", "status": "verified"}])["status"] == (
        "status"
    )
    # A dataset's own ids are its key; UUIDs are record ids (a tkapp round trip).
    assert _becomes(["id", "title"], [{"id": "17", "title": "x"}])["id"] == "key"
    uid = "0f1c2a1e-6f3b-4a4e-9d0e-1b2c3d4e5f60"
    assert _becomes(["id", "title"], [{"id": uid, "title": "x"}])["id"] == "id"


def test_the_fingerprint_ignores_meta_columns_and_order() -> None:
    a = cols.form_fingerprint(["_id", "nombre", "parte", "_submission_time"])
    b = cols.form_fingerprint(["parte", "nombre", "_status"])
    assert a == b != cols.form_fingerprint(["nombre", "uso"])
