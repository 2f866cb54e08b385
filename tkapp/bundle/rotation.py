"""Key rotation statements (``.tkrot``): the old community key vouches for the new one.

A statement is RFC 8785 canonical JSON signed with the OLD key (minisign "ED", file
``<name>.tkrot.minisig`` beside it), so ``minisign -Vm rotation.tkrot -p old.pub`` checks it
with no tkapp installed::

    {"type": "tkapp/key-rotation/v1", "catalogue_id": "urn:uuid:...", "community": "...",
     "old_key": "RW...", "new_key": "RW...", "date": "2026-12-05T10:00:00Z"}

Trusted comment: ``tkrot:v1 catalogue:<uuid> old:<key id> new:<key id> sha256:<hex>``. A
recipient who trusts the old key (for that catalogue) then trusts bundles signed by the new
one. A statement signed by any other key is refused. A *lost* key cannot be rotated this way
(its holder, maybe a thief, is the only one who can sign): see the README's in-person path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tkapp.atomicfile import atomic_write_bytes
from tkapp.bundle.canonical import DuplicateKeyError, canonical, strict_loads
from tkapp.bundle.revocation import time_text
from tkapp.bundle.signing import parse_untrusted_comment, untrusted_comment
from tkapp.crypto.keys import KeyPair, PublicKey, key_id_hex
from tkapp.crypto.minisign import (
    encode_public_key_line,
    parse_public_key_line,
    parse_signature,
    sign,
    verify,
)
from tkapp.crypto.trust import TrustedKey, TrustStore
from tkapp.errors import (
    BadSignature,
    BundleIOError,
    KeyFormatError,
    RotationError,
    SignatureFormatError,
)

TYPE = "tkapp/key-rotation/v1"
SUFFIX = ".tkrot"
SIGNATURE_SUFFIX = ".minisig"
MAX_STATEMENT = 64 * 1024
MAX_SIGNATURE = 16 * 1024
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_URN = re.compile("urn:uuid:" + _UUID)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_COMMENT = re.compile(
    rf"tkrot:v1 catalogue:({_UUID}) old:([0-9A-F]{{16}}) new:([0-9A-F]{{16}})"
    r" sha256:([0-9a-f]{64})"
)


@dataclass(frozen=True)
class RotationStatement:
    """A verified statement: ``old`` signed it."""

    catalogue_id: str
    community: str
    old: PublicKey
    new: PublicKey
    date: str


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def statement_files(
    old: KeyPair, new: PublicKey, *, catalogue_id: str, community: str, when: datetime
) -> tuple[bytes, bytes]:
    """The statement's bytes and its ``.minisig`` text (signed by ``old``). Pure."""
    data = canonical(
        {
            "type": TYPE,
            "catalogue_id": catalogue_id,
            "community": community,
            "old_key": encode_public_key_line(old.public_key),
            "new_key": encode_public_key_line(new),
            "date": time_text(when),
        }
    )
    comment = (
        f"tkrot:v1 catalogue:{catalogue_id.removeprefix('urn:uuid:')} "
        f"old:{key_id_hex(old.key_id)} new:{key_id_hex(new.key_id)} sha256:{_sha(data)}"
    )
    signature = sign(data, old, comment, untrusted_comment(old.public_key))
    return data, signature.encode("utf-8")


def write_files(dest: Path, data: bytes, signature: bytes) -> Path:
    """Write ``dest`` and ``dest.minisig`` (made by :func:`statement_files`).

    Raises:
        BundleIOError: a file exists or cannot be written.
    """
    sig_path = dest.with_name(dest.name + SIGNATURE_SUFFIX)
    for path in (dest, sig_path):
        if path.exists():
            raise BundleIOError("file exists", path=str(path))
    try:
        atomic_write_bytes(dest, data, mode=0o644)
        atomic_write_bytes(sig_path, signature, mode=0o644)
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot write", path=str(dest)) from None
    return dest


def write_statement(
    dest: Path, old: KeyPair, new: PublicKey, *, catalogue_id: str, community: str, when: datetime
) -> Path:
    """Write ``dest`` and ``dest.minisig`` (signed by ``old``).

    Raises:
        BundleIOError: a file exists or cannot be written.
    """
    data, signature = statement_files(
        old, new, catalogue_id=catalogue_id, community=community, when=when
    )
    return write_files(dest, data, signature)


def _read(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise BundleIOError(exc.strerror or "cannot read", path=str(path)[:200]) from None
    if len(data) > limit:
        raise RotationError("file too large", path=path.name[:120])
    return data


def load(path: Path) -> RotationStatement:
    """Read and verify a statement and its ``.minisig``.

    Raises:
        RotationError: altered, malformed, or not signed by the old key it names.
        BundleIOError: a file cannot be read.
    """
    path = Path(path)
    data = _read(path, MAX_STATEMENT)
    raw_sig = _read(path.with_name(path.name + SIGNATURE_SUFFIX), MAX_SIGNATURE)
    return parse(data, raw_sig)


def parse(data: bytes, raw_sig: bytes) -> RotationStatement:
    """Verify a statement given as bytes (from a file, or carried inside a bundle).

    Raises:
        RotationError: altered, malformed, or not signed by the old key it names.
    """
    try:
        doc = strict_loads(data)
    except (DuplicateKeyError, ValueError, RecursionError):
        raise RotationError("not canonical JSON") from None
    keys = {"type", "catalogue_id", "community", "old_key", "new_key", "date"}
    if not isinstance(doc, dict) or canonical(doc) != data or set(doc) != keys:
        raise RotationError("not a version 1 rotation statement")
    if doc["type"] != TYPE or not all(isinstance(doc[k], str) for k in keys):
        raise RotationError("not a version 1 rotation statement")
    if not _URN.fullmatch(doc["catalogue_id"]) or not _TIME.fullmatch(doc["date"]):
        raise RotationError("malformed catalogue id or date")
    try:
        old = parse_public_key_line(doc["old_key"])
        new = parse_public_key_line(doc["new_key"])
        sig = parse_signature(raw_sig)
        signer = parse_untrusted_comment(sig.untrusted_comment)
    except (KeyFormatError, SignatureFormatError):
        raise RotationError("malformed key or signature file") from None
    if signer != old or sig.key_id != old.key_id:
        raise RotationError("the statement is not signed by the old key")
    try:
        verify(sig, old, data)
    except BadSignature:
        raise RotationError("the signature does not match: the statement was altered") from None
    match = _COMMENT.fullmatch(sig.trusted_comment)
    if (
        match is None
        or "urn:uuid:" + match.group(1) != doc["catalogue_id"]
        or match.group(2) != key_id_hex(old.key_id)
        or match.group(3) != key_id_hex(new.key_id)
        or match.group(4) != _sha(data)
    ):
        raise RotationError("the signed comment does not match the statement")
    if old.public == new.public:
        raise RotationError("old and new key are the same")
    return RotationStatement(doc["catalogue_id"], doc["community"], old, new, doc["date"])


def vouching_key(
    statements: Sequence[RotationStatement],
    key: PublicKey,
    catalogue_id: str,
    trust: TrustStore | None,
) -> TrustedKey | None:
    """The trusted key that vouches for ``key`` through a chain of statements (old -> new,
    same catalogue), or None."""
    if trust is None:
        return None
    by_new = {s.new.public: s for s in statements if s.catalogue_id == catalogue_id}
    current = key
    for _step in range(len(by_new)):
        statement = by_new.get(current.public)
        if statement is None:
            return None
        entry = trust.by_public_key(statement.old.public)
        if entry is not None and entry.catalogue_id in ("", catalogue_id):
            return entry
        current = statement.old
    return None
