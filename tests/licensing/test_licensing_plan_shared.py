"""A plan holds one copy of each repeated part of the gate's answers (issue 19: a plan's
memory per record), and holding them shared changes no answer."""

from __future__ import annotations

from test_licensing_gate import _consent, _decide, _record

from tkapp.core.model import KnowledgeRecord, Place, Sensitivity
from tkapp.licensing.gate import ReleaseDecision
from tkapp.licensing.plan import SharedParts


def _answers(records: list[KnowledgeRecord]) -> list[ReleaseDecision]:
    # One assembly's consent naming every record, as a community often gives it.
    assembly = _consent(records[0], record_ids=[r.id for r in records])
    assembly.id = "a1b2c3d4-0000-4000-8000-000000000001"  # the same consent when asked again
    return [_decide(record, [assembly]) for record in records]


def test_equal_parts_of_many_answers_are_held_once() -> None:
    answers = _answers([_record(title=f"Guayusa {i}") for i in range(20)])
    # The gate makes a new terms decision, consent cover and place for each record ...
    for name in ("decision", "place", "consent"):
        assert len({id(getattr(a, name)) for a in answers}) == 20, name
    shared = SharedParts()
    kept = [shared.answer(a) for a in answers]
    # ... the plan holds one of each, and one tuple of field answers.
    for name in ("decision", "place", "consent", "fields", "holders", "warnings"):
        assert len({id(getattr(a, name)) for a in kept}) == 1, name


def test_sharing_changes_no_answer() -> None:
    records = [_record(title=f"Guayusa {i}") for i in range(5)]
    records += [_record(title=f"Sensitive {i}", labels=["tkcs"]) for i in range(3)]
    records += [_record(title=f"Women {i}", labels=["tkwr"]) for i in range(2)]
    records += [
        _record(place=Place("Río Bobonaza", -1.7 - i / 10, -77.4, 20, Sensitivity.LOW))
        for i in range(3)
    ]
    shared = SharedParts()
    kept = [shared.answer(a) for a in _answers(records)]
    assert kept == _answers(records)  # the gate's answers made again, unshared
    # Places that differ stay apart; staying records keep their own reasons.
    assert len({id(a.place) for a in kept[-3:]}) == 3
    assert [a.included for a in kept] == [True] * 8 + [False] * 2 + [True] * 3
