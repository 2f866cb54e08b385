"""Human-readable terms, reasons and duties (English source strings; other languages follow)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from licensing_strategies import LABEL_CODES, access_levels, any_terms, label_sets, requests

from tkapp.core.model import AccessLevel
from tkapp.licensing.evaluate import Reason, Request, evaluate
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.terms import TEMPLATES, BenefitSharing, Duty, Fee, Terms, from_template
from tkapp.licensing.text import (
    describe_duty,
    describe_outcome,
    describe_reason,
    label_name,
    purpose_name,
    render_terms_text,
    user_class_name,
)
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome, Purpose, UserClass


def _cbrl() -> Terms:
    return from_template(
        "cbrl",
        attribution="Pueblo Kichwa de Sarayaku",
        contact="tayjasaruta@example.org",
        benefit_sharing=BenefitSharing(
            250, Fee("500.00", "USD"), (NonMonetaryBenefit.SOCIAL_RECOGNITION,)
        ),
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 12, 31),
        notes={"en": "Ask the assembly first."},
    )


def test_terms_page_says_who_may_do_what_with_duties_contact_and_validity() -> None:
    custom = {"tks": LabelCustomisation(code="tks", translations={"en": "Only in the dry season."})}
    page = render_terms_text(_cbrl(), "en", labels=["tks", "tknc"], customisations=custom)
    for expected in (
        "Reciprocity (CBRL)",
        "Version 1",
        "Ask the assembly first.",
        "Universities and public research institutes:",
        "Allowed, with duties: personal study",
        "Only with an agreement with the community: developing products and selling.",
        "Not allowed: patents or other intellectual-property claims.",
        "Credit the community as follows: “Pueblo Kichwa de Sarayaku”.",
        "a royalty of 2.5% of income from it",
        "a fee of $500.00",
        "public recognition of the community",
        "TK Seasonal: Only in the dry season.",
        "TK Non-Commercial: This knowledge must not be used to make money.",
        "contact: tayjasaruta@example.org",
        "from January 1, 2026 until December 31, 2027",
    ):
        assert expected in page, expected
    assert "{" not in page and "}" not in page


@pytest.mark.parametrize("code", TEMPLATES)
@pytest.mark.parametrize("lang", ["en", "es", "qu_EC"])
def test_every_template_renders_in_every_language(code: str, lang: str) -> None:
    page = render_terms_text(from_template(code, attribution="C", contact="c@example.org"), lang)
    assert page.count(":\n") >= len(UserClass)
    assert "{" not in page


@settings(max_examples=150, deadline=None)
@given(any_terms, label_sets, access_levels, requests)
def test_every_reason_and_duty_has_a_sentence(
    terms: Terms, labels: list[str], access: AccessLevel, request: Request
) -> None:
    decision = evaluate(terms, labels, access, request, group="parteras")
    for reason in decision.reasons:
        text = describe_reason(reason, "en")
        assert not text.startswith("Other reason"), reason
        assert "{" not in text
    for duty in decision.duties:
        text = describe_duty(duty, "en")
        assert text and "{" not in text


def test_a_note_with_braces_is_shown_as_written() -> None:
    """A community's own note is text, never a template: braces in it stay as typed."""
    from tkapp.licensing.vocab import DutyKind

    note = "pay {user_class} in {currency} {0}"
    text = describe_duty(Duty(DutyKind.BENEFIT_SHARE, {"note": note}), "en")
    assert text.endswith(" " + note)


def test_reason_parameters_are_translated_names() -> None:
    reason = Reason(
        "terms_rule",
        {
            "template": "cbrl",
            "user_class": "for_profit",
            "purpose": "ip_claim",
            "outcome": "not_allowed",
        },
    )
    assert describe_reason(reason, "en") == (
        "The terms say for Other for-profit companies, patents or other intellectual-property "
        "claims: Not allowed."
    )
    assert (
        describe_reason(Reason("label_forbids_commercial", {"label": "bcnc"}))
        == "Marked BC Non-Commercial: no commercial use."
    )
    assert describe_reason(Reason("terms_expired", {"valid_until": "2027-12-31"})).startswith(
        "These terms ended on December 31, 2027."
    )
    assert describe_reason(Reason("mystery")) == "Other reason (mystery)."
    # Untrusted codes from a bundle never crash the description.
    assert "zzz" in describe_reason(Reason("community_only", {"label": "zzz"}))


def test_duty_sentences_carry_parameters() -> None:
    assert (
        describe_duty(Duty(DutyKind.NOTIFY_BEFORE_PUBLICATION, {"days": "1"}))
        == "Tell the community at least 1 day before you publish."
    )
    assert (
        describe_duty(Duty(DutyKind.NOTIFY_BEFORE_PUBLICATION, {"days": "30"}))
        == "Tell the community at least 30 days before you publish."
    )
    assert (
        describe_duty(Duty(DutyKind.EXPIRES, {"date": "2027-12-31"}))
        == "This permission ends on December 31, 2027."
    )
    assert "TK Seasonal" in describe_duty(Duty(DutyKind.RESPECT_PROTOCOLS, {"label": "tks"}))
    assert "parteras" in describe_duty(Duty(DutyKind.RESPECT_PROTOCOLS, {"group": "parteras"}))
    assert (
        describe_duty(Duty(DutyKind.BENEFIT_SHARE))
        == "Share benefits with the community, as agreed with it."
    )
    for kind in DutyKind:
        assert describe_duty(Duty(kind), "es")


def test_every_code_has_a_name() -> None:
    for uc in UserClass:
        assert user_class_name(uc, "en")
    for p in Purpose:
        assert purpose_name(p, "en")
    for o in Outcome:
        assert describe_outcome(o, "en")
    for code in LABEL_CODES:
        assert label_name(code, "en").startswith(("TK ", "BC "))
