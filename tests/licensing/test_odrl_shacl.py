"""ODRL policies checked by others' tools: rdflib reads them as RDF, pySHACL validates them
with the SHACL shapes for the ODRL 2.2 information model (offline copy with its PROVENANCE.md
in tests/data/standards/odrl-shapes) against the W3C ODRL vocabulary plus our published
profile vocabulary, and two bundles' Agreements stay apart in one graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from licensing_strategies import any_terms
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef

from tkapp.licensing.odrl import TKAPP_NS, TKAPP_PROFILE, profile_turtle, to_odrl
from tkapp.licensing.terms import BenefitSharing, Fee, Terms, from_template
from tkapp.licensing.vocab import NonMonetaryBenefit

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")

SHAPES_DIR = Path(__file__).parents[1] / "data" / "standards" / "odrl-shapes"
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
COMMUNITY = "urn:uuid:3f1c2a58-6f0e-4d55-9a51-0c1d2e3f4a5b"
BASE = "urn:uuid:9d8c7b6a-5f4e-4d3c-8b2a-1a0f9e8d7c6b"
RECIPIENT = {
    "uid": "urn:uuid:0a0b0c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
    "name": "Dra. Ana Pérez",
    "organisation": "Universidad Central",
    "user_class": "for_profit_reciprocal",
}

SHAPES = Graph().parse(SHAPES_DIR / "odrl-shacl.ttl", format="turtle")
ODRL_VOCAB = Graph().parse(SHAPES_DIR / "odrl.ttl", format="turtle")
PROFILE = Graph().parse(data=profile_turtle(), format="turtle")


def _graph(policy: dict[str, Any]) -> Graph:
    # The inline @context means rdflib has nothing to fetch.
    return Graph().parse(data=json.dumps(policy), format="json-ld")


def _check(policy: dict[str, Any], vocabulary: Graph) -> tuple[bool, str]:
    # The vocabularies join the data (no RDFS inference, which would give every value of
    # odrl:action the class odrl:Action and make the shapes' class checks vacuous).
    conforms, _graph_out, text = validate(
        _graph(policy) + vocabulary, shacl_graph=SHAPES, inference="none"
    )
    return bool(conforms), str(text)


def _samples() -> list[Terms]:
    benefits = BenefitSharing(250, Fee("500.00", "USD"), (NonMonetaryBenefit.SOCIAL_RECOGNITION,))
    cbrl = from_template(
        "cbrl", attribution="Pueblo Kichwa", contact="c@example.org", benefit_sharing=benefits
    )
    codes = ("noncommercial_research", "community_only", "open_attribution")
    return [
        cbrl,
        *(from_template(code, attribution="C", contact="c@example.org") for code in codes),
    ]


def _policies(terms: Terms) -> list[dict[str, Any]]:
    offer = to_odrl(terms, assigner=COMMUNITY, uid_base=BASE)
    agreement = to_odrl(
        terms, assigner=COMMUNITY, assignee=RECIPIENT, uid_base=BASE, target=BASE + "1"
    )
    return [offer, agreement]


@pytest.mark.parametrize("terms", _samples(), ids=lambda t: t.template)
def test_policies_conform_to_the_odrl_shapes(terms: Terms) -> None:
    for policy in _policies(terms):
        conforms, report = _check(policy, ODRL_VOCAB + PROFILE)
        assert conforms, report
        graph = _graph(policy)
        # Not vacuous: the shapes target these classes, and every rule is typed.
        rules = [*graph.subjects(RDF.type, ODRL.Permission)]
        rules += graph.subjects(RDF.type, ODRL.Prohibition)
        assert len(rules) == len(policy.get("permission", [])) + len(policy["prohibition"])
        duties = sum(len(p.get("duty", [])) for p in policy.get("permission", []))
        assert len(set(graph.subjects(RDF.type, ODRL.Duty))) == duties
        if terms.template == "cbrl":
            assert duties > 0


def test_the_profile_is_what_makes_the_tkapp_terms_valid() -> None:
    policy = to_odrl(_samples()[0], assigner=COMMUNITY, uid_base=BASE)
    conforms, report = _check(policy, ODRL_VOCAB)  # without our profile vocabulary
    assert not conforms
    assert "shareResults" in report or "userClass" in report


def test_every_tkapp_term_a_policy_uses_is_defined_in_the_profile() -> None:
    defined = set(PROFILE.subjects())
    assert URIRef(TKAPP_PROFILE) in defined
    for terms in _samples():
        for policy in _policies(terms):
            graph = _graph(policy)
            used = {
                term
                for triple in graph
                for term in triple
                if isinstance(term, URIRef) and str(term).startswith(TKAPP_NS)
            }
            assert used and used <= defined, used - defined


@settings(max_examples=5, deadline=None)
@given(any_terms)
def test_random_terms_conform(terms: Terms) -> None:
    conforms, report = _check(
        to_odrl(terms, assigner=COMMUNITY, uid_base=BASE), ODRL_VOCAB + PROFILE
    )
    assert conforms, report


def test_two_bundles_policies_stay_two_agreements_in_one_graph() -> None:
    terms = _samples()[0]
    other = dict(RECIPIENT, uid="urn:uuid:1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", name="Lab B")
    first = to_odrl(terms, assigner=COMMUNITY, assignee=RECIPIENT, uid_base=BASE, target=BASE + "1")
    second = to_odrl(terms, assigner=COMMUNITY, assignee=other, uid_base=BASE, target=BASE + "2")
    merged = _graph(first) + _graph(second)
    agreements = set(merged.subjects(RDF.type, ODRL.Agreement))
    assert len(agreements) == 2
    for agreement in agreements:
        assert len(set(merged.objects(agreement, ODRL.assignee))) == 1
    assignees = {next(iter(merged.objects(a, ODRL.assignee))) for a in agreements}
    assert assignees == {URIRef(RECIPIENT["uid"]), URIRef(other["uid"])}
