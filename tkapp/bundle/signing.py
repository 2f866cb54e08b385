"""What the bundle signature's comments say, and how they are checked.

- Trusted comment (signed, shown by ``minisign -V``):
  ``tkb:v1 bundle:<uuid> seq:<n> msha256:<hex> community:<name as a JCS JSON string>``.
  The name is written as canonical JSON so that quotes, backslashes and control characters are
  escaped one single way, and the comment always stays on one line.
- Untrusted comment: ``tkb:v1 pubkey:<RW... minisign public key>``. It carries the public key so
  a reader can be asked to trust it on first use (TOFU) and see its fingerprint; it is only
  believed when the signature verifies with it and its hash equals ``signer.pubkey_sha256``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from tkapp.bundle.canonical import canonical
from tkapp.crypto.keys import PublicKey
from tkapp.crypto.minisign import encode_public_key_line, parse_public_key_line
from tkapp.errors import KeyFormatError, SignatureFormatError, SignatureMetadataMismatch

_TRUSTED = re.compile(
    r"tkb:v1 bundle:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r" seq:([1-9][0-9]{0,15}) msha256:([0-9a-f]{64}) community:(\".*\")"
)
_UNTRUSTED = re.compile(r"tkb:v1 pubkey:(RW[A-Za-z0-9+/]{54})")


@dataclass(frozen=True)
class TrustedComment:
    bundle_uuid: str
    sequence: int
    manifest_sha256: str
    community: str

    def text(self) -> str:
        name = canonical(self.community).decode("utf-8")
        return (
            f"tkb:v1 bundle:{self.bundle_uuid} seq:{self.sequence} "
            f"msha256:{self.manifest_sha256} community:{name}"
        )


def parse_trusted_comment(text: str) -> TrustedComment:
    """Parse a (verified) trusted comment; raises :class:`SignatureMetadataMismatch`."""
    match = _TRUSTED.fullmatch(text)
    if not match:
        raise SignatureMetadataMismatch("trusted comment is not a tkb v1 comment")
    quoted = match.group(4)
    try:
        name = json.loads(quoted)
        ok = isinstance(name, str) and canonical(name).decode("utf-8") == quoted
    except ValueError:
        ok = False
    if not ok:
        raise SignatureMetadataMismatch("community name in the trusted comment is malformed")
    return TrustedComment(match.group(1), int(match.group(2)), match.group(3), name)


def community_hint(text: str) -> str | None:
    """The community named by an *unverified* trusted comment, for the key-mismatch check."""
    try:
        return parse_trusted_comment(text).community
    except SignatureMetadataMismatch:
        return None


def untrusted_comment(key: PublicKey) -> str:
    return f"tkb:v1 pubkey:{encode_public_key_line(key)}"


def parse_untrusted_comment(text: str) -> PublicKey:
    """The public key a bundle carries; raises :class:`SignatureFormatError`."""
    match = _UNTRUSTED.fullmatch(text)
    if not match:
        raise SignatureFormatError("untrusted comment is not a tkb v1 comment")
    try:
        return parse_public_key_line(match.group(1))
    except KeyFormatError:
        raise SignatureFormatError("embedded public key is malformed") from None
