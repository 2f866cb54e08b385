"""The release gate's answer in plain words: one text for the GUI plan and the CLI plan.

Both front ends show the same lines, built here from the same
:class:`~tkapp.licensing.gate.ReleaseDecision`; neither words the plan on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tkapp.core.model import ConsentStatus
from tkapp.i18n import N_, format_date, translate
from tkapp.i18n import names as display_names
from tkapp.licensing.evaluate import Reason
from tkapp.licensing.gate import Disposition, FieldRelease, MediaRelease, ReleaseDecision
from tkapp.licensing.text import describe_reason

_FIELD_NAMES = {
    "description": N_("Description"),
    "uses": N_("Uses"),
    "preparation": N_("Preparation"),
    "holders": N_("Knowledge holders"),
    "recorded_by": N_("Recorded by"),
    "local_names": N_("Local names"),
    "place": N_("Place"),
    "locality": N_("Place description"),
    "media": N_("Media"),
}


@dataclass(frozen=True)
class PlanLine:
    """One line of a record's plan. ``kind``: consent, goes, generalised, withheld, media,
    media_withheld, warning (front ends may style them; the text says it all)."""

    kind: str
    text: str


def field_name(code: str) -> str:
    return translate(_FIELD_NAMES[code]) if code in _FIELD_NAMES else code


def _reasons(reasons: Sequence[Reason]) -> str:
    return " ".join(describe_reason(r) for r in dict.fromkeys(reasons))


def stay_reasons(item: ReleaseDecision) -> list[str]:
    """Why a record stays home, translated: the rule that decided comes first."""
    return [describe_reason(r) for r in dict.fromkeys(item.reasons)]


def consent_line(item: ReleaseDecision) -> PlanLine | None:
    cover = item.consent
    if cover is None:
        return None
    if cover.override is not None:
        text = translate(
            N_("Consent: no consent record; released by {who} on {day}, because: {why}")
        ).format(
            who=cover.override.who,
            day=format_date(cover.override.when.date(), "medium"),
            why=cover.override.why,
        )
    elif cover.expires is not None:
        text = translate(N_("Consent: given by {who} ({status}), until {day}.")).format(
            who=cover.granted_by,
            status=_status(cover.status),
            day=format_date(cover.expires, "medium"),
        )
    else:
        text = translate(N_("Consent: given by {who} ({status}).")).format(
            who=cover.granted_by, status=_status(cover.status)
        )
    return PlanLine("consent", text)


def _status(code: str) -> str:
    try:
        return display_names.consent_status_name(ConsentStatus(code)).lower()
    except ValueError:
        return code


def _field_line(item: ReleaseDecision, f: FieldRelease) -> PlanLine | None:
    name = field_name(f.name)
    if f.disposition is Disposition.WITHHELD:
        return PlanLine(
            "withheld",
            translate(N_("{field}: stays home. {why}")).format(field=name, why=_reasons(f.reasons)),
        )
    if f.disposition is Disposition.GENERALISED:
        return PlanLine(
            "generalised",
            translate(N_("{field}: generalised, leaves as “{text}”. {why}")).format(
                field=name, text=f.text or "", why=_reasons(f.reasons)
            ),
        )
    if f.name == "locality" and f.text:
        # The exact free text that leaves, so the custodian sees it.
        return PlanLine(
            "goes", translate(N_("{field} leaves as “{text}”.")).format(field=name, text=f.text)
        )
    return None


def media_line(m: MediaRelease) -> list[PlanLine]:
    kind = display_names.media_kind_name(m.media.kind)
    label = translate(N_("{kind} “{name}”")).format(
        kind=kind, name=m.media.caption or m.media.file_name
    )
    if not m.included:
        return [
            PlanLine(
                "media_withheld",
                translate(N_("{media}: stays home. {why}")).format(
                    media=label, why=_reasons(m.reasons)
                ),
            )
        ]
    if m.confirmed:
        text = translate(
            N_("{media}: goes as it is: you confirmed it although its metadata cannot be removed.")
        ).format(media=label)
    elif m.removed:
        text = translate(N_("{media}: goes without its metadata ({removed}).")).format(
            media=label, removed=", ".join(_describe_removed(m.removed))
        )
    else:
        text = translate(N_("{media}: goes; it carried no metadata to remove.")).format(media=label)
    lines = [PlanLine("media", text)]
    for warning in m.warnings:
        lines.append(
            PlanLine(
                "warning",
                translate(N_("Content warning shown before it: {warning}")).format(warning=warning),
            )
        )
    return lines


def _describe_removed(codes: Sequence[str]) -> list[str]:
    # The metadata cleaner words its own codes (tkapp.mediaclean.describe_removed); the
    # licensing package is pure, so the words come through this one import.
    from tkapp.mediaclean import describe_removed

    return list(describe_removed(tuple(codes)))


def describe_release(item: ReleaseDecision) -> list[PlanLine]:
    """Every line of a record's plan: consent, what goes (and how), what stays, media and
    warnings. A record that stays gets its reasons."""
    if not item.included:
        return [PlanLine("withheld", text) for text in stay_reasons(item)]
    lines: list[PlanLine] = []
    consent = consent_line(item)
    if consent is not None:
        lines.append(consent)
    going = [
        f
        for f in item.fields
        if f.disposition is Disposition.INCLUDED and not (f.name == "locality" and f.text)
    ]
    if going:
        parts = []
        for f in going:
            names = {"holders": ", ".join(item.holders), "recorded_by": item.recorded_by or ""}
            if names.get(f.name):
                parts.append(
                    translate(N_("{field} ({names})")).format(
                        field=field_name(f.name), names=names[f.name]
                    )
                )
            else:
                parts.append(field_name(f.name))
        lines.append(
            PlanLine("goes", translate(N_("Goes: {fields}.")).format(fields=", ".join(parts)))
        )
    for f in item.fields:
        line = _field_line(item, f)
        if line is not None:
            lines.append(line)
    for m in item.media:
        lines.extend(media_line(m))
    for warning in item.warnings:
        lines.append(PlanLine("warning", describe_reason(warning)))
    return lines
