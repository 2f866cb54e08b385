"""Shared approval of exports (issue 13, k of n): the one place that decides how many
custodians must approve a plan, what an approval covers, and which approvals count.

- The community sets ``approvals.required`` (k for any export) and
  ``approvals.required_sensitive`` (k when a record that goes is *restricted*,
  *secret/sacred*, or carries the TK Culturally Sensitive label). Both default to 1: the
  exporting custodian alone, as before shared approval existed.
- An approval is a custodian's Ed25519 signature (their approval key, derived from their box
  key: :func:`tkapp.crypto.keyring.approval_public`) over the plan's digest
  (:func:`plan_digest`). Another custodian approves on the same laptop with their own
  passphrase, without changing who is unlocked.
- At export, the exporting custodian's own approval counts as one; a stored approval counts
  only when its signature verifies against the approval key stored with that person, who is
  still a custodian, and no earlier export used it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from tkapp.core.model import AccessLevel
from tkapp.core.users import Role
from tkapp.crypto import keyring
from tkapp.errors import (
    AlreadyApproved,
    ApprovalsMissing,
    KeyringError,
    UnknownPerson,
    ValidationError,
    WrongPassphrase,
)
from tkapp.licensing.evaluate import CULTURALLY_SENSITIVE_LABEL
from tkapp.services.people import keep_approval_key
from tkapp.services.permissions import Action, require
from tkapp.store import approvals as approval_rows
from tkapp.store import entities
from tkapp.store import people as people_rows

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue
    from tkapp.services.sharing import SharingPlan
    from tkapp.store.connection import Connection

REQUIRED_SETTING = "approvals.required"
SENSITIVE_SETTING = "approvals.required_sensitive"
#: More approvers than any community has custodians on one laptop is a typo.
MAX_REQUIRED = 20
_DIGEST_TYPE = "tkapp/export-plan/v1"
_SENSITIVE_ACCESS = frozenset({AccessLevel.RESTRICTED, AccessLevel.SECRET_SACRED})


@dataclass(frozen=True)
class ApprovalPolicy:
    """How many approvals an export needs: ``required`` always, ``sensitive`` when the plan
    carries restricted or culturally sensitive material."""

    required: int = 1
    sensitive: int = 1


@dataclass(frozen=True)
class Approval:
    """One custodian's approval of one plan (what the ledger and the bundle list)."""

    digest: str
    user_id: str
    name: str
    approval_public: bytes
    signature: bytes
    created: datetime

    def to_json(self) -> dict[str, str]:
        """The bundle's form (``data/approvals.json``)."""
        return {
            "name": self.name,
            "approval_public_key": self.approval_public.hex(),
            "signature": self.signature.hex(),
            "approved": self.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


# --- the policy ----------------------------------------------------------------------------


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        return 1
    return min(max(value, 1), MAX_REQUIRED)


def approval_policy(cat: Catalogue) -> ApprovalPolicy:
    with cat.reading() as conn:
        return ApprovalPolicy(
            _count(entities.get_setting(conn, REQUIRED_SETTING, "1")),
            _count(entities.get_setting(conn, SENSITIVE_SETTING, "1")),
        )


def set_approval_policy(cat: Catalogue, required: int, sensitive: int) -> ApprovalPolicy:
    """Custodians only. Raises ValidationError outside 1..20."""
    for value, name in ((required, "required"), (sensitive, "sensitive")):
        if not 1 <= value <= MAX_REQUIRED:
            raise ValidationError("out_of_range", field=name)
    with cat.session(Action.MANAGE_PEOPLE) as s:
        entities.set_setting(s.conn, REQUIRED_SETTING, str(required))
        entities.set_setting(s.conn, SENSITIVE_SETTING, str(sensitive))
        state = json.dumps({"required": required, "required_sensitive": sensitive})
        s.audit("update", "setting", "approvals", state)
    return ApprovalPolicy(required, sensitive)


def plan_is_sensitive(cat: Catalogue, plan: SharingPlan) -> bool:
    """A record that goes is restricted or secret/sacred, or carries the TK CS label."""
    for item in plan.included:
        record = cat.get_record(item.record_id)
        if record.access in _SENSITIVE_ACCESS or CULTURALLY_SENSITIVE_LABEL in record.labels:
            return True
    return False


def approvals_needed(plan_sensitive: bool, policy: ApprovalPolicy) -> int:
    """The one rule: k approvals, the larger k when the plan is sensitive."""
    if plan_sensitive:
        return max(policy.required, policy.sensitive)
    return policy.required


def needed_for(cat: Catalogue, plan: SharingPlan) -> int:
    return approvals_needed(plan_is_sensitive(cat, plan), approval_policy(cat))


# --- what an approval covers ----------------------------------------------------------------


#: Per dataclass, the fields that take part in its equality (what the digest covers).
_COMPARED: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """A JSON-able form of the gate's answer, the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _COMPARED.get(type(value))
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(value) if f.compare)
            _COMPARED[type(value)] = names
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _json_text(value: Mapping[str, Any], lists: Mapping[str, Iterable[Any]]) -> Iterator[str]:
    """The text of ``json.dumps({**value, **lists}, sort_keys=True, ensure_ascii=False)``,
    in pieces: the ``lists`` are made one item at a time, so a plan's whole answer is never
    held as JSON (its memory grew with the records, issue 19)."""
    yield "{"
    for n, key in enumerate(sorted([*value, *lists])):
        yield (", " if n else "") + json.dumps(key, ensure_ascii=False) + ": "
        if key not in lists:
            yield json.dumps(value[key], sort_keys=True, ensure_ascii=False)
            continue
        yield "["
        for i, item in enumerate(lists[key]):
            yield (", " if i else "") + json.dumps(item, sort_keys=True, ensure_ascii=False)
        yield "]"
    yield "}"


def plan_digest(plan: SharingPlan) -> str:
    """SHA-256 (hex) over canonical JSON of what the plan sends: each included record's id,
    version and governing terms version; the recipient (id, name, organisation, user class);
    the purpose; the day; the custodian's consent overrides and confirmed media; and the
    release gate's whole answer for each included record (fields, media as cleaned, place,
    names, consent cover). Any edit to a record bumps its version, so the digest changes."""
    value = {
        "type": _DIGEST_TYPE,
        "recipient": {
            "id": plan.recipient.id,
            "name": plan.recipient.name,
            "organisation": plan.recipient.organisation,
            "user_class": plan.recipient.user_class,
        },
        "purpose": plan.purpose,
        "on": None if plan.on is None else plan.on.isoformat(),
        "overrides": _plain(dict(plan.overrides)),
        "confirmed_media": sorted(plan.confirmed_media),
    }
    lists = {
        "records": (
            {
                "id": item.record_id,
                "version": plan.records[item.record_id].version,
                "terms_id": plan.records[item.record_id].terms_id,
            }
            for item in plan.included
        ),
        "gate": (_plain(item) for item in plan.included),
    }
    digest = hashlib.sha256()
    for piece in _json_text(value, lists):
        digest.update(piece.encode("utf-8"))
    return digest.hexdigest()


def _message(digest: str) -> bytes:
    return keyring.approval_message(digest)


# --- approving ------------------------------------------------------------------------------


def approve(cat: Catalogue, plan: SharingPlan, person: str, passphrase: str) -> Approval:
    """``person`` (a custodian other than, or the same as, the one unlocked) approves ``plan``
    with their own passphrase. Who is unlocked does not change. Stored and audited in one
    session.

    Raises:
        UnknownPerson; PermissionDenied (not a custodian); WrongPassphrase; AlreadyApproved
        (this person already approved this plan). Nothing is written when any is raised.
    """
    digest = plan_digest(plan)
    with cat.reading() as conn:
        row = people_rows.find_user(conn, person.strip())
    if row is None:
        raise UnknownPerson(person, name=person)
    require(row.user, Action.SHARE)
    try:
        pair = keyring.unlock_keypair(row.public, row.locked, passphrase)
    except KeyringError as exc:
        raise WrongPassphrase("wrong passphrase", path=str(cat.path)) from exc
    approval = Approval(
        digest,
        row.user.id,
        row.user.name,
        keyring.approval_public(pair),
        keyring.sign_approval(pair, _message(digest)),
        datetime.now(UTC).replace(microsecond=0),
    )
    with cat.session(Action.SHARE) as s:
        if any(a.user_id == row.user.id for a in approval_rows.pending(s.conn, digest)):
            raise AlreadyApproved(row.user.name, name=row.user.name)
        keep_approval_key(s.conn, row.user.id, pair)
        approval_rows.insert(s.conn, _to_row(approval))
        s.audit("approve", "export_plan", digest, _audit_state(approval))
    return approval


def _to_row(approval: Approval, bundle_id: str | None = None) -> approval_rows.ApprovalRow:
    return approval_rows.ApprovalRow(
        approval.digest,
        approval.user_id,
        approval.name,
        approval.approval_public,
        approval.signature,
        approval.created.isoformat(),
        bundle_id,
    )


def _from_row(row: approval_rows.ApprovalRow) -> Approval:
    return Approval(
        row.digest,
        row.user_id,
        row.name,
        row.approval_public,
        row.signature,
        datetime.fromisoformat(row.created),
    )


def _audit_state(approval: Approval) -> str:
    return json.dumps(
        {
            "approver": approval.name,
            "approver_id": approval.user_id,
            "digest": approval.digest,
            "signature": approval.signature.hex(),
        },
        sort_keys=True,
    )


def _counts(conn: Connection, approval: Approval) -> bool:
    """Signed by a current custodian with the approval key stored with them, over this
    digest: a forged row, a row moved from another plan or a removed person does not count."""
    row = people_rows.find_user(conn, approval.user_id)
    if row is None or row.user.id != approval.user_id or row.user.role != Role.CUSTODIAN:
        return False
    stored = approval_rows.approval_public(conn, approval.user_id)
    return stored is not None and keyring.approval_valid(
        stored, approval.signature, _message(approval.digest)
    )


def valid_approvals(cat: Catalogue, plan: SharingPlan, digest: str = "") -> list[Approval]:
    """The stored approvals of ``plan`` that count (one per person), oldest first.

    ``digest``: the plan's digest when the caller has it (it reads every record's gate
    answer: computed once per export, not twice)."""
    digest = digest or plan_digest(plan)
    out: dict[str, Approval] = {}
    with cat.reading() as conn:
        for row in approval_rows.pending(conn, digest):
            approval = _from_row(row)
            if approval.user_id not in out and _counts(conn, approval):
                out[approval.user_id] = approval
    return list(out.values())


@dataclass(frozen=True)
class ApprovalCheck:
    """What the export needs and has: the approvals that count, the exporter's included."""

    digest: str
    needed: int
    approvals: tuple[Approval, ...]
    #: 1 for a catalogue nobody unlocked (tools, fixtures built on a bare store): whoever
    #: holds its signing key is the one approval it can have.
    implicit: int = 0

    @property
    def have(self) -> int:
        return len(self.approvals) + self.implicit

    @property
    def enough(self) -> bool:
        return self.have >= self.needed


def check_export(cat: Catalogue, plan: SharingPlan) -> ApprovalCheck:
    """The approvals ``plan`` has now, counting the unlocked custodian's own (signed here)."""
    digest = plan_digest(plan)
    found = valid_approvals(cat, plan, digest)
    user = cat.user
    if (
        user is not None
        and user.role == Role.CUSTODIAN
        and all(a.user_id != user.id for a in found)
    ):
        mine = cat.my_approval(_message(digest))
        if mine is not None:
            me, public, signature = mine
            now = datetime.now(UTC).replace(microsecond=0)
            found.append(Approval(digest, me.id, me.name, public, signature, now))
    return ApprovalCheck(digest, needed_for(cat, plan), tuple(found), 1 if user is None else 0)


def require_enough(cat: Catalogue, plan: SharingPlan) -> ApprovalCheck:
    """Raise :class:`ApprovalsMissing` (needed, have) unless ``plan`` has enough approvals."""
    check = check_export(cat, plan)
    if not check.enough:
        raise ApprovalsMissing("not enough approvals", needed=check.needed, have=check.have)
    return check


def record_use(conn: Connection, check: ApprovalCheck, bundle_id: str) -> None:
    """In the export's session: bind the approvals to the bundle (the ledger's record of who
    approved, and when); the exporter's own approval is stored here."""
    with_rows = {r.user_id for r in approval_rows.pending(conn, check.digest)}
    for approval in check.approvals:
        if approval.user_id not in with_rows:
            approval_rows.insert(conn, _to_row(approval, bundle_id))
    approval_rows.use_for(conn, check.digest, [a.user_id for a in check.approvals], bundle_id)


def bundle_json(check: ApprovalCheck) -> dict[str, Any]:
    """``data/approvals.json``: the digest and each approval (name, key, signature, time).

    The recipient can check each signature over ``tkapp/approval/v1 NUL <digest>``; the digest
    itself covers catalogue-side facts (record versions, the gate's answers) they cannot
    recompute."""
    return {
        "type": "tkapp/approvals/v1",
        "digest": check.digest,
        "required": check.needed,
        "approvals": [a.to_json() for a in check.approvals],
    }


@dataclass(frozen=True)
class ApprovalStatus:
    """What a plan preview shows: approvals needed and had, who approved, who else may."""

    needed: int
    have: int
    approvers: tuple[str, ...]
    #: Custodians who have not approved this plan yet (the exporter excluded).
    candidates: tuple[str, ...]

    @property
    def enough(self) -> bool:
        return self.have >= self.needed


def status(cat: Catalogue, plan: SharingPlan) -> ApprovalStatus:
    """The approval state of ``plan`` now (reads only; the exporter's approval is not stored)."""
    check = check_export(cat, plan)
    done = {a.user_id for a in check.approvals}
    with cat.reading() as conn:
        custodians = [r.user for r in people_rows.list_users(conn) if r.user.role == Role.CUSTODIAN]
    return ApprovalStatus(
        check.needed,
        check.have,
        tuple(a.name for a in check.approvals),
        tuple(u.name for u in custodians if u.id not in done),
    )
