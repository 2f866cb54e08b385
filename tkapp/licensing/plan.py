"""Export plans: the release gate's answers for a set of records, split into go and stay.

Pure. ``services.sharing.plan_export`` loads records, consents, persons and media from the
store and asks :func:`tkapp.licensing.gate.decide_release` about each; this module only
groups the answers. It decides nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tkapp.licensing.gate import ReleaseDecision

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
