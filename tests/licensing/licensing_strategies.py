"""Hypothesis strategies shared by the licensing tests: terms, labels, access, requests."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import strategies as st

from tkapp.core.model import AccessLevel
from tkapp.licensing.evaluate import Request
from tkapp.licensing.labels import LABELS
from tkapp.licensing.terms import (
    TEMPLATES,
    BenefitSharing,
    Duty,
    Fee,
    Rule,
    Terms,
    from_template,
)
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome, Purpose, UserClass

LABEL_CODES = sorted(label.code for label in LABELS)
BUILT_IN = [code for code in TEMPLATES if code != "custom"]

safe_text = st.text(alphabet="aeiouñkwXY -.,'’1", min_size=1, max_size=20).filter(
    lambda t: t.strip() != ""
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def _rule_pool() -> list[Rule]:
    """A finite pool of valid rules: drawing 54 cells from it keeps generation fast."""
    kinds = list(DutyKind)
    subsets: list[tuple[Duty, ...]] = [(Duty(k),) for k in kinds]
    subsets += [(Duty(a), Duty(b)) for i, a in enumerate(kinds) for b in kinds[i + 1 :]]
    subsets += [
        (Duty(DutyKind.ATTRIBUTE), Duty(DutyKind.SHARE_RESULTS), Duty(DutyKind.NO_IP_CLAIMS)),
        (Duty(DutyKind.NOTIFY_BEFORE_PUBLICATION, {"days": "30"}), Duty(DutyKind.BENEFIT_SHARE)),
        (Duty(DutyKind.RESPECT_PROTOCOLS, {"text": "Solo en luna llena"}),),
    ]
    pool = [Rule(Outcome.ALLOWED), Rule(Outcome.NOT_ALLOWED), Rule(Outcome.NEEDS_AGREEMENT)]
    pool += [Rule(Outcome.ALLOWED_WITH_DUTIES, duties) for duties in subsets]
    pool += [Rule(Outcome.NEEDS_AGREEMENT, duties) for duties in subsets[:10]]
    return pool


RULE_POOL = _rule_pool()
rules = st.sampled_from(RULE_POOL)


benefits = st.builds(
    BenefitSharing,
    royalty_basis_points=st.integers(0, 10_000),
    fee=st.none()
    | st.builds(
        Fee,
        amount=st.sampled_from(["0", "500", "12.50", "1000.0001"]),
        currency=st.sampled_from(["USD", "EUR", "PEN"]),
    ),
    non_monetary=st.lists(st.sampled_from(list(NonMonetaryBenefit)), unique=True, max_size=4).map(
        tuple
    ),
    # No braces: the property tests look for unfilled {placeholders}; a community's note with
    # braces is shown as written (tests/licensing/test_licensing_text.py checks that apart).
    note=st.text(max_size=20).filter(lambda t: all(ord(c) >= 32 and c not in "{}" for c in t)),
)


@st.composite
def validity(draw: st.DrawFn) -> tuple[date | None, date | None]:
    start = draw(st.none() | dates)
    end = draw(st.none() | dates)
    if start and end and end < start:
        start, end = end, start
    return start, end


@st.composite
def template_terms(draw: st.DrawFn, codes: tuple[str, ...] = TEMPLATES) -> Terms:
    start, end = draw(validity())
    return from_template(
        draw(st.sampled_from(codes)),
        attribution=draw(safe_text),
        contact=draw(safe_text),
        benefit_sharing=draw(benefits),
        valid_from=start,
        valid_until=end,
        languages=draw(
            st.lists(
                st.sampled_from(["es", "en", "qu", "qu-EC"]), min_size=1, max_size=3, unique=True
            )
        ),
    )


@st.composite
def custom_terms(draw: st.DrawFn) -> Terms:
    cells = [(c, p) for c in UserClass for p in Purpose]
    chosen = draw(st.lists(rules, min_size=len(cells), max_size=len(cells)))
    table = dict(zip(cells, chosen, strict=True))
    start, end = draw(validity())
    return Terms(
        id=str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        set_id=str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        name=draw(safe_text),
        version=draw(st.integers(1, 50)),
        template="custom",
        rules=table,
        attribution=draw(safe_text),
        contact=draw(safe_text),
        valid_from=start,
        valid_until=end,
        benefit_sharing=draw(benefits),
        languages=("es",),
        notes=draw(st.dictionaries(st.sampled_from(["es", "en"]), safe_text, max_size=2)),
        previous_id=draw(st.none() | st.uuids().map(str)),
    )


any_terms = template_terms() | custom_terms()
label_sets = st.lists(st.sampled_from(LABEL_CODES), max_size=6)
access_levels = st.sampled_from(list(AccessLevel))
requests = st.builds(
    Request,
    user_class=st.sampled_from(list(UserClass)),
    purpose=st.sampled_from(list(Purpose)),
    inside_catalogue=st.booleans(),
    on=st.none() | dates,
)
outside_requests = st.builds(
    Request,
    user_class=st.sampled_from(list(UserClass)),
    purpose=st.sampled_from(list(Purpose)),
    on=st.none() | dates,
)
