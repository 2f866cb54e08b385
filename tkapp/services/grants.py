"""Revoking grants: the community withdraws bundles it shared, and says so in a signed list.

A custodian revokes one bundle, or every grant made to one recipient, with a reason. The
revocation is kept in the catalogue (next to the sharing ledger, append-only) and a signed
revocation list (``.tkr``, see :mod:`tkapp.bundle.revocation`) is written for the
researchers: it carries every revocation so far, so the newest list is all they need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tkapp.bundle import revocation
from tkapp.errors import NotFound, UsageError
from tkapp.services.permissions import Action
from tkapp.store import sharing as ledger_store

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

__all__ = ["RevocationRow", "RevokeResult", "grants_to", "revocations", "revoke"]

#: One revoked grant (bundle id, reason, date): what the sharing ledger shows.
RevocationRow = ledger_store.RevocationRow


@dataclass(frozen=True)
class RevokeResult:
    newly_revoked: tuple[str, ...]  # bundle ids revoked by this call
    list_path: Path | None  # the signed list written, if asked
    total: int  # revocations in the list


def _urn(value: str) -> str:
    value = value.strip()
    return value if value.startswith("urn:uuid:") else "urn:uuid:" + value


def grants_to(cat: Catalogue, recipient: str) -> list[str]:
    """Bundle ids of every export to a recipient (by name, case-insensitive)."""
    wanted = recipient.strip().casefold()
    from tkapp.services.sharing import list_exports

    return [e.bundle_id for e in list_exports(cat) if e.recipient.name.casefold() == wanted]


def revocations(cat: Catalogue) -> dict[str, ledger_store.RevocationRow]:
    """Revoked grants by bundle id (the sharing ledger shows them)."""
    with cat.reading() as conn:
        return {r.bundle_id: r for r in ledger_store.list_revocations(conn)}


def _recipient_label(cat: Catalogue, bundle_id: str) -> str:
    from tkapp.services.sharing import get_export

    r = get_export(cat, bundle_id).recipient
    return f"{r.name} ({r.organisation})" if r.organisation else r.name


def revoke(
    cat: Catalogue,
    *,
    bundle_ids: Sequence[str] = (),
    recipient: str | None = None,
    reason: str,
    dest: Path | None = None,
    now: datetime | None = None,
) -> RevokeResult:
    """Revoke grants and (with ``dest``) write the signed list of every revocation so far.

    Raises:
        UsageError: no reason, or nothing named. NotFound: an unknown bundle or recipient.
        BundleIOError: the list cannot be written (the revocations stay recorded).
    """
    if not reason.strip():
        raise UsageError("a reason is required", field="reason")
    chosen = [_urn(b) for b in bundle_ids]
    if recipient is not None:
        found = grants_to(cat, recipient)
        if not found:
            raise NotFound(recipient[:80], entity="recipient", id=recipient[:80])
        chosen += found
    if not chosen:
        raise UsageError("name a bundle or a recipient")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = revocation.time_text(moment)
    newly: list[str] = []
    with cat.session(Action.SHARE) as s:
        for bundle_id in dict.fromkeys(chosen):
            row = ledger_store.RevocationRow(bundle_id, reason.strip()[:1000], stamp)
            if ledger_store.add_revocation(s.conn, row):
                newly.append(bundle_id)
                s.audit("revoke", "bundle", bundle_id, reason.strip()[:1000])
    rows = revocations(cat)
    path = None
    if dest is not None:
        path = write_revocation_list(cat, dest, now=moment)
    return RevokeResult(tuple(newly), path, len(rows))


def write_revocation_list(cat: Catalogue, dest: Path, *, now: datetime | None = None) -> Path:
    """Write the signed ``.tkr`` list of every revocation so far (sequence: the time in
    milliseconds, so a newer list always has a higher number).

    Raises:
        NotFound: nothing was revoked yet. BundleIOError: the file cannot be written.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    rows = revocations(cat)
    if not rows:
        raise NotFound("no revocation", entity="revocation", id="")
    items = [
        revocation.Revocation(r.bundle_id, r.reason, r.revoked, _recipient_label(cat, r.bundle_id))
        for r in rows.values()
    ]
    data = revocation.list_bytes(
        "urn:uuid:" + cat.id,
        cat.community.name,
        max(1, int(moment.timestamp() * 1000)),
        moment,
        items,
    )
    return revocation.write_list(Path(dest), cat.signing_key(), data)
