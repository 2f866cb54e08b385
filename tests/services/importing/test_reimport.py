"""The weekly re-import: same export -> nothing new; a changed submission updates its one
record (audited); edits made in the app to unchanged submissions are kept; column choices are
remembered per form."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from importing.conftest import SAMPLES
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import parse_map_options, run_import


def test_importing_the_same_export_twice_creates_nothing(cat: Catalogue) -> None:
    run_import(cat, SAMPLES / "kobo_export.xlsx", media=SAMPLES / "kobo_attachments.zip")
    ids = sorted(cat.search_ids(""))
    taxa = len(cat.list_taxa())
    audit = len(cat.audit_entries())
    preview = run_import(cat, SAMPLES / "kobo_export.csv", dry_run=True)
    assert (preview.counts.created, preview.counts.updated, preview.counts.unchanged) == (0, 0, 2)
    again = run_import(cat, SAMPLES / "kobo_export.csv", media=SAMPLES / "kobo_attachments.zip")
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert again.counts.media_attached == 0
    assert sorted(cat.search_ids("")) == ids and len(cat.list_taxa()) == taxa
    assert len(cat.audit_entries()) == audit
    assert all(len(cat.list_media(i)) >= 1 for i in ids)


def test_a_changed_submission_updates_its_record(cat: Catalogue, tmp_path: Path) -> None:
    run_import(cat, SAMPLES / "kobo_api.json")
    [uid] = cat.search_ids("guayusa")
    edited = cat.get_record(uid)
    doc = json.loads((SAMPLES / "kobo_api.json").read_text(encoding="utf-8"))
    doc["results"][0]["planta/parte_usada"] = "hojas tiernas"
    doc["results"].append(
        {**doc["results"][1], "_uuid": "11111111-2222-4333-8444-555555555555", "_id": 103}
    )
    doc["results"][2]["planta/nombre_local"] = "Garabato"
    grown = tmp_path / "kobo_api.json"
    grown.write_text(json.dumps(doc), encoding="utf-8")
    preview = run_import(cat, grown, dry_run=True)
    assert (preview.counts.created, preview.counts.updated, preview.counts.unchanged) == (1, 1, 1)
    result = run_import(cat, grown)
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (1, 1, 1)
    rec = cat.get_record(uid)
    assert rec.uses[0].part == "hojas tiernas" and rec.version == edited.version + 1
    assert [e.action for e in cat.audit_entries(uid)][:1] == ["update"]
    assert cat.count() == 3


def test_app_edits_survive_a_reimport_of_an_unchanged_submission(cat: Catalogue) -> None:
    run_import(cat, SAMPLES / "odk_central.csv")
    [uid] = cat.search_ids("chuchuwasi")
    rec = cat.get_record(uid)
    rec.summary = "Revisado por el consejo"
    cat.update_record(rec)
    again = run_import(cat, SAMPLES / "odk_central.csv")
    assert again.counts.unchanged == 2
    assert cat.get_record(uid).summary == "Revisado por el consejo"


def test_missing_media_arrive_with_a_later_attachments_zip(cat: Catalogue) -> None:
    first = run_import(cat, SAMPLES / "kobo_export.csv")
    assert len(first.missing_media) == 3 and first.counts.media_attached == 0
    second = run_import(cat, SAMPLES / "kobo_export.csv", media=SAMPLES / "kobo_attachments.zip")
    assert second.counts.unchanged == 2 and second.counts.media_attached == 3
    assert not second.missing_media


def test_a_column_choice_is_remembered_for_the_form(cat: Catalogue, tmp_path: Path) -> None:
    source = tmp_path / "semana1.csv"
    shutil.copyfile(SAMPLES / "odk_central.csv", source)
    mapping = parse_map_options(["planta-parte_usada=summary"])
    run_import(cat, source, mapping=mapping)
    [uid] = cat.search_ids("chuchuwasi")
    assert cat.get_record(uid).summary == "corteza"
    # Next week: the export grew (one more column order change); no options given.
    text = source.read_text(encoding="utf-8").replace("corteza", "corteza y hojas")
    week2 = tmp_path / "semana2.csv"
    week2.write_text(text, encoding="utf-8")
    result = run_import(cat, week2)
    assert result.remembered_mapping and result.counts.updated == 1
    assert cat.get_record(uid).summary == "corteza y hojas"
    # A preview alone does not remember anything.
    run_import(cat, week2, mapping=parse_map_options(["planta-parte_usada=ignore"]), dry_run=True)
    assert run_import(cat, week2, dry_run=True).mapping == {"planta-parte_usada": "summary"}


def test_a_chosen_key_column(cat: Catalogue, tmp_path: Path) -> None:
    table = tmp_path / "lista.csv"
    table.write_text("codigo,titulo\nA1,Chonta\nA2,Yuca\n", encoding="utf-8")
    run_import(cat, table, mapping=parse_map_options(["codigo=key"]))
    table.write_text("codigo,titulo\nA1,Chonta duro\nA2,Yuca\nA3,Maní\n", encoding="utf-8")
    result = run_import(cat, table)
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (1, 1, 1)
    assert sorted(cat.get_record(i).title for i in cat.search_ids("")) == [
        "Chonta duro",
        "Maní",
        "Yuca",
    ]


def test_attachments_from_a_folder(cat: Catalogue, tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "fotos"
    with zipfile.ZipFile(SAMPLES / "kobo_attachments.zip") as archive:
        for name in archive.namelist():
            target = folder / name.rsplit("/", 1)[-1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not for the catalogue")
    (folder / "link.jpg").symlink_to(secret)  # a link is never followed (Linux-only check)
    result = run_import(cat, SAMPLES / "kobo_export.csv", media=folder)
    assert result.counts.media_attached == 3 and not result.missing_media
    assert result.media_files == 3
