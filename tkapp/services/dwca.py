"""Darwin Core Archive export of the openly publishable records (GBIF, herbarium portals).

Layout of the zip (UTF-8 throughout)::

    meta.xml              the archive descriptor (Darwin Core text guide)
    eml.xml               dataset metadata (GBIF EML profile): community as creator,
                          publisher and contact; the dataset licence
    occurrence.txt        core, rowType dwc:Occurrence
    vernacularname.txt    extension, rowType gbif:VernacularName
    multimedia.txt        extension, rowType ac:Multimedia (Audiovisual Core)
    media/<id>.<ext>      the media files themselves

Why an **Occurrence** core: a knowledge record says that a taxon is known and used by this
community at this (generalised) place and date. That is an occurrence of the taxon in a
human context; the fields our exports must state (``dataGeneralizations``,
``informationWithheld``, the generalised coordinates) are occurrence-level terms, and GBIF
indexes and maps occurrence datasets. A Taxon core (checklist) would drop place and date.
There is one core row per (record, taxon): ``occurrenceID`` is a UUID derived from both ids,
so it is stable between exports and GBIF updates rows instead of duplicating them. Records
with no linked taxon are left out (an occurrence needs a scientific name).

Media are **embedded** under ``media/`` and ``ac:accessURI`` is that relative path, so the
archive is complete offline; pass ``media_base_url`` to write absolute URLs instead once the
files are hosted (GBIF's IPT needs URLs it can fetch), or ``include_media=False``.

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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from tkapp.core.model import MediaKind
from tkapp.errors import Cancelled, NothingToPublish
from tkapp.licensing.evaluate import Reason
from tkapp.licensing.gate import MediaRelease
from tkapp.licensing.open_licence import LICENCE_TITLES, LICENCE_URIS
from tkapp.services import media_release
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.services.opendata import (
    ExcludedRecord,
    OpenExportReport,
    OpenItem,
    OpenPlan,
    TermsFor,
    access_rights,
    atomic_output,
    citation,
    plan_open_data,
)

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"
DC = "http://purl.org/dc/elements/1.1/"
AC = "http://rs.tdwg.org/ac/terms/"
XMP = "http://ns.adobe.com/xap/1.0/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
GBIF = "http://rs.gbif.org/terms/1.0/"
DCMITYPE = "http://purl.org/dc/dcmitype/"
TEXT_NS = "http://rs.tdwg.org/dwc/text/"
EML_NS = "eml://ecoinformatics.org/eml-2.1.1"

ROW_OCCURRENCE = DWC + "Occurrence"
ROW_VERNACULAR = GBIF + "VernacularName"
ROW_MULTIMEDIA = AC + "Multimedia"

#: Fixed namespace for occurrenceID = uuid5(namespace, "<record id>/<taxon id>").
OCCURRENCE_NAMESPACE = uuid.UUID("6f0d3c1e-7a4b-5d2e-9c8f-0b1a2c3d4e5f")

#: Core columns in file order: (header, term IRI). Column 0 is the row id.
OCCURRENCE_TERMS: tuple[tuple[str, str], ...] = (
    ("occurrenceID", DWC + "occurrenceID"),
    ("basisOfRecord", DWC + "basisOfRecord"),
    ("type", DCTERMS + "type"),
    ("modified", DCTERMS + "modified"),
    ("language", DCTERMS + "language"),
    ("license", DCTERMS + "license"),
    ("rightsHolder", DCTERMS + "rightsHolder"),
    ("accessRights", DCTERMS + "accessRights"),
    ("bibliographicCitation", DCTERMS + "bibliographicCitation"),
    ("informationWithheld", DWC + "informationWithheld"),
    ("dataGeneralizations", DWC + "dataGeneralizations"),
    ("dynamicProperties", DWC + "dynamicProperties"),
    ("recordedBy", DWC + "recordedBy"),
    ("occurrenceRemarks", DWC + "occurrenceRemarks"),
    ("eventDate", DWC + "eventDate"),
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
)

#: Vernacular names extension: coreid first.
VERNACULAR_TERMS: tuple[tuple[str, str], ...] = (
    ("coreid", ""),
    ("vernacularName", DWC + "vernacularName"),
    ("language", DCTERMS + "language"),
    ("source", DCTERMS + "source"),
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


def _occurrence_row(item: OpenItem, taxon_index: int, plan: OpenPlan) -> list[object]:
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
        access_rights(item, plan),
        citation(item, plan),
        item.information_withheld,
        place.data_generalizations,
        json.dumps(dynamic, ensure_ascii=False, sort_keys=True),
        item.recorded_by,
        remarks,
        rec.recorded_date.isoformat() if rec.recorded_date else "",
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
    ]


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


def _eml_xml(plan: OpenPlan, package_id: str, today: date, title: str) -> bytes:
    """eml.xml (GBIF EML profile 1.1 elements): community as creator, publisher, contact."""
    licence = plan.licence
    ET.register_namespace("eml", EML_NS)
    root = ET.Element(
        f"{{{EML_NS}}}eml",
        {
            "packageId": package_id,
            "system": "http://gbif.org",
            "scope": "system",
            "{http://www.w3.org/XML/1998/namespace}lang": "eng",
        },
    )
    dataset = ET.SubElement(root, "dataset")
    ET.SubElement(dataset, "alternateIdentifier").text = package_id
    ET.SubElement(
        dataset, "title", {"{http://www.w3.org/XML/1998/namespace}lang": "eng"}
    ).text = title
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
    _party(dataset, "contact", name, contact)
    publisher = ET.SubElement(dataset, "publisher")
    ET.SubElement(publisher, "organizationName").text = name
    additional = ET.SubElement(root, "additionalMetadata")
    gbif = ET.SubElement(ET.SubElement(additional, "metadata"), "gbif")
    ET.SubElement(gbif, "dateStamp").text = datetime.now(UTC).isoformat(timespec="seconds")
    ET.SubElement(gbif, "citation").text = f"{name} ({today.year}). {title}."
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


class _ArchiveWriter:
    """Writes the members of one archive in order, streaming each."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        plan: OpenPlan,
        media_base_url: str,
        tick: Callable[[], None],
    ) -> None:
        self.archive = archive
        self.plan = plan
        self.base_url = media_base_url
        self.tick = tick
        stamp = datetime.now(UTC)
        self.zip_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        self.files: list[tuple[str, str, Sequence[tuple[str, str]]]] = []
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

    def occurrences(self) -> int:
        def rows() -> Iterator[list[object]]:
            for done, item in enumerate(self.plan.included, start=1):
                for index in range(len(item.taxa)):
                    yield _occurrence_row(item, index, self.plan)
                if done % 200 == 0:
                    self.tick()

        return self._table(ROW_OCCURRENCE, "occurrence.txt", OCCURRENCE_TERMS, rows())

    def vernacular_names(self) -> None:
        rows = list(_vernacular_rows(self.plan.included, self.plan.community_name))
        if rows:
            self._table(ROW_VERNACULAR, "vernacularname.txt", VERNACULAR_TERMS, rows)

    def multimedia(self) -> None:
        rows: list[list[object]] = []
        for item in self.plan.included:
            for media in item.media:
                path = _media_path(media.media.id, media.media.file_name, media.media.mime_type)
                self.media_paths[media.media.id] = path
                self.releases[media.media.id] = media
                for taxon in item.taxa:
                    rows.append(
                        _media_row(
                            item,
                            media,
                            taxon_id=taxon.id,
                            path=path,
                            base_url=self.base_url,
                            plan=self.plan,
                        )
                    )
        if rows:
            self._table(ROW_MULTIMEDIA, "multimedia.txt", MULTIMEDIA_TERMS, rows)

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
        self.archive.writestr(self._entry("eml.xml"), _eml_xml(self.plan, package_id, today, title))


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
) -> OpenExportReport:
    """Write a Darwin Core Archive of the openly publishable records to ``dest`` (atomic).

    Args:
        cat: the open catalogue.
        dest: the .zip to write.
        on: the day of publication (default today): expired terms refuse.
        include_media: False leaves all media out.
        media_base_url: when set, ``ac:accessURI`` is this URL + ``media/<file>`` and the
            files are still embedded (for hosting them next to the archive).
        title: the dataset title (default: "Open traditional knowledge of <community>").
        overwrite: replace an existing ``dest``.
        terms_for: the terms governing a record (default: the catalogue's terms service).
        progress: ``(done, total)``; cancel: returns True to stop (nothing is written).

    Raises:
        NothingToPublish: no record may be published openly (nothing is written).
        CatalogueExists: ``dest`` exists and ``overwrite`` is false.
        Cancelled: ``cancel()`` returned True.
    """
    plan = plan_open_data(
        cat, on=on, include_media=include_media, terms_for=terms_for, cancel=cancel
    )
    no_taxon = [item for item in plan.included if not item.taxa]
    plan.included = [item for item in plan.included if item.taxa]
    plan.excluded.extend(
        ExcludedRecord(i.record.id, i.record.title, i.decision.licence, (Reason("no_taxon"),))
        for i in no_taxon
    )
    if not plan.included:
        raise NothingToPublish("no publishable record", excluded=len(plan.excluded))
    today = on or datetime.now(UTC).date()
    title = title or f"Open traditional knowledge of {plan.community_name}"
    total = len(plan.included) + len({m.media.id for i in plan.included for m in i.media})
    done = [0]

    def tick() -> None:
        done[0] += 1
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(min(done[0], total), total)

    package_id = str(uuid.uuid5(OCCURRENCE_NAMESPACE, "dataset/" + cat.id))
    with (
        atomic_output(dest, overwrite=overwrite) as handle,
        zipfile.ZipFile(handle, "w", allowZip64=True) as archive,
    ):
        writer = _ArchiveWriter(archive, plan, media_base_url, tick)
        rows = writer.occurrences()
        writer.vernacular_names()
        writer.multimedia()
        writer.media_files(cat)
        writer.descriptors(package_id, today, title)
    if progress is not None:
        progress(total, total)
    return OpenExportReport(
        path=Path(dest),
        records=len(plan.included),
        rows=rows,
        media=len(writer.media_paths),
        licence=plan.licence,
        excluded=tuple(plan.excluded),
        not_marked=plan.not_marked,
    )


def _vernacular_rows(items: Iterable[OpenItem], source: str) -> Iterator[list[object]]:
    for item in items:
        for taxon in item.taxa:
            core = occurrence_id(item.record.id, taxon.id)
            for name in taxon.vernacular_names:
                yield [core, name.name, name.language, source]


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
        (base_url.rstrip("/") + "/" + path) if base_url else path,
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
