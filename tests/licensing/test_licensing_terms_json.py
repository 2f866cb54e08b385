"""terms.json: closed schema, no floats, canonical bytes, round trip, immutable versions."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from licensing_strategies import any_terms

from tkapp.errors import ValidationError
from tkapp.licensing.terms import (
    BenefitSharing,
    Duty,
    Fee,
    Rule,
    Terms,
    canonical_terms_bytes,
    from_template,
    new_version,
)
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome


def _sample() -> Terms:
    return from_template(
        "cbrl",
        attribution="Comunidad Kichwa de Sarayaku",
        contact="tayjasaruta@example.org",
        benefit_sharing=BenefitSharing(
            250, Fee("500.00", "USD"), (NonMonetaryBenefit.SOCIAL_RECOGNITION,), "Per year"
        ),
        valid_from=date(2026, 1, 1),
        valid_until=date(2028, 12, 31),
        languages=("es", "qu", "en"),
        notes={"es": "Pregunte a la asamblea."},
    )


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *[x for v in value.values() for x in _walk(v)]]
    if isinstance(value, list):
        return [value, *[x for v in value for x in _walk(v)]]
    return [value]


@settings(max_examples=100, deadline=None)
@given(any_terms)
def test_round_trip_and_only_ints_and_strings(terms: Terms) -> None:
    data = terms.to_json()
    for leaf in _walk(data):
        assert leaf is None or isinstance(leaf, (str, int, list, dict))
        assert not isinstance(leaf, (float, bool))
    # Through real canonical bytes, as a bundle carries it.
    again = Terms.from_json(json.loads(canonical_terms_bytes(terms)))
    assert again == terms
    assert canonical_terms_bytes(again) == canonical_terms_bytes(terms)


def test_canonical_bytes_are_rfc8785() -> None:
    terms = _sample()
    raw = canonical_terms_bytes(terms)
    assert raw == rfc8785.dumps(json.loads(raw))
    assert not raw.endswith(b"\n")
    assert b'"royalty_basis_points":250' in raw


def _broken(mutate) -> dict[str, Any]:
    data = copy.deepcopy(_sample().to_json())
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "field", "detail"),
    [
        (lambda d: d.update(extra=1), "extra", "unknown_key"),
        (lambda d: d.pop("contact"), "contact", "missing_key"),
        (
            lambda d: d["benefit_sharing"].update(royalty_basis_points=2.5),
            "benefit_sharing.royalty_basis_points",
            "float_not_allowed",
        ),
        (lambda d: d.update(version=1.0), "version", "float_not_allowed"),
        (lambda d: d.update(version=True), "version", "expected_integer"),
        (lambda d: d.update(version=0), "version", "out_of_range"),
        (lambda d: d.update(type="tkapp/terms/v2"), "type", "unsupported_version"),
        (lambda d: d.update(id="not-a-uuid"), "id", "bad_uuid"),
        (lambda d: d.update(id=d["id"].upper()), "id", "bad_uuid"),
        (lambda d: d.update(template="ppl"), "template", "unknown_code"),
        (lambda d: d.update(valid_until="31/12/2028"), "valid_until", "bad_date"),
        (lambda d: d.update(valid_until="2025-01-01"), "valid_until", "before_valid_from"),
        (lambda d: d.update(languages=[]), "languages", "required"),
        (lambda d: d.update(languages=["es", "es"]), "languages", "duplicate"),
        (lambda d: d.update(languages=["spanish!"]), "languages", "bad_language_tag"),
        (lambda d: d.update(name="a\x00b"), "name", "control_character"),
        (lambda d: d["rules"].update(robots={}), "rules.robots", "unknown_key"),
        (
            lambda d: d["rules"]["for_profit"].pop("research"),
            "rules.for_profit.research",
            "missing_key",
        ),
        (
            lambda d: d["rules"]["for_profit"]["research"].update(outcome="maybe"),
            "rules.for_profit.research.outcome",
            "unknown_code",
        ),
        (
            lambda d: d["rules"]["community"]["research"]["duties"].append(
                {"kind": "dance", "params": {}}
            ),
            "rules.community.research.duties[3].kind",
            "unknown_code",
        ),
        (
            lambda d: d["rules"]["community"]["research"]["duties"][0].update(extra="x"),
            "rules.community.research.duties[0].extra",
            "unknown_key",
        ),
        (
            lambda d: d["rules"]["community"]["research"].update(duties=[]),
            "rules.community.research.duties",
            "duties_required",
        ),
        (
            lambda d: d["rules"]["community"]["ip_claim"]["duties"].append(
                {"kind": "attribute", "params": {}}
            ),
            "rules.community.ip_claim.duties",
            "outcome_takes_no_duties",
        ),
        (
            lambda d: d["rules"]["community"]["research"]["duties"].append(
                {"kind": "attribute", "params": {}}
            ),
            "rules.community.research.duties",
            "duplicate",
        ),
        (
            lambda d: d["rules"]["community"]["research"]["duties"][0]["params"].update(text="x"),
            "rules.community.research.duties.attribute.text",
            "unknown_key",
        ),
        (
            lambda d: d["benefit_sharing"]["fee"].update(amount="5,00"),
            "benefit_sharing.fee.amount",
            "bad_amount",
        ),
        (
            lambda d: d["benefit_sharing"]["fee"].update(currency="dollars"),
            "benefit_sharing.fee.currency",
            "bad_currency",
        ),
        (
            lambda d: d["benefit_sharing"].update(non_monetary=["gold"]),
            "benefit_sharing.non_monetary",
            "unknown_code",
        ),
        (
            lambda d: d["benefit_sharing"].update(royalty_basis_points=10_001),
            "benefit_sharing.royalty_basis_points",
            "out_of_range",
        ),
        (lambda d: d.update(notes=[]), "notes", "expected_object"),
        (lambda d: d.update(attribution=""), "attribution", "required"),
    ],
)
def test_from_json_rejects_malformed_terms(mutate, field: str, detail: str) -> None:
    with pytest.raises(ValidationError) as info:
        Terms.from_json(_broken(mutate))
    assert info.value.params["field"] == field
    assert info.value.detail == detail


@pytest.mark.parametrize("value", [None, [], "terms", 3])
def test_from_json_rejects_non_objects(value: Any) -> None:
    with pytest.raises(ValidationError):
        Terms.from_json(value)


def test_new_version_is_a_new_immutable_version() -> None:
    v1 = _sample()
    v2 = new_version(v1, attribution="Pueblo Originario Kichwa de Sarayaku")
    assert (v2.version, v2.set_id, v2.previous_id) == (2, v1.set_id, v1.id)
    assert v2.id != v1.id
    assert v1.attribution == "Comunidad Kichwa de Sarayaku"  # untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        v1.name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        v1.rules[next(iter(v1.rules))] = Rule(Outcome.ALLOWED)  # type: ignore[index]
    for field in ("id", "set_id", "version", "previous_id"):
        with pytest.raises(ValidationError):
            new_version(v1, **{field: "x"})
    with pytest.raises(ValidationError):
        new_version(v1, colour="red")


def test_new_version_revalidates() -> None:
    with pytest.raises(ValidationError) as info:
        new_version(_sample(), contact="")
    assert info.value.params["field"] == "contact"


def test_duty_order_and_params_are_normalised() -> None:
    rule = Rule(
        Outcome.ALLOWED_WITH_DUTIES, (Duty(DutyKind.SHARE_RESULTS), Duty(DutyKind.ATTRIBUTE))
    )
    assert [d.kind for d in rule.duties] == [DutyKind.ATTRIBUTE, DutyKind.SHARE_RESULTS]
    with pytest.raises(ValidationError):
        Duty("dance")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Duty(DutyKind.ATTRIBUTE, {"n": 3})  # type: ignore[dict-item]
    with pytest.raises(ValidationError):
        Rule(
            Outcome.ALLOWED_WITH_DUTIES,
            (Duty(DutyKind.NOTIFY_BEFORE_PUBLICATION, {"days": "soon"}),),
        )
