"""Check a Darwin Core Archive the way GBIF would, with the standards' own files.

What is checked (each finding names the archive member and what is wrong):

- ``eml.xml`` against the GBIF EML profile 1.3 XML Schema, and ``meta.xml`` against the
  Darwin Core text guide's schema (both shipped under ``tkapp/data/standards``, with their
  provenance; XML Schema validation needs ``lxml``, installed with ``tkapp[check]``);
- every term IRI in ``meta.xml`` against the current TDWG term lists (Darwin Core for the core,
  Audubon Core for the media extension; a deprecated term counts as unknown), and each media
  column against GBIF's Audiovisual Media Description extension;
- row types: an Occurrence core; extensions GBIF indexes next to it (the VernacularName
  extension belongs to Taxon cores and is ignored there);
- the rows GBIF would reject or flag: no ``occurrenceID`` or ``basisOfRecord`` or
  ``scientificName``, a duplicate ``occurrenceID``, a ``countryCode`` that is not ISO 3166-1
  alpha-2, coordinates outside their range, a licence GBIF does not accept, a media
  ``accessURI`` that is not an absolute http(s) URL.

The schemas are read from the package only; nothing is fetched from the network.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from tkapp.licensing.open_licence import LICENCE_URIS
from tkapp.ziparchive import SafeZip

TEXT_NS = "http://rs.tdwg.org/dwc/text/"
DWC = "http://rs.tdwg.org/dwc/terms/"
ROW_OCCURRENCE = DWC + "Occurrence"
ROW_MULTIMEDIA = "http://rs.tdwg.org/ac/terms/Multimedia"
ROW_VERNACULAR = "http://rs.gbif.org/terms/1.0/VernacularName"

#: Term lists (tkapp/data/standards/tdwg-term-lists) per row type.
_DWC_LISTS = ("terms.csv", "dc-for-dwc.csv", "dcterms-for-dwc.csv")
_AC_LISTS = (
    "audubon.csv",
    "dc-for-ac.csv",
    "dcterms-for-ac.csv",
    "xmp-for-ac.csv",
    "xmpRights-for-ac.csv",
)
_GBIF_AUDIOVISUAL = "gbif-extensions/audiovisual_2026-02-24.xml"
#: Remote schema locations the shipped schemas import, mapped to the shipped copies.
_SCHEMA_COPIES = {
    "http://rs.gbif.org/schema/xml.xsd": "gbif-eml-profile-1.3/xml.xsd",
    "http://www.w3.org/2001/xml.xsd": "gbif-eml-profile-1.3/xml.xsd",
}
EML_SCHEMA = "gbif-eml-profile-1.3/eml.xsd"
META_SCHEMA = "dwc-text/tdwg_dwc_text.xsd"


@dataclass(frozen=True)
class Finding:
    """One thing GBIF would reject or flag.

    Attributes:
        kind: stable code (``xsd``, ``unknown_term``, ``row_type``, ``missing_value``,
            ``duplicate_id``, ``bad_country_code``, ``bad_coordinate``, ``licence``,
            ``relative_media_uri``, ``no_lxml``).
        member: the archive member (``eml.xml``, ``occurrence.txt``, ...).
        detail: the validator's own message or the offending value (English, technical).
    """

    kind: str
    member: str
    detail: str


def standards_file(relative: str) -> Traversable:
    """A file shipped under ``tkapp/data/standards``."""
    return resources.files("tkapp").joinpath("data", "standards", *relative.split("/"))


@cache
def _term_list(names: tuple[str, ...]) -> frozenset[str]:
    terms: set[str] = set()
    for name in names:
        text = standards_file("tdwg-term-lists/" + name).read_text(encoding="utf-8")
        for row in csv.DictReader(io.StringIO(text)):
            if row.get("term_deprecated", "").strip().lower() != "true":
                terms.add(row["term_isDefinedBy"] + row["term_localName"])
    return frozenset(terms)


def darwin_core_terms() -> frozenset[str]:
    """Current (not deprecated) IRIs of the Darwin Core term lists, classes included."""
    return _term_list(_DWC_LISTS)


def audubon_core_terms() -> frozenset[str]:
    """Current (not deprecated) IRIs of the Audubon Core term lists."""
    return _term_list(_AC_LISTS)


@cache
def gbif_audiovisual_terms() -> frozenset[str]:
    """The properties of GBIF's Audiovisual Media Description extension."""
    # A file shipped in the package, not input.
    root = ET.fromstring(standards_file(_GBIF_AUDIOVISUAL).read_bytes())  # noqa: S314
    return frozenset(
        p.get("qualName", "") for p in root.iter("{http://rs.gbif.org/extension/}property")
    )


def validate_xml(schema: str, data: bytes, member: str) -> list[Finding]:
    """``data`` validated against a shipped XML Schema (``EML_SCHEMA`` or ``META_SCHEMA``)."""
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml is in the test extra
        return [Finding("no_lxml", member, "XML Schema validation needs lxml (tkapp[check])")]
    compiled = _schema(schema)
    try:
        doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [Finding("xsd", member, str(exc))]
    if compiled.validate(doc):
        return []
    return [Finding("xsd", member, f"line {e.line}: {e.message}") for e in compiled.error_log]


@cache
def _schema(relative: str) -> Any:
    from lxml import etree

    class _Shipped(etree.Resolver):  # type: ignore[misc]
        def resolve(self, url: str, pubid: str, context: object) -> Any:
            if url in _SCHEMA_COPIES:
                return self.resolve_string(
                    standards_file(_SCHEMA_COPIES[url]).read_bytes(), context
                )
            return None  # relative imports resolve next to the file; nothing else is fetched

    with resources.as_file(standards_file(relative)) as path:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        parser.resolvers.add(_Shipped())
        return etree.XMLSchema(etree.parse(str(path), parser))


def check_archive(path: Path) -> list[Finding]:
    """Every finding for the archive at ``path`` (empty: GBIF would take it as it is).

    Meant for archives :func:`tkapp.services.dwca.export_dwca` wrote; ``meta.xml`` is read
    with the standard library's parser, which expands no external entities."""
    findings: list[Finding] = []
    with SafeZip(path) as archive:
        names = set(archive.names())
        for member, schema in (("meta.xml", META_SCHEMA), ("eml.xml", EML_SCHEMA)):
            if member not in names:
                findings.append(Finding("missing_value", member, "member missing"))
            else:
                findings += validate_xml(schema, _read(archive, member), member)
        if "meta.xml" not in names:
            return findings
        # The archive is one export_dwca just wrote (``--check``), not foreign input.
        meta = ET.fromstring(_read(archive, "meta.xml"))  # noqa: S314
        for position, node in enumerate(meta):
            findings += _check_table(archive, node, core=position == 0)
    return findings


def _read(archive: SafeZip, member: str) -> bytes:
    with archive.open(member) as handle:
        return handle.read()


def _columns(node: ET.Element) -> tuple[str, dict[int, str]]:
    location = node.findtext(f"{{{TEXT_NS}}}files/{{{TEXT_NS}}}location") or ""
    fields = {
        int(f.get("index", "-1")): f.get("term", "") for f in node.iter(f"{{{TEXT_NS}}}field")
    }
    return location, fields


def _check_table(archive: SafeZip, node: ET.Element, *, core: bool) -> list[Finding]:
    row_type = node.get("rowType", "")
    location, fields = _columns(node)
    findings: list[Finding] = []
    if core and row_type != ROW_OCCURRENCE:
        findings.append(Finding("row_type", location, f"core rowType {row_type}"))
    if not core and row_type != ROW_MULTIMEDIA:
        why = " (GBIF reads it with Taxon cores only)" if row_type == ROW_VERNACULAR else ""
        findings.append(Finding("row_type", location, f"extension rowType {row_type}{why}"))
    known = darwin_core_terms() if core else audubon_core_terms() | gbif_audiovisual_terms()
    for term in fields.values():
        if term not in known:
            findings.append(Finding("unknown_term", location, term))
        elif not core and term not in gbif_audiovisual_terms():
            findings.append(Finding("unknown_term", location, f"{term} (not in GBIF extension)"))
    if location not in archive.entries:
        return [*findings, Finding("missing_value", location, "data file missing")]
    rows = _rows(archive, location, fields)
    findings += _check_core_rows(location, rows) if core else _check_media_rows(location, rows)
    return findings


def _rows(archive: SafeZip, location: str, fields: dict[int, str]) -> Iterator[dict[str, str]]:
    with archive.open(location) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        next(text, None)  # header line
        for line in text:
            cells = line.rstrip("\n").split("\t")
            yield {term: cells[i] if i < len(cells) else "" for i, term in fields.items()}


def _check_core_rows(location: str, rows: Iterator[dict[str, str]]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    accepted = set(LICENCE_URIS.values())
    for number, row in enumerate(rows, start=2):
        where = f"{location}:{number}"
        for term in ("occurrenceID", "basisOfRecord", "scientificName"):
            if not row.get(DWC + term):
                findings.append(Finding("missing_value", where, term))
        occurrence = row.get(DWC + "occurrenceID", "")
        if occurrence in seen:
            findings.append(Finding("duplicate_id", where, occurrence))
        seen.add(occurrence)
        code = row.get(DWC + "countryCode")
        if code is not None and not (len(code) == 2 and code.isascii() and code.isupper()):
            findings.append(Finding("bad_country_code", where, code or "(empty)"))
        for term, limit in (("decimalLatitude", 90.0), ("decimalLongitude", 180.0)):
            value = row.get(DWC + term, "")
            if value and not _within(value, limit):
                findings.append(Finding("bad_coordinate", where, f"{term}={value}"))
        licence = row.get("http://purl.org/dc/terms/license", "")
        if licence and licence not in accepted:
            findings.append(Finding("licence", where, licence))
    return findings


def _within(value: str, limit: float) -> bool:
    try:
        return -limit <= float(value) <= limit
    except ValueError:
        return False


def _check_media_rows(location: str, rows: Iterator[dict[str, str]]) -> list[Finding]:
    findings: list[Finding] = []
    for number, row in enumerate(rows, start=2):
        uri = row.get("http://rs.tdwg.org/ac/terms/accessURI", "")
        parts = urlsplit(uri)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            findings.append(Finding("relative_media_uri", f"{location}:{number}", uri))
    return findings
