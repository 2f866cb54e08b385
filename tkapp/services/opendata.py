"""Open publication: which records may leave as open data, and in what shape (issue 9).

Both open outputs (Darwin Core Archive, :mod:`tkapp.services.dwca`; GeoJSON,
:mod:`tkapp.services.geojson`) start from :func:`plan_open_data`, which loads every record
(trash excluded), asks :func:`tkapp.licensing.open_licence.decide_open` about it under its
terms, and prepares what may be published of each publishable record:

- confidential fields (``record.confidential``) are blanked and named in
  ``informationWithheld``; ``media`` and ``local_names`` withhold media and vernacular names;
- the place is generalised per its sensitivity (:func:`tkapp.licensing.places.generalise`);
- persons who asked to stay anonymous outside the catalogue are left out by name;
- media go only if the record is publishable, ``media`` is not confidential, the file has no
  content warning and shows or voices no deceased or anonymous person.

Nothing here writes; :func:`atomic_output` is the shared temp-file-fsync-rename writer.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from tkapp.core.model import CONFIDENTIAL_FIELDS, KnowledgeRecord, Media, Person, Place, Taxon
from tkapp.errors import Cancelled, CatalogueExists, NotFound
from tkapp.licensing.evaluate import Reason
from tkapp.licensing.labels import LabelCustomisation, get_label
from tkapp.licensing.open_licence import (
    LICENCE_TITLES,
    LICENCE_URIS,
    OpenDecision,
    decide_open,
    most_restrictive,
)
from tkapp.licensing.places import GeneralisedPlace, generalise
from tkapp.licensing.terms import Terms
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.store.fileio import create_temp, fsync_file, os_error, place

#: Resolves the terms that govern a record (default: the catalogue's terms service).
TermsFor = Callable[[KnowledgeRecord], Terms]

_CHECK_EVERY = 200  # records between progress reports / cancel checks


@dataclass(frozen=True)
class OpenItem:
    """One publishable record, already reduced to what may leave.

    Attributes:
        record: a copy with confidential fields blanked and the place emptied (publish
            ``place``, the generalised one).
        decision: the open-licence decision (licence, attribution).
        place: the generalised place.
        withheld_fields: confidential fields left out (CONFIDENTIAL_FIELDS order).
        taxa: the linked taxa; vernacular names removed when ``local_names`` is withheld and
            names still awaiting community review always removed.
        recorded_by: the recorder's name, or "" (withheld, anonymous or none).
        holders: knowledge holders' names that may be published.
        names_withheld: some person's name was left out because they asked for anonymity.
        media: the media that may be published with it.
    """

    record: KnowledgeRecord
    decision: OpenDecision
    place: GeneralisedPlace
    withheld_fields: tuple[str, ...]
    taxa: tuple[Taxon, ...]
    recorded_by: str
    holders: tuple[str, ...]
    names_withheld: bool
    media: tuple[Media, ...]

    @property
    def information_withheld(self) -> str:
        """Darwin Core ``informationWithheld``: what was left out (English, data field)."""
        parts: list[str] = []
        named = [f for f in self.withheld_fields if f != "place"]
        if named:
            parts.append("Confidential fields withheld by the community: " + ", ".join(named))
        if self.place.information_withheld:
            parts.append(self.place.information_withheld)
        if self.names_withheld:
            parts.append("Names of persons who asked for anonymity withheld")
        return ". ".join(parts)


@dataclass(frozen=True)
class ExcludedRecord:
    """A record marked for open publication that may not go, with the reasons."""

    id: str
    title: str
    licence: str
    reasons: tuple[Reason, ...]


@dataclass
class OpenPlan:
    """What an open export will contain.

    Attributes:
        included: publishable records (modified-descending order of the catalogue).
        excluded: records marked open but refused, with reasons.
        not_marked: how many records are not marked for open publication at all.
        community_name: dcterms:rightsHolder and EML publisher.
        community_contact: EML contact.
        labels_text: Local Contexts label code -> English name (for accessRights notes).
    """

    included: list[OpenItem] = field(default_factory=list)
    excluded: list[ExcludedRecord] = field(default_factory=list)
    not_marked: int = 0
    community_name: str = ""
    community_contact: str = ""
    languages: tuple[str, ...] = ()

    @property
    def licence(self) -> str:
        """The dataset licence: the most restrictive licence among the included records."""
        return most_restrictive({item.decision.licence for item in self.included})

    def reason_counts(self) -> dict[str, int]:
        """How many excluded records each reason code concerns."""
        counts: dict[str, int] = {}
        for item in self.excluded:
            for code in dict.fromkeys(r.code for r in item.reasons):
                counts[code] = counts.get(code, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class OpenExportReport:
    """The result of an open export.

    Attributes:
        path: the file written.
        records: records published.
        rows: core rows (DwC-A: record x taxon) or features (GeoJSON) written.
        media: media files published.
        licence: the dataset licence (SPDX id).
        excluded: records marked open that were left out, with reasons.
        not_marked: records not marked for open publication.
    """

    path: Path
    records: int
    rows: int
    media: int
    licence: str
    excluded: tuple[ExcludedRecord, ...]
    not_marked: int


def _withhold(record: KnowledgeRecord) -> KnowledgeRecord:
    """A copy with every confidential field blanked (what has no slot is handled by callers)."""
    out = copy.deepcopy(record)
    hidden = record.confidential
    if "description" in hidden:
        out.description = ""
    if "holders" in hidden:
        out.holders = []
    if "recorded_by" in hidden:
        out.recorded_by = ""
    if "uses" in hidden:
        out.uses = []
    elif "preparation" in hidden:
        for use in out.uses:
            use.preparation = ""
    # The stored place never travels on the item (only its generalised form does), so no
    # caller can publish exact coordinates by mistake.
    out.place = Place(sensitivity=record.place.sensitivity)
    out.consent_ids = []
    return out


class _People:
    """Person lookups for one plan (each person read once)."""

    def __init__(self, cat: Catalogue) -> None:
        self._cat = cat
        self._cache: dict[str, Person | None] = {}

    def get(self, person_id: str) -> Person | None:
        if person_id not in self._cache:
            try:
                self._cache[person_id] = self._cat.get_person(person_id)
            except NotFound:
                self._cache[person_id] = None
        return self._cache[person_id]


def _publishable_media(media: list[Media], people: _People) -> tuple[Media, ...]:
    keep: list[Media] = []
    for item in media:
        if item.content_warning.strip():
            continue  # an open portal cannot show the warning first
        persons = [people.get(pid) for pid in item.person_ids]
        if any(p is None or p.deceased or p.anonymous_outside for p in persons):
            continue
        keep.append(item)
    return tuple(keep)


def _taxa_for(
    cat: Catalogue, record: KnowledgeRecord, cache: dict[str, Taxon | None]
) -> list[Taxon]:
    names_hidden = "local_names" in record.confidential
    out: list[Taxon] = []
    for taxon_id in record.taxon_ids:
        if taxon_id not in cache:
            try:
                cache[taxon_id] = cat.get_taxon(taxon_id)
            except NotFound:
                cache[taxon_id] = None
        taxon = cache[taxon_id]
        if taxon is None:
            continue
        shown = copy.deepcopy(taxon)
        shown.vernacular_names = (
            [] if names_hidden else [v for v in taxon.vernacular_names if not v.community_review]
        )
        out.append(shown)
    return out


def plan_open_data(
    cat: Catalogue,
    *,
    on: date | None = None,
    include_media: bool = True,
    terms_for: TermsFor | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> OpenPlan:
    """Decide, record by record, what may be published openly. Reads only.

    Args:
        cat: the open catalogue.
        on: the day of publication (default today, UTC): expired terms refuse.
        include_media: False leaves every media file out.
        terms_for: the terms governing a record (default: the catalogue's terms service).
        progress: ``(done, total)`` callback.
        cancel: returns True to stop (raises :class:`~tkapp.errors.Cancelled`).
    """
    day = on or datetime.now(UTC).date()
    resolve = terms_for or terms_service.terms_resolver(cat)
    customisations: dict[str, LabelCustomisation] = terms_service.label_customisations(cat)
    community = cat.community
    plan = OpenPlan(
        community_name=community.name,
        community_contact=community.contact,
        languages=tuple(community.languages),
    )
    people = _People(cat)
    taxa_cache: dict[str, Taxon | None] = {}
    ids = cat.search_ids("")
    total = len(ids)
    for done, record_id in enumerate(ids, start=1):
        if done % _CHECK_EVERY == 0:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(done, total)
        record = cat.get_record(record_id)
        if not record.open_licence:
            plan.not_marked += 1
            continue
        decision = decide_open(record, resolve(record), on=day, customisations=customisations)
        if not decision.publishable:
            plan.excluded.append(
                ExcludedRecord(record.id, record.title, record.open_licence, decision.reasons)
            )
            continue
        plan.included.append(
            _item(
                cat,
                record,
                decision,
                people=people,
                taxa_cache=taxa_cache,
                include_media=include_media,
            )
        )
    if progress is not None:
        progress(total, total)
    return plan


def _item(
    cat: Catalogue,
    record: KnowledgeRecord,
    decision: OpenDecision,
    *,
    people: _People,
    taxa_cache: dict[str, Taxon | None],
    include_media: bool,
) -> OpenItem:
    shown = _withhold(record)
    names_withheld = False
    holders: list[str] = []
    for link in shown.holders:
        person = people.get(link.person_id)
        if person is None:
            continue
        if person.anonymous_outside:
            names_withheld = True
        else:
            holders.append(person.name)
    recorded_by = ""
    if shown.recorded_by:
        person = people.get(shown.recorded_by)
        if person is not None and person.anonymous_outside:
            names_withheld = True
        elif person is not None:
            recorded_by = person.name
    media: tuple[Media, ...] = ()
    if include_media and "media" not in record.confidential:
        media = _publishable_media(cat.list_media(record_id=record.id), people)
    return OpenItem(
        record=shown,
        decision=decision,
        place=generalise(record.place, confidential="place" in record.confidential),
        withheld_fields=tuple(f for f in CONFIDENTIAL_FIELDS if f in record.confidential),
        taxa=tuple(_taxa_for(cat, record, taxa_cache)),
        recorded_by=recorded_by,
        holders=tuple(holders),
        names_withheld=names_withheld,
        media=media,
    )


# --- shared texts (Darwin Core data fields: English on purpose, read by aggregators) ------


def access_rights(item: OpenItem, plan: OpenPlan) -> str:
    """``dcterms:accessRights``: the licence, the Local Contexts labels and the protocol note."""
    licence = item.decision.licence
    parts = [
        f"Published openly by {plan.community_name} under {LICENCE_TITLES[licence]} "
        f"({LICENCE_URIS[licence]})"
    ]
    labels = sorted(set(item.record.labels))
    if labels:
        names = "; ".join(f"{get_label(code).name} ({code})" for code in labels)
        parts.append(
            "Local Contexts labels applied by the community: " + names + ". See "
            "https://localcontexts.org/labels/ for what they ask of users"
        )
    parts.append(
        "This is traditional knowledge: respect the community's protocols, and contact "
        "the community before any commercial or intellectual-property use"
    )
    return ". ".join(parts) + "."


def citation(item: OpenItem, plan: OpenPlan) -> str:
    """The credit users give (the terms' attribution text, else the community's name)."""
    return item.decision.attribution or plan.community_name


# --- atomic output -----------------------------------------------------------------------


@contextlib.contextmanager
def atomic_output(dest: Path, *, overwrite: bool = False) -> Iterator[BinaryIO]:
    """Write ``dest`` through a temp file in its folder, fsync, then rename into place.

    Nothing appears under ``dest`` unless the block completes; on any error (including a
    cancel) the temp file is removed.

    Raises:
        CatalogueExists: ``dest`` exists and ``overwrite`` is false (checked before and after).
        StoreError / DiskFull: the file could not be written.
    """
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise CatalogueExists(str(dest), path=str(dest))
    try:
        tmp, fd = create_temp(dest, "export")
    except OSError as exc:
        raise os_error(exc, dest) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
        fsync_file(tmp)
        place(tmp, dest, overwrite=overwrite)
    except OSError as exc:
        raise os_error(exc, dest) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
