"""The release gate: per record, field and media file, what leaves, for whom, and where.

Replaces the old export-plan tests: the same cases (who goes, who stays and why, confidential
fields, places) now asked of :func:`decide_release`, plus consent, trash, media and warnings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from licensing_strategies import LABEL_CODES, any_terms, outside_requests

from tkapp.core.model import (
    CONFIDENTIAL_FIELDS,
    AccessLevel,
    ConsentRecord,
    ConsentStatus,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Place,
    RecordStatus,
    Sensitivity,
    Use,
)
from tkapp.licensing.evaluate import Request
from tkapp.licensing.gate import (
    ANONYMOUS_HOLDER,
    DECEASED_WARNING,
    ConsentOverride,
    Destination,
    Disposition,
    MediaCleaning,
    ReleaseRequest,
    covering_consents,
    decide_release,
)
from tkapp.licensing.plan import ExportPlan
from tkapp.licensing.terms import Terms, from_template

DAY = date(2026, 6, 1)
RESEARCH = Request("public_research", "research", on=DAY)
OVERRIDE = ConsentOverride("Rosa Grefa", datetime(2026, 6, 1, tzinfo=UTC), "assembly of May")


def _terms() -> Terms:
    return from_template("cbrl", attribution="Comunidad Sarayaku", contact="asamblea@example.org")


def _record(**kwargs: object) -> KnowledgeRecord:
    base: dict[str, object] = {
        "title": "Guayusa",
        "description": "Hojas para la madrugada",
        "access": AccessLevel.PUBLIC,
        "status": RecordStatus.VERIFIED,
        "uses": [Use(part="hoja", preparation="infusión", purpose="energía")],
        "holders": [HolderLink("p1", "elder")],
        "recorded_by": "p2",
        "place": Place("Sarayaku, cerca del río", -1.7345, -77.4876, 20, Sensitivity.MEDIUM),
    }
    base.update(kwargs)
    return KnowledgeRecord(**base)  # type: ignore[arg-type]


def _consent(record: KnowledgeRecord, **kwargs: object) -> ConsentRecord:
    base: dict[str, object] = {
        "granted_by": "Asamblea",
        "record_ids": [record.id],
        "purposes": ["research", "education"],
        "user_classes": ["public_research"],
    }
    base.update(kwargs)
    return ConsentRecord(**base)  # type: ignore[arg-type]


def _bundle(request: Request = RESEARCH, **kwargs: object) -> ReleaseRequest:
    return ReleaseRequest(request, Destination.BUNDLE, **kwargs)  # type: ignore[arg-type]


def _open_terms() -> Terms:
    return from_template("open_attribution", attribution="Comunidad Sarayaku", contact="a@b.org")


def _decide(record: KnowledgeRecord, consents: list[ConsentRecord] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    release = kw.pop("release", _bundle())
    if consents is None:
        consents = [_consent(record)]
    terms = _open_terms() if release.destination.is_open_data else _terms()  # type: ignore[attr-defined]
    return decide_release(record, terms=terms, release=release, consents=consents, **kw)  # type: ignore[arg-type]


def _codes(reasons: object) -> list[str]:
    return [r.code for r in reasons]  # type: ignore[attr-defined]


# --- who goes, who stays ------------------------------------------------------------------


def test_records_split_with_the_rule_that_decided() -> None:
    records = [
        _record(title="open"),
        _record(title="sacred", access=AccessLevel.SECRET_SACRED),
        _record(title="women", labels=["tkwr"]),
        _record(title="nc", labels=["tknc"]),
        _record(title="group", access=AccessLevel.RESTRICTED, restricted_group="parteras"),
        _record(title="sensitive", labels=["tkcs"]),
    ]
    plan = ExportPlan()
    for record in records:
        item = _decide(record)
        (plan.included if item.included else plan.excluded).append(item)
    assert [p.record_id for p in plan.included] == [records[0].id, records[3].id, records[5].id]
    excluded = {p.record_id: p for p in plan.excluded}
    assert _codes(excluded[records[1].id].reasons) == ["secret_sacred"]
    assert _codes(excluded[records[2].id].reasons) == ["restricted_gender"]
    assert excluded[records[4].id].reasons[0].params == {"group": "parteras"}
    assert [p.record_id for p in plan.needs_confirmation] == [records[5].id]
    assert plan.reason_counts() == {
        "restricted_access": 1,
        "restricted_gender": 1,
        "secret_sacred": 1,
    }
    assert all(p.place is None and not p.fields and not p.media for p in plan.excluded)


def test_commercial_request_kept_home_by_the_non_commercial_label() -> None:
    record = _record(labels=["tknc"])
    item = _decide(record, release=_bundle(Request("for_profit_reciprocal", "commercial_sale")))
    assert not item.included
    assert _codes(item.reasons) == ["label_forbids_commercial"]


def test_trash_never_leaves_by_any_destination() -> None:
    record = _record(open_licence="CC-BY-4.0")
    for destination in Destination:
        release = ReleaseRequest(RESEARCH, destination, overrides={record.id: OVERRIDE})
        item = _decide(record, release=release, trashed=True)
        assert not item.included and _codes(item.reasons) == ["in_trash"]


# --- consent is binding ----------------------------------------------------------------------


def test_consent_cases_keep_the_record_home_with_their_reason() -> None:
    record = _record()
    cases = {
        "consent_missing": [],
        "consent_withdrawn": [_consent(record, status=ConsentStatus.WITHDRAWN)],
        "consent_unknown": [_consent(record, status=ConsentStatus.UNKNOWN)],
        "consent_expired": [_consent(record, expires=date(2026, 5, 31))],
        "consent_purpose_not_covered": [_consent(record, purposes=["education"])],
        "consent_user_class_not_covered": [_consent(record, user_classes=["community"])],
    }
    for code, consents in cases.items():
        item = _decide(record, consents)
        assert not item.included, code
        assert code in _codes(item.reasons), code
    # Expiry is inclusive: on its last day the consent still holds.
    assert _decide(record, [_consent(record, expires=DAY)]).included
    # Withdrawn wins over another consent that says yes (consent only tightens).
    both = [_consent(record), _consent(record, status=ConsentStatus.WITHDRAWN)]
    assert _codes(_decide(record, both).reasons) == ["consent_withdrawn"]
    # A consent linked from the record's side covers it too.
    linked = _consent(record, record_ids=[])
    record.consent_ids = [linked.id]
    assert _decide(record, [linked]).included


def test_a_holder_who_withdrew_keeps_the_record_home() -> None:
    record = _record()
    people = {"p1": Person("Rosa", id="p1", consent_status=ConsentStatus.WITHDRAWN)}
    item = _decide(record, people=people)
    assert not item.included and _codes(item.reasons) == ["holder_consent_withdrawn"]


def test_only_an_explicit_override_releases_a_record_without_consent() -> None:
    record = _record()
    item = _decide(record, [], release=_bundle(overrides={record.id: OVERRIDE}))
    assert item.included and item.consent is not None and item.consent.override == OVERRIDE
    assert "consent_overridden" in _codes(item.warnings)
    # The override is for a missing consent only: it does not undo a withdrawal.
    withdrawn = [_consent(record, status=ConsentStatus.WITHDRAWN)]
    assert not _decide(record, withdrawn, release=_bundle(overrides={record.id: OVERRIDE})).included


def test_limited_consent_goes_with_a_warning_and_names_the_consent() -> None:
    record = _record()
    consent = _consent(record, status=ConsentStatus.LIMITED, granted_by="Mama Rosa")
    item = _decide(record, [consent])
    assert item.included and item.consent is not None
    assert item.consent.consent_id == consent.id and item.consent.granted_by == "Mama Rosa"
    assert "consent_limited" in _codes(item.warnings)


def test_csv_exchange_needs_no_consent_but_keeps_the_never_leave_rules() -> None:
    csv = ReleaseRequest(Request("community", "personal_study"), Destination.CSV_EXCHANGE)
    assert _decide(_record(), [], release=csv).included
    assert not _decide(_record(labels=["tkmr"]), [], release=csv).included
    assert not _decide(_record(access=AccessLevel.SECRET_SACRED), [], release=csv).included


def test_open_data_needs_consent_for_what_the_licence_grants() -> None:
    record = _record(open_licence="CC-BY-NC-4.0")
    dwca = ReleaseRequest(RESEARCH, Destination.DWCA)
    narrow = _consent(record)  # research by public research institutes only
    assert _codes(_decide(record, [narrow], release=dwca).reasons)[0].startswith("consent_")
    wide = _consent(record, purposes=["redistribution"], user_classes=["noncommercial"])
    item = _decide(record, [wide], release=dwca)
    assert item.included and item.open_decision is not None
    assert not _decide(_record(), [wide], release=dwca).included  # not marked open


# --- fields and places --------------------------------------------------------------------


def test_confidential_fields_are_withheld_with_their_reason() -> None:
    record = _record(confidential={"holders", "preparation", "place", "media"})
    item = _decide(record)
    assert item.included
    for name in ("holders", "preparation", "place", "locality"):
        assert item.withholds(name), name
        assert _codes(item.field(name).reasons) == ["confidential"]
    assert not item.withholds("description") and not item.withholds("uses")
    assert item.holders == () and item.place is not None and item.place.withheld


def test_free_text_locality_follows_the_place() -> None:
    for sensitivity in Sensitivity:
        record = _record(place=Place("garden beside the communal house", -1.7345, -77.4876, 20,
                                     sensitivity))  # fmt: skip
        item = _decide(record)
        locality = item.field("locality")
        coordinates = item.field("place")
        if sensitivity is Sensitivity.NONE:
            assert coordinates.disposition is Disposition.INCLUDED
            assert locality.text == "garden beside the communal house"
        else:
            # Never the precise text beside rounded (or withheld) coordinates.
            assert locality.disposition is Disposition.WITHHELD
            assert item.place is not None and item.place.locality is None
        if sensitivity is Sensitivity.MEDIUM:
            assert coordinates.disposition is Disposition.GENERALISED
            assert coordinates.text == "-1.73, -77.49"
        if sensitivity is Sensitivity.WITHHOLD:
            assert coordinates.disposition is Disposition.WITHHELD


def test_names_as_they_leave() -> None:
    people = {
        "p1": Person("Rosa", id="p1"),
        "p3": Person("Quiet one", id="p3", anonymous_outside=True),
        "p2": Person("Carlos", id="p2"),
    }
    record = _record(holders=[HolderLink("p1"), HolderLink("p3")])
    item = _decide(record, people=people)
    assert item.holders == ("Rosa", ANONYMOUS_HOLDER) and item.recorded_by == "Carlos"


# --- media ----------------------------------------------------------------------------------


def _media(record: KnowledgeRecord, **kw: object) -> Media:
    base: dict[str, object] = {
        "kind": MediaKind.PHOTO,
        "mime_type": "image/jpeg",
        "file_name": "foto.jpg",
        "record_id": record.id,
        "creator": "Carlos Shiguango",
        "sha256": "a" * 64,
        "size": 10,
    }
    base.update(kw)
    return Media(**base)  # type: ignore[arg-type]


def test_media_leave_cleaned_or_stay_with_a_reason() -> None:
    record = _record()
    clean, dirty, confirmed = _media(record), _media(record), _media(record)
    cleaning = {
        clean.id: MediaCleaning(True, removed=("gps", "artist"), sha256="b" * 64, size=8),
        dirty.id: MediaCleaning(False, reason="unsupported_format"),
        confirmed.id: MediaCleaning(False, reason="malformed"),
    }
    item = _decide(
        record,
        media=[clean, dirty, confirmed],
        cleaning=cleaning,
        release=_bundle(confirmed_media=frozenset({confirmed.id})),
    )
    by_id = {m.media.id: m for m in item.media}
    assert by_id[clean.id].included and by_id[clean.id].removed == ("gps", "artist")
    assert by_id[clean.id].sha256 == "b" * 64 and by_id[clean.id].size == 8
    assert not by_id[dirty.id].included
    assert by_id[dirty.id].reasons[0].params == {"why": "unsupported_format"}
    assert by_id[confirmed.id].included and by_id[confirmed.id].confirmed
    assert by_id[confirmed.id].sha256 == "a" * 64  # the stored file, as it is
    # Not inspected at all: withheld too (nothing leaves unchecked).
    unchecked = _decide(record, media=[clean])
    assert not unchecked.media[0].included


def test_warnings_travel_with_media_and_creators_follow_names() -> None:
    record = _record(confidential={"recorded_by"})
    elder = Person("Don Segundo", id="p9", deceased=True)
    photo = _media(record, person_ids=["p9"], content_warning="Ceremonia")
    cleaning = {photo.id: MediaCleaning(True, sha256="c" * 64, size=3)}
    item = _decide(record, media=[photo], cleaning=cleaning, people={"p9": elder})
    [released] = item.media
    assert released.warnings == ("Ceremonia", DECEASED_WARNING)
    assert released.creator is None  # names of persons are confidential on this record
    # Open data cannot show a warning first: such a file stays out of an open dataset.
    open_record = _record(open_licence="CC-BY-NC-4.0")
    photo = _media(open_record, person_ids=["p9"])
    wide = _consent(open_record, purposes=["redistribution"], user_classes=["noncommercial"])
    item = _decide(
        open_record,
        [wide],
        media=[photo],
        cleaning={photo.id: MediaCleaning(True, sha256="d" * 64, size=3)},
        people={"p9": elder},
        release=ReleaseRequest(RESEARCH, Destination.DWCA),
    )
    assert item.included and _codes(item.media[0].reasons) == ["media_needs_warning"]


def test_warnings_for_drafts_disputed_and_sensitive_records() -> None:
    assert "record_draft" in _codes(_decide(_record(status=RecordStatus.DRAFT)).warnings)
    disputed = _decide(_record(status=RecordStatus.DISPUTED))
    assert "record_disputed" in _codes(disputed.warnings)
    sensitive = _decide(_record(labels=["tkcs"]))
    assert sensitive.needs_confirmation and "culturally_sensitive" in _codes(sensitive.warnings)


# --- invariants -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    any_terms,
    st.lists(st.sampled_from(LABEL_CODES), max_size=5),
    st.sampled_from(list(AccessLevel)),
    outside_requests,
    st.sets(st.sampled_from(CONFIDENTIAL_FIELDS)),
    st.sampled_from(list(Sensitivity)),
    st.sampled_from([None, *ConsentStatus]),
    st.booleans(),
    st.sampled_from(list(Destination)),
)
def test_gate_invariants(
    terms: Terms,
    labels: list[str],
    access: AccessLevel,
    request: Request,
    confidential: set[str],
    sensitivity: Sensitivity,
    status: ConsentStatus | None,
    trashed: bool,
    destination: Destination,
) -> None:
    record = _record(
        labels=sorted(set(labels)),
        access=access,
        restricted_group="g",
        confidential=confidential,
        place=Place("Sarayaku", -1.7345, -77.4876, 20, sensitivity),
        open_licence="CC-BY-4.0",
    )
    consents = [] if status is None else [_consent(record, status=status)]
    item = decide_release(
        record,
        terms=terms,
        release=ReleaseRequest(request, destination),
        consents=consents,
        trashed=trashed,
    )
    never = access is AccessLevel.SECRET_SACRED or {"tkss", "tkwr", "tkmr"} & set(labels)
    if never or trashed:
        assert not item.included
    if destination.needs_consent and status not in (ConsentStatus.GRANTED, ConsentStatus.LIMITED):
        assert not item.included  # no override given: consent is binding
    if destination is Destination.BUNDLE and item.included:
        assert item.decision is not None and item.decision.permits
    if not item.included:
        assert item.reasons and not item.fields and not item.media and item.place is None
        return
    assert item.place is not None
    for name in confidential & {"description", "holders", "uses", "recorded_by", "local_names"}:
        assert item.withholds(name)
    if "place" in confidential or sensitivity is Sensitivity.WITHHOLD:
        assert item.place.latitude is None and item.place.locality is None
    if sensitivity is not Sensitivity.NONE:
        assert item.place.locality is None  # the free text follows the rounded place


def test_consents_looked_up_by_record_are_all_taken_as_naming_it() -> None:
    # The services look consents up by the record (the store's link table): the gate then
    # takes each as naming it without searching its list of ids (an assembly's consent may
    # name every record). Without the flag, the list decides, as before.
    record = KnowledgeRecord("Wayusa", id="r-1")
    names_it = ConsentRecord("Asamblea", id="c-1", record_ids=[f"r-{n}" for n in range(1, 500)])
    other = ConsentRecord("Familia", id="c-2", record_ids=["r-9"])
    assert covering_consents(record, [other, names_it]) == [names_it]
    assert covering_consents(record, [names_it], all_name_it=True) == [names_it]
    assert covering_consents(record, [other], all_name_it=True) == [other]
