"""Human-readable terms, reasons and duties, in any shipped language (through tkapp.i18n).

The licensing engine speaks in codes; this module turns them into short, plain sentences a
researcher or a custodian can read. Every sentence is an English source string marked for
gettext; ``lang`` picks the catalogue with :func:`tkapp.i18n.translator`, so one page can be
produced per catalogue language whatever the UI language is. ``lang=None`` means the current
UI language.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal

from babel import numbers as _bnumbers
from babel.lists import format_list

from tkapp.core.model import AccessLevel, Sensitivity
from tkapp.errors import TkError
from tkapp.i18n import N_, babel_locale, current_language, format_date, normalise, translator
from tkapp.licensing.evaluate import Reason
from tkapp.licensing.labels import LabelCustomisation, check_labels, get_label
from tkapp.licensing.templates import TEMPLATES, template_info
from tkapp.licensing.terms import Duty, Rule, Terms, resolve_duty
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome, Purpose, UserClass

_USER_CLASS_NAMES: dict[UserClass, str] = {
    UserClass.COMMUNITY: N_("Members of the community"),
    UserClass.NONCOMMERCIAL: N_("Individuals, students, teachers and NGOs (non-commercial)"),
    UserClass.PUBLIC_RESEARCH: N_("Universities and public research institutes"),
    UserClass.COMMONS_ENTERPRISE: N_("Cooperatives and not-for-profit enterprises"),
    UserClass.FOR_PROFIT_RECIPROCAL: N_("For-profit companies that share benefits"),
    UserClass.FOR_PROFIT: N_("Other for-profit companies"),
}

_PURPOSE_NAMES: dict[Purpose, str] = {
    Purpose.PERSONAL_STUDY: N_("personal study"),
    Purpose.EDUCATION: N_("teaching and education"),
    Purpose.RESEARCH: N_("research"),
    Purpose.PUBLICATION: N_("publishing"),
    Purpose.CONSERVATION: N_("conservation"),
    Purpose.PRODUCT_DEVELOPMENT: N_("developing products"),
    Purpose.COMMERCIAL_SALE: N_("selling"),
    Purpose.IP_CLAIM: N_("patents or other intellectual-property claims"),
    Purpose.REDISTRIBUTION: N_("passing it on to others"),
}

_OUTCOME_NAMES: dict[Outcome, str] = {
    Outcome.ALLOWED: N_("Allowed"),
    Outcome.ALLOWED_WITH_DUTIES: N_("Allowed, with duties"),
    # Translators: the user must first reach an agreement with the community (fee, royalty...).
    Outcome.NEEDS_AGREEMENT: N_("Only with an agreement with the community"),
    Outcome.NOT_ALLOWED: N_("Not allowed"),
}

#: The same words as the record editor's sensitivity choices (tkapp.i18n.names).
_SENSITIVITY_NAMES: dict[Sensitivity, str] = {
    Sensitivity.WITHHOLD: N_("Withhold: no location"),
    Sensitivity.HIGH: N_("High: about 11 km"),
    Sensitivity.MEDIUM: N_("Medium: about 1 km"),
    Sensitivity.LOW: N_("Low: about 100 m"),
    Sensitivity.NONE: N_("None: exact place"),
}
_ACCESS_NAMES: dict[AccessLevel, str] = {
    AccessLevel.PUBLIC: N_("public"),
    AccessLevel.COMMUNITY: N_("community only"),
    AccessLevel.RESTRICTED: N_("restricted to a group"),
    AccessLevel.SECRET_SACRED: N_("secret or sacred"),
}

BENEFIT_NAMES: dict[NonMonetaryBenefit, str] = {
    NonMonetaryBenefit.SHARE_RESEARCH_RESULTS: N_("sharing research results"),
    NonMonetaryBenefit.RESEARCH_COLLABORATION: N_("working together on the research"),
    NonMonetaryBenefit.PRODUCT_DEVELOPMENT_PARTICIPATION: N_("taking part in product development"),
    NonMonetaryBenefit.EDUCATION_TRAINING: N_("education and training together"),
    NonMonetaryBenefit.ACCESS_TO_FACILITIES: N_("access to collections, facilities and databases"),
    NonMonetaryBenefit.TECHNOLOGY_TRANSFER: N_("transfer of knowledge and technology"),
    NonMonetaryBenefit.CAPACITY_BUILDING: N_("building skills to use new technology"),
    NonMonetaryBenefit.INSTITUTIONAL_CAPACITY: N_("strengthening the community's organisation"),
    NonMonetaryBenefit.ADMINISTRATION_RESOURCES: N_(
        "people and materials to manage and protect the resources"
    ),
    NonMonetaryBenefit.COMMUNITY_TRAINING: N_("training with the community's full participation"),
    NonMonetaryBenefit.SCIENTIFIC_INFORMATION: N_("access to scientific information"),
    NonMonetaryBenefit.LOCAL_ECONOMY: N_("contributions to the local economy"),
    NonMonetaryBenefit.PRIORITY_RESEARCH: N_("research on the community's priorities"),
    NonMonetaryBenefit.INSTITUTIONAL_RELATIONSHIPS: N_("lasting working relationships"),
    NonMonetaryBenefit.FOOD_LIVELIHOOD_SECURITY: N_("food and livelihood security"),
    NonMonetaryBenefit.SOCIAL_RECOGNITION: N_("public recognition of the community"),
    NonMonetaryBenefit.JOINT_IP_OWNERSHIP: N_("joint ownership of any resulting rights"),
}

_REASONS: dict[str, str] = {
    # Translators: the fields are: rule, an outcome such as "Allowed"; who, a group of users;
    # use, a use of the knowledge such as "research".
    "terms_rule": N_("The terms say for {who}, {use}: {rule}."),
    "terms_expired": N_("These terms ended on {valid_until}. Ask the community to renew them."),
    "terms_not_yet_valid": N_("These terms apply only from {valid_from}."),
    "secret_sacred": N_("Secret or sacred knowledge never leaves the community."),
    "restricted_access": N_(
        "Only a restricted group ({group}) may see this knowledge; it can be shared only if "
        "that group agrees."
    ),
    "community_access": N_(
        "This knowledge is kept for the community; anyone else must ask the community first."
    ),
    "restricted_gender": N_(
        "Marked {label}: only the right people within the community may see it; it never "
        "leaves the catalogue."
    ),
    "community_only": N_("Marked {label}: only the community may use it."),
    "label_forbids_commercial": N_("Marked {label}: no commercial use."),
    "label_commercial_partner": N_(
        "Marked {label}: commercial use only under an agreement with the community as a partner."
    ),
    "label_protocol": N_("Marked {label}: follow the community's protocol."),
    "culturally_sensitive": N_("Marked {label}: the custodian must confirm before this is shared."),
    "label_attribution": N_("Marked {label}: credit the community as it asks."),
    "access_protocol": N_("Access is {access}: follow the community's protocol."),
    # The release gate (tkapp.licensing.gate): why a record, a field or a file stays home.
    "in_trash": N_("It is in the Trash: nothing in the Trash leaves the catalogue."),
    "consent_missing": N_(
        "No consent record covers it. It stays unless you release it with an explicit "
        "override saying who decided, and why."
    ),
    "consent_withdrawn": N_("Consent was withdrawn ({granted_by})."),
    "holder_consent_withdrawn": N_("A knowledge holder has withdrawn their consent."),
    "consent_unknown": N_("The consent from {granted_by} is not recorded as granted or limited."),
    "consent_expired": N_("The consent from {granted_by} ended on {expires}."),
    # Translators: {purpose} is a use such as "research".
    "consent_purpose_not_covered": N_("The consent from {granted_by} does not cover {purpose}."),
    # Translators: {who} is a group of users such as "for-profit companies".
    "consent_user_class_not_covered": N_("The consent from {granted_by} does not cover {who}."),
    "consent_overridden": N_("No consent record: released by {who} with an explicit override."),
    "consent_limited": N_("The consent from {granted_by} is limited: respect its conditions."),
    "confidential": N_("Marked confidential."),
    "place_sensitivity": N_("Place sensitivity: {sensitivity}."),
    "media_not_requested": N_("Media were not included in this export."),
    "media_needs_warning": N_(
        "It carries a content warning, which an open portal cannot show before the file."
    ),
    "media_person_anonymous": N_("It shows a person who asked to stay anonymous."),
    # Translators: {why} is a phrase such as "the file is too large to be cleaned".
    "metadata_cannot_be_cleaned": N_(
        "Its hidden metadata (place, names, device) cannot be removed ({why}); it stays unless "
        "you confirm this very file."
    ),
    "record_draft": N_("Draft: the community has not reviewed it yet."),
    "record_disputed": N_("The community disputes this record."),
}
_SECRET_SACRED_LABEL = N_("Marked {label}: secret or sacred knowledge never leaves the community.")
_UNKNOWN_REASON = N_("Other reason ({code}).")


def _tr(lang: str | None) -> _gettext.NullTranslations:
    return translator(normalise(lang) if lang else current_language())


def user_class_name(user_class: UserClass, lang: str | None = None) -> str:
    """Translated name of a user class."""
    return _tr(lang).gettext(_USER_CLASS_NAMES[UserClass(user_class)])


def purpose_name(purpose: Purpose, lang: str | None = None) -> str:
    """Translated name of a purpose (lower case, fits inside a sentence)."""
    return _tr(lang).gettext(_PURPOSE_NAMES[Purpose(purpose)])


def describe_outcome(outcome: Outcome, lang: str | None = None) -> str:
    """Translated outcome ("Allowed", "Not allowed"...)."""
    return _tr(lang).gettext(_OUTCOME_NAMES[Outcome(outcome)])


def access_name(access: AccessLevel, lang: str | None = None) -> str:
    """Translated access level."""
    return _tr(lang).gettext(_ACCESS_NAMES[AccessLevel(access)])


def template_name(code: str, lang: str | None = None) -> str:
    """Translated name of a built-in template."""
    return _tr(lang).gettext(template_info(code).name)


def terms_name(name: str, lang: str | None = None) -> str:
    """A terms set's name for people: a built-in template's name (stored in English, its
    key) in ``lang``; a name the community wrote stays exactly its own words."""
    for code in TEMPLATES:
        info = template_info(code)
        if name == info.name:
            return _tr(lang).gettext(info.name)
    return name


def label_name(code: str, lang: str | None = None) -> str:
    """Translated name of a label ("TK Seasonal")."""
    return _tr(lang).gettext(get_label(code).name)


def label_text(
    code: str,
    lang: str | None = None,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> str:
    """The label's text in ``lang``: the community's own wording first, else our default."""
    customisation = (customisations or {}).get(code)
    if customisation is not None:
        own = customisation.text_for(normalise(lang) if lang else current_language())
        if own:
            return own
    return _tr(lang).gettext(get_label(code).description)


def describe_reason(reason: Reason, lang: str | None = None) -> str:
    """One translated sentence for a decision reason (parameters translated too)."""
    tr = _tr(lang)
    params = dict(reason.params)
    template = _REASONS.get(reason.code)
    if reason.code == "secret_sacred" and "label" in params:
        template = _SECRET_SACRED_LABEL
    if template is None:
        return tr.gettext(_UNKNOWN_REASON).format(code=reason.code)
    fields = _reason_fields(params, lang)
    try:
        return tr.gettext(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return tr.gettext(template)


def _not_cleanable_reason(reason: str) -> str:
    """The untranslated sentence for why a media file cannot be cleaned."""
    # Imported here: the media cleaner loads mutagen and its codecs, which ``tkapp verify``
    # and the terms pages never need unless a reason names an uncleanable file.
    from tkapp.mediaclean import NOT_CLEANABLE_REASONS

    return NOT_CLEANABLE_REASONS.get(reason, NOT_CLEANABLE_REASONS["malformed"])


def _reason_fields(params: Mapping[str, str], lang: str | None) -> dict[str, str]:
    fields = {key: value for key, value in params.items()}
    fields.setdefault("group", "")
    converters: dict[str, Callable[[str], str]] = {
        "label": lambda v: label_name(v, lang),
        "user_class": lambda v: user_class_name(UserClass(v), lang),
        "purpose": lambda v: purpose_name(Purpose(v), lang),
        "outcome": lambda v: describe_outcome(Outcome(v), lang),
        "access": lambda v: access_name(AccessLevel(v), lang),
        "valid_until": lambda v: _date(v, lang),
        "valid_from": lambda v: _date(v, lang),
        "expires": lambda v: _date(v, lang),
        "sensitivity": lambda v: _tr(lang).gettext(_SENSITIVITY_NAMES[Sensitivity(v)]),
        "why": lambda v: _tr(lang).gettext(_not_cleanable_reason(v)),
    }
    for key, convert in converters.items():
        if key in fields:
            # An odd code (from an untrusted bundle) stays readable as it is.
            with contextlib.suppress(ValueError, TkError):
                fields[key] = convert(fields[key])
    fields["who"] = fields.get("user_class", "")
    fields["use"] = fields.get("purpose", "")
    fields["rule"] = fields.get("outcome", "")
    return fields


def _date(value: str, lang: str | None) -> str:
    return format_date(date.fromisoformat(value), "long", normalise(lang) if lang else None)


def describe_duty(
    duty: Duty,
    lang: str | None = None,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> str:
    """One translated sentence saying what the user must do, with the duty's parameters."""
    tr = _tr(lang)
    _ = tr.gettext
    ngettext = tr.ngettext
    p = duty.params
    kind = duty.kind
    if kind is DutyKind.ATTRIBUTE:
        if p.get("text"):
            # Translators: {text} is the community's own attribution text, quoted.
            return _("Credit the community as follows: “{text}”.").format(text=p["text"])
        return _("Credit the community as it asks.")
    if kind is DutyKind.SHARE_RESULTS:
        return _("Share your results with the community.")
    if kind is DutyKind.NOTIFY_BEFORE_PUBLICATION:
        if p.get("days", "").isdigit():
            days = int(p["days"])
            return ngettext(
                "Tell the community at least {days} day before you publish.",
                "Tell the community at least {days} days before you publish.",
                days,
            ).format(days=days)
        return _("Tell the community before you publish.")
    if kind is DutyKind.NO_IP_CLAIMS:
        return _(
            "Do not claim patents or other rights over this knowledge or what you make from it."
        )
    if kind is DutyKind.NO_REDISTRIBUTION:
        return _("Do not pass this knowledge on to others.")
    if kind is DutyKind.BENEFIT_SHARE:
        return _describe_benefits(p, lang)
    if kind is DutyKind.RESPECT_PROTOCOLS:
        return _describe_protocol(p, lang, customisations)
    if p.get("date"):
        return _("This permission ends on {date}.").format(date=_safe_date(p["date"], lang))
    return _("This permission lasts only for a time; ask the community until when.")


def _describe_protocol(
    p: Mapping[str, str], lang: str | None, customisations: Mapping[str, LabelCustomisation] | None
) -> str:
    _ = _tr(lang).gettext
    if p.get("label"):
        code = p["label"]
        text = p.get("text") or label_text(code, lang, customisations)
        # Translators: {label} is a label name such as "TK Seasonal"; {text} says what it asks.
        return _("Follow the protocol of {label}: {text}").format(
            label=label_name(code, lang), text=text
        )
    if p.get("group"):
        return _("Respect the protocol of the group it belongs to: {group}.").format(
            group=p["group"]
        )
    if p.get("text"):
        return _("Follow the community's protocol: {text}").format(text=p["text"])
    return _("Follow the community's protocols for this knowledge.")


def _describe_benefits(p: Mapping[str, str], lang: str | None) -> str:
    _ = tr_gettext = _tr(lang).gettext
    locale = babel_locale(normalise(lang) if lang else None)
    parts: list[str] = []
    if p.get("royalty_basis_points", "").isdigit():
        share = Decimal(int(p["royalty_basis_points"])) / Decimal(10_000)
        percent = _bnumbers.format_percent(share, "#,##0.##%", locale=locale)
        parts.append(_("a royalty of {percent} of income from it").format(percent=percent))
    if p.get("fee_amount") and p.get("fee_currency"):
        money = _bnumbers.format_currency(
            Decimal(p["fee_amount"]), p["fee_currency"], locale=locale
        )
        parts.append(_("a fee of {amount}").format(amount=money))
    for code in filter(None, p.get("non_monetary", "").split(",")):
        try:
            parts.append(tr_gettext(BENEFIT_NAMES[NonMonetaryBenefit(code)]))
        except ValueError:
            parts.append(code)
    if not parts:
        sentence = _("Share benefits with the community, as agreed with it.")
    else:
        # Translators: {benefits} is a list such as "a royalty of 2.5 %, a fee of $500".
        sentence = _("Share benefits with the community: {benefits}.").format(
            benefits=_list(parts, lang)
        )
    if p.get("note"):
        sentence = sentence + " " + p["note"]
    return sentence


def _list(items: Iterable[str], lang: str | None) -> str:
    return format_list(list(items), locale=babel_locale(normalise(lang) if lang else None))


def _safe_date(value: str, lang: str | None) -> str:
    try:
        return _date(value, lang)
    except ValueError:
        return value


def render_terms_text(
    terms: Terms,
    lang: str,
    labels: Iterable[str] = (),
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> str:
    """A plain-text page describing ``terms`` in ``lang`` (``data/terms/terms.<lang>.txt``).

    It says who may do what (grouped per kind of user), the duties with their parameters,
    the labels and what they ask, how to credit, whom to contact, and how long the terms
    last. Deterministic: no clock, no machine data.
    """
    tr = _tr(lang)
    _ = tr.gettext
    title = terms_name(terms.name, lang)
    lines: list[str] = [title, "=" * max(len(title), 3), ""]
    lines.append(
        # Translators: {template} is a template name such as "Reciprocity (CBRL)".
        _("Version {version}, based on the template “{template}”.").format(
            version=terms.version, template=template_name(terms.template, lang)
        )
    )
    lines.append(tr.gettext(template_info(terms.template).summary))
    note = terms.notes.get(lang) or terms.notes.get(normalise(lang))
    if note:
        lines += ["", note]

    lines += _heading(_("Who may do what"))
    for user_class in UserClass:
        lines += ["", user_class_name(user_class, lang) + ":"]
        for rule, purposes in _group_rules(terms, user_class):
            uses = _list((purpose_name(p, lang) for p in purposes), lang)
            lines.append(
                # Translators: "Allowed: research, publishing." {outcome} is capitalised.
                "- "
                + _("{outcome}: {uses}.").format(
                    outcome=describe_outcome(rule.outcome, lang), uses=uses
                )
            )
            for duty in rule.duties:
                lines.append(
                    "    * " + describe_duty(resolve_duty(duty, terms), lang, customisations)
                )

    codes = check_labels(labels)
    if codes:
        lines += _heading(_("Labels"))
        for code in codes:
            lines.append(
                "- " + label_name(code, lang) + ": " + label_text(code, lang, customisations)
            )

    lines += _heading(_("Credit, contact and validity"))
    if terms.attribution:
        lines.append(_("How to credit the community: {text}").format(text=terms.attribution))
    if terms.contact:
        lines.append(_("To ask for an agreement, contact: {contact}").format(contact=terms.contact))
    lines.append(_validity(terms, lang))
    return "\n".join(lines) + "\n"


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _validity(terms: Terms, lang: str) -> str:
    _ = _tr(lang).gettext
    start = terms.valid_from and format_date(terms.valid_from, "long", normalise(lang))
    end = terms.valid_until and format_date(terms.valid_until, "long", normalise(lang))
    if start and end:
        return _("These terms apply from {start} until {end}.").format(start=start, end=end)
    if start:
        return _("These terms apply from {start}, with no end date.").format(start=start)
    if end:
        return _("These terms apply until {end}.").format(end=end)
    return _("These terms have no end date.")


def _group_rules(terms: Terms, user_class: UserClass) -> list[tuple[Rule, list[Purpose]]]:
    """Purposes with the same rule, grouped; groups ordered from most to least permissive."""
    groups: dict[Rule, list[Purpose]] = {}
    for purpose in Purpose:
        groups.setdefault(terms.rule(user_class, purpose), []).append(purpose)
    return sorted(
        groups.items(), key=lambda item: (item[0].outcome.rank, tuple(Purpose).index(item[1][0]))
    )
