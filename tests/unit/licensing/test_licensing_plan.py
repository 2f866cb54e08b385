"""Export planning: which records go, which stay and why, withheld fields, generalised places."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from licensing_strategies import LABEL_CODES, any_terms, outside_requests

from tkapp.core.model import (
    CONFIDENTIAL_FIELDS,
    AccessLevel,
    HolderLink,
    KnowledgeRecord,
    Place,
    Sensitivity,
    Use,
)
from tkapp.errors import ValidationError
from tkapp.licensing.evaluate import Request
from tkapp.licensing.plan import plan_record, plan_records, redact
from tkapp.licensing.terms import Terms, from_template


def _terms() -> Terms:
    return from_template("cbrl", attribution="Comunidad Sarayaku", contact="asamblea@example.org")


def _record(**kwargs: object) -> KnowledgeRecord:
    base: dict[str, object] = {
        "title": "Guayusa",
        "description": "Hojas para la madrugada",
        "access": AccessLevel.PUBLIC,
        "uses": [Use(part="hoja", preparation="infusión", purpose="energía")],
        "holders": [HolderLink("p1", "elder")],
        "recorded_by": "p2",
        "place": Place("Sarayaku, cerca del río", -1.7345, -77.4876, 20, Sensitivity.MEDIUM),
    }
    base.update(kwargs)
    return KnowledgeRecord(**base)  # type: ignore[arg-type]


RESEARCH = Request("public_research", "research", on=date(2026, 6, 1))


def test_plan_splits_records_with_reasons() -> None:
    records = [
        _record(title="open"),
        _record(title="sacred", access=AccessLevel.SECRET_SACRED),
        _record(title="women", labels=["tkwr"]),
        _record(title="nc", labels=["tknc"]),
        _record(title="group", access=AccessLevel.RESTRICTED, restricted_group="parteras"),
        _record(title="sensitive", labels=["tkcs"]),
    ]
    plan = plan_records(records, lambda _r: _terms(), RESEARCH)
    assert [p.record_id for p in plan.included] == [records[0].id, records[3].id, records[5].id]
    excluded = {p.record_id: p for p in plan.excluded}
    assert excluded[records[1].id].decision.reason_codes[-1] == "secret_sacred"
    assert excluded[records[2].id].decision.reason_codes[-1] == "restricted_gender"
    assert excluded[records[4].id].decision.reasons[-1].params == {"group": "parteras"}
    assert [p.record_id for p in plan.needs_confirmation] == [records[5].id]
    assert plan.reason_counts() == {
        "restricted_access": 1,
        "restricted_gender": 1,
        "secret_sacred": 1,
    }
    assert all(p.place is None for p in plan.excluded)


def test_commercial_request_is_kept_home_by_non_commercial_label() -> None:
    plan = plan_record(
        _record(labels=["tknc"]), _terms(), Request("for_profit_reciprocal", "commercial_sale")
    )
    assert not plan.included
    assert "label_forbids_commercial" in plan.decision.reason_codes


def test_confidential_fields_withheld_and_redacted() -> None:
    record = _record(confidential={"holders", "preparation", "place", "media"})
    plan = plan_record(record, _terms(), RESEARCH)
    assert plan.included
    assert plan.withheld_fields == ("holders", "place", "preparation", "media")
    assert plan.place is not None and plan.place.withheld
    copy = redact(record, plan)
    assert copy.holders == [] and copy.uses[0].preparation == "" and copy.uses[0].part == "hoja"
    assert copy.place.latitude is None and copy.place.locality == ""
    assert copy.description == record.description
    assert record.holders and record.uses[0].preparation == "infusión"  # original untouched


def test_redact_rounds_the_place_and_refuses_excluded_records() -> None:
    record = _record()
    plan = plan_record(record, _terms(), RESEARCH)
    copy = redact(record, plan)
    assert (copy.place.latitude, copy.place.longitude) == (-1.73, -77.49)
    sacred = _record(access=AccessLevel.SECRET_SACRED)
    with pytest.raises(ValidationError):
        redact(sacred, plan_record(sacred, _terms(), RESEARCH))
    with pytest.raises(ValidationError):
        redact(_record(), plan)  # a plan for another record


@settings(max_examples=100, deadline=None)
@given(
    any_terms,
    st.lists(st.sampled_from(LABEL_CODES), max_size=5),
    st.sampled_from(list(AccessLevel)),
    outside_requests,
    st.sets(st.sampled_from(CONFIDENTIAL_FIELDS)),
    st.sampled_from(list(Sensitivity)),
)
def test_plan_invariants(
    terms: Terms,
    labels: list[str],
    access: AccessLevel,
    request: Request,
    confidential: set[str],
    sensitivity: Sensitivity,
) -> None:
    record = _record(
        labels=sorted(set(labels)),
        access=access,
        restricted_group="g",
        confidential=confidential,
        place=Place("Sarayaku", -1.7345, -77.4876, 20, sensitivity),
    )
    plan = plan_record(record, terms, request)
    never = access is AccessLevel.SECRET_SACRED or {"tkss", "tkwr", "tkmr"} & set(labels)
    if never:
        assert not plan.included
    assert plan.included == plan.decision.permits
    assert set(plan.withheld_fields) == confidential
    if plan.included:
        assert plan.place is not None
        if "place" in confidential or sensitivity is Sensitivity.WITHHOLD:
            assert plan.place.latitude is None and plan.place.locality is None
