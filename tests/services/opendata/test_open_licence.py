"""The pure open-publication decision (tkapp.licensing.open_licence), with property tests."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tkapp.core.model import AccessLevel, KnowledgeRecord, RecordStatus
from tkapp.errors import ValidationError
from tkapp.licensing.labels import LABELS
from tkapp.licensing.open_licence import (
    CC0,
    CC_BY,
    CC_BY_NC,
    LICENCES,
    NEVER_OPEN_LABELS,
    decide_open,
    describe_open_reason,
    most_restrictive,
)
from tkapp.licensing.terms import Rule, Terms, from_template
from tkapp.licensing.vocab import DutyKind, Outcome, Purpose, UserClass

LABEL_CODES = sorted(label.code for label in LABELS)
TEMPLATE_CODES = ("cbrl", "noncommercial_research", "community_only", "open_attribution", "custom")


def _terms(code: str, **kw: object) -> Terms:
    return from_template(code, attribution="Comunidad Sacha Yaku", contact="consejo", **kw)  # type: ignore[arg-type]


def _free_table() -> Terms:
    """A custom table allowing everything outside ip_claim with no duty at all."""
    rules = {(c, p): Rule(Outcome.ALLOWED) for c in UserClass for p in Purpose}
    rules.update({(c, Purpose.IP_CLAIM): Rule(Outcome.NOT_ALLOWED) for c in UserClass})
    return _terms("custom", rules=rules)


def _record(**kw: object) -> KnowledgeRecord:
    base: dict[str, object] = {"access": AccessLevel.PUBLIC, "open_licence": CC_BY}
    base.update(kw)
    return KnowledgeRecord("Uña de gato", **base)  # type: ignore[arg-type]


terms_strategy = st.sampled_from(TEMPLATE_CODES).map(_terms) | st.just(_free_table())
licences = st.sampled_from(LICENCES)
label_lists = st.lists(st.sampled_from(LABEL_CODES), max_size=5, unique=True)


def test_model_accepts_only_the_three_licences() -> None:
    for code in ("", *LICENCES):
        _record(open_licence=code).validate()
    with pytest.raises(ValidationError) as exc:
        _record(open_licence="CC-BY-SA-4.0").validate()
    assert exc.value.params["field"] == "open_licence"


def test_open_attribution_terms_publish_cc_by_with_attribution() -> None:
    decision = decide_open(_record(labels=["tka", "tkv"]), _terms("open_attribution"))
    assert decision.publishable, decision.reasons
    assert decision.attribution == "Comunidad Sacha Yaku"
    assert decide_open(_record(open_licence=CC_BY_NC), _terms("open_attribution")).publishable


def test_cc0_refused_when_terms_ask_for_credit_but_allowed_without_duties() -> None:
    refused = decide_open(_record(open_licence=CC0), _terms("open_attribution"))
    assert not refused.publishable
    assert {r.code for r in refused.reasons} == {"licence_drops_duty"}
    assert refused.reasons[0].params["duty"] == "attribute"
    assert decide_open(_record(open_licence=CC0), _free_table()).publishable
    # TK Attribution asks for credit too: not CC0.
    assert not decide_open(_record(open_licence=CC0, labels=["tka"]), _free_table()).publishable


def test_reciprocity_terms_never_go_open() -> None:
    for licence in LICENCES:
        decision = decide_open(_record(open_licence=licence), _terms("cbrl"))
        assert not decision.publishable
        assert describe_open_reason(decision.reasons[0])


def test_expired_terms_refuse() -> None:
    terms = _terms("open_attribution", valid_until=date(2020, 1, 1))
    assert not decide_open(_record(), terms, on=date(2024, 1, 1)).publishable


def test_not_marked_and_disputed() -> None:
    assert decide_open(_record(open_licence=""), _free_table()).reasons[0].code == "not_marked_open"
    disputed = decide_open(_record(status=RecordStatus.DISPUTED), _free_table())
    assert [r.code for r in disputed.reasons] == ["record_disputed"]


def test_most_restrictive() -> None:
    assert most_restrictive({CC0, CC_BY}) == CC_BY
    assert most_restrictive({CC0, CC_BY_NC, CC_BY}) == CC_BY_NC
    assert most_restrictive(set()) == ""


@settings(max_examples=150, deadline=None)
@given(
    terms=terms_strategy,
    licence=licences,
    labels=label_lists,
    access=st.sampled_from(list(AccessLevel)),
    protected=st.sampled_from(sorted(NEVER_OPEN_LABELS)),
)
def test_protected_labels_and_access_never_publishable(
    terms: Terms, licence: str, labels: list[str], access: AccessLevel, protected: str
) -> None:
    with_label = _record(open_licence=licence, labels=sorted({*labels, protected}))
    assert not decide_open(with_label, terms).publishable
    if access is not AccessLevel.PUBLIC:
        group = "clan" if access is AccessLevel.RESTRICTED else ""
        rec = _record(open_licence=licence, labels=labels, access=access, restricted_group=group)
        assert not decide_open(rec, terms).publishable


@settings(max_examples=100, deadline=None)
@given(
    terms=terms_strategy,
    licence=st.sampled_from([CC0, CC_BY]),
    labels=label_lists,
    nc=st.sampled_from(["tknc", "bcnc", "bcr"]),
)
def test_non_commercial_labels_forbid_commercial_licences(
    terms: Terms, licence: str, labels: list[str], nc: str
) -> None:
    rec = _record(open_licence=licence, labels=sorted({*labels, nc}))
    decision = decide_open(rec, terms)
    assert not decision.publishable
    assert "label_forbids_commercial" in {r.code for r in decision.reasons}


@settings(max_examples=150, deadline=None)
@given(
    terms=terms_strategy, licence=licences, labels=label_lists, extra=st.sampled_from(LABEL_CODES)
)
def test_adding_a_label_never_makes_a_record_publishable(
    terms: Terms, licence: str, labels: list[str], extra: str
) -> None:
    before = decide_open(_record(open_licence=licence, labels=labels), terms)
    after = decide_open(_record(open_licence=licence, labels=sorted({*labels, extra})), terms)
    assert before.publishable or not after.publishable


@settings(max_examples=100, deadline=None)
@given(terms=terms_strategy, licence=licences, labels=label_lists)
def test_publishable_means_every_licensed_use_is_permitted_with_credit_at_most(
    terms: Terms, licence: str, labels: list[str]
) -> None:
    from tkapp.licensing.evaluate import Request, evaluate

    rec = _record(open_licence=licence, labels=labels)
    if not decide_open(rec, terms).publishable:
        return
    user_class = UserClass.NONCOMMERCIAL if licence == CC_BY_NC else UserClass.FOR_PROFIT
    decision = evaluate(
        terms, labels, AccessLevel.PUBLIC, Request(user_class, Purpose.REDISTRIBUTION)
    )
    assert decision.permits
    allowed = {DutyKind.ATTRIBUTE} if licence != CC0 else set()
    assert {d.kind for d in decision.duties} <= allowed
    assert not set(labels) & NEVER_OPEN_LABELS
