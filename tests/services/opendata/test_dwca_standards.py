"""The Darwin Core Archive checked by the standards' own files, not by our code: the GBIF EML
profile 1.3 and Darwin Core text XML Schemas (lxml), the TDWG term lists (read here, from the
CSV files as published), and python-dwca-reader. The copies live in tkapp/data/standards with
their PROVENANCE.md; nothing is fetched."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from dwca.read import DwCAReader
from lxml import etree

from opendata.mixed import Mixed, build
from tkapp.services.catalogue import Catalogue
from tkapp.services.dwca import export_dwca
from tkapp.services.dwca_check import check_archive

STANDARDS = Path(__file__).parents[3] / "tkapp" / "data" / "standards"
TEXT = "{http://rs.tdwg.org/dwc/text/}"
#: The schemas import xml.xsd from rs.gbif.org / w3.org: served from the shipped copy.
XML_XSD = STANDARDS / "gbif-eml-profile-1.3" / "xml.xsd"


class _Offline(etree.Resolver):
    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url.endswith("/xml.xsd"):
            return self.resolve_filename(str(XML_XSD), context)
        return None


def _schema(relative: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Offline())
    return etree.XMLSchema(etree.parse(str(STANDARDS / relative), parser))


def _terms(*names: str) -> set[str]:
    found: set[str] = set()
    for name in names:
        with (STANDARDS / "tdwg-term-lists" / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["term_deprecated"] != "true":
                    found.add(row["term_isDefinedBy"] + row["term_localName"])
    return found


DWC_TERMS = _terms("terms.csv", "dc-for-dwc.csv", "dcterms-for-dwc.csv")
AC_TERMS = _terms(
    "audubon.csv", "dc-for-ac.csv", "dcterms-for-ac.csv", "xmp-for-ac.csv", "xmpRights-for-ac.csv"
)


@pytest.fixture
def mixed(open_cat: Catalogue) -> Mixed:
    return build(open_cat)


@pytest.fixture
def archive(open_cat: Catalogue, mixed: Mixed, tmp_path: Path) -> Path:
    dest = tmp_path / "dataset.zip"
    export_dwca(open_cat, dest, media_base_url="https://data.example.org/sy/")
    return dest


def _member(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(name)


def test_eml_valid_against_gbif_eml_profile(archive: Path) -> None:
    schema = _schema("gbif-eml-profile-1.3/eml.xsd")
    doc = etree.fromstring(_member(archive, "eml.xml"))
    assert schema.validate(doc), schema.error_log
    dataset = doc.find("dataset")
    # Coverage computed from the published rows: generalised places, dates, taxa.
    box = dataset.find("coverage/geographicCoverage/boundingCoordinates")
    assert float(box.findtext("westBoundingCoordinate")) <= -77.1
    assert float(box.findtext("northBoundingCoordinate")) <= 0
    assert dataset.find("coverage/temporalCoverage") is not None
    names = [n.text for n in dataset.iterfind(".//taxonomicClassification/taxonRankValue")]
    assert names and all(names)


def test_the_schema_can_fail(archive: Path) -> None:
    schema = _schema("gbif-eml-profile-1.3/eml.xsd")
    doc = etree.fromstring(_member(archive, "eml.xml"))
    dataset = doc.find("dataset")
    dataset.insert(0, dataset.find("contact"))  # out of the profile's order
    assert not schema.validate(doc)


def test_meta_xml_valid_against_darwin_core_text_schema(archive: Path) -> None:
    schema = _schema("dwc-text/tdwg_dwc_text.xsd")
    doc = etree.fromstring(_member(archive, "meta.xml"))
    assert schema.validate(doc), schema.error_log


def test_every_term_iri_is_current_in_the_tdwg_term_lists(archive: Path) -> None:
    meta = etree.fromstring(_member(archive, "meta.xml"))
    core = meta.find(f"{TEXT}core")
    assert core.get("rowType") in DWC_TERMS
    core_terms = {f.get("term") for f in core.iter(f"{TEXT}field")}
    assert core_terms <= DWC_TERMS, core_terms - DWC_TERMS
    assert "http://purl.org/dc/elements/1.1/type" in core_terms  # not deprecated dcterms:type
    extensions = meta.findall(f"{TEXT}extension")
    assert [e.get("rowType") for e in extensions] == ["http://rs.tdwg.org/ac/terms/Multimedia"]
    media_terms = {f.get("term") for f in extensions[0].iter(f"{TEXT}field")}
    assert media_terms <= AC_TERMS, media_terms - AC_TERMS


def test_python_dwca_reader_reads_every_row(archive: Path) -> None:
    lines = _member(archive, "occurrence.txt").decode("utf-8").splitlines()
    with DwCAReader(str(archive)) as dwca:
        rows = list(dwca)
        assert len(rows) == len(lines) - 1
        local = [r.data["http://rs.tdwg.org/dwc/terms/vernacularName"] for r in rows]
        assert any(local)  # local names reach GBIF through the core
        assert sum(len(r.extensions) for r in rows) == 1
    assert check_archive(archive) == []


def _rewrite(archive: Path, dest: Path, member: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                assert old in data
                data = data.replace(old, new)
            out.writestr(info, data)
    return dest


def test_check_reports_what_gbif_would_reject(archive: Path, tmp_path: Path) -> None:
    deprecated = _rewrite(
        archive,
        tmp_path / "a.zip",
        "meta.xml",
        b'term="http://purl.org/dc/elements/1.1/type"',
        b'term="http://purl.org/dc/terms/type"',
    )
    kinds = {(f.kind, f.detail) for f in check_archive(deprecated)}
    assert ("unknown_term", "http://purl.org/dc/terms/type") in kinds

    relative = _rewrite(
        archive, tmp_path / "b.zip", "multimedia.txt", b"https://data.example.org/sy/", b""
    )
    assert [f.kind for f in check_archive(relative)] == ["relative_media_uri"]

    old_eml = _rewrite(
        archive,
        tmp_path / "c.zip",
        "eml.xml",
        b"https://eml.ecoinformatics.org/eml-2.2.0",
        b"eml://ecoinformatics.org/eml-2.1.1",
    )
    assert {f.kind for f in check_archive(old_eml)} == {"xsd"}
