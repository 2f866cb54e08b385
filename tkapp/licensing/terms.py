"""Terms: a named, versioned rule table a community attaches to its knowledge.

A :class:`Terms` object is one *version* of a terms set. It is immutable: once any export used
it, it must never change, so editing is :func:`new_version` (version + 1, new id, same
``set_id``). Every ``Terms`` is valid by construction (the constructor validates), and
:meth:`Terms.to_json` / :meth:`Terms.from_json` give the ``terms.json`` carried in bundles:
a closed schema of integers, strings and null only (no floats, because bundles are RFC 8785
canonical JSON and a float's text form is not stable).

``terms.json`` shape (``rules`` holds every user class and every purpose)::

    {"type": "tkapp/terms/v1", "id": "<uuid>", "set_id": "<uuid>", "previous_id": null,
     "name": "...", "version": 1, "template": "cbrl",
     "attribution": "...", "contact": "...", "valid_from": "2026-01-01", "valid_until": null,
     "benefit_sharing": {"royalty_basis_points": 250, "fee": {"amount": "500.00",
                         "currency": "USD"}, "non_monetary": ["social_recognition"], "note": ""},
     "languages": ["es", "en"], "notes": {"es": "..."},
     "rules": {"community": {"education": {"outcome": "allowed_with_duties",
               "duties": [{"kind": "attribute", "params": {}}]}, ...}, ...}}
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import rfc8785

from tkapp.core.model import check_language
from tkapp.errors import ValidationError
from tkapp.licensing import _schema as s
from tkapp.licensing.templates import TEMPLATES, template_info
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome, Purpose, UserClass

__all__ = [
    "TEMPLATES",
    "TERMS_TYPE",
    "BenefitSharing",
    "Duty",
    "Fee",
    "Rule",
    "Terms",
    "canonical_terms_bytes",
    "from_template",
    "new_version",
    "resolve_duty",
]

TERMS_TYPE = "tkapp/terms/v1"

_FEE_AMOUNT = re.compile(r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,4})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DAYS = re.compile(r"^[1-9][0-9]{0,3}$")

#: Parameters a duty may carry *in the rule table*. Others (the attribution text, the
#: benefit-sharing figures, the expiry date) are filled in from the terms by evaluate().
_RULE_DUTY_PARAMS: Mapping[DutyKind, frozenset[str]] = {
    DutyKind.NOTIFY_BEFORE_PUBLICATION: frozenset({"days"}),
    DutyKind.RESPECT_PROTOCOLS: frozenset({"text"}),
    DutyKind.EXPIRES: frozenset({"date"}),  # a cell may end before the terms do
}

_DUTY_ORDER = tuple(DutyKind)


def _frozen_params(params: Mapping[str, str]) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(sorted(params.items())))


@dataclass(frozen=True, slots=True)
class Duty:
    """Something a user must do in return for a use, with string parameters."""

    kind: DutyKind
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", s.enum(DutyKind, self.kind, "duties.kind"))
        if not isinstance(self.params, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.params.items()
        ):
            raise s.fail(f"duties.{self.kind}.params", "expected_strings")
        object.__setattr__(self, "params", _frozen_params(self.params))

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.params.items())))

    def sort_key(self) -> tuple[int, tuple[tuple[str, str], ...]]:
        """Order duties as DutyKind is ordered, then by parameters (for stable output)."""
        return (_DUTY_ORDER.index(self.kind), tuple(self.params.items()))

    def to_json(self) -> dict[str, Any]:
        """``{"kind": ..., "params": {...}}`` (strings only)."""
        return {"kind": self.kind.value, "params": dict(self.params)}


@dataclass(frozen=True)
class Rule:
    """One cell of the rule table: the outcome for (user class, purpose) and its duties.

    ``allowed`` and ``not_allowed`` carry no duties, ``allowed_with_duties`` at least one;
    ``needs_agreement`` may list the duties an agreement would start from.
    """

    outcome: Outcome
    duties: tuple[Duty, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", s.enum(Outcome, self.outcome, "outcome"))
        object.__setattr__(self, "duties", tuple(sorted(self.duties, key=Duty.sort_key)))
        kinds = [duty.kind for duty in self.duties]
        if len(set(kinds)) != len(kinds):
            raise s.fail("duties", "duplicate")
        if self.outcome in (Outcome.ALLOWED, Outcome.NOT_ALLOWED) and self.duties:
            raise s.fail("duties", "outcome_takes_no_duties")
        if self.outcome is Outcome.ALLOWED_WITH_DUTIES and not self.duties:
            raise s.fail("duties", "duties_required")
        for duty in self.duties:
            _check_rule_duty(duty)

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome.value, "duties": [d.to_json() for d in self.duties]}


def _check_rule_duty(duty: Duty) -> None:
    allowed = _RULE_DUTY_PARAMS.get(duty.kind, frozenset())
    for name, value in duty.params.items():
        if name not in allowed:
            raise s.fail(f"duties.{duty.kind}.{name}", "unknown_key")
        s.text(value, f"duties.{duty.kind}.{name}", required=True, limit=2_000)
    days = duty.params.get("days")
    if days is not None and not _DAYS.match(days):
        raise s.fail(f"duties.{duty.kind}.days", "bad_number")
    if "date" in duty.params:
        s.iso_date(duty.params["date"], f"duties.{duty.kind}.date")


@dataclass(frozen=True)
class Fee:
    """A fixed fee: ``amount`` as a decimal string (never a float) and an ISO 4217 currency."""

    amount: str
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, str) or not _FEE_AMOUNT.match(self.amount):
            raise s.fail("benefit_sharing.fee.amount", "bad_amount")
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise s.fail("benefit_sharing.fee.currency", "bad_currency")


@dataclass(frozen=True)
class BenefitSharing:
    """What for-profit users give back (Nagoya: monetary and non-monetary benefits).

    ``royalty_basis_points`` is an integer in hundredths of a percent (250 = 2.5 %), so the
    value survives canonical JSON exactly.
    """

    royalty_basis_points: int = 0
    fee: Fee | None = None
    non_monetary: tuple[NonMonetaryBenefit, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        s.integer(
            self.royalty_basis_points, "benefit_sharing.royalty_basis_points", low=0, high=10_000
        )
        path = "benefit_sharing.non_monetary"
        items = tuple(s.enum(NonMonetaryBenefit, item, path) for item in self.non_monetary)
        if len(set(items)) != len(items):
            raise s.fail("benefit_sharing.non_monetary", "duplicate")
        object.__setattr__(
            self, "non_monetary", tuple(sorted(items, key=tuple(NonMonetaryBenefit).index))
        )
        s.text(self.note, "benefit_sharing.note", limit=2_000)

    @property
    def is_empty(self) -> bool:
        """True when nothing specific is set (benefits are then to be agreed)."""
        return not (self.royalty_basis_points or self.fee or self.non_monetary or self.note)

    def as_params(self) -> dict[str, str]:
        """The parameters of a ``benefit_share`` duty (only the ones that are set)."""
        params: dict[str, str] = {}
        if self.royalty_basis_points:
            params["royalty_basis_points"] = str(self.royalty_basis_points)
        if self.fee is not None:
            params["fee_amount"] = self.fee.amount
            params["fee_currency"] = self.fee.currency
        if self.non_monetary:
            params["non_monetary"] = ",".join(self.non_monetary)
        if self.note:
            params["note"] = self.note
        return params

    def to_json(self) -> dict[str, Any]:
        return {
            "royalty_basis_points": self.royalty_basis_points,
            "fee": None
            if self.fee is None
            else {"amount": self.fee.amount, "currency": self.fee.currency},
            "non_monetary": [item.value for item in self.non_monetary],
            "note": self.note,
        }


RuleTable = Mapping[tuple[UserClass, Purpose], Rule]


@dataclass(frozen=True, eq=True)
class Terms:
    """One immutable version of a community's terms (LICENSING.md section 2).

    Construction validates everything and raises :class:`ValidationError` (``params['field']``
    names the part at fault). ``rules`` must hold every (user class, purpose) pair.
    """

    id: str
    set_id: str
    name: str
    version: int
    template: str
    rules: RuleTable
    attribution: str = ""
    contact: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    benefit_sharing: BenefitSharing = field(default_factory=BenefitSharing)
    languages: tuple[str, ...] = ("en",)
    notes: Mapping[str, str] = field(default_factory=dict)  # community's own words, per language
    previous_id: str | None = None  # the version this one replaced

    __hash__ = None  # type: ignore[assignment]  # holds mappings; compare, don't hash

    def __post_init__(self) -> None:
        if not isinstance(self.rules, Mapping):
            raise s.fail("rules", "expected_object")
        rules = {
            (s.enum(UserClass, c, "rules"), s.enum(Purpose, p, "rules")): rule
            for (c, p), rule in self.rules.items()
        }
        if not isinstance(self.notes, Mapping):
            raise s.fail("notes", "expected_object")
        object.__setattr__(
            self, "rules", MappingProxyType(dict(sorted(rules.items(), key=_cell_key)))
        )
        object.__setattr__(self, "notes", MappingProxyType(dict(sorted(self.notes.items()))))
        object.__setattr__(self, "languages", tuple(self.languages))
        self._validate()

    def _validate(self) -> None:
        s.uuid_text(self.id, "id")
        s.uuid_text(self.set_id, "set_id")
        s.uuid_text(self.previous_id, "previous_id", nullable=True)
        s.text(self.name, "name", required=True, limit=200)
        s.integer(self.version, "version", low=1, high=1_000_000)
        if self.template not in TEMPLATES:
            raise s.fail("template", "unknown_code")
        missing = [cell for cell in _ALL_CELLS if cell not in self.rules]
        if missing:
            user_class, purpose = missing[0]
            raise s.fail(f"rules.{user_class}.{purpose}", "missing_key")
        for cell, rule in self.rules.items():
            if not isinstance(rule, Rule):
                raise s.fail(f"rules.{cell[0]}.{cell[1]}", "expected_object")
        s.text(self.attribution, "attribution", limit=2_000)
        s.text(self.contact, "contact", limit=1_000)
        if any(d.kind is DutyKind.ATTRIBUTE for r in self.rules.values() for d in r.duties):
            s.text(self.attribution, "attribution", required=True)
        if any(r.outcome is Outcome.NEEDS_AGREEMENT for r in self.rules.values()):
            # "Needs agreement" tells the user to contact the community: say how.
            s.text(self.contact, "contact", required=True)
        for name in ("valid_from", "valid_until"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                raise s.fail(name, "bad_date")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise s.fail("valid_until", "before_valid_from")
        if not isinstance(self.benefit_sharing, BenefitSharing):
            raise s.fail("benefit_sharing", "expected_object")
        if not self.languages or len(self.languages) > 50:
            raise s.fail("languages", "required")
        if len(set(self.languages)) != len(self.languages):
            raise s.fail("languages", "duplicate")
        for lang in self.languages:
            s.text(lang, "languages")
            check_language(lang, "languages")
        for lang, note in self.notes.items():
            check_language(lang, "notes")
            s.text(note, f"notes.{lang}", limit=20_000)

    def rule(self, user_class: UserClass, purpose: Purpose) -> Rule:
        """The rule-table cell for ``user_class`` doing ``purpose``."""
        return self.rules[(UserClass(user_class), Purpose(purpose))]

    def to_json(self) -> dict[str, Any]:
        """The ``terms.json`` object: integers, strings, lists, objects and null only."""
        rules: dict[str, dict[str, Any]] = {}
        for (user_class, purpose), rule in self.rules.items():
            rules.setdefault(user_class.value, {})[purpose.value] = rule.to_json()
        return {
            "type": TERMS_TYPE,
            "id": self.id,
            "set_id": self.set_id,
            "previous_id": self.previous_id,
            "name": self.name,
            "version": self.version,
            "template": self.template,
            "attribution": self.attribution,
            "contact": self.contact,
            "valid_from": _date_text(self.valid_from),
            "valid_until": _date_text(self.valid_until),
            "benefit_sharing": self.benefit_sharing.to_json(),
            "languages": list(self.languages),
            "notes": dict(self.notes),
            "rules": rules,
        }

    @classmethod
    def from_json(cls, data: Any) -> Terms:
        """Read ``terms.json`` (already parsed) with a closed schema.

        Raises:
            ValidationError: unknown or missing keys, floats, wrong types, unknown codes,
                incomplete rule table or any broken rule; ``params['field']`` is the JSON path.
        """
        s.reject_floats(data)
        top = s.obj(data, "", _TOP_KEYS)
        if top["type"] != TERMS_TYPE:
            raise s.fail("type", "unsupported_version")
        return cls(
            id=_req_uuid(top["id"], "id"),
            set_id=_req_uuid(top["set_id"], "set_id"),
            previous_id=s.uuid_text(top["previous_id"], "previous_id", nullable=True),
            name=s.text(top["name"], "name", required=True, limit=200),
            version=s.integer(top["version"], "version", low=1, high=1_000_000),
            template=s.text(top["template"], "template"),
            attribution=s.text(top["attribution"], "attribution", limit=2_000),
            contact=s.text(top["contact"], "contact", limit=1_000),
            valid_from=s.iso_date(top["valid_from"], "valid_from", nullable=True),
            valid_until=s.iso_date(top["valid_until"], "valid_until", nullable=True),
            benefit_sharing=_benefit_from_json(top["benefit_sharing"]),
            languages=tuple(s.text(x, "languages") for x in s.array(top["languages"], "languages")),
            notes=_notes_from_json(top["notes"]),
            rules=_rules_from_json(top["rules"]),
        )


_TOP_KEYS = (
    "type", "id", "set_id", "previous_id", "name", "version", "template", "attribution",
    "contact", "valid_from", "valid_until", "benefit_sharing", "languages", "notes", "rules",
)  # fmt: skip

_ALL_CELLS: tuple[tuple[UserClass, Purpose], ...] = tuple(
    (user_class, purpose) for user_class in UserClass for purpose in Purpose
)


def _cell_key(item: tuple[tuple[UserClass, Purpose], Rule]) -> tuple[int, int]:
    (user_class, purpose), _rule = item
    return (tuple(UserClass).index(user_class), tuple(Purpose).index(purpose))


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _req_uuid(value: Any, path: str) -> str:
    result = s.uuid_text(value, path)
    assert result is not None
    return result


def _benefit_from_json(value: Any) -> BenefitSharing:
    data = s.obj(value, "benefit_sharing", ("royalty_basis_points", "fee", "non_monetary", "note"))
    fee = None
    if data["fee"] is not None:
        fee_data = s.obj(data["fee"], "benefit_sharing.fee", ("amount", "currency"))
        fee = Fee(
            amount=s.text(fee_data["amount"], "benefit_sharing.fee.amount"),
            currency=s.text(fee_data["currency"], "benefit_sharing.fee.currency"),
        )
    path = "benefit_sharing.non_monetary"
    return BenefitSharing(
        royalty_basis_points=s.integer(
            data["royalty_basis_points"], "benefit_sharing.royalty_basis_points", low=0, high=10_000
        ),
        fee=fee,
        non_monetary=tuple(
            s.enum(NonMonetaryBenefit, x, path) for x in s.array(data["non_monetary"], path)
        ),
        note=s.text(data["note"], "benefit_sharing.note", limit=2_000),
    )


def _notes_from_json(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise s.fail("notes", "expected_object")
    return {lang: s.text(note, f"notes.{lang}", limit=20_000) for lang, note in value.items()}


def _rules_from_json(value: Any) -> dict[tuple[UserClass, Purpose], Rule]:
    classes = s.obj(value, "rules", [c.value for c in UserClass])
    rules: dict[tuple[UserClass, Purpose], Rule] = {}
    for user_class in UserClass:
        row = s.obj(classes[user_class.value], f"rules.{user_class}", [p.value for p in Purpose])
        for purpose in Purpose:
            path = f"rules.{user_class}.{purpose}"
            cell = s.obj(row[purpose.value], path, ("outcome", "duties"))
            duties = []
            for i, item in enumerate(
                s.array(cell["duties"], f"{path}.duties", limit=len(DutyKind))
            ):
                where = f"{path}.duties[{i}]"
                duty = s.obj(item, where, ("kind", "params"))
                params = duty["params"]
                if not isinstance(params, Mapping):
                    raise s.fail(f"{where}.params", "expected_object")
                duties.append(
                    Duty(
                        kind=s.enum(DutyKind, duty["kind"], f"{where}.kind"),
                        params={k: s.text(v, f"{where}.params.{k}") for k, v in params.items()},
                    )
                )
            outcome = s.enum(Outcome, cell["outcome"], f"{path}.outcome")
            try:
                rules[(user_class, purpose)] = Rule(outcome=outcome, duties=tuple(duties))
            except ValidationError as exc:
                # Rule() knows only its own fields; say which cell was wrong.
                raise s.fail(f"{path}.{exc.params.get('field', 'duties')}", exc.detail) from None
    return rules


def resolve_duty(duty: Duty, terms: Terms) -> Duty:
    """A rule-table duty with the parameters the terms hold filled in.

    ``attribute`` gets ``text`` (the attribution), ``benefit_share`` the benefit-sharing
    figures, ``expires`` the ``date`` the terms end.
    """
    params = dict(duty.params)
    if duty.kind is DutyKind.ATTRIBUTE:
        params["text"] = terms.attribution
    elif duty.kind is DutyKind.BENEFIT_SHARE:
        params.update(terms.benefit_sharing.as_params())
    elif duty.kind is DutyKind.EXPIRES and terms.valid_until is not None:
        # ISO dates compare as text; the earlier end wins.
        params["date"] = min(params.get("date", "9999-12-31"), terms.valid_until.isoformat())
    return Duty(duty.kind, params)


def canonical_terms_bytes(terms: Terms) -> bytes:
    """``terms.json`` as RFC 8785 (JCS) canonical bytes: what bundles store and hash."""
    result: bytes = rfc8785.dumps(terms.to_json())
    return result


def new_version(terms: Terms, **changes: Any) -> Terms:
    """The next version of ``terms`` with ``changes`` applied (editing never mutates a version).

    The result has ``version + 1``, a fresh ``id``, the same ``set_id`` and ``previous_id``
    pointing at ``terms``. Identity fields cannot be changed.

    Raises:
        ValidationError: a change names an identity field, or the result is invalid.
    """
    for name in ("id", "set_id", "version", "previous_id"):
        if name in changes:
            raise s.fail(name, "read_only")
    known = {f.name for f in dataclasses.fields(Terms)}
    for name in changes:
        if name not in known:
            raise s.fail(name, "unknown_key")
    return dataclasses.replace(
        terms,
        id=str(uuid.uuid4()),
        version=terms.version + 1,
        previous_id=terms.id,
        **changes,
    )


def template_rules(code: str) -> dict[tuple[UserClass, Purpose], Rule]:
    """The complete rule table of built-in template ``code`` (duties without parameters)."""
    info = template_info(code)
    return {
        cell: Rule(outcome, tuple(Duty(kind) for kind in kinds))
        for cell, (outcome, kinds) in info.cells.items()
    }


def from_template(
    code: str,
    *,
    attribution: str,
    contact: str,
    name: str | None = None,
    set_id: str | None = None,
    benefit_sharing: BenefitSharing | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    languages: Iterable[str] = ("en",),
    notes: Mapping[str, str] | None = None,
    rules: Mapping[tuple[UserClass, Purpose], Rule] | None = None,
) -> Terms:
    """Version 1 of a new terms set built from a built-in template.

    Args:
        code: one of :data:`TEMPLATES`.
        attribution: how users must credit the community (required by templates that
            carry the ``attribute`` duty).
        contact: how to reach the community for agreements.
        name: the terms set's name; defaults to the template's (English) name.
        set_id: the terms set's id; a new UUID when omitted.
        benefit_sharing: royalty, fee and non-monetary benefits for reciprocal for-profits.
        valid_from: first day the terms apply.
        valid_until: last day the terms apply.
        languages: languages the human-readable terms are produced in.
        notes: the community's own words per language, shown with the terms.
        rules: cells that replace the template's (the "custom" starting point).

    Raises:
        ValidationError: unknown template or invalid result.
    """
    info = template_info(code)
    table = template_rules(code)
    if rules:
        table.update(rules)
    return Terms(
        id=str(uuid.uuid4()),
        set_id=set_id or str(uuid.uuid4()),
        name=info.name if name is None else name,
        version=1,
        template=code,
        rules=table,
        attribution=attribution,
        contact=contact,
        valid_from=valid_from,
        valid_until=valid_until,
        benefit_sharing=benefit_sharing or BenefitSharing(),
        languages=tuple(languages),
        notes=dict(notes or {}),
    )
