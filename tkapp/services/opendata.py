"""Open publication: which records may leave as open data, and in what shape (issue 9).

Both open outputs (Darwin Core Archive, :mod:`tkapp.services.dwca`; GeoJSON,
:mod:`tkapp.services.geojson`) stream an :class:`OpenScan`, which loads each record in turn
(trash excluded), asks the gate about it under its terms, and prepares what may be
published of each publishable record; :func:`plan_open_data` gathers one such pass for the
previews. The exports keep the ids and the refused records, never the records' contents.

The release gate (:func:`tkapp.licensing.gate.decide_release`, destination Darwin Core or
GeoJSON) decides everything: whether the record goes (open licence, consent), which fields
are withheld, how the place is generalised, which names and media go (cleaned), and the
creators. This module only loads what the gate needs and shapes its answer for the writers.

Nothing here writes; :func:`atomic_output` is the shared temp-file-fsync-rename writer.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from tkapp import atomicfile
from tkapp.core.model import KnowledgeRecord, Place, Taxon
from tkapp.errors import Cancelled, CatalogueExists, NotFound
from tkapp.licensing.evaluate import Reason, Request
from tkapp.licensing.gate import (
    Destination,
    MediaCleaning,
    MediaRelease,
    ReleaseDecision,
    ReleaseRequest,
)
from tkapp.licensing.labels import LabelCustomisation, get_label
from tkapp.licensing.open_licence import (
    LICENCE_TITLES,
    LICENCE_URIS,
    OpenDecision,
    most_restrictive,
)
from tkapp.licensing.places import GeneralisedPlace
from tkapp.licensing.terms import Terms
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.services.sharing import ConsentCache, PeopleCache, release_for
from tkapp.store.fileio import os_error

#: Resolves the terms that govern a record (default: the catalogue's terms service).
TermsFor = Callable[[KnowledgeRecord], Terms]

_CHECK_EVERY = 200  # records between progress reports / cancel checks


@dataclass(frozen=True)
class OpenItem:
    """One publishable record, already reduced to what may leave.

    Attributes:
        record: a copy holding only what the gate lets go (withheld fields blank, the
            stored place emptied: publish ``place``, the generalised one).
        decision: the open-licence decision (licence, attribution).
        place: the generalised place.
        withheld_fields: confidential fields left out (CONFIDENTIAL_FIELDS order).
        taxa: the linked taxa; vernacular names removed when ``local_names`` is withheld and
            names still awaiting community review always removed.
        recorded_by: the recorder's name, or "" (withheld, anonymous or none).
        holders: knowledge holders' names that may be published.
        names_withheld: some person's name was left out because they asked for anonymity.
        media: the media that may be published with it (cleaned; ``creator`` as released).
        release: the gate's whole answer for the record.
    """

    record: KnowledgeRecord
    decision: OpenDecision
    place: GeneralisedPlace
    withheld_fields: tuple[str, ...]
    taxa: tuple[Taxon, ...]
    recorded_by: str
    holders: tuple[str, ...]
    names_withheld: bool
    media: tuple[MediaRelease, ...]
    release: ReleaseDecision | None = None

    @property
    def information_withheld(self) -> str:
        """Darwin Core ``informationWithheld``: what was left out (English, data field)."""
        parts: list[str] = []
        named = [f for f in self.withheld_fields if f not in ("place", "locality")]
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


def _shown(record: KnowledgeRecord, release: ReleaseDecision) -> KnowledgeRecord:
    """A copy of ``record`` that holds only what ``release`` lets go (renders, decides nothing)."""
    out = copy.deepcopy(record)
    if release.withholds("description"):
        out.description = ""
    if release.withholds("holders"):
        out.holders = []
    if release.withholds("recorded_by"):
        out.recorded_by = ""
    if release.withholds("uses"):
        out.uses = []
    elif release.withholds("preparation"):
        for use in out.uses:
            use.preparation = ""
    # The stored place never travels on the item (only its generalised form does), so no
    # caller can publish exact coordinates by mistake.
    out.place = Place(sensitivity=record.place.sensitivity)
    out.consent_ids = []
    return out


def _place(item: ReleaseDecision) -> GeneralisedPlace:
    assert item.place is not None  # a released record always has its publishable place
    return item.place


def _taxa_for(
    cat: Catalogue,
    record: KnowledgeRecord,
    release: ReleaseDecision,
    cache: dict[str, Taxon | None],
) -> list[Taxon]:
    names_hidden = release.withholds("local_names")
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
        # Names still awaiting the community's review are not published in any case.
        shown.vernacular_names = (
            [] if names_hidden else [v for v in taxon.vernacular_names if not v.community_review]
        )
        out.append(shown)
    return out


class OpenScan:
    """The gate's open-data answer for the catalogue's records, one record at a time.

    :func:`plan_open_data` gathers one pass of it for a preview; the exports stream it
    instead (each row written as its record comes, nothing gathered per record), going over
    the catalogue again where a file needs what an earlier one found. ``plan`` holds the
    dataset's header (community) and, after the first pass, the refused records and the
    count of records not marked for open publication; its ``included`` stays empty unless
    the caller fills it.
    """

    def __init__(
        self,
        cat: Catalogue,
        *,
        on: date | None = None,
        include_media: bool = True,
        terms_for: TermsFor | None = None,
        destination: Destination = Destination.DWCA,
    ) -> None:
        day = on or datetime.now(UTC).date()
        self.cat = cat
        self._release = ReleaseRequest(
            # The request is a placeholder: open data is judged by the open licence's requests.
            Request(UserClass.FOR_PROFIT, Purpose.REDISTRIBUTION, on=day),
            destination,
            include_media=include_media,
        )
        self._resolve = terms_for or terms_service.terms_resolver(cat)
        self._customisations: dict[str, LabelCustomisation] = terms_service.label_customisations(
            cat
        )
        community = cat.community
        self.plan = OpenPlan(
            community_name=community.name,
            community_contact=community.contact,
            languages=tuple(community.languages),
        )
        self._people = PeopleCache(cat)
        self._consents = ConsentCache(cat)
        self._taxa: dict[str, Taxon | None] = {}
        # Each media file is cleaned (inspected) once however many passes ask about it.
        self._cleaning: dict[tuple[str, str], MediaCleaning] = {}

    def items(
        self,
        ids: Iterable[str] | None = None,
        *,
        tally: bool = True,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> Iterator[OpenItem]:
        """The publishable records among ``ids`` (default: every readable record, in the
        catalogue's order), each reduced to what may leave.

        With ``tally`` (the first pass) the records refused are added to ``plan.excluded``
        and those not marked to ``plan.not_marked``; a later pass over the same ids leaves
        them as they are.
        """
        # Every record: read batch by batch (memory does not grow with the records), and
        # never one the person may not read.
        chosen = self.cat.walk_readable_ids() if ids is None else ids
        total = self.cat.count_readable() if ids is None else 0
        done = 0
        for done, record_id in enumerate(chosen, start=1):
            if done % _CHECK_EVERY == 0:
                if cancel is not None and cancel():
                    raise Cancelled()
                if progress is not None:
                    progress(done, total)
            item = self._item(record_id, tally)
            if item is not None:
                yield item
        if progress is not None:
            progress(done, total)

    def _item(self, record_id: str, tally: bool) -> OpenItem | None:
        cat = self.cat
        record = cat.get_record(record_id)
        if not record.open_licence:
            if tally:
                self.plan.not_marked += 1
            return None
        item = release_for(
            cat,
            record,
            self._resolve(record),
            self._release,
            people=self._people,
            customisations=self._customisations,
            cleaning_cache=self._cleaning,
            consent_cache=self._consents,
        )
        if not item.included or item.open_decision is None:
            if tally:
                self.plan.excluded.append(
                    ExcludedRecord(record.id, record.title, record.open_licence, item.reasons)
                )
            return None
        return OpenItem(
            record=_shown(record, item),
            decision=item.open_decision,
            place=_place(item),
            withheld_fields=item.withheld_fields,
            taxa=tuple(_taxa_for(cat, record, item, self._taxa)),
            recorded_by=item.recorded_by or "",
            holders=item.holders,
            names_withheld=item.names_withheld,
            media=item.released_media,
            release=item,
        )


def plan_open_data(
    cat: Catalogue,
    *,
    on: date | None = None,
    include_media: bool = True,
    terms_for: TermsFor | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    destination: Destination = Destination.DWCA,
) -> OpenPlan:
    """Decide, record by record, what may be published openly. Reads only.

    The whole answer in memory, for a preview: the exports stream an :class:`OpenScan`.

    Args:
        cat: the open catalogue.
        on: the day of publication (default today, UTC): expired terms refuse.
        include_media: False leaves every media file out.
        terms_for: the terms governing a record (default: the catalogue's terms service).
        progress: ``(done, total)`` callback.
        cancel: returns True to stop (raises :class:`~tkapp.errors.Cancelled`).
        destination: Darwin Core (default) or GeoJSON.
    """
    scan = OpenScan(
        cat, on=on, include_media=include_media, terms_for=terms_for, destination=destination
    )
    scan.plan.included.extend(scan.items(progress=progress, cancel=cancel))
    return scan.plan


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
    """:func:`tkapp.atomicfile.atomic_output` with the store's typed errors.

    Nothing appears under ``dest`` unless the block completes; on any error (including a
    cancel) the temp file is removed.

    Raises:
        CatalogueExists: ``dest`` exists and ``overwrite`` is false (checked before and after).
        StoreError / DiskFull: the file could not be written.
    """
    dest = Path(dest)
    try:
        with atomicfile.atomic_output(dest, "export", overwrite=overwrite) as handle:
            yield handle
    except FileExistsError:
        raise CatalogueExists(str(dest), path=str(dest)) from None
    except OSError as exc:
        raise os_error(exc, dest) from exc
