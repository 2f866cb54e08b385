"""Sharing with researchers: plan an export, write the signed bundle, keep the ledger (issue 4).

The path (ARCHITECTURE.md, "How data flows"):

1. :func:`plan_export` evaluates every chosen record against its terms for the recipient's
   user class and purpose: which records go, which stay and why, which fields are withheld,
   how each place is generalised.
2. The custodian confirms (GUI) or passes ``--yes`` (CLI); culturally sensitive records need
   an explicit extra confirmation.
3. :func:`export` rebuilds the plan from the catalogue as it is now (refusing an outdated
   one), turns each included record into its *redacted* bundle form
   (:func:`bundle_record`), streams media from the store, signs and writes the bundle (the
   writer verifies its own output), and only then records the export in the sharing ledger
   and marks the terms version as used, in one transaction.

A bundle never holds a record or a field the plan kept home: excluded records, confidential
fields, persons' contacts and ids, and the records' own consent evidence stay in the
catalogue. The bundle id is derived from the catalogue id and the bundle's sequence, so the
same catalogue state, key and clock give identical bytes.
"""

from __future__ import annotations

import json
import mimetypes
import re
import uuid
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, BinaryIO

from tkapp.bundle.content import BundleContent, MediaItem, RecipientSpec
from tkapp.bundle.records import (
    BundleHolder,
    BundleMedia,
    BundlePlace,
    BundleRecord,
    BundleTaxon,
    BundleUse,
    BundleVernacularName,
)
from tkapp.bundle.writer import write_bundle
from tkapp.core.model import (
    ConsentRecord,
    KnowledgeRecord,
    Media,
    Person,
    Recipient,
    Taxon,
)
from tkapp.crypto.age import AgeRecipient
from tkapp.errors import (
    Cancelled,
    ConfirmationRequired,
    KeyFormatError,
    MixedTerms,
    NotFound,
    NothingToExport,
    ValidationError,
)
from tkapp.i18n import _
from tkapp.licensing.evaluate import Request
from tkapp.licensing.gate import (
    ANONYMOUS_HOLDER,
    ConsentCover,
    ConsentOverride,
    Destination,
    MediaCleaning,
    MediaRelease,
    ReleaseDecision,
    ReleaseRequest,
    decide_release,
    released_consent_fields,
)
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.odrl import profile_turtle, to_odrl
from tkapp.licensing.places import GeneralisedPlace
from tkapp.licensing.plan import ExportPlan, SharedParts
from tkapp.licensing.terms import Terms
from tkapp.licensing.text import render_terms_text, terms_name
from tkapp.licensing.vocab import DutyKind, Purpose, UserClass
from tkapp.services import approvals, localcontexts, media_release
from tkapp.services import terms as terms_service
from tkapp.services.permissions import Action
from tkapp.store import approvals as approval_rows
from tkapp.store import codec, entities
from tkapp.store import sharing as ledger_store
from tkapp.store import terms as terms_store

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

__all__ = [
    "ANONYMOUS_HOLDER",
    "FOLLOW_UP_KINDS",
    "ExportEntry",
    "ExportResult",
    "FollowUp",
    "OverdueDuty",
    "PlanSummary",
    "PlannedRecord",
    "SharingPlan",
    "add_follow_up",
    "add_recipient",
    "bundle_id_for",
    "bundle_record",
    "export",
    "exports_of_record",
    "get_export",
    "get_recipient",
    "list_exports",
    "list_recipients",
    "overdue_duties",
    "plan_export",
    "plan_export_summary",
    "remove_recipient",
]

#: Follow-ups the ledger keeps for an export.
FOLLOW_UP_KINDS: tuple[str, ...] = ("results_returned", "publication_notified", "benefits_received")
#: Which duty each follow-up discharges (for the overdue list).
_DUTY_FOLLOW_UP: Mapping[DutyKind, str] = {
    DutyKind.SHARE_RESULTS: "results_returned",
    DutyKind.NOTIFY_BEFORE_PUBLICATION: "publication_notified",
    DutyKind.BENEFIT_SHARE: "benefits_received",
}
CONSENT_TYPE = "tkapp/consent/v1"
#: Namespace of bundle ids (uuid5 of "<catalogue id>:<sequence>").
_BUNDLE_NAMESPACE = uuid.UUID("5b0f3c1e-8f8e-4d55-9a53-6b1e7c2d9a10")
_EXT = re.compile(r"[a-z0-9]{1,10}")

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


# --- plans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRecord:
    """What the plan saw of one record (to show it and to detect later edits)."""

    record_id: str
    title: str
    version: int
    terms_id: str  # the governing terms version (the default resolved)
    #: The record's labels: the terms texts a bundle carries name the labels of its records.
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharingPlan(ExportPlan):
    """An :class:`ExportPlan` plus who it is for, what for, on which day, and each record's
    title, version and terms as planned."""

    recipient: Recipient = field(default_factory=lambda: Recipient("-"))
    purpose: str = ""
    on: date | None = None
    records: Mapping[str, PlannedRecord] = field(default_factory=dict)
    overrides: Mapping[str, ConsentOverride] = field(default_factory=dict)
    confirmed_media: frozenset[str] = frozenset()
    #: (media id, stored file's SHA-256) -> what cleaning it gives: the export's fresh plan
    #: reuses it, so each media byte is read once more only to be written.
    cleaning: Mapping[tuple[str, str], MediaCleaning] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def terms_ids(self) -> tuple[str, ...]:
        """Distinct terms versions of the included records (a bundle carries exactly one)."""
        return tuple(dict.fromkeys(self.records[p.record_id].terms_id for p in self.included))

    def title(self, record_id: str) -> str:
        return self.records[record_id].title if record_id in self.records else record_id


def _request(recipient: Recipient, purpose: str, on: date) -> Request:
    recipient.validate()
    return Request(
        UserClass(_code(UserClass, recipient.user_class, "user_class")),
        Purpose(_code(Purpose, purpose, "purpose")),
        on=on,
    )


def _code(kind: Any, value: str, name: str) -> str:
    try:
        return str(kind(value).value)
    except ValueError:
        raise ValidationError("unknown_code", field=name, code=str(value)[:40]) from None


def plan_export(
    cat: Catalogue,
    record_ids: Sequence[str] | None,
    recipient: Recipient,
    purpose: Purpose | str,
    *,
    on: date | None = None,
    overrides: Mapping[str, ConsentOverride] | None = None,
    confirmed_media: Iterable[str] = (),
    known_cleaning: Mapping[tuple[str, str], MediaCleaning] | None = None,
) -> SharingPlan:
    """Ask the release gate about every chosen record for ``recipient`` and ``purpose``.

    Args:
        record_ids: the records to consider; None means every record not in the trash.
        recipient: name, organisation and user class of the recipient.
        purpose: what the recipient will use the knowledge for.
        on: the day of the export (default today, UTC) for terms and consent validity.
        overrides: record id -> the custodian's release of a record that has no consent
            record (who, when, why); recorded with the export.
        confirmed_media: media ids the custodian confirmed although their metadata cannot
            be cleaned.
        known_cleaning: cleaning results of an earlier plan (by media id and stored hash).

    Raises:
        NotFound: an unknown record id. ValidationError: an unknown user class or purpose,
        or an invalid recipient.
    """
    day = on or datetime.now(UTC).date()
    request = _request(recipient, str(purpose), day)
    release = ReleaseRequest(
        request,
        Destination.BUNDLE,
        overrides=dict(overrides or {}),
        confirmed_media=frozenset(confirmed_media),
    )
    ids = list(dict.fromkeys(record_ids)) if record_ids is not None else cat.search_ids("")
    ids = cat.readable_ids(ids)  # a record the person may not read never enters a plan
    cleaning = dict(known_cleaning or {})
    plan_one = _planner(cat, release, cleaning, SharedParts())
    plan = ExportPlan()
    planned: dict[str, PlannedRecord] = {}
    for record_id in ids:
        seen, item = plan_one(record_id)
        planned[seen.record_id] = seen
        (plan.included if item.included else plan.excluded).append(item)
    return SharingPlan(
        included=plan.included,
        excluded=plan.excluded,
        recipient=recipient,
        purpose=request.purpose.value,
        on=day,
        records=planned,
        overrides=dict(release.overrides),
        confirmed_media=release.confirmed_media,
        cleaning=cleaning,
    )


def _release_request(plan: SharingPlan) -> ReleaseRequest:
    """The request ``plan`` was made for (its recipient, purpose, day and decisions)."""
    return ReleaseRequest(
        _request(plan.recipient, plan.purpose, plan.on or datetime.now(UTC).date()),
        Destination.BUNDLE,
        overrides=dict(plan.overrides),
        confirmed_media=plan.confirmed_media,
    )


def _planner(
    cat: Catalogue,
    release: ReleaseRequest,
    cleaning: dict[tuple[str, str], MediaCleaning],
    shared: SharedParts | None = None,
) -> Callable[[str], tuple[PlannedRecord, ReleaseDecision]]:
    """One record's plan: what the plan saw of it and the release gate's answer (one read
    of the record; persons, consents and label texts read once for all records). With
    ``shared``, for answers a plan keeps: their equal parts are held once."""
    resolve = terms_service.terms_resolver(cat)
    customisations = terms_service.label_customisations(cat)
    people = PeopleCache(cat)
    consents = ConsentCache(cat)

    def plan_one(record_id: str) -> tuple[PlannedRecord, ReleaseDecision]:
        record, trashed = cat.get_record_and_trash(record_id)
        terms = resolve(record)
        labels = tuple(sorted(record.labels))
        if shared is not None:
            labels = shared.one(labels)
        seen = PlannedRecord(record.id, record.title, record.version, terms.id, labels)
        item = release_for(
            cat,
            record,
            terms,
            release,
            people=people,
            customisations=customisations,
            cleaning_cache=cleaning,
            consent_cache=consents,
            trashed=trashed,
        )
        return seen, item if shared is None else shared.answer(item)

    return plan_one


@dataclass(frozen=True)
class PlanSummary:
    """A sharing plan with what a preview shows around it: the terms version the included
    records fall under (when exactly one), the community, and who unlocked the catalogue."""

    plan: SharingPlan
    terms: terms_service.TermsInfo | None = None
    community: str = ""
    actor: str = ""
    #: How many custodians must approve it and who did (shared approval, k of n).
    approval: approvals.ApprovalStatus | None = None

    @property
    def terms_title(self) -> str:
        """The terms in words ("“Name”, version 2"), or "" when the records mix terms."""
        if self.terms is None:
            return ""
        return _("“{name}”, version {version}").format(
            name=terms_name(self.terms.name), version=self.terms.version
        )


def plan_export_summary(
    cat: Catalogue,
    record_ids: Sequence[str] | None,
    recipient: Recipient,
    purpose: Purpose | str,
    *,
    overrides: Mapping[str, ConsentOverride] | None = None,
    confirmed_media: Iterable[str] = (),
) -> PlanSummary:
    """:func:`plan_export` plus what the export preview shows with it (one read, no write).

    ``overrides`` and ``confirmed_media`` are the custodian's explicit decisions, the same as
    the CLI's ``--release-without-consent`` and ``--confirm-media``.
    """
    plan = plan_export(
        cat, record_ids, recipient, purpose, overrides=overrides, confirmed_media=confirmed_media
    )
    terms = None
    if len(plan.terms_ids) == 1:
        terms = terms_service.get_terms_info(cat, plan.terms_ids[0])
    approval = approvals.status(cat, plan) if plan.included else None
    return PlanSummary(plan, terms, cat.community.name, cat.actor or "", approval)


class ConsentCache:
    """Consent records by id, each read and decoded once per plan. One assembly's consent
    often names every record of the catalogue: decoding it again for each record made a
    plan's time grow with the square of the records."""

    def __init__(self, cat: Catalogue) -> None:
        self._cat = cat
        self._cache: dict[str, ConsentRecord] = {}

    def ids_for(self, record_id: str) -> list[str]:
        """Ids of the consents naming ``record_id`` (the catalogue's order)."""
        return self._cat.consent_ids(record_id)

    def for_record(self, record_id: str) -> list[ConsentRecord]:
        """The consents naming ``record_id``, as :meth:`Catalogue.list_consents` gives them."""
        found = []
        for consent_id in self.ids_for(record_id):
            if consent_id not in self._cache:
                self._cache[consent_id] = self._cat.get_consent(consent_id)
            found.append(self._cache[consent_id])
        return found


class PeopleCache:
    """Persons by id, each read once per plan (missing ones stay missing)."""

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

    def for_record(self, record: KnowledgeRecord, media: Sequence[Media]) -> dict[str, Person]:
        ids = [h.person_id for h in record.holders] + [record.recorded_by]
        ids += [pid for m in media for pid in m.person_ids]
        found = {pid: self.get(pid) for pid in ids if pid}
        return {pid: person for pid, person in found.items() if person is not None}


def release_for(
    cat: Catalogue,
    record: KnowledgeRecord,
    terms: Terms,
    release: ReleaseRequest,
    *,
    people: PeopleCache,
    customisations: Mapping[str, LabelCustomisation],
    cleaning_cache: dict[tuple[str, str], MediaCleaning] | None = None,
    consent_cache: ConsentCache | None = None,
    trashed: bool | None = None,
) -> ReleaseDecision:
    """Load what the gate needs about ``record`` and ask it (media are cleaned into nothing
    first, only when the record goes and only for files nothing else keeps home).

    ``cleaning_cache`` keeps each file's cleaning result by media id and stored SHA-256: a
    file is only inspected again when its bytes changed; ``consent_cache`` decodes each
    consent record once for a whole plan; ``trashed``, when the caller read it with the
    record, saves reading the record again."""
    if trashed is None:
        trashed = cat.is_trashed(record.id)
    media = [] if trashed else cat.list_media(record_id=record.id)
    consents: list[ConsentRecord] = []
    if not trashed:
        consents = (consent_cache or ConsentCache(cat)).for_record(record.id)

    def ask(cleaning: Mapping[str, MediaCleaning]) -> ReleaseDecision:
        return decide_release(
            record,
            terms=terms,
            release=release,
            consents=consents,
            # Looked up by the record in the store's link table (ConsentCache).
            consents_name_it=True,
            people=people.for_record(record, media),
            media=media,
            cleaning=cleaning,
            trashed=trashed,
            customisations=customisations,
        )

    first = ask({})
    unchecked = [
        m.media
        for m in first.media
        if any(r.code == "metadata_cannot_be_cleaned" for r in m.reasons)
        or (m.confirmed and m.included)
    ]
    if not first.included or not unchecked:
        return first
    cache = cleaning_cache if cleaning_cache is not None else {}
    for m in unchecked:
        if (m.id, m.sha256) not in cache:
            cache[(m.id, m.sha256)] = media_release.inspect(cat, m)
    return ask({m.id: cache[(m.id, m.sha256)] for m in unchecked})


# --- the redacted record ------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _place(place: GeneralisedPlace) -> BundlePlace:
    # Darwin Core terms; coordinates as decimal strings (bundles hold no floats).
    return BundlePlace(
        latitude=place.latitude,
        longitude=place.longitude,
        uncertainty_m=place.uncertainty_m,
        locality=place.locality,
        data_generalizations=place.data_generalizations,
        information_withheld=place.information_withheld,
    )


def _taxon(taxon: Taxon, with_vernacular: bool) -> BundleTaxon:
    return BundleTaxon(
        id=taxon.id,
        scientific_name=taxon.scientific_name,
        authorship=taxon.authorship,
        rank=taxon.rank,
        kingdom=taxon.kingdom,
        family=taxon.family,
        genus=taxon.genus,
        gbif_key=taxon.gbif_key,
        col_id=taxon.col_id,
        vernacular_names=tuple(
            BundleVernacularName(v.name, v.language) for v in taxon.vernacular_names
        )
        if with_vernacular
        else None,
    )


def media_extension(media: Media) -> str:
    """The file name ending a media file gets in a bundle (``bin`` when none fits)."""
    suffix = PurePath(media.file_name).suffix.lower().lstrip(".")
    if _EXT.fullmatch(suffix):
        return suffix
    guessed = (mimetypes.guess_extension(media.mime_type) or "").lstrip(".").lower()
    return guessed if _EXT.fullmatch(guessed) else "bin"


def _media(release: MediaRelease) -> BundleMedia:
    media = release.media
    return BundleMedia(
        path=f"data/media/{release.sha256}.{media_extension(media)}",
        sha256=release.sha256,
        size=release.size,
        kind=media.kind.value,
        mime_type=media.mime_type,
        caption=media.caption,
        created=_iso(media.created),
        language=media.language,
        content_warning="; ".join(release.warnings),
        content_warnings=tuple(release.warnings),
        metadata_removed=tuple(release.removed),
        metadata_not_cleaned=release.confirmed,
        creator=release.creator,
    )


def bundle_record(
    record: KnowledgeRecord,
    plan: ReleaseDecision,
    *,
    terms_id: str,
    taxon: Callable[[str], Taxon | None],
    consent_ids: Sequence[str] = (),
) -> BundleRecord:
    """The record a bundle carries for one included record: only what the release gate lets
    go (withheld fields left out, not blanked), the place generalised, persons reduced to
    a name (or "a knowledge holder"), taxa embedded, media as cleaned. No floats, no
    persons' ids or contacts.

    Raises:
        ValidationError: the plan is for another record or excludes it.
    """
    if plan.record_id != record.id or not plan.included or plan.place is None:
        raise ValidationError("record_excluded", field="record", id=record.id)
    taxa = [t for t in (taxon(tid) for tid in record.taxon_ids) if t is not None]
    return BundleRecord(
        id=record.id,
        title=record.title,
        summary=record.summary,
        language=record.language,
        category=record.category.value,
        status=record.status.value,
        access=record.access.value,
        restricted_group=record.restricted_group,
        labels=tuple(sorted(record.labels)),
        version=record.version,
        created=_iso(record.created),
        modified=_iso(record.modified),
        recorded_date=_iso(record.recorded_date),
        place=_place(plan.place),
        withheld_fields=tuple(plan.withheld_fields),
        terms_id=terms_id,
        consent_ids=tuple(consent_ids),
        taxa=tuple(_taxon(t, not plan.withholds("local_names")) for t in taxa),
        description=None if plan.withholds("description") else record.description,
        uses=None
        if plan.withholds("uses")
        else tuple(
            BundleUse(
                part=use.part,
                purpose=use.purpose,
                season=use.season,
                preparation=None if plan.withholds("preparation") else use.preparation,
            )
            for use in record.uses
        ),
        holders=None
        if plan.withholds("holders")
        else tuple(
            BundleHolder(name, link.role)
            for link, name in zip(record.holders, plan.holders, strict=True)
        ),
        recorded_by=None if plan.withholds("recorded_by") else plan.recorded_by,
        # Only files that leave are listed: a record whose media stay (or that has none) says
        # nothing about media, as for every other withheld field.
        media=tuple(_media(m) for m in plan.released_media) or None,
    )


def _consent_json(consent: ConsentRecord, included: Container[str]) -> dict[str, Any]:
    value: dict[str, Any] = {
        "type": CONSENT_TYPE,
        "id": consent.id,
        "granted_by": consent.granted_by,
        # Only the shared records: ids of records that stay home never leave.
        "record_ids": sorted(r for r in consent.record_ids if r in included),
        "granted_on": _iso(consent.granted_on),
        "method": consent.method.value,
        "status": consent.status.value,
        "purposes": list(consent.purposes),
        "user_classes": list(consent.user_classes),
        "terms_id": consent.terms_id,
        "expires": _iso(consent.expires),
        "notes": consent.notes,
    }
    allowed = released_consent_fields(consent)
    return {
        key: item
        for key, item in value.items()
        if key in {"type", "id", "record_ids"} or key in allowed
    }


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export` wrote and recorded."""

    path: Path
    bundle_id: str  # urn:uuid:...
    sequence: int
    sha256: str  # of the file written (the age ciphertext when encrypted)
    plain_sha256: str  # of the signed .tkb
    size: int
    encrypted: bool
    records: int
    media: int
    consents: int
    terms_id: str
    fingerprint: str
    created: datetime


def bundle_id_for(catalogue_id: str, sequence: int) -> str:
    """The bundle UUID of a catalogue's export with this ``sequence`` (deterministic)."""
    return str(uuid.uuid5(_BUNDLE_NAMESPACE, f"{catalogue_id}:{sequence}"))


def reserve_export(cat: Catalogue, moment: datetime, file_name: str) -> tuple[int, str]:
    """Reserve the next sequence and its bundle id in the ledger, committed before any
    bundle file exists: an export killed at any later point never lets another export reuse
    them (see :func:`tkapp.store.sharing.next_sequence` for why numbers never repeat, even
    after a restore from an older backup).

    Returns:
        (sequence, bundle UUID).
    """
    with cat.session(Action.SHARE) as s:
        sequence = ledger_store.next_sequence(s.conn, moment)
        bundle_uuid = bundle_id_for(cat.id, sequence)
        ledger_store.reserve_export(
            s.conn, sequence, "urn:uuid:" + bundle_uuid, moment.isoformat(), file_name[:255]
        )
    return sequence, bundle_uuid


def unfinished_exports(cat: Catalogue) -> list[ledger_store.ReservationRow]:
    """Exports that reserved a bundle id but never reached the ledger (stopped part-way)."""
    with cat.reading() as conn:
        return ledger_store.unfinished_exports(conn)


def _expiry(expires: date | datetime | None) -> datetime | None:
    if expires is None:
        return None
    if isinstance(expires, datetime):
        return expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    # A day: the bundle expires at the start of that day, UTC.
    return datetime.combine(expires, time(0, 0), tzinfo=UTC)


def _check_fresh(cat: Catalogue, plan: SharingPlan) -> None:
    """Refuse an outdated plan: every included record is planned again from the catalogue
    as it is now, one at a time, and the gate's whole answer (fields, media as cleaned,
    names, place) and what the plan saw of the record (title, version, terms, labels) must
    be the same. Nothing of it is kept: the export then uses ``plan`` itself.

    Raises:
        ValidationError: ``plan_outdated``.
    """
    ids = [p.record_id for p in plan.included]
    if cat.readable_ids(ids) != ids:
        raise ValidationError("plan_outdated", field="records")
    plan_one = _planner(cat, _release_request(plan), dict(plan.cleaning))
    for item in plan.included:
        try:
            seen, fresh = plan_one(item.record_id)
        except NotFound as exc:
            raise ValidationError("plan_outdated", field="records", id=exc.detail) from None
        if fresh != item or seen != plan.records.get(item.record_id):
            raise ValidationError("plan_outdated", field="records")


def _age_recipients(recipient: Recipient, encrypt_to: Sequence[str]) -> tuple[str, ...]:
    keys = [recipient.age_recipient] if recipient.age_recipient else []
    keys += list(encrypt_to)
    result = []
    for key in keys:
        try:
            result.append(str(AgeRecipient.from_string(key)))
        except (KeyFormatError, ValueError):
            raise ValidationError("bad_age_recipient", field="encrypt_to") from None
    return tuple(dict.fromkeys(result))


def _media_opener(cat: Catalogue, release: MediaRelease) -> Callable[[], BinaryIO]:
    return lambda: media_release.open_released(cat, release)


class _BundleFiles:
    """The included records and their consents in bundle form, made one at a time each time
    the writer asks (twice: see :mod:`tkapp.bundle.writer`), from the checked plan's answers.

    Memory stays bounded by one record: only the plan's answers and the ids are kept. A
    record edited after the plan was checked stops the export (``plan_outdated``).
    """

    def __init__(self, cat: Catalogue, plan: SharingPlan, terms_id: str) -> None:
        self._cat = cat
        self._plan = plan
        self._terms_id = terms_id
        self._included = {p.record_id: p for p in plan.included}
        self._taxa: dict[str, Taxon | None] = {}
        consent_ids: set[str] = set()
        for record_id in self._included:
            consent_ids.update(cat.consent_ids(record_id))
        self.consent_ids = _uuid_order(consent_ids)

    def _taxon(self, taxon_id: str) -> Taxon | None:
        if taxon_id not in self._taxa:
            try:
                self._taxa[taxon_id] = self._cat.get_taxon(taxon_id)
            except NotFound:
                self._taxa[taxon_id] = None
        return self._taxa[taxon_id]

    def records(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for record_id in _uuid_order(self._included):
            record = self._cat.get_record(record_id)
            if record.version != self._plan.records[record_id].version:
                raise ValidationError("plan_outdated", field="records")
            # The consents naming the record, from the link table: a test of membership in
            # each consent's list of ids would grow with the square of records.
            covering = sorted(self._cat.consent_ids(record_id))
            form = bundle_record(
                record,
                self._included[record_id],
                terms_id=self._terms_id,
                taxon=self._taxon,
                consent_ids=covering,
            )
            yield record_id, form.to_json()

    def consents(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for consent_id in self.consent_ids:
            yield consent_id, _consent_json(self._cat.get_consent(consent_id), self._included)


def _uuid_order(ids: Iterable[str]) -> list[str]:
    """``ids`` in the order of their files in a bundle (canonical UUID text)."""
    return sorted(ids, key=lambda i: str(uuid.UUID(i.removeprefix("urn:uuid:"))))


def _build_content(
    cat: Catalogue,
    plan: SharingPlan,
    terms: Terms,
    *,
    bundle_uuid: str,
    sequence: int,
    expires: datetime | None,
    age_keys: tuple[str, ...],
) -> tuple[BundleContent, list[tuple[str, int]], int]:
    """The bundle's content (records and consents made on demand), each included record's
    id and version for the ledger, and how many consents go."""
    versions = [(p.record_id, plan.records[p.record_id].version) for p in plan.included]
    labels = sorted({label for i, _v in versions for label in plan.records[i].labels})
    media_items: dict[str, MediaItem] = {}
    for item in plan.included:
        for m in item.released_media:
            entry = MediaItem(m.sha256, media_extension(m.media), m.size, _media_opener(cat, m))
            media_items.setdefault(entry.path, entry)
    files = _BundleFiles(cat, plan, terms.id)
    customisations = terms_service.label_customisations(cat)
    community = cat.community
    languages = list(dict.fromkeys([*community.languages, *terms.languages]))
    texts = {lang: render_terms_text(terms, lang, labels, customisations) for lang in languages}
    recipient = plan.recipient
    catalogue_urn = f"urn:uuid:{cat.id}"
    odrl = to_odrl(
        terms,
        assigner=catalogue_urn,
        assignee={
            "uid": f"urn:uuid:{recipient.id}",
            "name": recipient.name,
            "organisation": recipient.organisation,
            "user_class": recipient.user_class,
        },
        uid_base=catalogue_urn,
        target=f"urn:uuid:{bundle_uuid}",
    )
    content = BundleContent(
        bundle_id=bundle_uuid,
        catalogue_id=cat.id,
        sequence=sequence,
        community=community.name,
        recipient=RecipientSpec(
            name=recipient.name,
            organisation=recipient.organisation,
            user_class=recipient.user_class,
            purpose=plan.purpose,
            age_recipients=age_keys,
        ),
        terms_json=terms.to_json(),
        terms_texts=texts,
        records=files.records,
        media=sorted(media_items.values(), key=lambda m: m.path),
        consents=files.consents,
        odrl=odrl,
        expires=expires,
        key_changes=_key_changes(cat),
        **_standards_parts(cat, [record_id for record_id, _version in versions]),
    )
    return content, versions, len(files.consent_ids)


def _key_changes(cat: Catalogue) -> list[tuple[bytes, bytes]]:
    """The catalogue's key rotation statements: every bundle carries them, so a recipient
    who trusted an earlier key follows the change without a separate file."""
    with cat.reading() as conn:
        return entities.list_key_rotations(conn)


def _standards_parts(cat: Catalogue, record_ids: Sequence[str]) -> dict[str, Any]:
    """Files beside the terms (issue 16): the tkapp ODRL profile vocabulary the policy names,
    and the Local Contexts Hub projects (Labels, Notices, page) of the shared records."""
    parts: dict[str, Any] = {"odrl_profile": profile_turtle()}
    projects = localcontexts.list_projects(cat)
    if localcontexts.projects_for(projects, record_ids):
        parts["local_contexts"] = localcontexts.bundle_json(projects, record_ids)
    return parts


def export(
    cat: Catalogue,
    plan: SharingPlan,
    dest: Path,
    *,
    expires: date | datetime | None = None,
    encrypt_to: Sequence[str] = (),
    created: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    confirmed_sensitive: bool = False,
) -> ExportResult:
    """Write the bundle ``plan`` describes to ``dest`` and record it in the sharing ledger.

    Args:
        plan: from :func:`plan_export` (rebuilt and compared first: an outdated plan is
            refused, so the custodian always confirmed what actually goes).
        dest: the bundle file (``.tkb``; ``.tkb.age`` when encrypted); must not exist.
        expires: the day (or moment) the bundle stops being valid; None: never.
        encrypt_to: ``age1...`` recipients to encrypt the signed bundle to.
        created: the export time (a fixed clock gives identical bytes); default now.
        progress: (bytes done, bytes total) while writing.
        cancel: returns True to stop (raises Cancelled; nothing is written or recorded).
        confirmed_sensitive: the custodian confirmed the culturally sensitive records.

    Raises:
        NothingToExport, ConfirmationRequired, MixedTerms, ValidationError (outdated plan,
        bad age recipient), BundleError/BundleIOError (writing failed; nothing is left at
        ``dest``), StoreError (the ledger could not be written; the bundle is removed).
    """
    if not plan.included:
        raise NothingToExport("nothing to export")
    if plan.needs_confirmation and not confirmed_sensitive:
        raise ConfirmationRequired(
            "culturally sensitive records", records=len(plan.needs_confirmation)
        )
    _check_fresh(cat, plan)
    if len(plan.terms_ids) != 1:
        raise MixedTerms("several terms versions", terms=",".join(plan.terms_ids))
    approved = approvals.require_enough(cat, plan)
    terms = terms_service.get_terms(cat, plan.terms_ids[0])
    moment = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    expiry = _expiry(expires)
    if expiry is not None and expiry <= moment:
        raise ValidationError("expires_in_past", field="expires")
    age_keys = _age_recipients(plan.recipient, encrypt_to)
    # The sequence's time part uses the clock at full precision (a fixed ``created`` keeps
    # the bytes deterministic).
    sequence, bundle_uuid = reserve_export(cat, created or datetime.now(UTC), Path(dest).name)
    content, versions, consents = _build_content(
        cat,
        plan,
        terms,
        bundle_uuid=bundle_uuid,
        sequence=sequence,
        expires=expiry,
        age_keys=age_keys,
    )
    if approved.needed > 1 or len(approved.approvals) > 1:
        # Shared approval was in force: the bundle says who approved it.
        content = replace(content, approvals=approvals.bundle_json(approved))

    def report(done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(done, total)

    if cancel is not None and cancel():
        raise Cancelled()
    written = write_bundle(
        content,
        cat.signing_key(),
        Path(dest),
        created=moment,
        encrypt_to=[str(AgeRecipient.from_string(k)) for k in encrypt_to],
        progress=report,
    )
    recipient_json = codec.dumps(plan.recipient)
    # Each record's consent cover, looked up by id (a scan of the plan per record would grow
    # with the square of the records).
    covers = {item.record_id: item.consent for item in plan.included}
    entry = ledger_store.ExportRow(
        bundle_id=written.bundle_id,
        sequence=sequence,
        created=moment.isoformat(),
        recipient=recipient_json,
        purpose=plan.purpose,
        user_class=plan.recipient.user_class,
        records=json.dumps([_ledger_item(covers.get(i), i, v) for i, v in versions]),
        terms_id=terms.id,
        bundle_sha256=written.sha256,
        expires=None if expiry is None else expiry.isoformat(),
        file_name=written.path.name,
    )
    try:
        with cat.session(Action.SHARE) as s:
            ledger_store.record_export(s.conn, entry, versions)
            terms_store.mark_used(s.conn, [terms.id], written.bundle_id)
            approvals.record_use(s.conn, approved, written.bundle_id)
            state = json.dumps(
                {
                    "bundle_id": entry.bundle_id,
                    "sequence": sequence,
                    "sha256": entry.bundle_sha256,
                    "records": [i for i, _v in versions],
                    "terms_id": terms.id,
                    "approved_by": [a.name for a in approved.approvals],
                    "plan_digest": approved.digest,
                },
                sort_keys=True,
            )
            s.audit("export", "bundle", written.bundle_id, state)
            for item in plan.included:
                cover = item.consent
                if cover is not None and cover.override is not None:
                    note = dict(cover.override.to_json(), bundle_id=written.bundle_id)
                    s.audit(
                        "consent_override",
                        "record",
                        item.record_id,
                        json.dumps(note, sort_keys=True),
                    )
    except BaseException:
        # A bundle the ledger does not know about must not exist: remove it.
        written.path.unlink(missing_ok=True)
        raise
    return ExportResult(
        path=written.path,
        bundle_id=written.bundle_id,
        sequence=sequence,
        sha256=written.sha256,
        plain_sha256=written.plain_sha256,
        size=written.size,
        encrypted=written.encrypted,
        records=len(versions),
        media=len(content.media),
        consents=consents,
        terms_id=terms.id,
        fingerprint=written.fingerprint,
        created=moment,
    )


def _ledger_item(cover: ConsentCover | None, record_id: str, version: int) -> dict[str, Any]:
    """One record in the ledger: id, version, and the custodian's consent override if any."""
    value: dict[str, Any] = {"id": record_id, "version": version}
    if cover is not None:
        if cover.override is not None:
            value["consent_override"] = cover.override.to_json()
        elif cover.consent_id:
            value["consent_id"] = cover.consent_id
    return value


# --- the ledger ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    kind: str
    date: date
    note: str


@dataclass(frozen=True)
class Approver:
    """A custodian who approved an export, and when."""

    name: str
    approved: datetime


@dataclass(frozen=True)
class ExportEntry:
    """One row of the sharing ledger."""

    bundle_id: str
    sequence: int
    created: datetime
    recipient: Recipient
    purpose: str
    user_class: str
    records: tuple[tuple[str, int], ...]  # (record id, version)
    terms_id: str
    bundle_sha256: str
    expires: datetime | None
    file_name: str
    follow_ups: tuple[FollowUp, ...] = ()
    #: record id -> the custodian's consent override (who, when, why) the export used.
    consent_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Who approved the export and when (shared approval; the exporting custodian included).
    approvers: tuple[Approver, ...] = ()


def _entry(
    row: ledger_store.ExportRow,
    follow: Iterable[ledger_store.FollowUpRow],
    approved: Sequence[approval_rows.ApprovalRow] = (),
) -> ExportEntry:
    items = json.loads(row.records)
    return ExportEntry(
        bundle_id=row.bundle_id,
        sequence=row.sequence,
        created=datetime.fromisoformat(row.created),
        recipient=codec.loads(Recipient, row.recipient),
        purpose=row.purpose,
        user_class=row.user_class,
        records=tuple((str(r["id"]), int(r["version"])) for r in items),
        terms_id=row.terms_id,
        bundle_sha256=row.bundle_sha256,
        expires=None if row.expires is None else datetime.fromisoformat(row.expires),
        file_name=row.file_name,
        follow_ups=tuple(
            FollowUp(f.kind, date.fromisoformat(f.date), f.note)
            for f in follow
            if f.bundle_id == row.bundle_id
        ),
        consent_overrides={
            str(r["id"]): {str(k): str(v) for k, v in r["consent_override"].items()}
            for r in items
            if isinstance(r.get("consent_override"), dict)
        },
        approvers=tuple(Approver(a.name, datetime.fromisoformat(a.created)) for a in approved),
    )


def list_exports(cat: Catalogue) -> list[ExportEntry]:
    """The sharing ledger, newest first, with follow-ups."""
    with cat.reading() as conn:
        rows = ledger_store.list_exports(conn)
        follow = ledger_store.follow_ups(conn)
        approved = {row.bundle_id: approval_rows.of_bundle(conn, row.bundle_id) for row in rows}
    return [_entry(row, follow, approved[row.bundle_id]) for row in rows]


def get_export(cat: Catalogue, bundle_id: str) -> ExportEntry:
    """One ledger entry (``urn:uuid:`` or bare UUID). Raises NotFound."""
    urn = bundle_id if bundle_id.startswith("urn:uuid:") else "urn:uuid:" + bundle_id
    with cat.reading() as conn:
        row = ledger_store.get_export(conn, urn)
        follow = ledger_store.follow_ups(conn, urn)
        approved = approval_rows.of_bundle(conn, urn)
    return _entry(row, follow, approved)


def exports_of_record(cat: Catalogue, record_id: str) -> list[ExportEntry]:
    """Who received this record (every export that carried it), newest first."""
    with cat.reading() as conn:
        rows = ledger_store.exports_of_record(conn, record_id)
        follow = ledger_store.follow_ups(conn)
    return [_entry(row, follow) for row in rows]


def add_follow_up(
    cat: Catalogue, bundle_id: str, kind: str, day: date, note: str = ""
) -> ExportEntry:
    """Note that a recipient returned results, notified a publication or shared benefits.

    Raises:
        ValidationError: unknown kind or overlong note. NotFound: unknown bundle.
    """
    if kind not in FOLLOW_UP_KINDS:
        raise ValidationError("unknown_code", field="kind", code=kind[:40])
    if len(note) > 5_000 or "\x00" in note:
        raise ValidationError("too_long", field="note")
    urn = bundle_id if bundle_id.startswith("urn:uuid:") else "urn:uuid:" + bundle_id
    row = ledger_store.FollowUpRow(urn, kind, day.isoformat(), note, datetime.now(UTC).isoformat())
    with cat.session(Action.SHARE) as s:
        ledger_store.add_follow_up(s.conn, row)
        state = json.dumps({"kind": kind, "date": row.date, "note": note}, sort_keys=True)
        s.audit("follow_up", "bundle", urn, state)
    return get_export(cat, urn)


@dataclass(frozen=True)
class OverdueDuty:
    """An export whose terms asked for something the ledger has no follow-up for."""

    entry: ExportEntry
    duty: DutyKind
    follow_up: str  # the follow-up kind that would discharge it
    days: int  # days since the export


def overdue_duties(
    cat: Catalogue, *, after_days: int = 365, today: date | None = None
) -> list[OverdueDuty]:
    """Exports older than ``after_days`` whose terms carried a duty (share results, notify
    before publication, share benefits) with no matching follow-up yet."""
    day = today or datetime.now(UTC).date()
    cutoff = datetime.combine(day - timedelta(days=after_days), time(0, 0), tzinfo=UTC)
    result: list[OverdueDuty] = []
    cache: dict[str, Terms] = {}
    for duty, kind in _DUTY_FOLLOW_UP.items():
        with cat.reading() as conn:
            rows = ledger_store.exports_lacking(conn, kind, cutoff.isoformat())
            follow = ledger_store.follow_ups(conn)
        for row in rows:
            if row.terms_id not in cache:
                cache[row.terms_id] = terms_service.get_terms(cat, row.terms_id)
            rule = cache[row.terms_id].rule(UserClass(row.user_class), Purpose(row.purpose))
            if any(d.kind is duty for d in rule.duties):
                entry = _entry(row, follow)
                result.append(OverdueDuty(entry, duty, kind, (day - entry.created.date()).days))
    return sorted(result, key=lambda o: (o.entry.sequence, o.follow_up))


# --- the address book ---------------------------------------------------------------------


def add_recipient(cat: Catalogue, recipient: Recipient) -> Recipient:
    """Add or update a recipient in the address book.

    Raises:
        ValidationError: missing name, unknown user class, or a malformed ``age1...`` key.
    """
    recipient.validate()
    _code(UserClass, recipient.user_class, "user_class")
    if recipient.age_recipient:
        try:
            AgeRecipient.from_string(recipient.age_recipient)
        except (KeyFormatError, ValueError):
            raise ValidationError("bad_age_recipient", field="age_recipient") from None
    if recipient.trusted_since is None:
        recipient.trusted_since = datetime.now(UTC).replace(microsecond=0)
    state = codec.dumps(recipient)
    with cat.session(Action.SHARE) as s:
        ledger_store.save_recipient(s.conn, recipient.id, recipient.name, state)
        s.audit("update", "recipient", recipient.id, state)
    return recipient


def get_recipient(cat: Catalogue, recipient_id: str) -> Recipient:
    with cat.reading() as conn:
        return codec.loads(Recipient, ledger_store.get_recipient(conn, recipient_id))


def find_recipient(cat: Catalogue, name: str) -> Recipient | None:
    """The address-book entry with this name (case-insensitive), if any."""
    with cat.reading() as conn:
        found = ledger_store.find_recipient_by_name(conn, name)
    return codec.loads(Recipient, found) if found else None


def list_recipients(cat: Catalogue) -> list[Recipient]:
    with cat.reading() as conn:
        return [codec.loads(Recipient, data) for data in ledger_store.list_recipients(conn)]


def remove_recipient(cat: Catalogue, recipient_id: str) -> bool:
    with cat.session(Action.SHARE) as s:
        removed = ledger_store.delete_recipient(s.conn, recipient_id)
        if removed:
            s.audit("delete", "recipient", recipient_id, json.dumps({"id": recipient_id}))
    return removed
