"""Every committed sample of a real field format imports with no options: places included,
names parsed, media attached (tests/data/import/PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from importing.conftest import SAMPLES
from tkapp.core.model import KnowledgeRecord, MediaKind
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import run_import


def _records(cat: Catalogue) -> dict[str, KnowledgeRecord]:
    out = {}
    for record_id in cat.search_ids(""):
        rec = cat.get_record(record_id)
        out[rec.title] = rec
    return out


@pytest.mark.parametrize("name", ["kobo_export.csv", "kobo_export.xlsx", "kobo_api.json"])
def test_kobo_exports_with_their_attachments(cat: Catalogue, name: str) -> None:
    result = run_import(cat, SAMPLES / name, media=SAMPLES / "kobo_attachments.zip")
    assert result.ok and result.counts.created == 2 and not result.missing_media
    records = _records(cat)
    assert set(records) == {"Wayusa", "Uña de gato"}
    wayusa = records["Wayusa"]
    assert (wayusa.place.latitude, wayusa.place.longitude) == (-0.95112, -77.81234)
    assert str(wayusa.recorded_date) == "2024-05-02"
    assert wayusa.uses[0].part == "hojas"
    assert "planta/uso_descrito: Infusión al amanecer para dar energía" in wayusa.description
    taxon = cat.get_taxon(wayusa.taxon_ids[0])
    assert (taxon.scientific_name, taxon.authorship, taxon.rank) == (
        "Ilex guayusa",
        "Loes.",
        "species",
    )
    assert [v.name for v in taxon.vernacular_names] == ["Wayusa"]
    media = {m.file_name: m for m in cat.list_media(wayusa.id)}
    assert set(media) == {"1714650000123.jpg", "1714650001456.m4a"}
    assert media["1714650000123.jpg"].kind is MediaKind.PHOTO
    assert media["1714650001456.m4a"].kind is MediaKind.AUDIO
    with cat.open_media(media["1714650000123.jpg"].id) as stream:
        assert stream.read(3) == b"\xff\xd8\xff"  # the JPEG itself, stored encrypted
    # Kobo's own status and ids stay out of the record.
    assert wayusa.status.value == "draft"
    assert cat.check().ok


def test_odk_central_zip_with_its_media_and_a_missing_photo(cat: Catalogue) -> None:
    result = run_import(cat, SAMPLES / "odk_central.zip")
    assert result.format == "odk-zip" and result.ok
    assert result.counts.created == 2 and result.counts.media_attached == 1
    assert [(m.row, m.file) for m in result.missing_media] == [(3, "1717340000222.jpg")]
    records = _records(cat)
    chuchuwasi = records["Chuchuwasi"]
    assert (chuchuwasi.place.latitude, chuchuwasi.place.longitude) == (-0.4721, -76.987)
    assert chuchuwasi.place.uncertainty_m == 6
    taxon = cat.get_taxon(chuchuwasi.taxon_ids[0])
    assert taxon.scientific_name == "Maytenus macrocarpa"
    assert taxon.authorship == "(Ruiz & Pav.) Briq."
    # ODK Central's Status column is the server's, never the record's status.
    status = next(c for c in result.columns if c.header == "Status")
    assert status.target == "ignore"


def test_odk_central_csv(cat: Catalogue) -> None:
    result = run_import(cat, SAMPLES / "odk_central.csv")
    assert result.ok and result.counts.created == 2
    key = next(c for c in result.columns if c.target == "key")
    assert key.header == "meta-instanceID"
    assert {r.place.latitude for r in _records(cat).values()} == {-0.4721, -0.5}


def test_excel_on_windows_cp1252_semicolons_decimal_commas(cat: Catalogue) -> None:
    result = run_import(cat, SAMPLES / "excel_windows.csv")
    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert result.ok and result.counts.created == 2
    rec = _records(cat)["Té de hierbaluisa"]
    assert (rec.place.latitude, rec.place.longitude, rec.place.locality) == (
        -0.9833,
        -77.8167,
        "Tena",
    )
    taxon = cat.get_taxon(rec.taxon_ids[0])
    assert (taxon.scientific_name, taxon.authorship) == ("Cymbopogon citratus", "(DC.) Stapf")


def test_published_ethnobotany_table(cat: Catalogue) -> None:
    result = run_import(cat, SAMPLES / "ethnobotany_table.csv")
    assert result.encoding == "utf-8-sig" and result.ok and result.counts.created == 5
    assert result.title_from == ["vernacularName", "scientificName"]
    key = next(c for c in result.columns if c.header == "id")
    assert key.target == "key"  # the table's own ids never become record ids
    taxa = {t.scientific_name: t for t in cat.list_taxa()}
    assert taxa["Inga edulis"].authorship == "Mart."
    assert taxa["Inga edulis var. minutula"].rank == "variety"
    assert taxa["Bactris gasipaes subsp. chichagui"].rank == "subspecies"
    assert taxa["Theobroma"].rank == "genus"
    # The name as written is kept where parsing dropped a qualifier.
    matico = _records(cat)["matico"]
    assert "Scientific name as written: Piper cf. aduncum" in matico.description
    assert cat.get_taxon(matico.taxon_ids[0]).scientific_name == "Piper aduncum"


def test_samples_provenance_is_documented() -> None:
    text = (SAMPLES / "PROVENANCE.md").read_text(encoding="utf-8")
    for path in SAMPLES.iterdir():
        if path.suffix != ".md" and path.name != "make_samples.py":
            assert path.name in text, path.name


def test_sample_files_are_what_they_claim(tmp_path: Path) -> None:
    assert (SAMPLES / "excel_windows.csv").read_bytes().decode("cp1252").startswith("Título;")
    assert (SAMPLES / "ethnobotany_table.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (SAMPLES / "kobo_export.csv").read_bytes()
