"""evaluate() on worked examples: the answers a researcher and a custodian would see."""

from __future__ import annotations

from datetime import date

import pytest

from tkapp.core.model import AccessLevel
from tkapp.errors import ValidationError
from tkapp.licensing.evaluate import Reason, Request, evaluate
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.terms import BenefitSharing, Duty, Fee, Terms, from_template
from tkapp.licensing.vocab import DutyKind, Outcome, strictest


def _cbrl() -> Terms:
    return from_template(
        "cbrl",
        attribution="Pueblo Kichwa de Sarayaku",
        contact="c@example.org",
        benefit_sharing=BenefitSharing(250, Fee("500.00", "USD")),
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 12, 31),
    )


def test_reciprocal_company_gets_benefit_sharing_duty_with_figures() -> None:
    decision = evaluate(
        _cbrl(), [], AccessLevel.PUBLIC, Request("for_profit_reciprocal", "commercial_sale")
    )
    assert decision.outcome is Outcome.ALLOWED_WITH_DUTIES
    duties = {d.kind: dict(d.params) for d in decision.duties}
    assert duties[DutyKind.ATTRIBUTE] == {"text": "Pueblo Kichwa de Sarayaku"}
    assert duties[DutyKind.BENEFIT_SHARE] == {
        "royalty_basis_points": "250",
        "fee_amount": "500.00",
        "fee_currency": "USD",
    }
    assert duties[DutyKind.EXPIRES] == {"date": "2027-12-31"}
    assert decision.reasons == (
        Reason(
            "terms_rule",
            {
                "template": "cbrl",
                "user_class": "for_profit_reciprocal",
                "purpose": "commercial_sale",
                "outcome": "allowed_with_duties",
            },
        ),
    )


def test_labels_explain_themselves() -> None:
    custom = {"tks": LabelCustomisation(code="tks", text="Solo en tiempo seco.")}
    decision = evaluate(
        _cbrl(),
        ["tkoc", "tks", "tkcs"],
        AccessLevel.PUBLIC,
        Request("for_profit_reciprocal", "product_development"),
        customisations=custom,
    )
    assert decision.outcome is Outcome.NEEDS_AGREEMENT
    assert decision.needs_confirmation
    assert decision.reason_codes == (
        "terms_rule",
        "culturally_sensitive",
        "label_commercial_partner",
        "label_protocol",
    )
    assert (
        Duty(DutyKind.RESPECT_PROTOCOLS, {"label": "tks", "text": "Solo en tiempo seco."})
        in decision.duties
    )
    assert decision.to_json()["outcome"] == "needs_agreement"


def test_validity_dates() -> None:
    early = evaluate(
        _cbrl(), [], AccessLevel.PUBLIC, Request("public_research", "research", on=date(2025, 6, 1))
    )
    assert early.outcome is Outcome.NEEDS_AGREEMENT
    assert early.reasons[-1] == Reason("terms_not_yet_valid", {"valid_from": "2026-01-01"})
    late = evaluate(
        _cbrl(), [], AccessLevel.PUBLIC, Request("public_research", "research", on=date(2028, 1, 1))
    )
    assert late.reasons[-1] == Reason("terms_expired", {"valid_until": "2027-12-31"})
    during = evaluate(
        _cbrl(),
        [],
        AccessLevel.PUBLIC,
        Request("public_research", "research", on=date(2027, 12, 31)),
    )
    assert during.permits


def test_access_levels_outside_and_inside_the_catalogue() -> None:
    terms = _cbrl()
    research = Request("public_research", "research")
    assert (
        evaluate(terms, [], AccessLevel.COMMUNITY, research).reason_codes[-1] == "community_access"
    )
    assert evaluate(terms, [], AccessLevel.COMMUNITY, Request("community", "research")).permits
    restricted = evaluate(terms, [], AccessLevel.RESTRICTED, research, group="parteras")
    assert (restricted.outcome, restricted.reasons[-1]) == (
        Outcome.NEEDS_AGREEMENT,
        Reason("restricted_access", {"group": "parteras"}),
    )
    inside = Request("community", "education", inside_catalogue=True)
    sacred_inside = evaluate(terms, ["tkss"], AccessLevel.SECRET_SACRED, inside)
    assert sacred_inside.permits  # the catalogue's own access control decides who sees it
    assert {d.kind for d in sacred_inside.duties} >= {DutyKind.RESPECT_PROTOCOLS}
    assert not evaluate(
        terms, [], AccessLevel.SECRET_SACRED, Request("community", "education")
    ).permits


def test_bad_input_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        evaluate(_cbrl(), ["tkzz"], AccessLevel.PUBLIC, Request("community", "research"))
    assert info.value.params["field"] == "labels"
    with pytest.raises(ValidationError):
        evaluate(_cbrl(), [], "everyone", Request("community", "research"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Request("aliens", "research")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Request("community", "mining")  # type: ignore[arg-type]


def test_strictest_orders_outcomes() -> None:
    order = list(Outcome)
    assert [o.value for o in order] == [
        "allowed",
        "allowed_with_duties",
        "needs_agreement",
        "not_allowed",
    ]
    for a in order:
        for b in order:
            assert strictest(a, b) is max(a, b, key=lambda o: o.rank)
