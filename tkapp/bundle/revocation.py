"""Signed revocation lists (``.tkr``): a community withdraws grants it made.

A list is RFC 8785 canonical JSON, signed like a bundle's manifest (minisign "ED", file
``<name>.tkr.minisig`` beside it), so ``minisign -Vm list.tkr -p community.pub`` checks it
with no tkapp installed. Lists are cumulative: a newer list (higher ``sequence``) repeats
every earlier revocation. Format (docs/revocation-and-rotation.md)::

    {"type": "tkapp/revocation-list/v1", "catalogue_id": "urn:uuid:...",
     "community": "...", "sequence": 1796480146000, "issued": "2026-12-05T10:00:00Z",
     "revoked": [{"bundle_id": "urn:uuid:...", "date": "...Z", "reason": "...",
                  "recipient": "Ana Paz (Universidad Central)"}]}

Trusted comment: ``tkr:v1 catalogue:<uuid> seq:<n> sha256:<hex of the list>``; untrusted
comment: ``tkb:v1 pubkey:RW...`` (the signing key, as in bundles).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tkapp.atomicfile import atomic_write_bytes
from tkapp.bundle.canonical import DuplicateKeyError, canonical, strict_loads
from tkapp.bundle.manifest import Manifest
from tkapp.bundle.signing import parse_untrusted_comment, untrusted_comment
from tkapp.crypto.keys import KeyPair, PublicKey
from tkapp.crypto.minisign import parse_signature, sign, verify
from tkapp.crypto.trust import TrustStore
from tkapp.errors import (
    BadSignature,
    BundleIOError,
    KeyFormatError,
    RevocationError,
    Revoked,
    SignatureFormatError,
)

TYPE = "tkapp/revocation-list/v1"
SUFFIX = ".tkr"
SIGNATURE_SUFFIX = ".minisig"
MAX_BYTES = 4 * 1024 * 1024
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_URN = re.compile("urn:uuid:" + _UUID)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_COMMENT = re.compile(
    rf"tkr:v1 catalogue:({_UUID}) seq:([1-9][0-9]{{0,15}}) sha256:([0-9a-f]{{64}})"
)


@dataclass(frozen=True)
class Revocation:
    bundle_id: str  # urn:uuid:...
    reason: str
    date: str  # RFC 3339 UTC
    recipient: str = ""  # who the grant was for, as the community wrote it

    def to_json(self) -> dict[str, str]:
        return {
            "bundle_id": self.bundle_id,
            "reason": self.reason,
            "date": self.date,
            "recipient": self.recipient,
        }


@dataclass(frozen=True)
class RevocationList:
    """A verified list: its signer is the key that signed it (trusted or not: see
    :func:`check_not_revoked`)."""

    catalogue_id: str
    community: str
    sequence: int
    issued: str
    revoked: tuple[Revocation, ...]
    signer: PublicKey

    def find(self, bundle_id: str) -> Revocation | None:
        return next((r for r in self.revoked if r.bundle_id == bundle_id), None)


def time_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def list_bytes(
    catalogue_id: str,
    community: str,
    sequence: int,
    issued: datetime,
    revoked: Sequence[Revocation],
) -> bytes:
    """The canonical JSON of a list (sorted by bundle id, one entry per bundle)."""
    unique = {r.bundle_id: r for r in revoked}
    doc = {
        "type": TYPE,
        "catalogue_id": catalogue_id,
        "community": community,
        "sequence": sequence,
        "issued": time_text(issued),
        "revoked": [unique[k].to_json() for k in sorted(unique)],
    }
    return canonical(doc)


def write_list(dest: Path, key: KeyPair, data: bytes) -> Path:
    """Sign ``data`` (from :func:`list_bytes`) and write ``dest`` and ``dest.minisig``.

    Raises:
        BundleIOError: a file exists or cannot be written.
    """
    doc = strict_loads(data)
    uuid = str(doc["catalogue_id"]).removeprefix("urn:uuid:")
    comment = f"tkr:v1 catalogue:{uuid} seq:{doc['sequence']} sha256:{_sha(data)}"
    signature = sign(data, key, comment, untrusted_comment(key.public_key))
    sig_path = dest.with_name(dest.name + SIGNATURE_SUFFIX)
    for path in (dest, sig_path):
        if path.exists():
            raise BundleIOError("file exists", path=str(path))
    try:
        atomic_write_bytes(dest, data, mode=0o644)
        atomic_write_bytes(sig_path, signature.encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot write", path=str(dest)) from None
    return dest


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot read", path=str(path)[:200]) from None
    if len(data) > limit:
        raise RevocationError("file too large", path=path.name[:120])
    return data


def _text(value: object, field: str, limit: int = 2000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise RevocationError("malformed field", field=field)
    return value


def load(path: Path) -> RevocationList:
    """Read and verify a ``.tkr`` and its ``.minisig``.

    The signature is checked against the key the list names; whether that key may revoke
    a given bundle is decided by :func:`check_not_revoked`.

    Raises:
        RevocationError: altered, forged or malformed (an edited list never verifies).
        BundleIOError: a file cannot be read.
    """
    path = Path(path)
    data = _read(path, MAX_BYTES)
    raw_sig = _read(path.with_name(path.name + SIGNATURE_SUFFIX), 16 * 1024)
    try:
        sig = parse_signature(raw_sig)
        key = parse_untrusted_comment(sig.untrusted_comment)
        if key.key_id != sig.key_id:
            raise RevocationError("the list names another key than the one that signed it")
        verify(sig, key, data)
    except (SignatureFormatError, KeyFormatError):
        raise RevocationError("the signature file is malformed") from None
    except BadSignature:
        raise RevocationError("the signature does not match: the list was altered") from None
    try:
        doc = strict_loads(data)
    except (DuplicateKeyError, ValueError, RecursionError):
        raise RevocationError("not canonical JSON") from None
    if not isinstance(doc, dict) or canonical(doc) != data:
        raise RevocationError("not canonical JSON")
    expected = {"type", "catalogue_id", "community", "sequence", "issued", "revoked"}
    if set(doc) != expected or doc["type"] != TYPE:
        raise RevocationError("not a version 1 revocation list")
    catalogue_id = _text(doc["catalogue_id"], "catalogue_id")
    sequence = doc["sequence"]
    if not _URN.fullmatch(catalogue_id) or not isinstance(sequence, int) or sequence < 1:
        raise RevocationError("malformed catalogue id or sequence")
    match = _COMMENT.fullmatch(sig.trusted_comment)
    if (
        match is None
        or "urn:uuid:" + match.group(1) != catalogue_id
        or int(match.group(2)) != sequence
        or match.group(3) != _sha(data)
    ):
        raise RevocationError("the signed comment does not match the list")
    issued = _text(doc["issued"], "issued")
    if not _TIME.fullmatch(issued) or not isinstance(doc["revoked"], list):
        raise RevocationError("malformed issued time or revoked list")
    revoked = []
    for item in doc["revoked"]:
        if not isinstance(item, dict) or set(item) != {"bundle_id", "reason", "date", "recipient"}:
            raise RevocationError("malformed revocation")
        bundle_id = _text(item["bundle_id"], "bundle_id")
        date = _text(item["date"], "date")
        if not _URN.fullmatch(bundle_id) or not _TIME.fullmatch(date):
            raise RevocationError("malformed revocation")
        revoked.append(
            Revocation(
                bundle_id, _text(item["reason"], "reason"), date, _text(item["recipient"], "r")
            )
        )
    return RevocationList(
        catalogue_id,
        _text(doc["community"], "community"),
        sequence,
        issued,
        tuple(revoked),
        key,
    )


def revocation_for(
    lists: Sequence[RevocationList],
    *,
    signer_fingerprint: str,
    catalogue_id: str,
    bundle_id: str,
    trust: TrustStore | None = None,
) -> Revocation | None:
    """THE revocation rule for one authentic bundle (just verified, or held in Received).

    A list applies to a bundle of the same catalogue when it is signed by the bundle's own
    key (``signer_fingerprint``: SHA-256 of its public key, hex), or by a key the user trusts
    for that catalogue (e.g. the key it rotated to). A list for the same catalogue signed by
    any other key is refused, not ignored. The newest list (highest sequence) of the
    catalogue decides.

    Returns:
        The bundle's revocation, or None.

    Raises:
        RevocationError: a list for the catalogue signed by another key.
    """
    mine = [lst for lst in lists if lst.catalogue_id == catalogue_id]
    for lst in mine:
        if hashlib.sha256(lst.signer.public).hexdigest() == signer_fingerprint:
            continue
        entry = trust.by_public_key(lst.signer.public) if trust is not None else None
        if entry is None or entry.catalogue_id != catalogue_id:
            raise RevocationError("the list is signed by a key not trusted for this catalogue")
    if not mine:
        return None
    return max(mine, key=lambda lst: lst.sequence).find(bundle_id)


def check_not_revoked(
    lists: Sequence[RevocationList],
    key: PublicKey,
    manifest: Manifest,
    trust: TrustStore | None = None,
) -> None:
    """Refuse a verified bundle that :func:`revocation_for` finds revoked.

    Raises:
        Revoked: with the reason and date. RevocationError: a list signed by another key.
    """
    found = revocation_for(
        lists,
        signer_fingerprint=hashlib.sha256(key.public).hexdigest(),
        catalogue_id=manifest.catalogue_id,
        bundle_id=manifest.bundle_id,
        trust=trust,
    )
    if found is not None:
        raise Revoked(
            "the community revoked this bundle",
            reason=found.reason,
            date=found.date,
            bundle=manifest.bundle_id,
        )
