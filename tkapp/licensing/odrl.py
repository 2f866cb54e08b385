"""Terms as an ODRL 2.2 policy (JSON-LD), with a small ``tkapp`` profile for what ODRL lacks.

- No assignee: an ``Offer`` from the community (the catalogue's public statement).
- With an assignee: an ``Agreement`` naming the recipient (``policy.odrl.json`` in a bundle);
  if the assignee has a ``user_class`` only that class's rules are stated.

Mapping (one rule per user class and purpose, each with its ``target``, so that every rule
stands alone and the ODRL SHACL shapes can check it; rules and constraints carry their ODRL
class):

================== =============================================================
terms.json          ODRL
================== =============================================================
allowed             ``permission`` (action ``use``) without duties
allowed_with_duties ``permission`` with its duties
needs_agreement     ``permission`` whose duties include ``obtainConsent`` (PIC/MAT)
                    from the community, plus any duties the cell lists
not_allowed         ``prohibition`` (stated, although ODRL prohibits anything not
                    permitted, so a reader sees e.g. ``ip_claim`` refused in so many words)
user class          constraint ``tkapp:userClass eq tkapp:class_<code>``
purpose             constraint ``purpose eq tkapp:purpose_<code>``
validity            constraints ``dateTime gteq/lteq`` (``xsd:date``) on permissions
attribute           duty ``attribute``, ``attributedParty`` = assigner, ``tkapp:text``
benefit_share       duty ``compensate``, ``compensatedParty`` = assigner; the action is
                    refined (ODRL 2.2 section 2.5.3): a fee is ``payAmount eq`` (``xsd:decimal``,
                    ``unit`` = ``urn:iso:std:iso:4217:XXX``), a royalty ``tkapp:royaltyRate eq``
                    (percent, ``xsd:decimal``); ``tkapp:nonMonetaryBenefit`` lists the rest
others              duties with ``tkapp:`` actions (table :data:`DUTY_ACTIONS`)
================== =============================================================

The tkapp profile (IRI :data:`TKAPP_PROFILE`, terms under :data:`TKAPP_NS`) is published as
an RDF vocabulary, ``tkapp/licensing/data/tkapp-profile.ttl`` (:func:`profile_turtle`), shipped
in the package and in every bundle. It defines: the left operands ``userClass`` and
``royaltyRate``; the values ``class_<user class>``, ``purpose_<purpose>``,
``benefit_<non-monetary benefit>``, ``template_<code>``; the actions ``shareResults``,
``notifyBeforePublication``, ``refrainFromIpClaims``, ``refrainFromRedistribution``,
``respectProtocols``, ``observeExpiry``; and the properties ``text``, ``days``, ``date``,
``nonMonetaryBenefit``, ``note``, ``termsSet``, ``termsVersion``, ``template``.

Every ``Agreement`` has its own ``uid``, derived from the bundle (``target``), the assignee and
the terms version: two bundles' policies loaded into one RDF graph stay two Agreements with
one assignee each. An ``Offer`` is the terms version's public statement
(``<uid_base>/terms/<terms id>``).

The ``@context`` is written inline (:data:`CONTEXT`, full ODRL IRIs) rather than referencing
``http://www.w3.org/ns/odrl.jsonld``: bundles are read offline, and a processor must never
fetch anything to understand them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from tkapp.licensing import _schema as s
from tkapp.licensing.terms import Duty, Terms, resolve_duty
from tkapp.licensing.vocab import DutyKind, Outcome, Purpose, UserClass

ODRL_NS = "http://www.w3.org/ns/odrl/2/"
TKAPP_NS = "https://tkcommons.org/ns/tkapp#"
TKAPP_PROFILE = "https://tkcommons.org/ns/tkapp"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
VCARD_NS = "http://www.w3.org/2006/vcard/ns#"
DCT_NS = "http://purl.org/dc/terms/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: Namespace of Agreement uids: uuid5 of "<target> <assignee uid> <terms id>".
_AGREEMENT_NAMESPACE = uuid.UUID("0c7d9f52-3b1e-5a4f-8e2d-6a9b0c1d2e3f")

#: Duty kind -> ODRL action (compact IRI under CONTEXT).
DUTY_ACTIONS: Mapping[DutyKind, str] = {
    DutyKind.ATTRIBUTE: "attribute",
    DutyKind.SHARE_RESULTS: "tkapp:shareResults",
    DutyKind.NOTIFY_BEFORE_PUBLICATION: "tkapp:notifyBeforePublication",
    DutyKind.NO_IP_CLAIMS: "tkapp:refrainFromIpClaims",
    DutyKind.NO_REDISTRIBUTION: "tkapp:refrainFromRedistribution",
    DutyKind.BENEFIT_SHARE: "compensate",
    DutyKind.RESPECT_PROTOCOLS: "tkapp:respectProtocols",
    DutyKind.EXPIRES: "tkapp:observeExpiry",
}


def _odrl(term: str) -> str:
    return ODRL_NS + term


def _typed_id(term: str) -> dict[str, str]:
    return {"@id": _odrl(term), "@type": "@id"}


def _set(term: str) -> dict[str, str]:
    return {"@id": _odrl(term), "@container": "@set"}


#: The inline JSON-LD context: every term maps to a full IRI, so expansion needs no network.
CONTEXT: dict[str, Any] = {
    "odrl": ODRL_NS,
    "tkapp": TKAPP_NS,
    "xsd": XSD_NS,
    "vcard": VCARD_NS,
    "dct": DCT_NS,
    "uid": "@id",
    "type": "@type",
    "Offer": _odrl("Offer"),
    "Agreement": _odrl("Agreement"),
    "Party": _odrl("Party"),
    "Permission": _odrl("Permission"),
    "Prohibition": _odrl("Prohibition"),
    "Duty": _odrl("Duty"),
    "Constraint": _odrl("Constraint"),
    "Action": _odrl("Action"),
    "rdf": RDF_NS,
    "value": {"@id": RDF_NS + "value", "@type": "@vocab"},
    "refinement": _set("refinement"),
    "profile": _typed_id("profile"),
    "conflict": {"@id": _odrl("conflict"), "@type": "@vocab"},
    "prohibit": _odrl("prohibit"),
    "assigner": _typed_id("assigner"),
    "assignee": _typed_id("assignee"),
    "target": _typed_id("target"),
    "attributedParty": _typed_id("attributedParty"),
    "compensatedParty": _typed_id("compensatedParty"),
    "consentingParty": _typed_id("consentingParty"),
    "unit": _typed_id("unit"),
    "permission": _set("permission"),
    "prohibition": _set("prohibition"),
    "duty": _set("duty"),
    "constraint": _set("constraint"),
    "action": {"@id": _odrl("action"), "@type": "@vocab"},
    "leftOperand": {"@id": _odrl("leftOperand"), "@type": "@vocab"},
    "operator": {"@id": _odrl("operator"), "@type": "@vocab"},
    "rightOperand": {"@id": _odrl("rightOperand")},
    "use": _odrl("use"),
    "attribute": _odrl("attribute"),
    "compensate": _odrl("compensate"),
    "obtainConsent": _odrl("obtainConsent"),
    "purpose": _odrl("purpose"),
    "dateTime": _odrl("dateTime"),
    "payAmount": _odrl("payAmount"),
    "eq": _odrl("eq"),
    "gteq": _odrl("gteq"),
    "lteq": _odrl("lteq"),
    "title": {"@id": DCT_NS + "title"},
    "tkapp:termsSet": {"@type": "@id"},
    "tkapp:template": {"@type": "@id"},
    "tkapp:nonMonetaryBenefit": {"@type": "@id", "@container": "@set"},
}


def class_iri(user_class: UserClass) -> str:
    """Compact IRI of a user class in the tkapp profile."""
    return f"tkapp:class_{UserClass(user_class).value}"


def purpose_iri(purpose: Purpose) -> str:
    """Compact IRI of a purpose in the tkapp profile."""
    return f"tkapp:purpose_{Purpose(purpose).value}"


def profile_turtle() -> bytes:
    """The tkapp ODRL profile as an RDF vocabulary (Turtle), as shipped in every bundle."""
    return resources.files("tkapp.licensing").joinpath("data", "tkapp-profile.ttl").read_bytes()


def agreement_uid(target: str, assignee_uid: str, terms_id: str) -> str:
    """The uid of the Agreement for one bundle (``target``), recipient and terms version."""
    key = f"{target} {assignee_uid} {terms_id}"
    return "urn:uuid:" + str(uuid.uuid5(_AGREEMENT_NAMESPACE, key))


def to_odrl(
    terms: Terms,
    *,
    assigner: str,
    assignee: Mapping[str, str] | None = None,
    uid_base: str,
    target: str | None = None,
) -> dict[str, Any]:
    """``terms`` as an ODRL 2.2 policy (plain JSON: strings, integers, lists, objects).

    Args:
        terms: the terms version.
        assigner: IRI of the community (e.g. ``urn:uuid:<catalogue id>``).
        assignee: None for an ``Offer``; for an ``Agreement`` the recipient, with ``uid``
            (IRI, required) and optional ``name``, ``organisation``, ``user_class``.
        uid_base: IRI prefix for an Offer's uid (``<uid_base>/terms/<terms id>``).
        target: IRI of the asset (catalogue or bundle); ``uid_base`` when omitted. An
            Agreement's uid is derived from it (:func:`agreement_uid`).

    Raises:
        ValidationError: empty assigner or uid_base, or a malformed assignee.
    """
    s.text(assigner, "assigner", required=True, limit=500)
    s.text(uid_base, "uid_base", required=True, limit=500)
    classes: tuple[UserClass, ...] = tuple(UserClass)
    asset = target or uid_base
    policy: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Offer" if assignee is None else "Agreement",
        "uid": f"{uid_base.rstrip('/')}/terms/{terms.id}",
        "profile": TKAPP_PROFILE,
        "conflict": "prohibit",
        "assigner": assigner,
        "title": terms.name,
        "tkapp:termsSet": f"urn:uuid:{terms.set_id}",
        "tkapp:termsVersion": terms.version,
        "tkapp:template": f"tkapp:template_{terms.template}",
    }
    if assignee is not None:
        party, user_class = _party(assignee)
        policy["uid"] = agreement_uid(asset, party["uid"], terms.id)
        policy["assignee"] = party
        if user_class is not None:
            classes = (user_class,)
    # JSON-LD makes "uid" the node's @id; RDF readers (and the ODRL shapes) also look for the
    # odrl:uid property, as in the ODRL information model's Turtle examples.
    policy["odrl:uid"] = {"@id": policy["uid"]}
    permissions: list[dict[str, Any]] = []
    prohibitions: list[dict[str, Any]] = []
    for user_class in classes:
        for purpose in Purpose:
            rule = terms.rule(user_class, purpose)
            constraints = [
                _constraint("tkapp:userClass", "eq", {"@id": class_iri(user_class)}),
                _constraint("purpose", "eq", {"@id": purpose_iri(purpose)}),
            ]
            if rule.outcome is Outcome.NOT_ALLOWED:
                prohibitions.append(
                    {
                        "type": "Prohibition",
                        "action": "use",
                        "target": asset,
                        "constraint": constraints,
                    }
                )
                continue
            constraints += _validity(terms)
            duties = [_duty(resolve_duty(d, terms), assigner) for d in rule.duties]
            if rule.outcome is Outcome.NEEDS_AGREEMENT:
                duties.insert(
                    0, {"type": "Duty", "action": "obtainConsent", "consentingParty": assigner}
                )
            permission: dict[str, Any] = {
                "type": "Permission",
                "action": "use",
                "target": asset,
                "constraint": constraints,
            }
            if duties:
                permission["duty"] = duties
            permissions.append(permission)
    if permissions:
        policy["permission"] = permissions
    if prohibitions:
        policy["prohibition"] = prohibitions
    return policy


def _party(assignee: Mapping[str, str]) -> tuple[dict[str, Any], UserClass | None]:
    if not isinstance(assignee, Mapping):
        raise s.fail("assignee", "expected_object")
    unknown = set(assignee) - {"uid", "name", "organisation", "user_class"}
    if unknown:
        raise s.fail(f"assignee.{sorted(unknown)[0]}", "unknown_key")
    party: dict[str, Any] = {
        "type": "Party",
        "uid": s.text(assignee.get("uid"), "assignee.uid", required=True, limit=500),
    }
    if assignee.get("name"):
        party["vcard:fn"] = s.text(assignee["name"], "assignee.name", limit=200)
    if assignee.get("organisation"):
        party["vcard:organization-name"] = s.text(assignee["organisation"], "assignee.organisation")
    user_class = None
    if assignee.get("user_class"):
        user_class = s.enum(UserClass, assignee["user_class"], "assignee.user_class")
        party["tkapp:userClass"] = {"@id": class_iri(user_class)}
    return party, user_class


def _constraint(left: str, operator: str, right: Any) -> dict[str, Any]:
    return {"type": "Constraint", "leftOperand": left, "operator": operator, "rightOperand": right}


def _validity(terms: Terms) -> list[dict[str, Any]]:
    result = []
    if terms.valid_from is not None:
        start = {"@value": terms.valid_from.isoformat(), "@type": "xsd:date"}
        result.append(_constraint("dateTime", "gteq", start))
    if terms.valid_until is not None:
        end = {"@value": terms.valid_until.isoformat(), "@type": "xsd:date"}
        result.append(_constraint("dateTime", "lteq", end))
    return result


def royalty_percent(basis_points: int) -> str:
    """A royalty in basis points as the percent ``tkapp:royaltyRate`` states (250 -> "2.5")."""
    return format(Decimal(basis_points) / 100, "f").rstrip("0").rstrip(".") or "0"


def _duty(duty: Duty, assigner: str) -> dict[str, Any]:
    p = duty.params
    out: dict[str, Any] = {"type": "Duty", "action": DUTY_ACTIONS[duty.kind]}
    if duty.kind is DutyKind.ATTRIBUTE:
        out["attributedParty"] = assigner
    elif duty.kind is DutyKind.BENEFIT_SHARE:
        out["compensatedParty"] = assigner
        refinements = []
        if p.get("fee_amount") and p.get("fee_currency"):
            amount = {"@value": p["fee_amount"], "@type": "xsd:decimal"}
            fee = _constraint("payAmount", "eq", amount)
            fee["unit"] = f"urn:iso:std:iso:4217:{p['fee_currency']}"
            refinements.append(fee)
        if p.get("royalty_basis_points"):
            rate = {
                "@value": royalty_percent(int(p["royalty_basis_points"])),
                "@type": "xsd:decimal",
            }
            refinements.append(_constraint("tkapp:royaltyRate", "eq", rate))
        if refinements:
            # ODRL 2.2: what is paid refines the compensate action itself.
            out["action"] = {"type": "Action", "value": "compensate", "refinement": refinements}
        if p.get("non_monetary"):
            out["tkapp:nonMonetaryBenefit"] = [
                f"tkapp:benefit_{code}" for code in p["non_monetary"].split(",")
            ]
    if p.get("text"):
        out["tkapp:text"] = p["text"]
    if p.get("note"):
        out["tkapp:note"] = p["note"]
    if p.get("days"):
        out["tkapp:days"] = int(p["days"])
    if p.get("date"):
        out["tkapp:date"] = {"@value": p["date"], "@type": "xsd:date"}
    return out
