"""Darwin Core Archive export of the openly publishable records (GBIF, herbarium portals).

Layout of the zip (UTF-8 throughout)::

    meta.xml              the archive descriptor (Darwin Core text guide)
    eml.xml               dataset metadata (GBIF EML profile 1.3, EML 2.2.0): community as
                          creator, contact and publisher; the dataset licence; geographic,
                          temporal and taxonomic coverage computed from the published rows
    occurrence.txt        core, rowType dwc:Occurrence
    multimedia.txt        extension, rowType ac:Multimedia (Audiovisual Core), only with
                          ``media_base_url``
    media/<id>.<ext>      the media files themselves, to upload to ``media_base_url``

Why an **Occurrence** core: a knowledge record says that a taxon is known and used by this
community at this (generalised) place and date. That is an occurrence of the taxon in a
human context; the fields our exports must state (``dataGeneralizations``,
``informationWithheld``, the generalised coordinates) are occurrence-level terms, and GBIF
indexes and maps occurrence datasets. A Taxon core (checklist) would drop place and date.
There is one core row per (record, taxon): ``occurrenceID`` is a UUID derived from both ids,
so it is stable between exports and GBIF updates rows instead of duplicating them. Records
with no linked taxon are left out (an occurrence needs a scientific name).

Local names travel in the core's ``dwc:vernacularName`` (several joined with `` | ``, the
Darwin Core separator): GBIF defines its VernacularName extension for Taxon (checklist) cores
only and ignores it next to an Occurrence core. The country is the catalogue's (an ISO 3166-1
alpha-2 code in ``dwc:countryCode``); every row states ``occurrenceStatus`` ``present``.
Term IRIs are the current ones of the Darwin Core and Audubon Core term lists (``dc:type`` and
``dc:language`` in the core; ``dcterms:type`` and ``dcterms:language`` are deprecated there).

Media need an **absolute** ``ac:accessURI`` (GBIF fetches each file; a path inside the zip is
never shown). So media go out only with ``media_base_url``: ``ac:accessURI`` is that URL +
``media/<file>`` and the files are embedded under ``media/`` for the publisher to upload there.
Without it the media are left out and the report says how many (``media_left_out``).
:mod:`tkapp.services.dwca_check` validates a written archive with the standards' own schemas
and term lists.

Data files are tab-separated without quoting (as GBIF's IPT writes them); tabs and line breaks
inside values become spaces, because a DwC-A row is one line.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from tkapp.core.model import HubProject, MediaKind, Taxon
from tkapp.errors import Cancelled, NothingToPublish, ValidationError
from tkapp.licensing.evaluate import Reason
from tkapp.licensing.gate import MediaRelease
from tkapp.licensing.open_licence import LICENCE_TITLES, LICENCE_URIS, most_restrictive
from tkapp.services import localcontexts, media_release
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.services.localcontexts import LocalContextsText
from tkapp.services.opendata import (
    ExcludedRecord,
    OpenExportReport,
    OpenItem,
    OpenPlan,
    OpenScan,
    TermsFor,
    access_rights,
    atomic_output,
    citation,
)

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"
DC = "http://purl.org/dc/elements/1.1/"
AC = "http://rs.tdwg.org/ac/terms/"
XMP = "http://ns.adobe.com/xap/1.0/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
DCMITYPE = "http://purl.org/dc/dcmitype/"
TEXT_NS = "http://rs.tdwg.org/dwc/text/"
EML_NS = "https://eml.ecoinformatics.org/eml-2.2.0"
#: The GBIF metadata profile eml.xml follows (schema shipped in tkapp/data/standards).
EML_PROFILE_LOCATION = "http://rs.gbif.org/schema/eml-gbif-profile/1.3/eml.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ROW_OCCURRENCE = DWC + "Occurrence"
ROW_MULTIMEDIA = AC + "Multimedia"

#: Fixed namespace for occurrenceID = uuid5(namespace, "<record id>/<taxon id>").
OCCURRENCE_NAMESPACE = uuid.UUID("6f0d3c1e-7a4b-5d2e-9c8f-0b1a2c3d4e5f")

#: Core columns in file order: (header, term IRI). Column 0 is the row id.
OCCURRENCE_TERMS: tuple[tuple[str, str], ...] = (
    ("occurrenceID", DWC + "occurrenceID"),
    ("basisOfRecord", DWC + "basisOfRecord"),
    ("type", DC + "type"),
    ("modified", DCTERMS + "modified"),
    ("language", DC + "language"),
    ("license", DCTERMS + "license"),
    ("rightsHolder", DCTERMS + "rightsHolder"),
    ("accessRights", DCTERMS + "accessRights"),
    ("bibliographicCitation", DCTERMS + "bibliographicCitation"),
    ("informationWithheld", DWC + "informationWithheld"),
    ("dataGeneralizations", DWC + "dataGeneralizations"),
    ("dynamicProperties", DWC + "dynamicProperties"),
    ("recordedBy", DWC + "recordedBy"),
    ("occurrenceRemarks", DWC + "occurrenceRemarks"),
    ("occurrenceStatus", DWC + "occurrenceStatus"),
    ("eventDate", DWC + "eventDate"),
    ("countryCode", DWC + "countryCode"),
    ("locality", DWC + "locality"),
    ("decimalLatitude", DWC + "decimalLatitude"),
    ("decimalLongitude", DWC + "decimalLongitude"),
    ("geodeticDatum", DWC + "geodeticDatum"),
    ("coordinateUncertaintyInMeters", DWC + "coordinateUncertaintyInMeters"),
    ("taxonID", DWC + "taxonID"),
    ("scientificName", DWC + "scientificName"),
    ("scientificNameAuthorship", DWC + "scientificNameAuthorship"),
    ("taxonRank", DWC + "taxonRank"),
    ("kingdom", DWC + "kingdom"),
    ("family", DWC + "family"),
    ("genus", DWC + "genus"),
    ("vernacularName", DWC + "vernacularName"),
)

#: Audiovisual Core extension: coreid first.
MULTIMEDIA_TERMS: tuple[tuple[str, str], ...] = (
    ("coreid", ""),
    ("identifier", DCTERMS + "identifier"),
    ("type", DC + "type"),
    ("dctermsType", DCTERMS + "type"),
    ("format", DC + "format"),
    ("accessURI", AC + "accessURI"),
    ("title", DCTERMS + "title"),
    ("description", DCTERMS + "description"),
    ("creator", DC + "creator"),
    ("createDate", XMP + "CreateDate"),
    ("language", DC + "language"),
    ("rights", DCTERMS + "rights"),
    ("owner", XMP_RIGHTS + "Owner"),
    ("usageTerms", XMP_RIGHTS + "UsageTerms"),
    ("hashFunction", AC + "hashFunction"),
    ("hashValue", AC + "hashValue"),
)

_DC_TYPES: dict[MediaKind, str] = {
    MediaKind.PHOTO: "StillImage",
    MediaKind.AUDIO: "Sound",
    MediaKind.VIDEO: "MovingImage",
    MediaKind.DOCUMENT: "Text",
}

_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class DwcaExportReport(OpenExportReport):
    """An open export report plus the media left out for want of a base URL."""

    media_left_out: int = 0


def occurrence_id(record_id: str, taxon_id: str) -> str:
    """The stable occurrenceID of one (record, taxon) row."""
    return "urn:uuid:" + str(uuid.uuid5(OCCURRENCE_NAMESPACE, f"{record_id}/{taxon_id}"))


def _clean(value: object) -> str:
    """One TSV cell: no tabs or line breaks (a DwC-A row is one line)."""
    text = "" if value is None else str(value)
    for ch in ("\r\n", "\r", "\n", "\t", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"):
        text = text.replace(ch, " ")
    return text


class _Tsv:
    """A tab-separated data file inside the zip, written row by row."""

    def __init__(self, handle: IO[bytes], headers: Sequence[str]) -> None:
        self._text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        self._writer = csv.writer(
            self._text, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n"
        )
        self._width = len(headers)
        self._writer.writerow(headers)
        self.rows = 0

    def row(self, values: Sequence[object]) -> None:
        assert len(values) == self._width
        self._writer.writerow([_clean(v) for v in values])
        self.rows += 1

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


def _media_path(media_id: str, file_name: str, mime: str) -> str:
    ext = Path(file_name).suffix.lower()
    if not ext or len(ext) > 10 or not ext[1:].isalnum():
        ext = mimetypes.guess_extension(mime) or ".bin"
    return f"media/{media_id}{ext}"


def country_code(country: str) -> str:
    """The catalogue's country as ``dwc:countryCode`` (ISO 3166-1 alpha-2), or "" when it is
    not written as such a code (the check reports it)."""
    code = country.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else ""


def vernacular_names(taxon: Taxon) -> str:
    """``dwc:vernacularName``: the published local names, joined by the Darwin Core separator."""
    return " | ".join(dict.fromkeys(v.name.strip() for v in taxon.vernacular_names if v.name))


def _occurrence_row(
    item: OpenItem,
    taxon_index: int,
    plan: OpenPlan,
    country: str,
    projects: Sequence[HubProject] = (),
) -> list[object]:
    rec = item.record
    taxon = item.taxa[taxon_index]
    place = item.place
    remarks = ". ".join(p for p in (rec.title, rec.summary, rec.description) if p.strip())
    dynamic: dict[str, object] = {"category": rec.category.value}
    if rec.uses:
        dynamic["uses"] = [
            {k: v for k, v in vars(use).items() if v} for use in rec.uses if not use.is_empty()
        ]
    if rec.labels:
        dynamic["localContextsLabels"] = sorted(set(rec.labels))
    if item.holders:
        dynamic["knowledgeHolders"] = list(item.holders)
    if rec.status.value == "verified":
        dynamic["communityVerified"] = True
    return [
        occurrence_id(rec.id, taxon.id),
        "HumanObservation",
        "Event",
        rec.modified.isoformat() if rec.modified else "",
        rec.language,
        LICENCE_URIS[item.decision.licence],
        plan.community_name,
        _access_rights(item, plan, projects),
        citation(item, plan),
        item.information_withheld,
        place.data_generalizations,
        json.dumps(dynamic, ensure_ascii=False, sort_keys=True),
        item.recorded_by,
        remarks,
        "present",
        rec.recorded_date.isoformat() if rec.recorded_date else "",
        country,
        place.locality or "",
        place.latitude or "",
        place.longitude or "",
        "WGS84" if place.latitude is not None else "",
        place.uncertainty_m if place.uncertainty_m is not None else "",
        "urn:uuid:" + taxon.id,
        taxon.scientific_name,
        taxon.authorship,
        taxon.rank,
        taxon.kingdom,
        taxon.family,
        taxon.genus,
        vernacular_names(taxon),
    ]


def _access_rights(item: OpenItem, plan: OpenPlan, projects: Sequence[HubProject]) -> str:
    """``dcterms:accessRights``: the open-data statement, then the record's Local Contexts Hub
    project(s) with their Notices and Labels (where GBIF users look for conditions of use)."""
    note = localcontexts.record_note(projects, item.record.id)
    return access_rights(item, plan) + (" " + note + "." if note else "")


def _meta_xml(files: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> bytes:
    """meta.xml for (row type, file name, columns); the first entry is the core."""
    ET.register_namespace("", TEXT_NS)
    root = ET.Element(f"{{{TEXT_NS}}}archive", {"metadata": "eml.xml"})
    for position, (row_type, location, columns) in enumerate(files):
        tag = "core" if position == 0 else "extension"
        node = ET.SubElement(
            root,
            f"{{{TEXT_NS}}}{tag}",
            {
                "encoding": "UTF-8",
                "fieldsTerminatedBy": "\\t",
                "linesTerminatedBy": "\\n",
                "fieldsEnclosedBy": "",
                "ignoreHeaderLines": "1",
                "rowType": row_type,
            },
        )
        files_node = ET.SubElement(node, f"{{{TEXT_NS}}}files")
        ET.SubElement(files_node, f"{{{TEXT_NS}}}location").text = location
        ET.SubElement(node, f"{{{TEXT_NS}}}{'id' if position == 0 else 'coreid'}", {"index": "0"})
        for index, (_header, term) in enumerate(columns):
            if term:
                ET.SubElement(node, f"{{{TEXT_NS}}}field", {"index": str(index), "term": term})
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def _party(parent: ET.Element, tag: str, name: str, contact: str) -> None:
    """An EML agent (organisation name, then one contact detail, in the profile's order)."""
    node = ET.SubElement(parent, tag)
    ET.SubElement(node, "organizationName").text = name
    contact = contact.strip()
    if not contact:
        return
    if "@" in contact and " " not in contact:
        ET.SubElement(node, "electronicMailAddress").text = contact
    elif contact.startswith(("http://", "https://")):
        ET.SubElement(node, "onlineUrl").text = contact
    else:
        address = ET.SubElement(node, "address")
        ET.SubElement(address, "deliveryPoint").text = contact


class _Coverage:
    """What eml.xml's coverage and licence say about the published rows, gathered as they are
    written (extremes, the licences and the taxa; no list of records)."""

    def __init__(self) -> None:
        # The published (generalised) coordinates are decimal strings: compared as numbers,
        # written as the strings themselves (xs:decimal has no exponent, which repr() of a
        # float may use). On a tie the first one seen is kept, as min()/max() do.
        self.lat: tuple[str, str] | None = None  # (south, north)
        self.lon: tuple[str, str] | None = None  # (west, east)
        self.dates: tuple[date, date] | None = None
        self.taxa: dict[str, Taxon] = {}
        self.licences: set[str] = set()
        self.records = 0

    def add(self, item: OpenItem) -> None:
        self.records += 1
        self.licences.add(item.decision.licence)
        place = item.place
        if place.latitude is not None:
            self.lat = _extend(self.lat, str(place.latitude))
        if place.longitude is not None:
            self.lon = _extend(self.lon, str(place.longitude))
        day = item.record.recorded_date
        if day:
            low, high = self.dates or (day, day)
            self.dates = (min(low, day), max(high, day))
        for taxon in item.taxa:
            # The last copy of a taxon wins, in the place of its first (as a dict does).
            self.taxa[taxon.id] = taxon

    @property
    def licence(self) -> str:
        """The dataset licence: the most restrictive licence among the published records."""
        return most_restrictive(self.licences)


def _extend(bounds: tuple[str, str] | None, value: str) -> tuple[str, str]:
    if bounds is None:
        return value, value
    low, high = bounds
    number = Decimal(value)
    return (value if number < Decimal(low) else low, value if number > Decimal(high) else high)


def _coverage(dataset: ET.Element, seen: _Coverage, community: str, country: str) -> None:
    """Geographic, temporal and taxonomic coverage of the published rows (what is published:
    generalised coordinates, recorded dates, linked taxa)."""
    coverage = ET.Element("coverage")
    if seen.lat is not None and seen.lon is not None:
        geo = ET.SubElement(coverage, "geographicCoverage")
        where = f" in {country}" if country else ""
        ET.SubElement(geo, "geographicDescription").text = (
            f"Places{where} where {community} holds the knowledge, generalised as "
            "the community decided (see dataGeneralizations); records whose location is "
            "withheld are not counted."
        )
        box = ET.SubElement(geo, "boundingCoordinates")
        for tag, value in (
            ("westBoundingCoordinate", seen.lon[0]),
            ("eastBoundingCoordinate", seen.lon[1]),
            ("northBoundingCoordinate", seen.lat[1]),
            ("southBoundingCoordinate", seen.lat[0]),
        ):
            ET.SubElement(box, tag).text = value
    if seen.dates is not None:
        first, last = seen.dates
        temporal = ET.SubElement(coverage, "temporalCoverage")
        if first == last:
            single = ET.SubElement(temporal, "singleDateTime")
            ET.SubElement(single, "calendarDate").text = first.isoformat()
        else:
            span = ET.SubElement(temporal, "rangeOfDates")
            for tag, day in (("beginDate", first), ("endDate", last)):
                ET.SubElement(ET.SubElement(span, tag), "calendarDate").text = day.isoformat()
    if seen.taxa:
        taxonomic = ET.SubElement(coverage, "taxonomicCoverage")
        for taxon in sorted(seen.taxa.values(), key=lambda t: t.scientific_name):
            node = ET.SubElement(taxonomic, "taxonomicClassification")
            if taxon.rank:
                ET.SubElement(node, "taxonRankName").text = taxon.rank
            ET.SubElement(node, "taxonRankValue").text = taxon.scientific_name
            names = vernacular_names(taxon)
            if names:
                ET.SubElement(node, "commonName").text = names
    if len(coverage):
        dataset.append(coverage)


def _eml_xml(
    plan: OpenPlan,
    seen: _Coverage,
    package_id: str,
    today: date,
    title: str,
    *,
    country: str,
    local_contexts: LocalContextsText | None = None,
) -> bytes:
    """eml.xml valid against the GBIF EML profile 1.3 (elements in the profile's order).

    ``plan`` gives the community (its ``included`` is not read), ``seen`` the published rows."""
    licence = seen.licence
    ET.register_namespace("eml", EML_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(
        f"{{{EML_NS}}}eml",
        {
            "packageId": package_id,
            "system": "http://gbif.org",
            "scope": "system",
            XML_LANG: "eng",
            f"{{{XSI_NS}}}schemaLocation": f"{EML_NS} {EML_PROFILE_LOCATION}",
        },
    )
    dataset = ET.SubElement(root, "dataset")
    ET.SubElement(dataset, "alternateIdentifier").text = package_id
    ET.SubElement(dataset, "title", {XML_LANG: "eng"}).text = title
    name, contact = plan.community_name, plan.community_contact
    _party(dataset, "creator", name, contact)
    _party(dataset, "metadataProvider", name, contact)
    ET.SubElement(dataset, "pubDate").text = today.isoformat()
    ET.SubElement(dataset, "language").text = plan.languages[0] if plan.languages else "und"
    abstract = ET.SubElement(dataset, "abstract")
    ET.SubElement(abstract, "para").text = (
        f"Traditional knowledge about species that {name} chose to publish openly. Only "
        "records the community marked for open publication, whose terms and Local Contexts "
        "labels allow it, are included. Locations are generalised as the community decided "
        "(see dataGeneralizations); confidential fields are withheld (see "
        "informationWithheld). Secret, sacred, restricted and community-only knowledge is "
        "never included."
    )
    keywords = ET.SubElement(dataset, "keywordSet")
    for word in ("Occurrence", "Traditional knowledge", "Ethnobotany", "Local Contexts"):
        ET.SubElement(keywords, "keyword").text = word
    ET.SubElement(keywords, "keywordThesaurus").text = "N/A"
    if local_contexts is not None:
        info = ET.SubElement(ET.SubElement(dataset, "additionalInfo"), "para")
        info.text = local_contexts.text + " "
        if local_contexts.url:
            link = ET.SubElement(info, "ulink", {"url": local_contexts.url})
            ET.SubElement(link, "citetitle").text = local_contexts.url_title
    rights = ET.SubElement(dataset, "intellectualRights")
    para = ET.SubElement(rights, "para")
    para.text = "This work is licensed under a "
    link = ET.SubElement(para, "ulink", {"url": LICENCE_URIS[licence]})
    ET.SubElement(link, "citetitle").text = LICENCE_TITLES[licence]
    link.tail = (
        f". Rights holder: {name}. Records may carry Local Contexts TK and BC labels "
        "(see dcterms:accessRights of each record): they state the community's protocols "
        "and expectations, which users are asked to respect."
    )
    licensed = ET.SubElement(dataset, "licensed")
    ET.SubElement(licensed, "licenseName").text = LICENCE_TITLES[licence]
    ET.SubElement(licensed, "url").text = LICENCE_URIS[licence]
    ET.SubElement(licensed, "identifier").text = licence
    _coverage(dataset, seen, name, country)
    _party(dataset, "contact", name, contact)
    _party(dataset, "publisher", name, contact)
    additional = ET.SubElement(root, "additionalMetadata")
    gbif = ET.SubElement(ET.SubElement(additional, "metadata"), "gbif")
    ET.SubElement(gbif, "dateStamp").text = datetime.now(UTC).isoformat(timespec="seconds")
    ET.SubElement(gbif, "hierarchyLevel").text = "dataset"
    ET.SubElement(gbif, "citation").text = f"{name} ({today.year}). {title}."
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


class _ArchiveWriter:
    """Writes the members of one archive in order, streaming each from the catalogue.

    The first pass over the records writes ``occurrence.txt`` and gathers what later members
    need without keeping the records: the coverage (:class:`_Coverage`), the ids of the
    published records that have media (the multimedia pass asks the gate again about those
    only) and the media ids.
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        scan: OpenScan,
        media_base_url: str,
        tick: Callable[[], None],
        *,
        country: str,
        projects: Sequence[HubProject],
    ) -> None:
        self.archive = archive
        self.scan = scan
        self.plan = scan.plan
        self.country = country
        self.base_url = media_base_url
        self.tick = tick
        stamp = datetime.now(UTC)
        self.zip_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        self.files: list[tuple[str, str, Sequence[tuple[str, str]]]] = []
        self.projects = projects
        self.seen = _Coverage()
        self.no_taxon: list[ExcludedRecord] = []
        self.with_media: list[str] = []
        self.media_ids: set[str] = set()
        # Published records a Hub project names (whole-catalogue projects need none).
        self._named = {record_id for p in projects for record_id in p.record_ids}
        self.published_named: list[str] = []
        self.media_paths: dict[str, str] = {}
        self.releases: dict[str, MediaRelease] = {}

    def _entry(self, name: str, *, compress: bool = True) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.zip_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def _table(
        self,
        row_type: str,
        name: str,
        columns: Sequence[tuple[str, str]],
        rows: Iterable[list[object]],
    ) -> int:
        self.files.append((row_type, name, columns))
        with self.archive.open(self._entry(name), "w") as member:
            table = _Tsv(member, [header for header, _term in columns])
            for values in rows:
                table.row(values)
            table.close()
        return table.rows

    def occurrences(self, progress: Progress | None, cancel: CancelCheck | None) -> int:
        def rows() -> Iterator[list[object]]:
            for item in self.scan.items(progress=progress, cancel=cancel):
                if not item.taxa:
                    # An occurrence needs a scientific name.
                    self.no_taxon.append(
                        ExcludedRecord(
                            item.record.id, item.record.title, item.decision.licence,
                            (Reason("no_taxon"),),
                        )
                    )  # fmt: skip
                    continue
                self.seen.add(item)
                if item.record.id in self._named:
                    self.published_named.append(item.record.id)
                if item.media:
                    self.with_media.append(item.record.id)
                    self.media_ids.update(m.media.id for m in item.media)
                for index in range(len(item.taxa)):
                    yield _occurrence_row(item, index, self.plan, self.country, self.projects)

        written = self._table(ROW_OCCURRENCE, "occurrence.txt", OCCURRENCE_TERMS, rows())
        if cancel is not None and cancel():
            raise Cancelled()  # seen even when there are few records and no media
        return written

    def multimedia(self, cancel: CancelCheck | None) -> None:
        if not self.with_media:
            return

        def rows() -> Iterator[list[object]]:
            # Only the published records with media, asked again in the same order (each
            # file's cleaning is remembered by the scan, not redone).
            for item in self.scan.items(self.with_media, tally=False, cancel=cancel):
                for media in item.media:
                    meta = media.media
                    path = _media_path(meta.id, meta.file_name, meta.mime_type)
                    self.media_paths[meta.id] = path
                    self.releases[meta.id] = media
                    for taxon in item.taxa:
                        yield _media_row(
                            item,
                            media,
                            taxon_id=taxon.id,
                            path=path,
                            base_url=self.base_url,
                            plan=self.plan,
                        )

        self._table(ROW_MULTIMEDIA, "multimedia.txt", MULTIMEDIA_TERMS, rows())

    def media_files(self, cat: Catalogue) -> None:
        # From the encrypted store, cleaned in memory, into the zip: no plaintext copy on disk.
        for media_id, path in self.media_paths.items():
            with (
                media_release.open_released(cat, self.releases[media_id]) as source,
                self.archive.open(self._entry(path, compress=False), "w") as member,
            ):
                while chunk := source.read(_COPY_CHUNK):
                    member.write(chunk)
            self.tick()

    def descriptors(self, package_id: str, today: date, title: str) -> None:
        self.archive.writestr(self._entry("meta.xml"), _meta_xml(self.files))
        local_contexts = localcontexts.dataset_statement(self.projects, self.published_named)
        eml = _eml_xml(
            self.plan,
            self.seen,
            package_id,
            today,
            title,
            country=self.country,
            local_contexts=local_contexts,
        )
        self.archive.writestr(self._entry("eml.xml"), eml)


def export_dwca(
    cat: Catalogue,
    dest: Path,
    *,
    on: date | None = None,
    include_media: bool = True,
    media_base_url: str = "",
    title: str = "",
    overwrite: bool = False,
    terms_for: TermsFor | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> DwcaExportReport:
    """Write a Darwin Core Archive of the openly publishable records to ``dest`` (atomic).

    The records are read in one pass that writes ``occurrence.txt`` as they come; with media,
    a second pass over the published records that have media writes ``multimedia.txt``, then
    the files. Memory does not grow with the number of records.

    Args:
        cat: the open catalogue.
        dest: the .zip to write.
        on: the day of publication (default today): expired terms refuse.
        include_media: False leaves all media out.
        media_base_url: the absolute http(s) URL where the ``media/`` folder will be hosted:
            ``ac:accessURI`` is this URL + ``media/<file>`` and the files are embedded for
            uploading there. Empty: the media are left out (GBIF cannot show a path inside
            the archive) and ``media_left_out`` counts them.
        title: the dataset title (default: "Open traditional knowledge of <community>").
        overwrite: replace an existing ``dest``.
        terms_for: the terms governing a record (default: the catalogue's terms service).
        progress: ``(done, total)`` of the records, then of the media files; cancel: returns
            True to stop (nothing is written).

    Raises:
        NothingToPublish: no record may be published openly (nothing is written).
        ValidationError: ``media_base_url`` is not an absolute http(s) URL.
        CatalogueExists: ``dest`` exists and ``overwrite`` is false.
        Cancelled: ``cancel()`` returned True.
    """
    base_url = media_base_url.strip()
    if base_url and not _absolute_url(base_url):
        raise ValidationError("not_absolute_url", field="media_base_url")
    scan = OpenScan(cat, on=on, include_media=include_media, terms_for=terms_for)
    plan = scan.plan
    today = on or datetime.now(UTC).date()
    title = title or f"Open traditional knowledge of {plan.community_name}"
    files = [0, 0]  # media files written, to write

    def tick() -> None:
        files[0] += 1
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(min(files[0], files[1]), files[1])

    package_id = str(uuid.uuid5(OCCURRENCE_NAMESPACE, "dataset/" + cat.id))
    projects = localcontexts.list_projects(cat)
    with (
        atomic_output(dest, overwrite=overwrite) as handle,
        zipfile.ZipFile(handle, "w", allowZip64=True) as archive,
    ):
        country = country_code(cat.community.country)
        writer = _ArchiveWriter(archive, scan, base_url, tick, country=country, projects=projects)
        rows = writer.occurrences(progress, cancel)
        excluded = [*plan.excluded, *writer.no_taxon]
        if not writer.seen.records:
            # Raised inside the atomic output: the partial archive is removed.
            raise NothingToPublish("no publishable record", excluded=len(excluded))
        if base_url:
            files[1] = len(writer.media_ids)
            writer.multimedia(cancel)
            writer.media_files(cat)
        writer.descriptors(package_id, today, title)
    return DwcaExportReport(
        path=Path(dest),
        records=writer.seen.records,
        rows=rows,
        media=len(writer.media_paths),
        licence=writer.seen.licence,
        excluded=tuple(excluded),
        not_marked=plan.not_marked,
        # What may leave is the gate's answer; without a URL the format cannot carry it.
        media_left_out=0 if base_url else len(writer.media_ids),
    )


def _absolute_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _media_row(
    item: OpenItem,
    release: MediaRelease,
    *,
    taxon_id: str,
    path: str,
    base_url: str,
    plan: OpenPlan,
) -> list[object]:
    licence = item.decision.licence
    media = release.media
    return [
        occurrence_id(item.record.id, taxon_id),
        "urn:uuid:" + media.id,
        _DC_TYPES[media.kind],
        DCMITYPE + _DC_TYPES[media.kind],
        media.mime_type,
        base_url.rstrip("/") + "/" + path,
        media.file_name,
        media.caption,
        # The creator as the release gate lets it go (withheld with confidential names).
        release.creator or "",
        media.created.isoformat() if media.created else "",
        media.language,
        LICENCE_URIS[licence],
        plan.community_name,
        LICENCE_TITLES[licence],
        "SHA-256",
        release.sha256,
    ]
