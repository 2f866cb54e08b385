"""May a record be published openly (GBIF, a herbarium portal, a public map), and under which
licence? Pure.

GBIF accepts only CC0 1.0, CC BY 4.0 and CC BY-NC 4.0. Reciprocity terms cannot travel with
such a licence, so a record is published openly only when the community chose an open licence
for it (``KnowledgeRecord.open_licence``) AND that licence grants nothing the record's terms,
labels and access level withhold. :func:`decide_open` checks, in this order:

1. the record is marked for open publication (``open_licence`` is one of the three);
2. its access level is ``public`` (community, restricted and secret/sacred never go);
3. it carries no label that keeps it from the public: TK Secret/Sacred, Women Restricted,
   Men Restricted, Community Use Only, Culturally Sensitive (the last needs a custodian's
   confirmation one record at a time, which an open dataset cannot give);
4. CC0 and CC BY allow commercial use, so TK/BC Non-Commercial and BC Research Use forbid them;
5. it is not ``disputed`` by the community;
6. the terms themselves allow what the licence grants. Each licence maps to the requests it
   lets anyone make (:data:`LICENCE_REQUESTS`): CC0/CC BY let any for-profit redistribute,
   develop products and sell; CC BY-NC lets non-commercial users redistribute. Every request
   must come out ``allowed`` or ``allowed_with_duties`` with ``attribute`` as the only duty
   (CC BY and CC BY-NC carry attribution; nothing else can be carried). CC0 waives even
   attribution, so under CC0 no duty at all is accepted: a community whose terms ask for
   credit must choose CC BY.

Reasons are stable codes with string parameters, like :class:`~tkapp.licensing.evaluate.Reason`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tkapp.core.model import OPEN_LICENCES, AccessLevel, KnowledgeRecord, RecordStatus
from tkapp.i18n import N_, translate
from tkapp.licensing.evaluate import NON_COMMERCIAL_LABELS, Reason, Request, evaluate
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.terms import Terms
from tkapp.licensing.text import (
    access_name,
    describe_outcome,
    describe_reason,
    label_name,
    purpose_name,
)
from tkapp.licensing.vocab import DutyKind, Outcome, Purpose, UserClass

CC0 = "CC0-1.0"
CC_BY = "CC-BY-4.0"
CC_BY_NC = "CC-BY-NC-4.0"

#: The licences a record may be published under ("" excluded).
LICENCES: tuple[str, ...] = tuple(code for code in OPEN_LICENCES if code)

#: Licence IRIs as GBIF expects them in ``dcterms:license`` and eml.xml.
LICENCE_URIS: Mapping[str, str] = {
    CC0: "http://creativecommons.org/publicdomain/zero/1.0/legalcode",
    CC_BY: "http://creativecommons.org/licenses/by/4.0/legalcode",
    CC_BY_NC: "http://creativecommons.org/licenses/by-nc/4.0/legalcode",
}

#: English names as GBIF shows them (data, not interface text).
LICENCE_TITLES: Mapping[str, str] = {
    CC0: "Public Domain (CC0 1.0)",
    CC_BY: "Creative Commons Attribution (CC-BY) 4.0 License",
    CC_BY_NC: "Creative Commons Attribution Non Commercial (CC-BY-NC) 4.0 License",
}

#: From least to most restrictive: a dataset mixing licences takes the last one present.
RESTRICTIVENESS: tuple[str, ...] = (CC0, CC_BY, CC_BY_NC)

#: What each licence lets *anyone* do: the requests the terms must permit.
LICENCE_REQUESTS: Mapping[str, tuple[tuple[UserClass, Purpose], ...]] = {
    CC0: (
        (UserClass.FOR_PROFIT, Purpose.REDISTRIBUTION),
        (UserClass.FOR_PROFIT, Purpose.PRODUCT_DEVELOPMENT),
        (UserClass.FOR_PROFIT, Purpose.COMMERCIAL_SALE),
    ),
    CC_BY: (
        (UserClass.FOR_PROFIT, Purpose.REDISTRIBUTION),
        (UserClass.FOR_PROFIT, Purpose.PRODUCT_DEVELOPMENT),
        (UserClass.FOR_PROFIT, Purpose.COMMERCIAL_SALE),
    ),
    CC_BY_NC: ((UserClass.NONCOMMERCIAL, Purpose.REDISTRIBUTION),),
}

#: Labels that keep a record from open publication whatever the licence.
NEVER_OPEN_LABELS: frozenset[str] = frozenset({"tkss", "tkwr", "tkmr", "tkco", "tkcs"})
#: Licences that allow commercial use (refused by the non-commercial labels).
COMMERCIAL_LICENCES: frozenset[str] = frozenset({CC0, CC_BY})


@dataclass(frozen=True)
class OpenDecision:
    """Whether a record may be published openly.

    Attributes:
        record_id: the record.
        licence: the licence the community chose ("" = not marked).
        publishable: True when every check passed.
        reasons: why not (empty when publishable), as codes with parameters.
        attribution: the credit text users must give (CC BY / CC BY-NC), from the duties.
    """

    record_id: str
    licence: str
    publishable: bool
    reasons: tuple[Reason, ...]
    attribution: str = ""

    @property
    def licence_uri(self) -> str:
        return LICENCE_URIS.get(self.licence, "")


def most_restrictive(licences: set[str] | frozenset[str]) -> str:
    """The most restrictive of ``licences`` (the licence of a dataset mixing them)."""
    present = [code for code in RESTRICTIVENESS if code in licences]
    return present[-1] if present else ""


def decide_open(
    record: KnowledgeRecord,
    terms: Terms,
    *,
    on: date | None = None,
    customisations: Mapping[str, LabelCustomisation] | None = None,
) -> OpenDecision:
    """Decide whether ``record`` may be published openly under its chosen licence.

    Args:
        record: the record as stored.
        terms: the terms version that governs it (its own or the catalogue default).
        on: the day of publication (expired or not-yet-valid terms refuse); None skips it.
        customisations: the catalogue's label wording (only used in duty texts).

    Returns:
        The decision; every failed check adds a reason (all are reported, not just the first).
    """
    licence = record.open_licence
    reasons: list[Reason] = []
    if licence not in LICENCES:
        reasons.append(Reason("not_marked_open"))
        return OpenDecision(record.id, licence, False, tuple(reasons))
    if record.access is not AccessLevel.PUBLIC:
        reasons.append(Reason("access_not_public", {"access": record.access.value}))
    labels = sorted(set(record.labels))
    for code in labels:
        if code in NEVER_OPEN_LABELS:
            reasons.append(Reason("label_forbids_open", {"label": code}))
        elif code in NON_COMMERCIAL_LABELS and licence in COMMERCIAL_LICENCES:
            reasons.append(Reason("label_forbids_commercial", {"label": code, "licence": licence}))
    if record.status is RecordStatus.DISPUTED:
        reasons.append(Reason("record_disputed"))

    attribution = ""
    for user_class, purpose in LICENCE_REQUESTS[licence]:
        decision = evaluate(
            terms,
            record.labels,
            record.access,
            Request(user_class, purpose, on=on),
            group=record.restricted_group,
            customisations=customisations,
        )
        where = {"user_class": user_class.value, "purpose": purpose.value}
        if not decision.permits:
            reasons.append(Reason("terms_refuse", {**where, "outcome": decision.outcome.value}))
            continue
        if decision.needs_confirmation:
            reasons.append(Reason("needs_confirmation", where))
        for duty in decision.duties:
            if duty.kind is DutyKind.ATTRIBUTE and licence != CC0:
                attribution = attribution or duty.params.get("text", "")
            else:
                params = {**where, "duty": duty.kind.value, "licence": licence}
                reasons.append(Reason("licence_drops_duty", params))
    unique = tuple(dict.fromkeys(reasons))
    return OpenDecision(record.id, licence, not unique, unique, attribution if not unique else "")


_REASONS: dict[str, str] = {
    "not_marked_open": N_("Not marked for open publication."),
    "access_not_public": N_("Access is {access}: only public records are published openly."),
    "label_forbids_open": N_("Marked {label}: never published openly."),
    "label_forbids_commercial": N_("Marked {label}: {licence} would allow commercial use."),
    "record_disputed": N_("The community disputes this record."),
    # Translators: e.g. "The terms say for passing it on to others: Not allowed."
    "terms_refuse": N_("The terms say for {purpose}: {outcome}. {licence_hint}"),
    "needs_confirmation": N_("The custodian must confirm it one by one; it cannot be published."),
    # Translators: {duty} is a duty code such as share_results; {licence} e.g. CC-BY-4.0.
    "licence_drops_duty": N_("The terms ask for {duty}, which {licence} cannot carry."),
    "no_taxon": N_("No species linked: a Darwin Core occurrence needs a scientific name."),
    "no_coordinates": N_("No published coordinates (none recorded, or withheld)."),
}
_TERMS_HINT = N_("Choose another licence or change the terms.")


def describe_open_reason(reason: Reason) -> str:
    """One translated sentence (UI language) for a reason of :func:`decide_open`."""
    template = _REASONS.get(reason.code)
    if template is None:
        # The release gate's own reasons (consent, trash...) are worded with the others.
        return describe_reason(reason)
    fields = dict(reason.params)
    if "label" in fields:
        fields["label"] = label_name(fields["label"])
    if "access" in fields:
        fields["access"] = access_name(AccessLevel(fields["access"]))
    if "purpose" in fields:
        fields["purpose"] = purpose_name(Purpose(fields["purpose"]))
    if "outcome" in fields:
        fields["outcome"] = describe_outcome(Outcome(fields["outcome"]))
    fields["licence_hint"] = translate(_TERMS_HINT)
    try:
        return translate(template).format(**fields)
    except (KeyError, ValueError):
        return translate(template)
