"""CSV and JSON import through the one importer (tkapp.services.importing): our own columns,
mappings, row errors, cancel. Field formats: tests/services/importing/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Category, Sensitivity
from tkapp.errors import Cancelled, ImportSpreadsheetError, UsageError, ValidationError
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import load_mapping, parse_map_options, run_import

CSV_TEXT = (
    "title,description,scientific_name,local_names,part,preparation,purpose,holders,"
    "latitude,longitude,sensitivity,access,restricted_group,labels,category,recorded_date\n"
    "Uña de gato,Corteza para inflamación,Uncaria tomentosa,"
    "uña de gato@es;paka shillinka@qu?,corteza,cocimiento,dolor,"
    'María Tanguila (healer);Rosa,"-0,95",-77.8,medium,restricted,women healers,tka tkcs,'
    "medicinal,2024-03-02\n"
    "Guayusa,Hojas al amanecer,Ilex guayusa,wayusa@qu,hojas,infusión,energía,Rosa,,,,"
    "community,,tkv,food,\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import(cat: Catalogue, tmp_path: Path) -> None:
    result = run_import(cat, _write(tmp_path, "a.csv", CSV_TEXT))
    report = result.counts
    assert (report.created, report.updated, result.errors) == (2, 0, [])
    assert report.taxa_created == 2 and report.persons_created == 2
    [uid] = cat.search_ids("paka shillinka")
    rec = cat.get_record(uid)
    assert rec.category is Category.MEDICINAL and rec.access is AccessLevel.RESTRICTED
    assert rec.labels == ["tka", "tkcs"]
    assert rec.place.latitude == -0.95 and rec.place.sensitivity is Sensitivity.MEDIUM
    assert rec.uses[0].preparation == "cocimiento"
    assert [h.role for h in rec.holders] == ["healer", ""]
    taxon = cat.get_taxon(rec.taxon_ids[0])
    assert [(v.name, v.language, v.community_review) for v in taxon.vernacular_names] == [
        ("uña de gato", "es", False),
        ("paka shillinka", "qu", True),
    ]
    assert [p.name for p in cat.list_persons()] == ["María Tanguila", "Rosa"]
    assert cat.check().ok
    # Without a key column, importing again creates new records but reuses taxa and persons.
    again = run_import(cat, tmp_path / "a.csv").counts
    assert again.created == 2 and again.taxa_created == 0 and again.persons_created == 0


def test_update_by_id(cat: Catalogue, tmp_path: Path) -> None:
    run_import(cat, _write(tmp_path, "a.csv", CSV_TEXT))
    [uid] = cat.search_ids("guayusa")
    report = run_import(
        cat, _write(tmp_path, "b.csv", f"id,title,status\n{uid},Guayusa (revisado),verified\n")
    ).counts
    assert (report.created, report.updated) == (0, 1)
    rec = cat.get_record(uid)
    assert rec.title == "Guayusa (revisado)" and rec.version == 2
    assert rec.description == "Hojas al amanecer"  # columns not given are kept


def test_kobo_export_with_mapping(cat: Catalogue, tmp_path: Path) -> None:
    kobo = (
        "start;end;today;plant/nombre_local;plant/scientific_name;group_uso/parte;"
        "titulo;_gps_latitude;_gps_longitude;_gps_altitude;_gps_precision;_uuid;_submission_time\n"
        "2024-05-01T08:00;2024-05-01T08:20;2024-05-01;lumu;Manihot esculenta;raíz;"
        "Chicha de yuca;-0.95;-77.81;420;12.5;abc;2024-05-02\n"
    )
    path = _write(tmp_path, "kobo.csv", kobo)
    mapping = parse_map_options(
        ["plant/nombre_local=local_names", "titulo=title", "group_uso/parte=part"]
    )
    result = run_import(cat, path, mapping=mapping)
    assert result.counts.created == 1, result
    assert "_gps_altitude" in [c.header for c in result.ignored]
    rec = cat.get_record(cat.search_ids("lumu")[0])
    assert rec.title == "Chicha de yuca"
    assert rec.uses[0].part == "raíz"
    assert (rec.place.latitude, rec.place.longitude, rec.place.uncertainty_m) == (-0.95, -77.81, 12)
    assert rec.recorded_date is not None and rec.recorded_date.isoformat() == "2024-05-01"
    with pytest.raises(UsageError):
        parse_map_options(["no-equals"])
    with pytest.raises(UsageError):
        parse_map_options(["x=not_a_field"])


def test_mapping_file(cat: Catalogue, tmp_path: Path) -> None:
    mapping = _write(tmp_path, "m.json", json.dumps({"Nombre": "title"}))
    report = run_import(
        cat, _write(tmp_path, "a.csv", "Nombre\nChonta\n"), mapping=load_mapping(mapping)
    )
    assert report.counts.created == 1
    with pytest.raises(UsageError):
        load_mapping(_write(tmp_path, "bad.json", "[1, 2]"))


def test_bad_row_names_row_and_imports_nothing(cat: Catalogue, tmp_path: Path) -> None:
    text = "title,latitude,longitude\nBien,1,1\nBien 2,1,1\nMal,95,1\n"
    entries = len(cat.audit_entries())
    with pytest.raises(ValidationError) as info:
        run_import(cat, _write(tmp_path, "a.csv", text))
    assert info.value.params["row"] == 4
    assert info.value.params["field"] == "latitude"
    assert cat.count() == 0
    assert len(cat.audit_entries()) == entries


def test_skip_errors_reports_rows(cat: Catalogue, tmp_path: Path) -> None:
    text = (
        "title,category,holders\nBien,food,Nueva Persona\n,food,\nOtro,nonsense,Otra Persona\n"
        "Fin,ritual,\n"
    )
    report = run_import(cat, _write(tmp_path, "a.csv", text), skip_errors=True)
    assert report.counts.created == 2
    assert [(e.row, e.field) for e in report.errors] == [(3, "title"), (4, "category")]
    # The skipped row's new person was rolled back with it.
    assert [p.name for p in cat.list_persons()] == ["Nueva Persona"]
    assert cat.check().ok


def test_json_import(cat: Catalogue, tmp_path: Path) -> None:
    data = {
        "records": [
            {
                "title": "Cacao",
                "labels": ["tka", "bcp"],
                "latitude": -1.0,
                "longitude": -77.5,
                "holders": [{"name": "Manuel", "role": "farmer"}],
                "uses": [{"part": "semilla", "purpose": "bebida"}],
                "local_names": [{"name": "kakaw", "language": "qu", "community_review": True}],
                "scientific_name": "Theobroma cacao",
            },
            {"title": "Chocho", "access": "public", "unknown_field": 1},
        ]
    }
    report = run_import(cat, _write(tmp_path, "r.json", json.dumps(data)))
    assert report.counts.created == 2
    # A column that is no field of ours is kept as a line of the description.
    [chocho] = cat.search_ids("chocho")
    assert cat.get_record(chocho).description == "unknown_field: 1"
    rec = cat.get_record(cat.search_ids("kakaw")[0])
    assert rec.labels == ["tka", "bcp"] and rec.uses[0].part == "semilla"
    with pytest.raises(ValidationError) as info:
        run_import(cat, _write(tmp_path, "bad.json", json.dumps([{"title": "x"}, 5])))
    assert info.value.params["row"] == 2
    with pytest.raises(ValidationError):
        run_import(cat, _write(tmp_path, "broken.json", "{not json"))


def test_cancel_imports_nothing(cat: Catalogue, tmp_path: Path) -> None:
    rows = "title\n" + "".join(f"R{i}\n" for i in range(1200))
    with pytest.raises(Cancelled):
        run_import(cat, _write(tmp_path, "a.csv", rows), cancel=lambda: True)
    assert cat.count() == 0


def test_unknown_format_and_missing_file(cat: Catalogue, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        run_import(cat, tmp_path / "none.csv")
    with pytest.raises(ImportSpreadsheetError):
        run_import(cat, _write(tmp_path, "a.xlsx", "x"))
    with pytest.raises(UsageError):
        run_import(cat, _write(tmp_path, "a.dat", "x"))
    # No column can be the title (only numbers): refused, with the row of the header.
    with pytest.raises(ValidationError) as info:
        run_import(cat, _write(tmp_path, "a.csv", "n,latitude,longitude\n5,1,1\n"))
    assert info.value.params["row"] == 1
