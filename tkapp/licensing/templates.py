"""The built-in terms templates, read from the shipped ``data/templates.json``.

A template is a list of lines applied in order; a later line overrides an earlier one for the
cells it names and ``"*"`` names every user class or purpose. Expanding them gives a complete
rule table, which :func:`tkapp.licensing.terms.from_template` turns into :class:`Terms`.
The expected tables are written out cell by cell in ``tests/data/template_matrix.csv`` so a
reviewer can check them without reading this format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from tkapp.licensing import _schema as s
from tkapp.licensing.vocab import DutyKind, Outcome, Purpose, UserClass

#: Template codes in menu order (LICENSING.md section 3).
TEMPLATES: tuple[str, ...] = (
    "cbrl",
    "noncommercial_research",
    "community_only",
    "open_attribution",
    "custom",
)

Cell = tuple[UserClass, Purpose]


@dataclass(frozen=True)
class TemplateInfo:
    """One built-in template: English source name and summary, and its full rule table."""

    code: str
    name: str
    summary: str
    cells: MappingProxyType[Cell, tuple[Outcome, tuple[DutyKind, ...]]]


@cache
def template_info(code: str) -> TemplateInfo:
    """The built-in template ``code``.

    Raises:
        ValidationError: ``code`` is not one of :data:`TEMPLATES`.
    """
    for info in _load():
        if info.code == code:
            return info
    raise s.fail("template", "unknown_code")


@cache
def _load() -> tuple[TemplateInfo, ...]:
    raw = resources.files("tkapp.licensing").joinpath("data/templates.json").read_text("utf-8")
    data = s.obj(json.loads(raw), "", ("type", "comment", "templates"))
    infos = tuple(
        _parse_template(item, f"templates[{i}]") for i, item in enumerate(data["templates"])
    )
    if tuple(info.code for info in infos) != TEMPLATES:
        raise s.fail("templates", "template_list_mismatch")
    return infos


def _parse_template(item: Any, path: str) -> TemplateInfo:
    data = s.obj(item, path, ("code", "name", "summary", "lines"))
    cells: dict[Cell, tuple[Outcome, tuple[DutyKind, ...]]] = {}
    for i, line in enumerate(s.array(data["lines"], f"{path}.lines")):
        where = f"{path}.lines[{i}]"
        spec = s.obj(line, where, ("user_classes", "purposes", "outcome", "duties"))
        classes = _members(UserClass, spec["user_classes"], f"{where}.user_classes")
        purposes = _members(Purpose, spec["purposes"], f"{where}.purposes")
        outcome = s.enum(Outcome, spec["outcome"], f"{where}.outcome")
        duties = tuple(
            s.enum(DutyKind, d, f"{where}.duties") for d in s.array(spec["duties"], where)
        )
        for user_class in classes:
            for purpose in purposes:
                cells[(user_class, purpose)] = (outcome, duties)
    if len(cells) != len(UserClass) * len(Purpose):
        raise s.fail(f"{path}.lines", "incomplete_table")
    return TemplateInfo(
        code=s.text(data["code"], f"{path}.code", required=True),
        name=s.text(data["name"], f"{path}.name", required=True),
        summary=s.text(data["summary"], f"{path}.summary", required=True),
        cells=MappingProxyType(cells),
    )


def _members(kind: type[s.E], value: Any, path: str) -> tuple[s.E, ...]:
    if value == "*":
        return tuple(kind)
    return tuple(s.enum(kind, code, path) for code in s.array(value, path))
