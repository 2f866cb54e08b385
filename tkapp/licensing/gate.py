"""The one release gate: what of a record leaves the catalogue, for whom, and where. Pure.

Every path out of the catalogue (a signed bundle, a Darwin Core Archive, GeoJSON, the CSV
exchange) and every plan shown before one (the GUI wizard, ``tkapp export`` without
``--yes``) asks :func:`decide_release` and only renders its answer. Nothing else decides what
is withheld (LICENSING.md, "One release gate").

The answer, per record: included or staying home (with reasons); per field and per media
file: ``included``, ``generalised`` (with the exact text that leaves) or ``withheld`` (with
reasons). Reasons are :class:`~tkapp.licensing.evaluate.Reason` codes with string parameters
that the front ends translate (:func:`tkapp.licensing.text.describe_reason`).

The rules, in the order they are applied:

1. Records in the Trash never leave, by any destination.
2. Secret/sacred records and those labelled TK Secret/Sacred, Women or Men Restricted never
   leave, not even in the community's own CSV exchange.
3. Permission: for a bundle, :func:`~tkapp.licensing.evaluate.evaluate` for the request; for
   Darwin Core and GeoJSON, :func:`~tkapp.licensing.open_licence.decide_open` (only what the
   record's open licence allows). The CSV exchange is the community's own round trip.
4. Consent is binding (Nagoya PIC) for every destination outside the community (bundle,
   Darwin Core, GeoJSON): see :func:`consent_cover`. A record with no consent record at all
   goes only with a custodian's :class:`ConsentOverride` (who, when, why).
5. Fields marked confidential are withheld. The place is generalised per its sensitivity
   (:func:`tkapp.licensing.places.generalise`) and its free-text locality goes with it: exact
   text only beside exact coordinates, otherwise withheld.
6. Persons' names: anonymous holders appear as "a knowledge holder" in a bundle and not at
   all in open data; a media file's creator (often a person's name) leaves only where
   persons' names leave.
7. Media leave only after their metadata were cleaned (the caller reports what cleaning
   found, :class:`MediaCleaning`); a file that cannot be cleaned stays unless the custodian
   confirmed that very file. Content warnings (and "shows a deceased person") travel with it.
   Open data carries no media with a warning or showing a deceased or anonymous person.
8. Warnings for the custodian: drafts, disputed records, culturally sensitive ones.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from tkapp.core.model import (
    AccessLevel,
    ConsentRecord,
    ConsentStatus,
    KnowledgeRecord,
    Media,
    Person,
    RecordStatus,
    Sensitivity,
)
from tkapp.errors import ValidationError
from tkapp.licensing.evaluate import (
    NEVER_EXPORTED_LABELS,
    Decision,
    Reason,
    Request,
    evaluate_record,
)
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.open_licence import LICENCE_REQUESTS, OpenDecision, decide_open
from tkapp.licensing.places import GeneralisedPlace, generalise
from tkapp.licensing.terms import Terms
from tkapp.licensing.vocab import Purpose, UserClass

#: How a holder who asked to be anonymous outside the catalogue appears in a bundle. English
#: on purpose, like Darwin Core's dataGeneralizations: it is data, not interface text.
ANONYMOUS_HOLDER = "a knowledge holder"
#: The warning a media file showing or voicing a deceased person carries (data, English).
DECEASED_WARNING = "Shows or voices a person who has died"


class Destination(StrEnum):
    """Where the knowledge goes."""

    BUNDLE = "bundle"  # a signed .tkb for a named recipient
    DWCA = "dwca"  # Darwin Core Archive (open data)
    GEOJSON = "geojson"  # GeoJSON (open data)
    CSV_EXCHANGE = "csv_exchange"  # the community's own spreadsheet round trip

    @property
    def is_open_data(self) -> bool:
        return self in (Destination.DWCA, Destination.GEOJSON)

    @property
    def needs_consent(self) -> bool:
        """Leaves the community: prior informed consent must cover it."""
        return self is not Destination.CSV_EXCHANGE

    @property
    def carries_media(self) -> bool:
        return self is not Destination.CSV_EXCHANGE


class Disposition(StrEnum):
    INCLUDED = "included"
    GENERALISED = "generalised"
    WITHHELD = "withheld"


#: The fields the gate reports on, in display order (``locality`` is the place's free text,
#: ``place`` its coordinates).
RELEASE_FIELDS: tuple[str, ...] = (
    "description",
    "uses",
    "preparation",
    "holders",
    "recorded_by",
    "local_names",
    "place",
    "locality",
    "media",
)


@dataclass(frozen=True)
class ConsentOverride:
    """A custodian's explicit release of a record that has no consent record.

    Goes to the audit log and the sharing ledger with the export.
    """

    who: str
    when: datetime
    why: str

    def __post_init__(self) -> None:
        if not self.who.strip():
            raise ValidationError("required", field="override_by")
        if not self.why.strip():
            raise ValidationError("required", field="override_why")

    def to_json(self) -> dict[str, str]:
        return {"who": self.who, "when": self.when.isoformat(), "why": self.why}


@dataclass(frozen=True)
class MediaCleaning:
    """What cleaning a media file's metadata found (the caller cleans; the gate decides).

    Attributes:
        cleanable: the cleaner produced a clean copy.
        removed: metadata codes removed (e.g. ``gps``, ``artist``), when cleanable.
        reason: why not, when not cleanable (``unsupported_format``, ``malformed``,
            ``too_large``).
        sha256, size: of the cleaned bytes (what a bundle names and carries).
    """

    cleanable: bool
    removed: tuple[str, ...] = ()
    reason: str = ""
    sha256: str = ""
    size: int = 0


@dataclass(frozen=True)
class ReleaseRequest:
    """Who asks, what for, when, where to, and what the custodian confirmed.

    Attributes:
        request: user class, purpose and day (``request.on`` is the day of the export).
        destination: where the knowledge goes.
        overrides: record id -> the custodian's release of a record with no consent record.
        confirmed_media: ids of media files the custodian confirmed although their
            metadata cannot be cleaned.
        include_media: False leaves every media file out (open data option).
    """

    request: Request
    destination: Destination
    overrides: Mapping[str, ConsentOverride] = field(default_factory=dict)
    confirmed_media: frozenset[str] = frozenset()
    include_media: bool = True

    @property
    def day(self) -> date | None:
        return self.request.on


@dataclass(frozen=True, slots=True)
class FieldRelease:
    """One field: what happens to it, the exact text that leaves (locality), and why."""

    name: str
    disposition: Disposition
    reasons: tuple[Reason, ...] = ()
    text: str | None = None


@dataclass(frozen=True, slots=True)
class MediaRelease:
    """One media file: included after cleaning, or withheld with reasons.

    Attributes:
        removed: metadata removed by cleaning (empty when the custodian confirmed an
            uncleanable file: it leaves as it is).
        confirmed: the custodian confirmed this uncleanable file explicitly.
        creator: the creator text that leaves, or None (withheld).
        warnings: content warnings that travel with the file.
        sha256, size: of the bytes that leave (cleaned, or the stored file when confirmed).
    """

    media: Media
    disposition: Disposition
    reasons: tuple[Reason, ...] = ()
    removed: tuple[str, ...] = ()
    confirmed: bool = False
    creator: str | None = None
    warnings: tuple[str, ...] = ()
    sha256: str = ""
    size: int = 0

    @property
    def included(self) -> bool:
        return self.disposition is not Disposition.WITHHELD


@dataclass(frozen=True, slots=True)
class ConsentCover:
    """What covers the record's release: a consent record, or the custodian's override."""

    consent_id: str = ""
    granted_by: str = ""
    status: str = ""
    expires: date | None = None
    override: ConsentOverride | None = None


@dataclass(frozen=True, slots=True)
class ReleaseDecision:
    """The gate's one answer for one record, request and destination.

    Attributes:
        record_id: the record.
        included: True when the record leaves.
        reasons: why it stays (empty when it goes); the rule that decided comes first.
        decision: the terms' answer for a bundle (evaluate), else None.
        open_decision: the open-licence answer for Darwin Core / GeoJSON, else None.
        fields: per field, what leaves (:data:`RELEASE_FIELDS`); empty when it stays.
        media: per media file of the record, what leaves; empty when it stays.
        place: the publishable place, when the record goes.
        holders: the holders' names as they leave (empty when withheld).
        recorded_by: the recorder's name as it leaves, or None.
        names_withheld: some person's name was left out for anonymity (open data).
        consent: what covers the release, when it goes (None for the CSV exchange).
        warnings: for the custodian (draft, disputed, culturally sensitive, limited consent).
        needs_confirmation: culturally sensitive: the custodian must confirm it.
    """

    record_id: str
    included: bool
    reasons: tuple[Reason, ...] = ()
    decision: Decision | None = None
    open_decision: OpenDecision | None = None
    fields: tuple[FieldRelease, ...] = ()
    media: tuple[MediaRelease, ...] = ()
    place: GeneralisedPlace | None = None
    holders: tuple[str, ...] = ()
    recorded_by: str | None = None
    names_withheld: bool = False
    consent: ConsentCover | None = None
    warnings: tuple[Reason, ...] = ()
    needs_confirmation: bool = False

    def field(self, name: str) -> FieldRelease:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def withholds(self, name: str) -> bool:
        """True when field ``name`` does not leave (a staying record withholds everything)."""
        if not self.included:
            return True
        return self.field(name).disposition is Disposition.WITHHELD

    @property
    def withheld_fields(self) -> tuple[str, ...]:
        """Names of the fields left out (RELEASE_FIELDS order), plus ``media`` when no file
        leaves although the record has some."""
        names = [f.name for f in self.fields if f.disposition is Disposition.WITHHELD]
        if self.media and not any(m.included for m in self.media) and "media" not in names:
            names.append("media")
        return tuple(names)

    @property
    def released_media(self) -> tuple[MediaRelease, ...]:
        return tuple(m for m in self.media if m.included)


# --- persons and consent records as they leave -------------------------------------------


def released_name(person: Person | None, destination: Destination) -> str | None:
    """A person's name as it may leave: None when it may not (unknown, or anonymous outside
    the catalogue); a bundle names such a person "a knowledge holder" instead."""
    if person is None or person.anonymous_outside:
        return ANONYMOUS_HOLDER if destination is Destination.BUNDLE else None
    return person.name


def released_consent_fields(consent: ConsentRecord) -> frozenset[str]:
    """The fields of a consent record that may travel with the records it covers (its
    confidential ones stay; its id and the covered records' ids always travel)."""
    fields = {
        "granted_by", "granted_on", "method", "status", "purposes", "user_classes",
        "terms_id", "expires", "notes",
    }  # fmt: skip
    return frozenset(fields - set(consent.confidential))


# --- consent ------------------------------------------------------------------------------


def covering_consents(
    record: KnowledgeRecord, consents: Sequence[ConsentRecord], *, all_name_it: bool = False
) -> list[ConsentRecord]:
    """The consent records that name ``record`` (either side of the link), id order.

    ``all_name_it``: the caller looked ``consents`` up by the record (the store's link table
    of consents and records): each names it. The test of membership in each consent's list
    of records is then skipped: one assembly's consent may name every record, and testing
    it for each record grows with the square of the records.
    """
    linked = set(record.consent_ids)
    found = {
        c.id: c for c in consents if all_name_it or c.id in linked or record.id in c.record_ids
    }
    return [found[key] for key in sorted(found)]


def consent_cover(
    record: KnowledgeRecord,
    consents: Sequence[ConsentRecord],
    people: Mapping[str, Person],
    scope: Sequence[tuple[UserClass, Purpose]],
    day: date | None,
    *,
    override: ConsentOverride | None = None,
    all_name_it: bool = False,
) -> tuple[ConsentCover | None, tuple[Reason, ...]]:
    """Whether prior informed consent covers releasing ``record`` for every request in
    ``scope`` (LICENSING.md, "Consent is binding"). ``all_name_it``: see
    :func:`covering_consents`.

    A consent covers the release when it names the record, its status is granted or limited,
    it has not expired on ``day`` and its purposes and user classes include every requested
    pair (an empty list names nothing). A withdrawn consent for the record, or a holder whose
    own consent is withdrawn, keeps it home whatever else says yes (consent only tightens).
    No consent record at all: only a custodian's ``override`` releases it.

    Returns:
        (the cover, no reasons) or (None, the reasons it stays).
    """
    holder_ids = [h.person_id for h in record.holders]
    withdrawn_holders = [
        pid
        for pid in holder_ids
        if pid in people and people[pid].consent_status is ConsentStatus.WITHDRAWN
    ]
    if withdrawn_holders:
        return None, (Reason("holder_consent_withdrawn", {"count": str(len(withdrawn_holders))}),)
    linked = covering_consents(record, consents, all_name_it=all_name_it)
    if not linked:
        if override is not None:
            return ConsentCover(override=override), ()
        return None, (Reason("consent_missing"),)
    reasons: list[Reason] = []
    for consent in linked:
        if consent.status is ConsentStatus.WITHDRAWN:
            return None, (Reason("consent_withdrawn", {"granted_by": consent.granted_by}),)
    for consent in linked:
        problems = _consent_problems(consent, scope, day)
        if not problems:
            return (
                ConsentCover(
                    consent_id=consent.id,
                    granted_by=consent.granted_by,
                    status=consent.status.value,
                    expires=consent.expires,
                ),
                (),
            )
        reasons.extend(r for r in problems if r not in reasons)
    return None, tuple(reasons)


def _consent_problems(
    consent: ConsentRecord, scope: Sequence[tuple[UserClass, Purpose]], day: date | None
) -> list[Reason]:
    who = {"granted_by": consent.granted_by}
    if consent.status not in (ConsentStatus.GRANTED, ConsentStatus.LIMITED):
        return [Reason("consent_unknown", who)]
    problems: list[Reason] = []
    if day is not None and consent.expires is not None and consent.expires < day:
        problems.append(Reason("consent_expired", {**who, "expires": consent.expires.isoformat()}))
    for user_class, purpose in scope:
        if purpose.value not in consent.purposes:
            problems.append(Reason("consent_purpose_not_covered", {**who, "purpose": purpose}))
        if user_class.value not in consent.user_classes:
            problems.append(
                Reason("consent_user_class_not_covered", {**who, "user_class": user_class})
            )
    return problems


# --- the gate -----------------------------------------------------------------------------


def decide_release(
    record: KnowledgeRecord,
    *,
    terms: Terms,
    release: ReleaseRequest,
    consents: Sequence[ConsentRecord] = (),
    consents_name_it: bool = False,
    people: Mapping[str, Person] | None = None,
    media: Sequence[Media] = (),
    cleaning: Mapping[str, MediaCleaning] | None = None,
    trashed: bool = False,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> ReleaseDecision:
    """Decide what of ``record`` leaves for ``release`` (see the module docstring for rules).

    Args:
        record: the record as stored.
        terms: the terms version that governs it.
        release: request, destination, overrides and confirmations.
        consents: consent records (those not naming the record are ignored).
        consents_name_it: every one of ``consents`` names the record (they were looked up
            by it in the store's link table): the gate need not test each consent's list.
        people: persons by id (holders, recorder, persons in media).
        media: the record's media files.
        cleaning: media id -> what cleaning found (a file not listed cannot leave).
        trashed: the record is in the Trash.
        customisations: the catalogue's label wording.

    Raises:
        ValidationError: an unknown label code.
    """
    persons = people or {}
    destination = release.destination
    request = release.request
    if trashed:
        return ReleaseDecision(record.id, False, (Reason("in_trash"),))
    never = sorted(set(record.labels) & NEVER_EXPORTED_LABELS)
    if record.access is AccessLevel.SECRET_SACRED:
        return ReleaseDecision(record.id, False, (Reason("secret_sacred"),))
    if never:
        code = "secret_sacred" if never[0] == "tkss" else "restricted_gender"
        return ReleaseDecision(record.id, False, (Reason(code, {"label": never[0]}),))

    decision: Decision | None = None
    open_decision: OpenDecision | None = None
    scope: list[tuple[UserClass, Purpose]] = []
    needs_confirmation = False
    if destination is Destination.BUNDLE:
        decision = evaluate_record(record, terms, request, customisations)
        if not decision.permits:
            return ReleaseDecision(record.id, False, deciding_reasons(decision), decision=decision)
        needs_confirmation = decision.needs_confirmation
        scope = [(request.user_class, request.purpose)]
    elif destination.is_open_data:
        open_decision = decide_open(record, terms, on=request.on, customisations=customisations)
        if not open_decision.publishable:
            return ReleaseDecision(
                record.id, False, open_decision.reasons, open_decision=open_decision
            )
        scope = list(LICENCE_REQUESTS[open_decision.licence])

    cover: ConsentCover | None = None
    if destination.needs_consent:
        cover, problems = consent_cover(
            record,
            consents,
            persons,
            scope,
            request.on,
            override=release.overrides.get(record.id),
            all_name_it=consents_name_it,
        )
        if cover is None:
            return ReleaseDecision(
                record.id, False, problems, decision=decision, open_decision=open_decision
            )

    hidden = record.confidential
    fields: list[FieldRelease] = []

    def put(name: str, withheld: bool) -> None:
        fields.append(_field_release(name, withheld))

    put("description", "description" in hidden)
    put("uses", "uses" in hidden)
    put("preparation", "uses" in hidden or "preparation" in hidden)
    holders, holders_anonymous = _names([h.person_id for h in record.holders], persons, destination)
    put("holders", "holders" in hidden)
    recorded_by: str | None = None
    recorder_anonymous = False
    if "recorded_by" not in hidden and record.recorded_by:
        names, recorder_anonymous = _names([record.recorded_by], persons, destination)
        recorded_by = names[0] if names else None
    put("recorded_by", "recorded_by" in hidden)
    put("local_names", "local_names" in hidden)
    place = generalise(record.place, confidential="place" in hidden)
    fields.extend(_place_fields(record, place))
    put("media", "media" in hidden)

    names_ok = not hidden & {"holders", "recorded_by"}
    media_out = _media_releases(
        record, media, release, cleaning or {}, persons, creator_allowed=names_ok
    )
    warnings = _warnings(record, decision, cover)
    return ReleaseDecision(
        record_id=record.id,
        included=True,
        decision=decision,
        open_decision=open_decision,
        fields=tuple(fields),
        media=media_out,
        place=place,
        holders=() if "holders" in hidden else tuple(holders),
        recorded_by=recorded_by,
        names_withheld=destination.is_open_data
        and (("holders" not in hidden and holders_anonymous) or recorder_anonymous),
        consent=cover,
        warnings=warnings,
        needs_confirmation=needs_confirmation,
    )


def deciding_reasons(decision: Decision) -> tuple[Reason, ...]:
    """The rules that decided ``decision`` (what any front end shows as "why"): the terms'
    own rule only when it decided by itself, never a side note (a protocol duty, an
    attribution label) standing in for the rule."""
    deciding = [
        r
        for r in decision.reasons
        if not (r.code == "terms_rule" and r.params.get("outcome") in _PERMITTING)
        and r.code not in _SIDE_NOTES
    ]
    return tuple(deciding) or decision.reasons


_PERMITTING = frozenset({"allowed", "allowed_with_duties"})
#: Reasons that explain duties or confirmations, never why something stays.
_SIDE_NOTES = frozenset(
    {"label_protocol", "label_attribution", "access_protocol", "culturally_sensitive"}
)


def _names(
    ids: Sequence[str], persons: Mapping[str, Person], destination: Destination
) -> tuple[list[str], bool]:
    """Names as they leave, and whether some were left out for anonymity."""
    names: list[str] = []
    anonymous = False
    for person_id in ids:
        person = persons.get(person_id)
        name = released_name(person, destination)
        anonymous = anonymous or (person is not None and person.anonymous_outside)
        if name is not None:
            names.append(name)
    return names, anonymous


@functools.cache
def _field_release(name: str, withheld: bool) -> FieldRelease:
    """A field's answer that depends only on its name and whether it is confidential: one
    shared (immutable) object each, as a plan of many records held thousands of equal ones
    (issue 19: a plan's memory per record)."""
    if withheld:
        return FieldRelease(name, Disposition.WITHHELD, (Reason("confidential"),))
    return FieldRelease(name, Disposition.INCLUDED)


def _place_fields(record: KnowledgeRecord, place: GeneralisedPlace) -> list[FieldRelease]:
    out: list[FieldRelease] = []
    if "place" in record.confidential:
        why: tuple[Reason, ...] = (Reason("confidential"),)
    else:
        why = (Reason("place_sensitivity", {"sensitivity": record.place.sensitivity.value}),)
    if place.latitude is None:
        has_coordinates = record.place.latitude is not None
        out.append(
            FieldRelease("place", Disposition.WITHHELD if has_coordinates else Disposition.INCLUDED,
                         why if has_coordinates else ())
        )  # fmt: skip
    elif record.place.sensitivity is Sensitivity.NONE:
        out.append(FieldRelease("place", Disposition.INCLUDED))
    else:
        coordinates = f"{place.latitude}, {place.longitude}"
        out.append(FieldRelease("place", Disposition.GENERALISED, why, text=coordinates))
    locality = record.place.locality.strip()
    if not locality:
        out.append(FieldRelease("locality", Disposition.INCLUDED, text=""))
    elif place.locality is None:
        out.append(FieldRelease("locality", Disposition.WITHHELD, why))
    else:
        out.append(FieldRelease("locality", Disposition.INCLUDED, text=place.locality))
    return out


def _media_releases(
    record: KnowledgeRecord,
    media: Sequence[Media],
    release: ReleaseRequest,
    cleaning: Mapping[str, MediaCleaning],
    persons: Mapping[str, Person],
    *,
    creator_allowed: bool,
) -> tuple[MediaRelease, ...]:
    out: list[MediaRelease] = []
    destination = release.destination
    for item in media:
        if not destination.carries_media:
            continue
        shown = [persons.get(pid) for pid in item.person_ids]
        deceased = any(p is not None and p.deceased for p in shown)
        warnings = tuple(
            w for w in (item.content_warning.strip(), DECEASED_WARNING if deceased else "") if w
        )
        refusals: list[Reason] = []
        if "media" in record.confidential:
            refusals.append(Reason("confidential"))
        elif not release.include_media:
            refusals.append(Reason("media_not_requested"))
        elif destination.is_open_data and warnings:
            refusals.append(Reason("media_needs_warning"))  # an open portal cannot show it
        elif destination.is_open_data and any(p is None or p.anonymous_outside for p in shown):
            refusals.append(Reason("media_person_anonymous"))
        cleaned = cleaning.get(item.id)
        confirmed = item.id in release.confirmed_media
        if not refusals and (cleaned is None or not cleaned.cleanable) and not confirmed:
            why = cleaned.reason if cleaned is not None and cleaned.reason else "not_checked"
            refusals.append(Reason("metadata_cannot_be_cleaned", {"why": why}))
        if refusals:
            out.append(MediaRelease(item, Disposition.WITHHELD, tuple(refusals)))
            continue
        clean_ok = cleaned is not None and cleaned.cleanable
        out.append(
            MediaRelease(
                item,
                Disposition.INCLUDED,
                removed=cleaned.removed if clean_ok and cleaned is not None else (),
                confirmed=not clean_ok,
                creator=item.creator if creator_allowed else None,
                warnings=warnings,
                sha256=cleaned.sha256 if clean_ok and cleaned is not None else item.sha256,
                size=cleaned.size if clean_ok and cleaned is not None else item.size,
            )
        )
    return tuple(out)


def _warnings(
    record: KnowledgeRecord, decision: Decision | None, cover: ConsentCover | None
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    if record.status is RecordStatus.DRAFT:
        out.append(Reason("record_draft"))
    elif record.status is RecordStatus.DISPUTED:
        out.append(Reason("record_disputed"))
    if decision is not None and decision.needs_confirmation:
        out.append(Reason("culturally_sensitive", {"label": "tkcs"}))
    if cover is not None and cover.override is not None:
        out.append(Reason("consent_overridden", {"who": cover.override.who}))
    elif cover is not None and cover.status == ConsentStatus.LIMITED.value:
        out.append(Reason("consent_limited", {"granted_by": cover.granted_by}))
    return tuple(out)
