"""Export planning: which records go to a recipient, which stay, and what is left out.

Pure functions over core dataclasses; ``services.sharing.plan_export`` loads records and
terms from the store and calls :func:`plan_records`. The bundle writer then exports each
included record through :func:`redact` (or by reading ``withheld_fields`` and ``place``).

Rules (LICENSING.md, DATA-MODEL.md):
- a record goes only when :func:`evaluate` says ``allowed`` or ``allowed_with_duties``;
  ``needs_agreement`` and ``not_allowed`` keep it home, with the decision's reasons;
- secret/sacred records and those with TK Secret/Sacred, Women or Men Restricted never go
  (evaluate guarantees ``not_allowed`` for them outside the catalogue);
- confidential fields are always withheld, whatever the terms say;
- the place is generalised per its sensitivity (:mod:`tkapp.licensing.places`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from tkapp.core.model import CONFIDENTIAL_FIELDS, KnowledgeRecord, Place, Sensitivity
from tkapp.errors import ValidationError
from tkapp.licensing.evaluate import Decision, Request, evaluate
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.places import GeneralisedPlace, generalise
from tkapp.licensing.terms import Terms
from tkapp.licensing.vocab import Outcome

_PERMITTING = frozenset({Outcome.ALLOWED.value, Outcome.ALLOWED_WITH_DUTIES.value})


@dataclass(frozen=True)
class RecordPlan:
    """The plan for one record.

    Attributes:
        record_id: the record's id.
        included: True when the record goes into the export.
        decision: the full evaluate() answer (outcome, duties, reasons).
        withheld_fields: confidential fields left out (CONFIDENTIAL_FIELDS order).
        place: the publishable place when included, else None.
        needs_confirmation: the custodian must confirm this record explicitly (TK Culturally
            Sensitive) before it goes.
    """

    record_id: str
    included: bool
    decision: Decision
    withheld_fields: tuple[str, ...]
    place: GeneralisedPlace | None
    needs_confirmation: bool


@dataclass(frozen=True)
class ExportPlan:
    """All records considered for one export, split into those that go and those that stay."""

    included: list[RecordPlan] = field(default_factory=list)
    excluded: list[RecordPlan] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> list[RecordPlan]:
        """Included records the custodian must confirm one by one."""
        return [plan for plan in self.included if plan.needs_confirmation]

    def reason_counts(self) -> dict[str, int]:
        """How many excluded records each reason code kept home (for a summary line)."""
        counts: dict[str, int] = {}
        for plan in self.excluded:
            for reason in dict.fromkeys(plan.decision.reasons):
                # The terms_rule reason is always present; count it only when the rule
                # itself refused, not when a label or the access level did.
                if reason.code == "terms_rule" and reason.params["outcome"] in _PERMITTING:
                    continue
                counts[reason.code] = counts.get(reason.code, 0) + 1
        return dict(sorted(counts.items()))


def plan_record(
    record: KnowledgeRecord,
    terms: Terms,
    request: Request,
    *,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> RecordPlan:
    """Decide whether ``record`` goes to the requester, and in what shape.

    Raises:
        ValidationError: the record carries an unknown label code.
    """
    decision = evaluate(
        terms,
        record.labels,
        record.access,
        request,
        group=record.restricted_group,
        customisations=customisations,
    )
    included = decision.permits
    withheld = tuple(name for name in CONFIDENTIAL_FIELDS if name in record.confidential)
    place = (
        generalise(record.place, confidential="place" in record.confidential) if included else None
    )
    return RecordPlan(
        record_id=record.id,
        included=included,
        decision=decision,
        withheld_fields=withheld,
        place=place,
        needs_confirmation=included and decision.needs_confirmation,
    )


def plan_records(
    records: Iterable[KnowledgeRecord],
    terms_for: Callable[[KnowledgeRecord], Terms],
    request: Request,
    *,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> ExportPlan:
    """Plan an export of ``records`` (input order kept within each list).

    Args:
        records: the records the user picked.
        terms_for: the terms version that governs a record (its ``terms_id`` or the
            catalogue default); the caller resolves it from the store.
        request: recipient's user class, purpose, and the day of export.
        customisations: the catalogue's label wording by code.
    """
    plan = ExportPlan()
    for record in records:
        item = plan_record(record, terms_for(record), request, customisations=customisations)
        (plan.included if item.included else plan.excluded).append(item)
    return plan


def redact(record: KnowledgeRecord, plan: RecordPlan) -> KnowledgeRecord:
    """A copy of ``record`` with withheld fields blanked and the place generalised.

    Fields with no slot on the record itself (``media``, ``local_names``) are listed in
    ``plan.withheld_fields``: the bundle writer must leave those entities out too. The
    generalised coordinates are put back as floats for display only; a bundle must write
    ``plan.place``'s decimal strings instead.

    Raises:
        ValidationError: the plan is for another record, or it excludes the record.
    """
    if plan.record_id != record.id:
        raise ValidationError("plan_for_another_record", field="record")
    if not plan.included or plan.place is None:
        raise ValidationError("record_excluded", field="record")
    copy_ = copy.deepcopy(record)
    withheld = set(plan.withheld_fields)
    if "description" in withheld:
        copy_.description = ""
    if "holders" in withheld:
        copy_.holders = []
    if "recorded_by" in withheld:
        copy_.recorded_by = ""
    if "uses" in withheld:
        copy_.uses = []
    elif "preparation" in withheld:
        for use in copy_.uses:
            use.preparation = ""
    place = plan.place
    copy_.place = Place(
        locality=place.locality or "",
        latitude=None if place.latitude is None else float(place.latitude),
        longitude=None if place.longitude is None else float(place.longitude),
        uncertainty_m=place.uncertainty_m,
        sensitivity=record.place.sensitivity if not place.withheld else Sensitivity.WITHHOLD,
    )
    return copy_
