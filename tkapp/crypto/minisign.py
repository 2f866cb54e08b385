"""minisign-compatible public keys and signatures (minisign 0.11 "ED" prehashed format).

A public key file is two lines: ``untrusted comment: ...`` and
``base64("Ed" + key_id[8] + public[32])``. A signature file is four lines: an untrusted comment,
``base64("ED" + key_id[8] + sig[64])`` where ``sig`` is Ed25519 over BLAKE2b-512 of the data,
``trusted comment: ...``, and ``base64(global_sig[64])`` where the global signature is Ed25519
over ``sig + trusted_comment_bytes``. The legacy ``Ed`` algorithm (Ed25519 over the raw data)
is refused: it needs the whole message in memory and minisign itself deprecated it.

Parsing is strict (exact line structure, canonical base64) because every byte of a bundle must
matter: a lenient parser would accept a flipped padding bit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tkapp.crypto.keys import KEY_ID_BYTES, PUBLIC_KEY_BYTES, KeyPair, PublicKey, key_id_hex
from tkapp.errors import BadSignature, KeyFormatError, SignatureFormatError

UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
PUBKEY_ALG = b"Ed"
SIG_ALG_PREHASHED = b"ED"
SIG_ALG_LEGACY = b"Ed"
#: minisign refuses longer trusted comments; we refuse them too so both tools agree.
TRUSTED_COMMENT_MAX = 8192
#: A generous bound on a signature file; anything larger is not one of ours.
SIGNATURE_FILE_MAX = 16 * 1024
_SIG_BYTES = 64


# A NamedTuple, not a dataclass, as tkapp.crypto.keys.PublicKey (start-up, issue 19).
class Signature(NamedTuple):
    """A parsed minisign signature file."""

    key_id: bytes
    signature: bytes  # Ed25519 over BLAKE2b-512(data)
    untrusted_comment: str
    trusted_comment: str
    global_signature: bytes  # Ed25519 over signature + trusted comment bytes

    @property
    def key_id_hex(self) -> str:
        return key_id_hex(self.key_id)


def prehash(data: bytes) -> bytes:
    """BLAKE2b-512 of ``data``, the digest minisign signs in "ED" mode."""
    return hashlib.blake2b(data, digest_size=64).digest()


def _b64_strict(text: str, expected_len: int, error: type[Exception], what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise error(f"{what}: not base64") from None
    # Re-encoding must give back the same text: refuses non-zero padding bits and the like.
    if base64.b64encode(raw).decode("ascii") != text or len(raw) != expected_len:
        raise error(f"{what}: not canonical or wrong length")
    return raw


# --- public keys -------------------------------------------------------------------------------


def encode_public_key_line(key: PublicKey) -> str:
    """The bare ``RW...`` line (what ``minisign -P`` takes)."""
    return base64.b64encode(PUBKEY_ALG + key.key_id + key.public).decode("ascii")


def encode_public_key(key: PublicKey, comment: str | None = None) -> str:
    """A minisign public-key file, newline-terminated, as ``minisign -G`` writes it."""
    text = comment if comment is not None else f"minisign public key {key.key_id_hex}"
    _check_comment(text, KeyFormatError)
    return f"{UNTRUSTED_PREFIX}{text}\n{encode_public_key_line(key)}\n"


def parse_public_key_line(line: str) -> PublicKey:
    """Parse a bare ``RW...`` public key; raises :class:`KeyFormatError`."""
    raw = _b64_strict(line.strip(), 2 + KEY_ID_BYTES + PUBLIC_KEY_BYTES, KeyFormatError, "key")
    if raw[:2] != PUBKEY_ALG:
        raise KeyFormatError("unsupported public key algorithm")
    return PublicKey(raw[2 : 2 + KEY_ID_BYTES], raw[2 + KEY_ID_BYTES :])


def parse_public_key(text: str) -> PublicKey:
    """Parse a minisign public-key file (or a bare key line); raises :class:`KeyFormatError`."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) == 1:
        return parse_public_key_line(lines[0])
    if len(lines) != 2 or not lines[0].startswith(UNTRUSTED_PREFIX):
        raise KeyFormatError("expected an untrusted comment line and a key line")
    return parse_public_key_line(lines[1])


# --- signatures --------------------------------------------------------------------------------


def _check_comment(text: str, error: type[Exception]) -> None:
    if "\n" in text or "\r" in text or "\x00" in text:
        raise error("comment contains a line break")
    if len(text.encode("utf-8")) > TRUSTED_COMMENT_MAX:
        raise error("comment too long")


def sign_prehashed(
    digest: bytes, key: KeyPair, trusted_comment: str, untrusted_comment: str
) -> str:
    """Sign a BLAKE2b-512 ``digest``; returns the four-line signature file text."""
    if len(digest) != 64:
        raise ValueError("digest must be BLAKE2b-512")
    _check_comment(trusted_comment, ValueError)
    _check_comment(untrusted_comment, ValueError)
    private = key.private_key()
    sig = private.sign(digest)
    global_sig = private.sign(sig + trusted_comment.encode("utf-8"))
    return (
        f"{UNTRUSTED_PREFIX}{untrusted_comment}\n"
        f"{base64.b64encode(SIG_ALG_PREHASHED + key.key_id + sig).decode('ascii')}\n"
        f"{TRUSTED_PREFIX}{trusted_comment}\n"
        f"{base64.b64encode(global_sig).decode('ascii')}\n"
    )


def sign(data: bytes, key: KeyPair, trusted_comment: str, untrusted_comment: str) -> str:
    """Sign ``data`` the way ``minisign -S`` does by default (prehashed "ED")."""
    return sign_prehashed(prehash(data), key, trusted_comment, untrusted_comment)


def parse_signature(raw: bytes) -> Signature:
    """Strictly parse a signature file; raises :class:`SignatureFormatError`.

    Exactly four LF-terminated lines, canonical base64, algorithm "ED". A legacy "Ed"
    signature is refused even when it would verify.
    """
    if len(raw) > SIGNATURE_FILE_MAX:
        raise SignatureFormatError("signature file too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureFormatError("signature file is not UTF-8") from None
    if not text.endswith("\n") or "\r" in text:
        raise SignatureFormatError("signature lines must end with LF")
    lines = text[:-1].split("\n")
    if len(lines) != 4:
        raise SignatureFormatError("a signature file has exactly four lines")
    untrusted, sig_line, trusted, global_line = lines
    if not untrusted.startswith(UNTRUSTED_PREFIX) or not trusted.startswith(TRUSTED_PREFIX):
        raise SignatureFormatError("comment lines missing")
    blob = _b64_strict(sig_line, 2 + KEY_ID_BYTES + _SIG_BYTES, SignatureFormatError, "sig")
    algorithm = blob[:2]
    if algorithm == SIG_ALG_LEGACY:
        raise SignatureFormatError("legacy (non-prehashed) signatures are refused")
    if algorithm != SIG_ALG_PREHASHED:
        raise SignatureFormatError("unknown signature algorithm")
    trusted_comment = trusted[len(TRUSTED_PREFIX) :]
    if "\x00" in trusted_comment or len(trusted_comment.encode()) > TRUSTED_COMMENT_MAX:
        raise SignatureFormatError("trusted comment not acceptable")
    global_sig = _b64_strict(global_line, _SIG_BYTES, SignatureFormatError, "global sig")
    return Signature(
        key_id=blob[2 : 2 + KEY_ID_BYTES],
        signature=blob[2 + KEY_ID_BYTES :],
        untrusted_comment=untrusted[len(UNTRUSTED_PREFIX) :],
        trusted_comment=trusted_comment,
        global_signature=global_sig,
    )


def verify_prehashed(signature: Signature, key: PublicKey, digest: bytes) -> None:
    """Check both signatures against ``key``; raises :class:`BadSignature`.

    Args:
        signature: the parsed signature file.
        key: the trusted public key; its key id must equal the signature's.
        digest: BLAKE2b-512 of the signed data.
    """
    if signature.key_id != key.key_id:
        raise BadSignature("signature key id differs from the public key's")
    try:
        public = Ed25519PublicKey.from_public_bytes(key.public)
        public.verify(signature.signature, digest)
        public.verify(
            signature.global_signature,
            signature.signature + signature.trusted_comment.encode("utf-8"),
        )
    except (InvalidSignature, ValueError):
        raise BadSignature("signature does not verify") from None


def verify(signature: Signature, key: PublicKey, data: bytes) -> None:
    """Verify ``data`` against a parsed signature; raises :class:`BadSignature`."""
    verify_prehashed(signature, key, prehash(data))
