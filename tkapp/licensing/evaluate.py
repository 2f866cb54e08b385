"""``evaluate()``: may this user do this with this knowledge? (LICENSING.md section 2)

The answer starts from the terms' rule-table cell and is then only ever *tightened* by the
record's access level and its Local Contexts labels: each constraint can raise the outcome's
strictness, add duties, or ask for the custodian's confirmation, never the reverse. Every
constraint that applies leaves a :class:`Reason` (a stable code with string parameters) that
front ends translate with :func:`tkapp.licensing.text.describe_reason`.

Pure and deterministic: same inputs, same Decision (labels are sorted first, so their order
does not matter). No clock is read; pass ``Request.on`` to check the terms' validity dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from tkapp.core.model import AccessLevel, KnowledgeRecord
from tkapp.licensing import _schema as s
from tkapp.licensing.labels import LabelCustomisation, check_labels
from tkapp.licensing.terms import Duty, Terms, resolve_duty
from tkapp.licensing.vocab import (
    COMMERCIAL_PURPOSES,
    FOR_PROFIT_CLASSES,
    DutyKind,
    Outcome,
    Purpose,
    UserClass,
    strictest,
)

#: Labels whose records never leave the catalogue (LICENSING.md: never exportable).
NEVER_EXPORTED_LABELS: frozenset[str] = frozenset({"tkss", "tkwr", "tkmr"})
#: Labels that forbid every commercial purpose.
NON_COMMERCIAL_LABELS: frozenset[str] = frozenset({"tknc", "bcnc", "bcr"})
#: Labels that make the community a primary party to any for-profit commercial use.
COMMERCIAL_PARTNER_LABELS: frozenset[str] = frozenset({"tkoc", "bcoc"})
#: Labels that add a ``respect_protocols`` duty carrying the label's text.
PROTOCOL_DUTY_LABELS: frozenset[str] = frozenset({"tks", "tkwg", "tkmg"})
COMMUNITY_ONLY_LABEL = "tkco"
CULTURALLY_SENSITIVE_LABEL = "tkcs"
ATTRIBUTION_LABEL = "tka"


@dataclass(frozen=True)
class Request:
    """Who asks and what for.

    Args:
        user_class: the asker's class.
        purpose: the intended use.
        inside_catalogue: True for the community's own use inside the catalogue; False (the
            default) for anything that leaves it (export, a bundle reader's use).
        on: the day of the use, to check the terms' validity; None skips that check.
    """

    user_class: UserClass
    purpose: Purpose
    inside_catalogue: bool = False
    on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_class", s.enum(UserClass, self.user_class, "user_class"))
        object.__setattr__(self, "purpose", s.enum(Purpose, self.purpose, "purpose"))


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a decision came out as it did: a stable code and string parameters."""

    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(sorted(self.params.items()))))

    def __hash__(self) -> int:
        return hash((self.code, tuple(self.params.items())))

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer: outcome, duties to fulfil, reasons, and whether the custodian must confirm."""

    outcome: Outcome
    duties: tuple[Duty, ...]
    reasons: tuple[Reason, ...]
    needs_confirmation: bool = False

    @property
    def permits(self) -> bool:
        """True when the use may go ahead (``allowed`` or ``allowed_with_duties``)."""
        return self.outcome.permits

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``--json`` output and logs of decisions (strings and bools only)."""
        return {
            "outcome": self.outcome.value,
            "duties": [duty.to_json() for duty in self.duties],
            "reasons": [reason.to_json() for reason in self.reasons],
            "needs_confirmation": self.needs_confirmation,
        }


class _Builder:
    """Accumulates one decision; only ever tightens."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.duties: list[Duty] = []
        self.reasons: list[Reason] = []
        self.needs_confirmation = False

    def tighten(self, floor: Outcome, code: str, **params: str) -> None:
        self.outcome = strictest(self.outcome, floor)
        self.reasons.append(Reason(code, params))

    def duty(self, duty: Duty) -> None:
        if duty not in self.duties:
            self.duties.append(duty)

    def has(self, kind: DutyKind) -> bool:
        return any(duty.kind is kind for duty in self.duties)

    def build(self) -> Decision:
        outcome = self.outcome
        duties: tuple[Duty, ...] = tuple(sorted(self.duties, key=Duty.sort_key))
        if outcome is Outcome.NOT_ALLOWED:
            duties = ()  # nothing to fulfil for a use that may not happen
        elif outcome is Outcome.ALLOWED and duties:
            outcome = Outcome.ALLOWED_WITH_DUTIES
        return Decision(outcome, duties, tuple(self.reasons), self.needs_confirmation)


def evaluate(
    terms: Terms,
    labels: Sequence[str],
    access: AccessLevel,
    request: Request,
    *,
    group: str = "",
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> Decision:
    """Decide what ``request`` may do with knowledge under ``terms``, ``labels`` and ``access``.

    Args:
        terms: the terms version that governs the record.
        labels: the record's Local Contexts label codes (any order, duplicates ignored).
        access: the record's access level (cultural protocol).
        request: who asks, what for, inside or outside the catalogue, and when.
        group: the named group of a ``restricted`` record (appears in the reason).
        customisations: the catalogue's label wording by code (used in duty texts).

    Returns:
        The Decision; ``reasons[0]`` is always ``terms_rule``.

    Raises:
        ValidationError: an unknown label code or access level.
    """
    codes = check_labels(labels)
    access = s.enum(AccessLevel, access, "access")
    custom = customisations or {}
    user_class, purpose = request.user_class, request.purpose
    outside = not request.inside_catalogue
    commercial = purpose in COMMERCIAL_PURPOSES

    rule = terms.rule(user_class, purpose)
    b = _Builder(rule.outcome)
    b.reasons.append(
        Reason(
            "terms_rule",
            {
                "template": terms.template,
                "user_class": user_class.value,
                "purpose": purpose.value,
                "outcome": rule.outcome.value,
            },
        )
    )
    for duty in rule.duties:
        b.duty(resolve_duty(duty, terms))

    # Validity: outside its dates the terms grant nothing; the community can renew them.
    if request.on is not None:
        if terms.valid_from is not None and request.on < terms.valid_from:
            b.tighten(
                Outcome.NEEDS_AGREEMENT,
                "terms_not_yet_valid",
                valid_from=terms.valid_from.isoformat(),
            )
        if terms.valid_until is not None and request.on > terms.valid_until:
            b.tighten(
                Outcome.NEEDS_AGREEMENT, "terms_expired", valid_until=terms.valid_until.isoformat()
            )
    if terms.valid_until is not None and not b.has(DutyKind.EXPIRES):
        b.duty(Duty(DutyKind.EXPIRES, {"date": terms.valid_until.isoformat()}))

    _apply_access(b, access, group, outside, user_class)

    for code in codes:
        label_text = _label_text(code, custom)
        if code in NEVER_EXPORTED_LABELS:
            if outside:
                reason = "secret_sacred" if code == "tkss" else "restricted_gender"
                b.tighten(Outcome.NOT_ALLOWED, reason, label=code)
            else:
                b.duty(_protocol_duty(code, label_text))
                b.reasons.append(Reason("label_protocol", {"label": code}))
        elif code == COMMUNITY_ONLY_LABEL:
            if user_class is not UserClass.COMMUNITY:
                b.tighten(Outcome.NOT_ALLOWED, "community_only", label=code)
        elif code in NON_COMMERCIAL_LABELS:
            if commercial:
                b.tighten(Outcome.NOT_ALLOWED, "label_forbids_commercial", label=code)
        elif code in COMMERCIAL_PARTNER_LABELS:
            if commercial and user_class in FOR_PROFIT_CLASSES:
                b.tighten(Outcome.NEEDS_AGREEMENT, "label_commercial_partner", label=code)
        elif code in PROTOCOL_DUTY_LABELS:
            b.duty(_protocol_duty(code, label_text))
            b.reasons.append(Reason("label_protocol", {"label": code}))
        elif code == CULTURALLY_SENSITIVE_LABEL:
            if outside:
                b.needs_confirmation = True
                b.reasons.append(Reason("culturally_sensitive", {"label": code}))
        elif code == ATTRIBUTION_LABEL and not b.has(DutyKind.ATTRIBUTE):
            b.duty(Duty(DutyKind.ATTRIBUTE, {"text": terms.attribution or label_text}))
            b.reasons.append(Reason("label_attribution", {"label": code}))
    return b.build()


def _apply_access(
    b: _Builder, access: AccessLevel, group: str, outside: bool, user_class: UserClass
) -> None:
    if access is AccessLevel.SECRET_SACRED:
        if outside:
            b.tighten(Outcome.NOT_ALLOWED, "secret_sacred")
        else:
            b.duty(Duty(DutyKind.RESPECT_PROTOCOLS, {"access": access.value}))
            b.reasons.append(Reason("access_protocol", {"access": access.value}))
    elif access is AccessLevel.RESTRICTED:
        if outside:
            # Only the named group may decide to share beyond itself: an agreement, at least.
            b.tighten(Outcome.NEEDS_AGREEMENT, "restricted_access", group=group)
        else:
            b.duty(Duty(DutyKind.RESPECT_PROTOCOLS, {"access": access.value, "group": group}))
            b.reasons.append(Reason("access_protocol", {"access": access.value, "group": group}))
    elif access is AccessLevel.COMMUNITY and outside and user_class is not UserClass.COMMUNITY:
        b.tighten(Outcome.NEEDS_AGREEMENT, "community_access")


def _label_text(code: str, custom: Mapping[str, LabelCustomisation]) -> str:
    customisation = custom.get(code)
    return customisation.text if customisation is not None else ""


def _protocol_duty(code: str, text: str) -> Duty:
    # Without the community's own text the front end shows the label's default description,
    # translated, so the duty carries only the code.
    params = {"label": code, "text": text} if text else {"label": code}
    return Duty(DutyKind.RESPECT_PROTOCOLS, params)


def evaluate_record(
    record: KnowledgeRecord,
    terms: Terms,
    request: Request,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> Decision:
    """:func:`evaluate` for one record: its labels, access level and protocol group."""
    return evaluate(
        terms,
        record.labels,
        record.access,
        request,
        group=record.restricted_group,
        customisations=customisations,
    )
