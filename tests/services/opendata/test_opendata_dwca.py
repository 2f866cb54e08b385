"""Darwin Core Archive export: read back with python-dwca-reader (written by others), and
no protected content anywhere in the archive bytes."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from dwca.read import DwCAReader

from opendata.mixed import Mixed, build
from tkapp.core.model import AccessLevel, KnowledgeRecord, Taxon
from tkapp.errors import Cancelled, CatalogueExists, NothingToPublish, ValidationError
from tkapp.services.catalogue import Catalogue
from tkapp.services.dwca import (
    MULTIMEDIA_TERMS,
    OCCURRENCE_TERMS,
    ROW_MULTIMEDIA,
    ROW_OCCURRENCE,
    export_dwca,
    occurrence_id,
)

DWC = "http://rs.tdwg.org/dwc/terms/"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture
def mixed(open_cat: Catalogue) -> Mixed:
    return build(open_cat)


@pytest.fixture
def archive(open_cat: Catalogue, mixed: Mixed, tmp_path: Path) -> Path:
    dest = tmp_path / "out" / "dataset.zip"
    dest.parent.mkdir()
    export_dwca(open_cat, dest, media_base_url=MEDIA_URL)
    return dest


MEDIA_URL = "https://data.example.org/sy/"
EML = "{https://eml.ecoinformatics.org/eml-2.2.0}eml"


def _declared(columns: tuple[tuple[str, str], ...]) -> set[str]:
    return {term for _h, term in columns if term}


def test_reader_opens_archive_and_every_row_has_the_declared_fields(archive: Path) -> None:
    with DwCAReader(str(archive)) as dwca:
        assert dwca.descriptor.core.type == ROW_OCCURRENCE
        ext_types = {ext.type for ext in dwca.descriptor.extensions}
        assert ext_types == {ROW_MULTIMEDIA}  # local names are in the core
        core_rows = list(dwca)
        assert len(core_rows) == 4  # 1 + 2 taxa + 1; the taxon-less record is left out
        for row in core_rows:
            assert set(row.data) == _declared(OCCURRENCE_TERMS)
            assert row.id == row.data[DWC + "occurrenceID"]
            assert row.data[DCT + "license"].startswith("http://creativecommons.org/")
            assert row.data[DCT + "rightsHolder"] == "Comunidad Sacha Yaku"
            assert row.data[DCT + "accessRights"]
            assert row.data[DWC + "countryCode"] == "EC"
            assert row.data[DWC + "occurrenceStatus"] == "present"
            for ext in row.extensions:
                assert ext.rowtype == ROW_MULTIMEDIA
                assert set(ext.data) == _declared(MULTIMEDIA_TERMS)
        assert dwca.metadata is not None  # eml.xml parsed by the reader


def test_rows_state_generalisation_withholding_and_labels(archive: Path, mixed: Mixed) -> None:
    with DwCAReader(str(archive)) as dwca:
        rows = {row.id: row.data for row in dwca}
    exact = rows[occurrence_id(mixed.public_exact, mixed.taxon_id)]
    assert exact[DWC + "decimalLatitude"] == "-0.953211"
    assert exact[DWC + "decimalLongitude"] == "-77.81234"
    assert exact[DWC + "dataGeneralizations"] == ""
    assert "TK Attribution (tka)" in exact[DCT + "accessRights"]
    assert exact[DCT + "license"] == "http://creativecommons.org/licenses/by/4.0/legalcode"
    assert "anonymity" in exact[DWC + "informationWithheld"]

    rounded = rows[occurrence_id(mixed.public_rounded, mixed.taxon_id)]
    assert (rounded[DWC + "decimalLatitude"], rounded[DWC + "decimalLongitude"]) == (
        "-1.0",
        "-77.1",
    )
    assert "rounded to 0.1 degree" in rounded[DWC + "dataGeneralizations"]
    assert rounded[DWC + "locality"] == ""
    assert rounded[DCT + "license"] == "http://creativecommons.org/licenses/by-nc/4.0/legalcode"

    hidden = rows[occurrence_id(mixed.public_confidential, mixed.taxon_id)]
    assert hidden[DWC + "decimalLatitude"] == ""
    for name in ("description", "holders", "preparation", "recorded_by"):
        assert name in hidden[DWC + "informationWithheld"]
    assert "Location withheld" in hidden[DWC + "informationWithheld"]


def test_media_embedded_with_matching_hash(archive: Path, mixed: Mixed) -> None:
    with DwCAReader(str(archive)) as dwca:
        media_rows = [
            ext.data for row in dwca for ext in row.extensions if ext.rowtype == ROW_MULTIMEDIA
        ]
    assert len(media_rows) == 1  # warned, deceased, anonymous and confidential media stay
    row = media_rows[0]
    assert row[DCT + "identifier"] == "urn:uuid:" + mixed.allowed_media_id
    uri = row["http://rs.tdwg.org/ac/terms/accessURI"]
    assert uri.startswith(MEDIA_URL)
    with zipfile.ZipFile(archive) as zf:  # embedded, to upload to the base URL
        data = zf.read(uri.removeprefix(MEDIA_URL))
    assert data == mixed.allowed_media_bytes
    assert row["http://rs.tdwg.org/ac/terms/hashValue"] == hashlib.sha256(data).hexdigest()


def test_eml_names_community_and_dataset_licence(archive: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        root = ET.fromstring(zf.read("eml.xml"))
    assert root.tag == EML
    dataset = root.find("dataset")
    assert dataset is not None
    for tag in ("creator", "publisher", "contact", "metadataProvider"):
        assert dataset.findtext(f"{tag}/organizationName") == "Comunidad Sacha Yaku"
    assert dataset.findtext("contact/electronicMailAddress") == "consejo@sachayaku.example"
    link = dataset.find("intellectualRights/para/ulink")
    assert link is not None
    # The dataset mixes CC BY and CC BY-NC rows: the dataset takes the most restrictive.
    assert link.get("url") == "http://creativecommons.org/licenses/by-nc/4.0/legalcode"


def _haystacks(archive: Path) -> list[tuple[str, bytes]]:
    found = [("<raw zip>", archive.read_bytes())]
    with zipfile.ZipFile(archive) as zf:
        found += [(name, zf.read(name)) for name in zf.namelist()]
        found.append(("<names>", "\n".join(zf.namelist()).encode()))
    return found


def test_no_withheld_content_anywhere_in_archive_bytes(archive: Path, mixed: Mixed) -> None:
    assert len(mixed.markers) > 30
    haystacks = _haystacks(archive)
    for marker in mixed.markers:
        needle = marker.encode("utf-8")
        for name, data in haystacks:
            assert needle not in data, f"{marker} leaked into {name}"
            assert needle.lower() not in data.lower(), f"{marker} leaked into {name}"
    members = b"".join(data for name, data in haystacks[1:])
    for exact in mixed.exact_coordinates[:2] + mixed.exact_coordinates[4:6]:
        assert exact.encode() not in members
    # And the test can fail: the publishable content is there.
    assert b"Corteza para el dolor" in members
    assert mixed.allowed_media_bytes in haystacks[0][1]


def test_nothing_publishable_writes_nothing(open_cat: Catalogue, tmp_path: Path) -> None:
    taxon = open_cat.add_taxon(Taxon("Zea mays"))
    open_cat.add_record(
        KnowledgeRecord(
            "Maíz", taxon_ids=[taxon.id], access=AccessLevel.COMMUNITY, open_licence="CC-BY-4.0"
        )
    )
    dest = tmp_path / "none.zip"
    with pytest.raises(NothingToPublish):
        export_dwca(open_cat, dest)
    assert not dest.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_existing_file_refused_and_cancel_leaves_nothing(
    open_cat: Catalogue, mixed: Mixed, tmp_path: Path
) -> None:
    dest = tmp_path / "exists.zip"
    dest.write_bytes(b"keep me")
    with pytest.raises(CatalogueExists):
        export_dwca(open_cat, dest)
    assert dest.read_bytes() == b"keep me"
    export_dwca(open_cat, dest, overwrite=True)
    assert zipfile.is_zipfile(dest)

    other = tmp_path / "cancelled.zip"
    with pytest.raises(Cancelled):
        export_dwca(open_cat, other, cancel=lambda: True)
    assert not other.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_media_can_be_left_out_or_referenced_by_url(
    open_cat: Catalogue, mixed: Mixed, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.zip"
    report = export_dwca(open_cat, bare, include_media=False)
    assert report.media == 0 and report.media_left_out == 0
    with zipfile.ZipFile(bare) as zf:
        assert not [n for n in zf.namelist() if n.startswith("media/") or n == "multimedia.txt"]
    # No base URL: GBIF cannot show a path inside the zip, so the media stay out, counted.
    unhosted = tmp_path / "unhosted.zip"
    report = export_dwca(open_cat, unhosted)
    assert (report.media, report.media_left_out) == (0, 1)
    with zipfile.ZipFile(unhosted) as zf:
        assert not [n for n in zf.namelist() if n.startswith("media/") or n == "multimedia.txt"]
    with pytest.raises(ValidationError):
        export_dwca(open_cat, tmp_path / "rel.zip", media_base_url="media/")
    hosted = tmp_path / "hosted.zip"
    export_dwca(open_cat, hosted, media_base_url="https://data.example.org/sy/")
    with DwCAReader(str(hosted)) as dwca:
        uris = [
            ext.data["http://rs.tdwg.org/ac/terms/accessURI"]
            for row in dwca
            for ext in row.extensions
            if ext.rowtype == ROW_MULTIMEDIA
        ]
    assert uris == [f"https://data.example.org/sy/media/{mixed.allowed_media_id}.png"]
