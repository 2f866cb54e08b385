"""The researcher side: verify a bundle, then keep it read-only in the catalogue (issue 4).

:func:`import_bundle` runs the full verifier first (BUNDLE-FORMAT.md section 5) and stores
nothing unless every check passed. The bundle, its records and consent records, its media
(re-hashed while streamed in) and its terms then go into the "received" area of the catalogue
in ONE transaction: a failure part-way (disk full, cancel) leaves no trace. Trust decisions
(a key trusted on first use, the sequence ratchet) are saved only after that transaction
commits. Importing the same bundle again is a no-op.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tkapp.bundle.decide import BundleDecision, decide_bundle, request_for
from tkapp.bundle.revocation import RevocationList, revocation_for
from tkapp.bundle.rotation import RotationStatement
from tkapp.bundle.verifier import IdentityLike, VerifyReport, remember, verify_bundle
from tkapp.crypto.keys import PublicKey
from tkapp.crypto.trust import TrustStore
from tkapp.errors import Cancelled, Rollback
from tkapp.licensing.terms import Terms, canonical_terms_bytes
from tkapp.services.verifying import load_trust_key, trust_store, verify_file
from tkapp.store import received as received_store

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

__all__ = [
    "ReceivedBundle",
    "ReceivedItem",
    "ReceivedMedia",
    "ReceivedSummary",
    "ask_received",
    "check_rollback",
    "get_received",
    "import_bundle",
    "list_received",
    "list_received_media",
    "load_trust_key",
    "open_received_media",
    "received_consents",
    "received_records",
    "remove_received",
    "trust_store",
    "verify_file",
]

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
TrustKeyArg = PublicKey | Path | str | None


@dataclass(frozen=True)
class ReceivedSummary:
    """What an import stored (or found already stored)."""

    bundle_id: str
    community: str
    key_id: str
    fingerprint: str
    trust: str
    sequence: int
    created: str
    expires: str | None
    terms_id: str
    records: int
    consents: int
    media: int
    already_imported: bool
    # Bundles already in Received that the revocation lists given marked revoked just now.
    revoked_in_received: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceivedBundle:
    """One received bundle as stored: signer, verification, terms and manifest."""

    bundle_id: str
    catalogue_id: str
    community: str
    key_id: str
    fingerprint: str
    trust: str
    sequence: int
    verified_at: datetime
    source_name: str
    created: str
    expires: str | None
    recipient: dict[str, Any]
    terms: Terms
    terms_texts: dict[str, str]
    odrl: dict[str, Any] | None
    manifest: dict[str, Any]
    verification: dict[str, Any]
    records: int
    consents: int
    revoked: received_store.RevokedRow | None = None  # the community withdrew it


@dataclass(frozen=True)
class ReceivedItem:
    """A received record or consent record (read-only JSON as the community sent it)."""

    bundle_id: str
    id: str
    title: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ReceivedMedia:
    bundle_id: str
    path: str  # data/media/<sha256>.<ext>
    sha256: str
    size: int


def _summary(report: VerifyReport, already: bool, counts: tuple[int, int, int]) -> ReceivedSummary:
    m = report.manifest
    return ReceivedSummary(
        bundle_id=m.bundle_id,
        community=report.community,
        key_id=report.key_id,
        fingerprint=report.fingerprint.hex,
        trust=report.trust,
        sequence=m.sequence,
        created=m.created,
        expires=m.expires,
        terms_id=report.terms.id,
        records=counts[0],
        consents=counts[1],
        media=counts[2],
        already_imported=already,
    )


def _remember(report: VerifyReport, store: TrustStore, now: datetime) -> None:
    """Save the trust decision and the newest sequence seen (after the import committed)."""
    remember(store, report, now)


def check_rollback(rows: Sequence[received_store.BundleRow], report: VerifyReport) -> None:
    """THE replay rule of Received: an older bundle never replaces newer records.

    A researcher may *verify* any authentic file they hold (the verifier only reports that a
    newer one was seen); importing is refused when Received already holds a bundle of the
    same catalogue with a higher sequence, or another bundle with the same sequence.

    Raises:
        Rollback: with the sequence offered and the newest one held.
    """
    m = report.manifest
    same = [r for r in rows if r.catalogue_id == m.catalogue_id and r.bundle_id != m.bundle_id]
    newest = max((r.sequence for r in same), default=0)
    if m.sequence < newest or any(r.sequence == m.sequence for r in same):
        raise Rollback(
            "an older bundle cannot replace newer records",
            sequence=m.sequence,
            last_sequence=newest,
        )


def import_bundle(
    cat: Catalogue,
    path: Path,
    *,
    trust_key: TrustKeyArg = None,
    tofu: bool = False,
    identities: Sequence[IdentityLike] = (),
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    revocations: Sequence[RevocationList] = (),
    rotations: Sequence[RotationStatement] = (),
) -> ReceivedSummary:
    """Verify ``path`` and store it read-only in the catalogue's received area.

    Revocation lists given (verified :class:`RevocationList`) are applied: a bundle they
    revoke is refused (:class:`~tkapp.errors.Revoked`) and nothing is stored.

    Raises:
        BundleError: the first failed verification step (nothing stored).
        Rollback: a different bundle with the same id was imported before.
        Cancelled, DiskFull, StoreError: the import stopped; nothing was stored.
    """
    clock = now or datetime.now(UTC)
    store = trust_store()
    # First the bundles already held: the lists withdraw them even if this import fails
    # (for instance because the new bundle is itself revoked).
    marked = apply_revocations(cat, revocations, now=clock, trust=store)
    report = verify_bundle(
        Path(path),
        trust=store,
        trust_key=load_trust_key(trust_key),
        tofu=tofu,
        identities=identities,
        now=clock,
        remember=False,
        revocations=revocations,
        rotations=rotations,
    )
    with report:
        m = report.manifest
        with cat.reading() as conn:
            existing = received_store.find_bundle(conn, m.bundle_id)
        if existing is not None:
            if existing.manifest_sha256 != report.manifest_sha256:
                raise Rollback("another bundle with this id was imported", bundle=m.bundle_id)
            with cat.reading() as conn:
                counts = (
                    received_store.count_items(conn, m.bundle_id, received_store.RECORD),
                    received_store.count_items(conn, m.bundle_id, received_store.CONSENT),
                    len(received_store.list_media(conn, m.bundle_id)),
                )
            _remember(report, store, clock)
            return dataclasses.replace(_summary(report, True, counts), revoked_in_received=marked)
        with cat.reading() as conn:
            check_rollback(received_store.list_bundles(conn), report)
        counts = _store(cat, report, Path(path).name, clock, progress=progress, cancel=cancel)
        _remember(report, store, clock)
        return dataclasses.replace(_summary(report, False, counts), revoked_in_received=marked)


def apply_revocations(
    cat: Catalogue,
    lists: Sequence[RevocationList],
    *,
    now: datetime | None = None,
    trust: TrustStore | None = None,
) -> tuple[str, ...]:
    """Mark the received bundles that verified revocation lists withdraw (the rule is
    :func:`tkapp.bundle.revocation.revocation_for`). A mark is never undone.

    Returns:
        The bundle ids marked revoked by this call.

    Raises:
        RevocationError: a list for a held bundle's catalogue signed by a key that is neither
            the bundle's own nor trusted for that catalogue (nothing is marked).
    """
    if not lists:
        return ()
    store = trust if trust is not None else trust_store()
    applied = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
    with cat.reading() as conn:
        rows = received_store.list_bundles(conn)
    found: list[received_store.RevokedRow] = []
    for row in rows:
        hit = revocation_for(
            lists,
            signer_fingerprint=row.fingerprint,
            catalogue_id=row.catalogue_id,
            bundle_id=row.bundle_id,
            trust=store,
        )
        if hit is not None:
            sequence = max(lst.sequence for lst in lists if lst.catalogue_id == row.catalogue_id)
            found.append(
                received_store.RevokedRow(row.bundle_id, hit.reason, hit.date, sequence, applied)
            )
    marked: list[str] = []
    with cat.session() as s:
        for mark in found:
            if received_store.add_revocation(s.conn, mark):
                marked.append(mark.bundle_id)
                state = json.dumps({"reason": mark.reason, "date": mark.revoked}, sort_keys=True)
                s.audit("revoke", "received_bundle", mark.bundle_id, state)
    return tuple(marked)


def _store(
    cat: Catalogue,
    report: VerifyReport,
    source_name: str,
    clock: datetime,
    *,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> tuple[int, int, int]:
    m = report.manifest
    total = sum(e.size for e in report.media)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    verification = report.to_json()
    row = received_store.BundleRow(
        bundle_id=m.bundle_id,
        catalogue_id=m.catalogue_id,
        sequence=m.sequence,
        manifest_sha256=report.manifest_sha256,
        signer_key_id=report.key_id,
        fingerprint=report.fingerprint.hex,
        community=report.community,
        trust=report.trust,
        verified_at=clock.astimezone(UTC).isoformat(),
        source_name=source_name[:255],
        verification=json.dumps(verification, ensure_ascii=False, sort_keys=True),
        terms=canonical_terms_bytes(report.terms).decode("utf-8"),
        terms_texts=json.dumps(report.terms_texts, ensure_ascii=False, sort_keys=True),
        odrl=None if report.odrl is None else json.dumps(report.odrl, sort_keys=True),
        manifest=report.manifest.canonical_bytes().decode("utf-8"),
    )
    records = consents = 0
    with cat.session() as s:
        bundle_rowid = received_store.insert_bundle(s.conn, row)
        for record_id, data in report.iter_records():
            if cancel is not None and cancel():
                raise Cancelled()
            title = data.get("title", "")
            received_store.insert_item(
                s.conn,
                bundle_rowid,
                received_store.RECORD,
                record_id,
                title=title if isinstance(title, str) else "",
                data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            )
            records += 1
        for consent_id, data in report.iter_consents():
            granted = data.get("granted_by", "")
            received_store.insert_item(
                s.conn,
                bundle_rowid,
                received_store.CONSENT,
                consent_id,
                title=granted if isinstance(granted, str) else "",
                data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            )
            consents += 1
        for entry in report.media:
            with report.open_member(entry.path) as member:
                received_store.write_media(
                    s.conn,
                    bundle_rowid,
                    entry.path,
                    sha256=entry.sha256,
                    size=entry.size,
                    source=member,  # type: ignore[arg-type]
                    cancel=cancel,
                    advance=advance,
                )
        state = json.dumps(
            {"bundle_id": m.bundle_id, "manifest_sha256": report.manifest_sha256},
            sort_keys=True,
        )
        s.audit("import", "received_bundle", m.bundle_id, state)
    return records, consents, len(report.media)


def _bundle(cat: Catalogue, row: received_store.BundleRow) -> ReceivedBundle:
    verification = json.loads(row.verification)
    manifest = json.loads(row.manifest)
    with cat.reading() as conn:
        records = received_store.count_items(conn, row.bundle_id, received_store.RECORD)
        consents = received_store.count_items(conn, row.bundle_id, received_store.CONSENT)
        revoked = received_store.revocations(conn).get(row.bundle_id)
    return ReceivedBundle(
        bundle_id=row.bundle_id,
        catalogue_id=row.catalogue_id,
        community=row.community,
        key_id=row.signer_key_id,
        fingerprint=row.fingerprint,
        trust=row.trust,
        sequence=row.sequence,
        verified_at=datetime.fromisoformat(row.verified_at),
        source_name=row.source_name,
        created=str(manifest.get("created", "")),
        expires=manifest.get("expires"),
        recipient=dict(manifest.get("recipient", {})),
        terms=Terms.from_json(json.loads(row.terms)),
        terms_texts=json.loads(row.terms_texts),
        odrl=None if row.odrl is None else json.loads(row.odrl),
        manifest=manifest,
        verification=verification,
        records=records,
        consents=consents,
        revoked=revoked,
    )


def _urn(bundle_id: str) -> str:
    return bundle_id if bundle_id.startswith("urn:uuid:") else "urn:uuid:" + bundle_id


def list_received(cat: Catalogue) -> list[ReceivedBundle]:
    """Received bundles, most recently verified first."""
    with cat.reading() as conn:
        rows = received_store.list_bundles(conn)
    return [_bundle(cat, row) for row in rows]


def get_received(cat: Catalogue, bundle_id: str) -> ReceivedBundle:
    """One received bundle (``urn:uuid:`` or bare UUID). Raises NotFound."""
    with cat.reading() as conn:
        row = received_store.get_bundle(conn, _urn(bundle_id))
    return _bundle(cat, row)


def _items(cat: Catalogue, bundle_id: str | None, kind: str) -> list[ReceivedItem]:
    with cat.reading() as conn:
        rows = received_store.items(conn, None if bundle_id is None else _urn(bundle_id), kind)
    return [ReceivedItem(r.bundle_id, r.item_id, r.title, json.loads(r.data)) for r in rows]


def received_records(cat: Catalogue, bundle_id: str | None = None) -> list[ReceivedItem]:
    """Records received in one bundle (or in all), by title. Read-only."""
    return _items(cat, bundle_id, received_store.RECORD)


def received_consents(cat: Catalogue, bundle_id: str | None = None) -> list[ReceivedItem]:
    return _items(cat, bundle_id, received_store.CONSENT)


def get_received_record(cat: Catalogue, bundle_id: str, record_id: str) -> ReceivedItem:
    with cat.reading() as conn:
        row = received_store.get_item(conn, _urn(bundle_id), received_store.RECORD, record_id)
    return ReceivedItem(row.bundle_id, row.item_id, row.title, json.loads(row.data))


def ask_received(
    cat: Catalogue, bundle_id: str, user_class: str, purpose: str, *, on: date | None = None
) -> BundleDecision:
    """May ``user_class`` use this received bundle for ``purpose``? The bundle's terms,
    tightened by each record's labels and access level, as ``tkapp verify --as`` answers."""
    bundle = get_received(cat, bundle_id)
    request = request_for(user_class, purpose, on or datetime.now(UTC).date())
    records = ((r.id, r.title, r.data) for r in received_records(cat, bundle_id))
    return decide_bundle(bundle.terms, records, request)


def list_received_media(cat: Catalogue, bundle_id: str) -> list[ReceivedMedia]:
    with cat.reading() as conn:
        rows = received_store.list_media(conn, _urn(bundle_id))
    return [ReceivedMedia(r.bundle_id, r.path, r.sha256, r.size) for r in rows]


def open_received_media(cat: Catalogue, bundle_id: str, path: str) -> BinaryIO:
    """A read-only, seekable reader of one received media file (``data/media/...``)."""
    return received_store.open_media(cat.connection_source(), _urn(bundle_id), path)


def remove_received(cat: Catalogue, bundle_id: str) -> None:
    """Delete a received bundle and everything stored with it (one transaction)."""
    urn = _urn(bundle_id)
    with cat.session() as s:
        received_store.delete_bundle(s.conn, urn)
        s.audit("delete", "received_bundle", urn, json.dumps({"bundle_id": urn}))
