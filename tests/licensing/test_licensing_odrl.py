"""The ODRL 2.2 policy is valid JSON-LD and states exactly what terms.json states.

Expansion runs fully offline: the policy carries an inline @context, and the document
loader below refuses every URL, so a remote context would fail the test.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from licensing_strategies import any_terms
from pyld import jsonld

from tkapp.licensing.odrl import to_odrl
from tkapp.licensing.terms import BenefitSharing, Duty, Fee, Rule, Terms, from_template, new_version
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome, Purpose, UserClass

ODRL = "http://www.w3.org/ns/odrl/2/"
TK = "https://tkcommons.org/ns/tkapp#"
COMMUNITY = "urn:uuid:3f1c2a58-6f0e-4d55-9a51-0c1d2e3f4a5b"
BASE = "urn:uuid:9d8c7b6a-5f4e-4d3c-8b2a-1a0f9e8d7c6b"

# Written out here, independently of tkapp.licensing.odrl, so a wrong mapping fails.
DUTY_IRI = {
    ODRL + "attribute": "attribute",
    TK + "shareResults": "share_results",
    TK + "notifyBeforePublication": "notify_before_publication",
    TK + "refrainFromIpClaims": "no_ip_claims",
    TK + "refrainFromRedistribution": "no_redistribution",
    ODRL + "compensate": "benefit_share",
    TK + "respectProtocols": "respect_protocols",
    TK + "observeExpiry": "expires",
}


def _offline(url: str, options: Any = None) -> Any:
    raise AssertionError(f"JSON-LD processor tried to fetch {url}")


def _expand(policy: dict[str, Any]) -> dict[str, Any]:
    expanded = jsonld.expand(policy, {"documentLoader": _offline})
    assert len(expanded) == 1
    return expanded[0]


def _ids(node: dict[str, Any], prop: str) -> list[str]:
    return [v["@id"] for v in node.get(prop, [])]


RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"


def _action(duty: dict[str, Any]) -> str:
    """A duty's action IRI, plain or refined (``rdf:value`` + ``refinement``)."""
    (action,) = duty[ODRL + "action"]
    return action["@id"] if RDF_VALUE not in action else action[RDF_VALUE][0]["@id"]


def _cells(rule: dict[str, Any]) -> list[tuple[str, str]]:
    """(user_class, purpose) pairs an expanded ODRL rule's constraints cover."""
    classes: list[str] = []
    purposes: list[str] = []
    for c in rule[ODRL + "constraint"]:
        left = _ids(c, ODRL + "leftOperand")[0]
        values = [v["@id"] for v in c[ODRL + "rightOperand"] if "@id" in v]
        if left == TK + "userClass":
            assert _ids(c, ODRL + "operator") == [ODRL + "eq"]
            classes += [v.removeprefix(TK + "class_") for v in values]
        elif left == ODRL + "purpose":
            assert _ids(c, ODRL + "operator") == [ODRL + "eq"]
            purposes += [v.removeprefix(TK + "purpose_") for v in values]
        else:
            assert left == ODRL + "dateTime"
    return [(c, p) for c in classes for p in purposes]


def _from_odrl(node: dict[str, Any]) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Read the expanded policy back into {(class, purpose): (outcome, duty kinds)}."""
    table: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for rule in node.get(ODRL + "permission", []):
        assert _ids(rule, ODRL + "action") == [ODRL + "use"]
        assert rule["@type"] == [ODRL + "Permission"]
        actions = [_action(d) for d in rule.get(ODRL + "duty", [])]
        agreement = ODRL + "obtainConsent" in actions
        kinds = sorted(DUTY_IRI[a] for a in actions if a != ODRL + "obtainConsent")
        outcome = (
            "needs_agreement" if agreement else ("allowed_with_duties" if kinds else "allowed")
        )
        for cell in _cells(rule):
            assert cell not in table, f"{cell} stated twice"
            table[cell] = (outcome, kinds)
    for rule in node.get(ODRL + "prohibition", []):
        assert rule["@type"] == [ODRL + "Prohibition"]
        assert _ids(rule, ODRL + "action") == [ODRL + "use"]
        for cell in _cells(rule):
            assert cell not in table, f"{cell} stated twice"
            table[cell] = ("not_allowed", [])
    return table


def _from_terms_json(
    terms: Terms, classes: list[str] | None = None
) -> dict[tuple[str, str], tuple[str, list[str]]]:
    data = json.loads(rfc8785.dumps(terms.to_json()))
    return {
        (c, p): (cell["outcome"], sorted(d["kind"] for d in cell["duties"]))
        for c, row in data["rules"].items()
        if classes is None or c in classes
        for p, cell in row.items()
    }


def _samples() -> list[Terms]:
    benefits = BenefitSharing(250, Fee("500.00", "USD"), (NonMonetaryBenefit.SOCIAL_RECOGNITION,))
    cbrl = from_template(
        "cbrl", attribution="Pueblo Kichwa de Sarayaku", contact="c@example.org",
        benefit_sharing=benefits, valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31),
    )  # fmt: skip
    custom_rules = dict(cbrl.rules)
    custom_rules[(UserClass.FOR_PROFIT, Purpose.RESEARCH)] = Rule(
        Outcome.NEEDS_AGREEMENT,
        (Duty(DutyKind.BENEFIT_SHARE), Duty(DutyKind.NOTIFY_BEFORE_PUBLICATION, {"days": "60"})),
    )
    custom_rules[(UserClass.COMMUNITY, Purpose.RESEARCH)] = Rule(Outcome.ALLOWED)
    custom = new_version(cbrl, template="custom", rules=custom_rules)
    codes = ("noncommercial_research", "community_only", "open_attribution", "custom")
    others = [from_template(code, attribution="C", contact="c@example.org") for code in codes]
    return [cbrl, custom, *others]


@pytest.mark.parametrize("terms", _samples(), ids=lambda t: f"{t.template}-v{t.version}")
def test_offer_states_the_same_rules_as_terms_json(terms: Terms) -> None:
    policy = to_odrl(terms, assigner=COMMUNITY, uid_base=BASE)
    json.dumps(policy, allow_nan=False)  # plain JSON
    rfc8785.dumps(policy)  # canonicalisable: no floats
    node = _expand(policy)
    assert node["@type"] == [ODRL + "Offer"]
    assert node["@id"] == f"{BASE}/terms/{terms.id}"
    assert _ids(node, ODRL + "assigner") == [COMMUNITY]
    assert _ids(node, ODRL + "profile") == ["https://tkcommons.org/ns/tkapp"]
    assert ODRL + "assignee" not in node
    assert _from_odrl(node) == _from_terms_json(terms)
    # ip_claim is stated as a prohibition in so many words, for every class.
    prohibited = {cell for rule in node[ODRL + "prohibition"] for cell in _cells(rule)}
    assert {(c.value, "ip_claim") for c in UserClass} <= prohibited


def test_agreement_names_the_recipient_and_states_its_class_rules() -> None:
    terms = _samples()[0]
    recipient = {
        "uid": "urn:uuid:0a0b0c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
        "name": "Dra. Ana Pérez",
        "organisation": "Universidad Central",
        "user_class": "public_research",
    }
    bundle = "urn:uuid:7e57b0a1-0000-4000-8000-000000000001"
    policy = to_odrl(terms, assigner=COMMUNITY, assignee=recipient, uid_base=BASE, target=bundle)
    node = _expand(policy)
    assert node["@type"] == [ODRL + "Agreement"]
    # Its own uid (not the terms version's), the same for the same bundle and recipient.
    assert node["@id"].startswith("urn:uuid:") and node["@id"] != f"{BASE}/terms/{terms.id}"
    again = to_odrl(terms, assigner=COMMUNITY, assignee=recipient, uid_base=BASE, target=bundle)
    assert again["uid"] == policy["uid"]
    other = to_odrl(terms, assigner=COMMUNITY, assignee=recipient, uid_base=BASE, target=BASE)
    assert other["uid"] != policy["uid"]
    assert {_ids(r, ODRL + "target")[0] for r in node[ODRL + "permission"]} == {bundle}
    assignee = node[ODRL + "assignee"][0]
    assert assignee["@id"] == recipient["uid"]
    assert assignee["http://www.w3.org/2006/vcard/ns#fn"][0]["@value"] == "Dra. Ana Pérez"
    assert _ids(assignee, TK + "userClass") == [TK + "class_public_research"]
    assert _from_odrl(node) == _from_terms_json(terms, ["public_research"])


def test_duty_parameters_and_validity_are_stated() -> None:
    node = _expand(to_odrl(_samples()[0], assigner=COMMUNITY, uid_base=BASE))
    reciprocal = [
        rule for rule in node[ODRL + "permission"]
        if (("for_profit_reciprocal", "research") in _cells(rule))
    ]  # fmt: skip
    assert len(reciprocal) == 1
    rule = reciprocal[0]
    dates = {
        _ids(c, ODRL + "operator")[0]: c[ODRL + "rightOperand"][0]
        for c in rule[ODRL + "constraint"]
        if _ids(c, ODRL + "leftOperand") == [ODRL + "dateTime"]
    }
    xsd_date = "http://www.w3.org/2001/XMLSchema#date"
    assert dates == {
        ODRL + "gteq": {"@value": "2026-01-01", "@type": xsd_date},
        ODRL + "lteq": {"@value": "2027-12-31", "@type": xsd_date},
    }
    duties = {_action(d): d for d in rule[ODRL + "duty"]}
    pay = duties[ODRL + "compensate"]
    assert _ids(pay, ODRL + "compensatedParty") == [COMMUNITY]
    assert ODRL + "constraint" not in pay  # what is paid refines the action (ODRL 2.2)
    refinements = {
        _ids(c, ODRL + "leftOperand")[0]: c for c in pay[ODRL + "action"][0][ODRL + "refinement"]
    }
    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    fee = refinements[ODRL + "payAmount"]
    assert fee[ODRL + "rightOperand"] == [{"@value": "500.00", "@type": decimal}]
    assert _ids(fee, ODRL + "unit") == ["urn:iso:std:iso:4217:USD"]
    royalty = refinements[TK + "royaltyRate"]  # 250 basis points
    assert royalty[ODRL + "rightOperand"] == [{"@value": "2.5", "@type": decimal}]
    assert _ids(pay, TK + "nonMonetaryBenefit") == [TK + "benefit_social_recognition"]
    credit = duties[ODRL + "attribute"]
    assert credit[TK + "text"] == [{"@value": "Pueblo Kichwa de Sarayaku"}]
    assert _ids(credit, ODRL + "attributedParty") == [COMMUNITY]


@settings(max_examples=25, deadline=None)
@given(any_terms)
def test_random_terms_round_trip_through_odrl(terms: Terms) -> None:
    node = _expand(to_odrl(terms, assigner=COMMUNITY, uid_base=BASE))
    assert _from_odrl(node) == _from_terms_json(terms)
