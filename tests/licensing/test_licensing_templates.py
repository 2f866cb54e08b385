"""Each built-in template against every (user class, purpose) pair, from a reviewable table."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import pytest

from tkapp.errors import ValidationError
from tkapp.licensing.templates import template_info
from tkapp.licensing.terms import TEMPLATES, BenefitSharing, Fee, from_template
from tkapp.licensing.vocab import COMMERCIAL_PURPOSES, Outcome, Purpose, UserClass

MATRIX = Path(__file__).resolve().parents[1] / "data" / "template_matrix.csv"


def _matrix() -> list[dict[str, str]]:
    lines = [line for line in MATRIX.read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_matrix_covers_every_template_class_and_purpose_once() -> None:
    cells = [(row["template"], row["user_class"], row["purpose"]) for row in _matrix()]
    expected = {(t, c.value, p.value) for t in TEMPLATES for c in UserClass for p in Purpose}
    assert len(cells) == len(set(cells))
    assert set(cells) == expected


@pytest.mark.parametrize(
    "row", _matrix(), ids=lambda r: f"{r['template']}-{r['user_class']}-{r['purpose']}"
)
def test_template_cell_matches_the_matrix(row: dict[str, str]) -> None:
    terms = from_template(
        row["template"],
        attribution="Comunidad de prueba",
        contact="asamblea@example.org",
        benefit_sharing=BenefitSharing(300, Fee("100.00", "USD")),
    )
    rule = terms.rule(UserClass(row["user_class"]), Purpose(row["purpose"]))
    assert rule.outcome.value == row["outcome"]
    expected = sorted(filter(None, row["duties"].split("+")))
    assert sorted(d.kind.value for d in rule.duties) == expected


@pytest.mark.parametrize("code", TEMPLATES)
def test_template_names_are_honest(code: str) -> None:
    info = template_info(code)
    for text in (info.name, info.summary):
        assert "peer production" not in text.lower()
        assert "ppl" not in text.lower().split()
    if code == "cbrl":
        assert "CBRL" in info.name and "Reciprocity" in info.name


def test_shipped_template_file_names_no_peer_production_license() -> None:
    raw = resources.files("tkapp.licensing").joinpath("data/templates.json").read_text("utf-8")
    for template in json.loads(raw)["templates"]:
        assert "Peer Production" not in template["name"]


def test_section3_statements_hold() -> None:
    def terms(code: str):
        return from_template(code, attribution="C", contact="c@example.org")

    cbrl = terms("cbrl")
    for c in ("community", "noncommercial", "public_research", "commons_enterprise"):
        for p in ("research", "education", "publication"):
            assert {d.kind.value for d in cbrl.rule(c, p).duties} == {
                "attribute",
                "share_results",
                "no_ip_claims",
            }
    assert "benefit_share" in {
        d.kind.value for d in cbrl.rule("for_profit_reciprocal", "commercial_sale").duties
    }
    assert all(cbrl.rule("for_profit", p).outcome is not Outcome.ALLOWED for p in Purpose)
    ncr = terms("noncommercial_research")
    for c in UserClass:
        for p in COMMERCIAL_PURPOSES:
            assert ncr.rule(c, p).outcome is Outcome.NOT_ALLOWED
    assert ncr.rule("public_research", "research").outcome is Outcome.ALLOWED_WITH_DUTIES
    only = terms("community_only")
    for c in UserClass:
        if c is not UserClass.COMMUNITY:
            assert all(only.rule(c, p).outcome is Outcome.NOT_ALLOWED for p in Purpose)
    opened = terms("open_attribution")
    assert opened.rule("for_profit", "commercial_sale").duties[0].kind.value == "attribute"


def test_unknown_template_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        from_template("ppl", attribution="C", contact="c")
    assert info.value.params["field"] == "template"


def test_attribution_required_when_a_template_asks_for_credit() -> None:
    with pytest.raises(ValidationError) as info:
        from_template("open_attribution", attribution="  ", contact="c")
    assert info.value.params["field"] == "attribution"


def test_contact_required_when_agreements_are_possible() -> None:
    with pytest.raises(ValidationError) as info:
        from_template("cbrl", attribution="C", contact="")
    assert info.value.params["field"] == "contact"
    # Community use only never sends anyone to an agreement: no contact needed.
    assert from_template("community_only", attribution="", contact="").contact == ""
