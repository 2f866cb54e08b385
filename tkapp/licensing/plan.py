"""Export plans: the release gate's answers for a set of records, split into go and stay.

Pure. ``services.sharing.plan_export`` loads records, consents, persons and media from the
store and asks :func:`tkapp.licensing.gate.decide_release` about each; this module only
groups the answers. It decides nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from tkapp.licensing.gate import ReleaseDecision

_T = TypeVar("_T")

#: One record's plan is the gate's answer for it.
RecordPlan = ReleaseDecision


@dataclass(frozen=True)
class ExportPlan:
    """All records considered for one export, split into those that go and those that stay."""

    included: list[ReleaseDecision] = field(default_factory=list)
    excluded: list[ReleaseDecision] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> list[ReleaseDecision]:
        """Included records the custodian must confirm one by one."""
        return [plan for plan in self.included if plan.needs_confirmation]

    def reason_counts(self) -> dict[str, int]:
        """How many excluded records each reason code kept home (for a summary line)."""
        counts: dict[str, int] = {}
        for plan in self.excluded:
            for code in dict.fromkeys(reason.code for reason in plan.reasons):
                counts[code] = counts.get(code, 0) + 1
        return dict(sorted(counts.items()))


class SharedParts:
    """Keeps one object for each distinct part of the gate's answers a plan holds.

    A plan holds the answer for every record it considered, and most parts of those answers
    are equal from one record to the next: the terms' decision and its duties, the reasons,
    each field's answer, the consent that covers them, often the generalised place. Each
    answer's parts are swapped for the first equal ones seen, so a plan of many records holds
    one copy of each (issue 19: a 4,000-record plan took about 2.5 KB a record, 0.45 KB
    after). Values only: nothing is decided or changed here but which equal object is held.
    """

    #: The parts of an answer that repeat (media carry each file's own description).
    PARTS = ("reasons", "decision", "open_decision", "place", "holders", "consent", "warnings")

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}
        #: Shared objects by identity: most field answers are shared by the gate already,
        #: and an identity check is far cheaper than hashing them again.
        self._kept: dict[int, Any] = {}
        self._tuples: dict[tuple[int, ...], tuple[Any, ...]] = {}

    def one(self, value: _T) -> _T:
        """The first value seen equal to ``value`` (``value`` itself the first time)."""
        if value is None or self._kept.get(id(value)) is value:
            return value
        found: _T = self._seen.setdefault(value, value)
        self._kept[id(found)] = found
        return found

    def answer(self, item: ReleaseDecision) -> ReleaseDecision:
        """``item``, holding shared parts. The answer was just made and is not shared yet,
        so each part is swapped in place for an equal one (a frozen dataclass rebuilt with
        ``replace`` costs more than the whole swap); equality and hashing are unchanged."""
        for name in self.PARTS:
            value = getattr(item, name)
            shared = self.one(value)
            if shared is not value:
                object.__setattr__(item, name, shared)
        # The fields tuple is looked up by its (shared) members' identities: hashing each
        # member again for every record would cost more than all the rest.
        parts = tuple(self.one(f) for f in item.fields)
        fields = self._tuples.setdefault(tuple(map(id, parts)), parts)
        if fields is not item.fields:
            object.__setattr__(item, "fields", fields)
        return item
