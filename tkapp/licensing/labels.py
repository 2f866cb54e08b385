"""Local Contexts TK and BC Labels, shipped offline (LICENSING.md section 4).

The 30 labels come from ``data/labels.json``: code, kind (tk/bc), category
(provenance/protocol/permission), the label's name and a short default description written
by us. Each catalogue replaces the description with the community's own text and
translations through :class:`LabelCustomisation` (stored by the catalogue, not here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from tkapp.core.model import check_language
from tkapp.errors import ValidationError
from tkapp.licensing import _schema as s


class LabelKind(StrEnum):
    TK = "tk"  # Traditional Knowledge
    BC = "bc"  # Biocultural


class LabelCategory(StrEnum):
    PROVENANCE = "provenance"
    PROTOCOL = "protocol"
    PERMISSION = "permission"


@dataclass(frozen=True)
class Label:
    """One Local Contexts label as shipped: English name and our own default description."""

    code: str
    kind: LabelKind
    category: LabelCategory
    name: str
    description: str


@dataclass(frozen=True)
class LabelCustomisation:
    """A community's own wording of a label in one catalogue.

    Args:
        code: the label code (``tks``...).
        text: the community's text in the catalogue's main language ("" = our default).
        translations: language tag -> text in that language.
        approved_by: who approved the wording (assembly, council, person).
        approved_on: when it was approved.
        hub_project_id: the Local Contexts Hub project id, to link later when online.
    """

    code: str
    text: str = ""
    translations: Mapping[str, str] = field(default_factory=dict)
    approved_by: str = ""
    approved_on: date | None = None
    hub_project_id: str = ""

    __hash__ = None  # type: ignore[assignment]  # holds a mapping

    def __post_init__(self) -> None:
        get_label(self.code)
        s.text(self.text, "text", limit=5_000)
        if not isinstance(self.translations, Mapping):
            raise s.fail("translations", "expected_object")
        for lang, value in self.translations.items():
            check_language(lang, "translations")
            s.text(value, f"translations.{lang}", limit=5_000)
        object.__setattr__(self, "translations", MappingProxyType(dict(self.translations)))
        s.text(self.approved_by, "approved_by", limit=500)
        if self.approved_on is not None and not isinstance(self.approved_on, date):
            raise s.fail("approved_on", "bad_date")
        s.text(self.hub_project_id, "hub_project_id", limit=200)

    def text_for(self, lang: str) -> str:
        """The community's text in ``lang``: the exact language, then its base, then ``text``."""
        if self.translations.get(lang):
            return self.translations[lang]
        base = lang.replace("-", "_").split("_")[0]
        for tag, value in self.translations.items():
            if value and tag.replace("-", "_").split("_")[0] == base:
                return value
        return self.text

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (strings and null only), for storage or a bundle."""
        return {
            "code": self.code,
            "text": self.text,
            "translations": dict(sorted(self.translations.items())),
            "approved_by": self.approved_by,
            "approved_on": None if self.approved_on is None else self.approved_on.isoformat(),
            "hub_project_id": self.hub_project_id,
        }

    @classmethod
    def from_json(cls, data: Any) -> LabelCustomisation:
        """Read :meth:`to_json` output with a closed schema (raises ValidationError)."""
        s.reject_floats(data)
        keys = ("code", "text", "translations", "approved_by", "approved_on", "hub_project_id")
        top = s.obj(data, "", keys)
        translations = top["translations"]
        if not isinstance(translations, Mapping):
            raise s.fail("translations", "expected_object")
        return cls(
            code=s.text(top["code"], "code", required=True),
            text=s.text(top["text"], "text", limit=5_000),
            translations={k: s.text(v, f"translations.{k}") for k, v in translations.items()},
            approved_by=s.text(top["approved_by"], "approved_by", limit=500),
            approved_on=s.iso_date(top["approved_on"], "approved_on", nullable=True),
            hub_project_id=s.text(top["hub_project_id"], "hub_project_id", limit=200),
        )


@cache
def _load() -> tuple[Label, ...]:
    raw = resources.files("tkapp.licensing").joinpath("data/labels.json").read_text("utf-8")
    data = s.obj(json.loads(raw), "", ("type", "comment", "labels"))
    labels = []
    for i, item in enumerate(s.array(data["labels"], "labels")):
        path = f"labels[{i}]"
        entry = s.obj(item, path, ("code", "kind", "category", "name", "description"))
        labels.append(
            Label(
                code=s.text(entry["code"], f"{path}.code", required=True),
                kind=s.enum(LabelKind, entry["kind"], f"{path}.kind"),
                category=s.enum(LabelCategory, entry["category"], f"{path}.category"),
                name=s.text(entry["name"], f"{path}.name", required=True),
                description=s.text(entry["description"], f"{path}.description", required=True),
            )
        )
    return tuple(labels)


#: All 30 labels in the shipped order (20 TK, then 10 BC).
LABELS: tuple[Label, ...] = _load()
_BY_CODE: Mapping[str, Label] = MappingProxyType({label.code: label for label in LABELS})
LABEL_CODES: frozenset[str] = frozenset(_BY_CODE)


def get_label(code: str) -> Label:
    """The shipped label with ``code``.

    Raises:
        ValidationError: unknown code (``field='labels'``).
    """
    label = _BY_CODE.get(code) if isinstance(code, str) else None
    if label is None:
        raise ValidationError("unknown_label", field="labels", code=str(code)[:40])
    return label


def check_labels(codes: Iterable[str]) -> tuple[str, ...]:
    """``codes`` sorted and de-duplicated, after checking each is a known label."""
    unique = set()
    for code in codes:
        unique.add(get_label(code).code)
    return tuple(sorted(unique))
