"""What a reader may do with a bundle's records: the terms, tightened by each record.

Shared by the verifier (for ``--as/--purpose``) and by the researcher's Received area, which
asks the same question long after the bundle file is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tkapp.bundle.records import BundleRecord
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


def decide_record(terms: Terms, record: BundleRecord, request: Request) -> Decision:
    """The decision for one record as a bundle carries it (its labels and access level).

    A record without ``labels``/``access`` fields is judged by the terms alone.
    """
    try:
        return evaluate(
            terms,
            record.labels,
            AccessLevel(record.access),
            request,
            group=record.restricted_group,
        )
    except (ValidationError, ValueError, TypeError):
        raise TermsError("record labels or access level unknown", path=record.id) from None


def stricter(a: Decision, b: Decision) -> Decision:
    """The stricter of two decisions (more duties breaks a tie)."""
    if b.outcome.rank > a.outcome.rank:
        return b
    if b.outcome is a.outcome and len(b.duties) > len(a.duties):
        return b
    return a


@dataclass(frozen=True)
class BundleDecision:
    """The answer for the whole bundle and for each record (id, title, decision).

    ``records`` holds every record, or ``keep`` of them (see :func:`decide_bundle`), in the
    bundle's order; ``total`` and ``blocked`` always count them all.
    """

    overall: Decision
    records: tuple[tuple[str, str, Decision], ...]
    total: int = 0
    blocked: int = 0  # records the intended use may not use


def decide_bundle(
    terms: Terms, records: Iterable[BundleRecord], request: Request, *, keep: int | None = None
) -> BundleDecision:
    """Decide every record; the overall answer is the strictest.

    ``records`` is consumed one at a time (the verifier streams them from the bundle) and
    only each id, title and decision is kept: of every record, or of ``keep`` of them (memory
    then stays bounded whatever the number of records). Those kept are the first ones, except
    that a record the use is not allowed takes the place of the last allowed one kept: a
    reader of a large bundle must still learn which records the use may not touch.
    """
    overall = evaluate(terms, (), AccessLevel.PUBLIC, request)
    decided: list[tuple[str, str, Decision]] = []
    allowed_kept: list[int] = []  # positions in ``decided`` of kept records the use permits
    total = blocked = 0
    for record in records:
        decision = decide_record(terms, record, request)
        overall = stricter(overall, decision)
        total += 1
        blocked += not decision.permits
        entry = (record.id, record.title, decision)
        if keep is None or len(decided) < keep:
            if decision.permits:
                allowed_kept.append(len(decided))
            decided.append(entry)
        elif not decision.permits and allowed_kept:
            # Stays in the bundle's order: the entries after the one let go move up by one.
            del decided[allowed_kept.pop()]
            decided.append(entry)
    return BundleDecision(overall, tuple(decided), total, blocked)
