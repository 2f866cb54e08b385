"""The community signing key: Ed25519, with a minisign-style 8-byte key id."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass(frozen=True)
class KeyPair:
    key_id: bytes  # 8 bytes, as minisign uses to match a signature to its key
    secret_seed: bytes  # 32-byte Ed25519 seed; only ever stored inside the encrypted catalogue
    public: bytes  # 32-byte Ed25519 public key

    def __repr__(self) -> str:  # never print the secret half
        return f"KeyPair(key_id={self.key_id.hex().upper()}, public={self.public.hex()})"

    @property
    def fingerprint(self) -> str:
        return fingerprint_hex(self.public)


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
