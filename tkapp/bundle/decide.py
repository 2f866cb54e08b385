"""What a reader may do with a bundle's records: the terms, tightened by each record.

Shared by the verifier (for ``--as/--purpose``) and by the researcher's Received area, which
asks the same question long after the bundle file is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tkapp.core.model import AccessLevel
from tkapp.errors import TermsError, UsageError, ValidationError
from tkapp.licensing.evaluate import Decision, Request, evaluate
from tkapp.licensing.terms import Terms
from tkapp.licensing.vocab import Purpose, UserClass


def request_for(user_class: str, purpose: str, on: date) -> Request:
    """A licensing request from codes; unknown codes are a usage error."""
    try:
        return Request(UserClass(user_class), Purpose(purpose), on=on)
    except (ValueError, ValidationError):
        raise UsageError("unknown user class or purpose", field="intended") from None


def decide_record(
    terms: Terms, record_id: str, record: dict[str, Any], request: Request
) -> Decision:
    """The decision for one record as a bundle carries it (JSON with labels and access).

    A record without ``labels``/``access`` fields is judged by the terms alone.
    """
    labels = record.get("labels", [])
    access = record.get("access", AccessLevel.PUBLIC.value)
    group = record.get("restricted_group", "")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise TermsError("record labels are malformed", path=record_id)
    try:
        return evaluate(
            terms,
            labels,
            AccessLevel(access),
            request,
            group=group if isinstance(group, str) else "",
        )
    except (ValidationError, ValueError, TypeError):
        raise TermsError("record labels or access level unknown", path=record_id) from None


def stricter(a: Decision, b: Decision) -> Decision:
    """The stricter of two decisions (more duties breaks a tie)."""
    if b.outcome.rank > a.outcome.rank:
        return b
    if b.outcome is a.outcome and len(b.duties) > len(a.duties):
        return b
    return a


@dataclass(frozen=True)
class BundleDecision:
    """The answer for the whole bundle and for each record (id, title, decision)."""

    overall: Decision
    records: tuple[tuple[str, str, Decision], ...]

    @property
    def blocked(self) -> int:
        return sum(1 for _id, _title, d in self.records if not d.permits)


def decide_bundle(
    terms: Terms, records: Iterable[tuple[str, str, dict[str, Any]]], request: Request
) -> BundleDecision:
    """Decide every (id, title, record JSON); the overall answer is the strictest."""
    overall = evaluate(terms, (), AccessLevel.PUBLIC, request)
    decided: list[tuple[str, str, Decision]] = []
    for record_id, title, record in records:
        decision = decide_record(terms, record_id, record, request)
        overall = stricter(overall, decision)
        decided.append((record_id, title, decision))
    return BundleDecision(overall, tuple(decided))
