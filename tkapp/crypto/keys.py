"""The community signing key: Ed25519, with a minisign-style 8-byte key id."""

from __future__ import annotations

import hashlib
import secrets
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_ID_BYTES = 8
PUBLIC_KEY_BYTES = 32


# A NamedTuple, not a dataclass: ``tkapp verify --selftest`` loads this module, and the
# dataclasses module (with inspect) and building each dataclass cost its start-up about 10 ms
# (issue 19). Immutable and compared by value all the same.
class PublicKey(NamedTuple):
    """The public half of a community key: what a researcher pins in the trust store."""

    key_id: bytes  # 8 bytes, as stored in minisign files
    public: bytes  # 32-byte Ed25519 public key

    @property
    def fingerprint(self) -> str:
        return fingerprint_hex(self.public)

    @property
    def key_id_hex(self) -> str:
        return key_id_hex(self.key_id)


class KeyPair(NamedTuple):  # a NamedTuple, as PublicKey
    key_id: bytes  # 8 bytes, as minisign uses to match a signature to its key
    secret_seed: bytes  # 32-byte Ed25519 seed; only ever stored inside the encrypted catalogue
    public: bytes  # 32-byte Ed25519 public key

    def __repr__(self) -> str:  # never print the secret half
        return f"KeyPair(key_id={self.key_id.hex().upper()}, public={self.public.hex()})"

    @property
    def fingerprint(self) -> str:
        return fingerprint_hex(self.public)

    @property
    def public_key(self) -> PublicKey:
        """The shareable half, without the seed."""
        return PublicKey(self.key_id, self.public)

    def private_key(self) -> Ed25519PrivateKey:
        """A ``cryptography`` signing object for this key (kept in memory only)."""
        return Ed25519PrivateKey.from_private_bytes(self.secret_seed)


def generate_keypair() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    return KeyPair(secrets.token_bytes(8), seed, private.public_key().public_bytes_raw())


def keypair_from_seed(key_id: bytes, seed: bytes) -> KeyPair:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return KeyPair(key_id, seed, private.public_key().public_bytes_raw())


def fingerprint_hex(public: bytes) -> str:
    """SHA-256 of the raw public key (BUNDLE-FORMAT.md section 3), lowercase hex."""
    return hashlib.sha256(public).hexdigest()


def key_id_hex(key_id: bytes) -> str:
    """The key id as minisign prints it: the 8 bytes read as a little-endian number, upper hex.

    minisign shows ``%016llX`` of a little-endian load, so we reverse the bytes; the manifest's
    ``signer.key_id`` uses this form so it reads the same as minisign's own messages.
    """
    return key_id[::-1].hex().upper()


def key_id_from_hex(text: str) -> bytes:
    """Inverse of :func:`key_id_hex`; raises ``ValueError`` on anything but 16 hex digits."""
    if len(text) != 16 or text.upper() != text:
        raise ValueError("key id must be 16 upper-case hex digits")
    return bytes.fromhex(text)[::-1]
