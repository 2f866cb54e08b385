"""The export wizard's plain words: the plan as HTML (what goes, what stays and why, the
duties), its one-line summary, and the "how to verify" text sent with a bundle."""

from __future__ import annotations

import html

from tkapp.i18n import _, ngettext
from tkapp.licensing import release_text
from tkapp.licensing import text as lt
from tkapp.licensing.plan import RecordPlan
from tkapp.licensing.terms import Duty
from tkapp.licensing.vocab import Purpose
from tkapp.services.keys import PUBLIC_KEY_FILE_NAME
from tkapp.services.sharing import ExportResult, PlanSummary, SharingPlan
from tkapp.ui.sharing.export_jobs import ExportOutcome


def stay_reasons(item: RecordPlan) -> list[str]:
    """The reasons a record stays home, translated (the rule that decided first)."""
    return release_text.stay_reasons(item)


def record_lines_html(item: RecordPlan) -> str:
    """A record's plan lines (the same lines ``tkapp export`` prints) as an HTML list."""
    lines = release_text.describe_release(item)
    if not lines:
        return ""
    styles = {
        "withheld": "color:#8a1f11",
        "media_withheld": "color:#8a1f11",
        "warning": "color:#8a5a00",
    }
    items = [
        '<li style="{style}">{text}</li>'.format(
            style=styles.get(line.kind, ""), text=html.escape(line.text)
        )
        for line in lines
    ]
    return "<ul>" + "".join(items) + "</ul>"


def all_duties(plan: SharingPlan) -> list[Duty]:
    """The duties of every included record, each once, in a stable order."""
    seen: dict[Duty, None] = {}
    for item in plan.included:
        for duty in item.decision.duties if item.decision else ():
            seen.setdefault(duty, None)
    return sorted(seen, key=Duty.sort_key)


def _duties(item: RecordPlan) -> tuple[Duty, ...]:
    return item.decision.duties if item.decision is not None else ()


def common_duties(plan: SharingPlan) -> list[Duty]:
    """The duties every included record carries (the rest are named with their record)."""
    if not plan.included:
        return []
    common = set(_duties(plan.included[0]))
    for item in plan.included[1:]:
        common &= set(_duties(item))
    return sorted(common, key=Duty.sort_key)


def plan_summary(view: PlanSummary) -> str:
    plan = view.plan
    total = len(plan.included) + len(plan.excluded)
    going = len(plan.included)
    who = plan.recipient.name
    use = lt.purpose_name(Purpose(plan.purpose))
    if not going:
        return _(
            "None of the {total} records can go to {name} for {use}. Go back to choose other "
            "records or another purpose, or agree terms with them first."
        ).format(total=total, name=who, use=use)
    return ngettext(
        "{n} of {total} record can go to {name} for {use}.",
        "{n} of {total} records can go to {name} for {use}.",
        total,
    ).format(n=going, total=total, name=who, use=use)


def plan_html(view: PlanSummary) -> str:
    """The plan in plain words as simple HTML (titles escaped: they are the user's text)."""
    plan = view.plan
    esc = html.escape
    parts: list[str] = []
    if len(plan.terms_ids) > 1:
        parts.append(
            "<p><b>"
            + esc(
                _(
                    "These records are under different versions of your terms, and a bundle "
                    "carries only one. Go back and choose records under one version, or put "
                    "them under the same terms first."
                )
            )
            + "</b></p>"
        )
    if plan.included:
        parts.append(
            "<h3>"
            + esc(_("What goes ({n})").format(n=len(plan.included)))
            + "</h3>"
            + "<p>"
            + esc(_("Under the terms {terms}.").format(terms=view.terms_title))
            + "</p><ul>"
        )
        common = common_duties(plan)
        for item in plan.included:
            notes = []
            for duty in _duties(item):
                if duty not in common:
                    notes.append(_("Also: {duty}").format(duty=lt.describe_duty(duty)))
            # (Culturally sensitive records say so among the gate's own warning lines.)
            parts.append(
                "<li><b>"
                + esc(plan.title(item.record_id))
                + "</b>"
                + record_lines_html(item)
                + (esc(" ".join(notes)) if notes else "")
                + "</li>"
            )
        parts.append("</ul>")
        duties = all_duties(plan)
        parts.append(
            "<h3>" + esc(_("What {name} agrees to do").format(name=plan.recipient.name)) + "</h3>"
        )
        if common:
            parts.append("<p>" + esc(_("For every record that goes:")) + "</p><ul>")
            parts += ["<li>" + esc(lt.describe_duty(d)) + "</li>" for d in common]
            parts.append("</ul>")
        if len(duties) > len(common):
            parts.append(
                "<p>" + esc(_("Some records ask for more: see “Also” next to them.")) + "</p>"
            )
        if not duties:
            parts.append("<p>" + esc(_("The terms ask nothing more for this use.")) + "</p>")
    if plan.excluded:
        parts.append(
            "<h3>"
            + esc(_("What stays in the catalogue, and why ({n})").format(n=len(plan.excluded)))
            + "</h3><ul>"
        )
        for item in plan.excluded:
            parts.append(
                "<li><b>"
                + esc(plan.title(item.record_id))
                + "</b>"
                + record_lines_html(item)
                + "</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


def bundle_folder(result: ExportResult) -> str:
    """The bundle's single top-level folder inside the ZIP (its UUID)."""
    return result.bundle_id.removeprefix("urn:uuid:")


def verify_text(outcome: ExportOutcome, recipient: str) -> str:
    """The short text a custodian sends with the bundle so the recipient can check it."""
    result = outcome.result
    fp = outcome.fingerprint
    name = result.path.name
    plain = name[: -len(".age")] if result.encrypted else name
    key = outcome.public_key.name if outcome.public_key else PUBLIC_KEY_FILE_NAME
    lines = [
        _("How to check the bundle “{file}” from {community}").format(
            file=name, community=outcome.community
        ),
        "",
        _(
            "Before you use it, check that it really comes from us and that nothing in it was "
            "changed. Compare the key fingerprint below with the one we gave you in person or "
            "by phone; if it differs, do not use the bundle and tell us."
        ),
        "",
        _("Key fingerprint (words): {words}").format(words=" ".join(fp.words())),
        _("Key fingerprint (hex): {hex}").format(hex=" ".join(fp.groups())),
        _("SHA-256 of the file {file}: {sha}").format(file=name, sha=result.sha256),
        "",
    ]
    step = 1
    if result.encrypted:
        lines += [
            _(
                "{step}. The bundle is encrypted for you ({name}). Open it with your age key:"
            ).format(step=step, name=recipient),
            f"   age -d -i YOUR-KEY.txt -o {plain} {name}",
        ]
        step += 1
    lines += [
        _("{step}. With TK Commons (checks the signature, every file and the terms):").format(
            step=step
        ),
        f"   tkapp verify {plain} --trust {key}",
        _("{step}. Or with minisign alone (checks the signature on the list of contents):").format(
            step=step + 1
        ),
        f"   unzip {plain}",
        f"   minisign -Vm {bundle_folder(result)}/tkb/manifest.json -p {key}",
        "",
        _("The terms are inside the bundle, in data/terms/ (one text per language)."),
    ]
    return "\n".join(lines) + "\n"
