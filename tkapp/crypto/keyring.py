"""Key hierarchy primitives for people and protocol groups (PROTOCOLS.md, "Keys").

- A person's passphrase gives a key-encryption key (Argon2id) that opens their key pair.
- Secrets (the database key, a group key, the signing key) are *wrapped* to a person's
  X25519 public key, age-style: an ephemeral X25519 agreement, HKDF-SHA256, ChaCha20-Poly1305.
  So a custodian can give a key to someone without knowing that person's passphrase.
- Record content is *sealed* under a group key with ChaCha20-Poly1305; the associated data
  binds each ciphertext to where it belongs (record id, field, version), so a ciphertext
  moved to another record or field fails to open.

Every failure to open is :class:`KeyringError`: a wrong passphrase, a wrong key and a
tampered blob are indistinguishable on purpose.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tkapp.errors import KeyringError

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
_WRAP_VERSION = b"\x01"
_SEAL_VERSION = b"\x01"
_WRAP_INFO = b"tkapp/keyring/wrap/v1"
_APPROVAL_INFO = b"tkapp/keyring/approval/v1"
_APPROVAL_MESSAGE = b"tkapp/approval/v1\x00"


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost. Tests may use :data:`TEST_COST`; people's keys use :data:`PERSON_COST`."""

    time_cost: int
    memory_kib: int
    parallelism: int = 1


PERSON_COST = KdfCost(time_cost=3, memory_kib=64 * 1024)
TEST_COST = KdfCost(time_cost=1, memory_kib=8 * 1024)


def new_key() -> bytes:
    """A fresh random 256-bit key (database key, group key)."""
    return secrets.token_bytes(KEY_BYTES)


def passphrase_key(passphrase: str, salt: bytes, cost: KdfCost = PERSON_COST) -> bytes:
    """Argon2id key-encryption key for one person's passphrase (NFC-normalised UTF-8)."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(
        secret,
        salt,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """Encrypt ``plaintext`` under a symmetric ``key``, bound to ``context`` (AAD)."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return _SEAL_VERSION + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, context)


def open_sealed(key: bytes, blob: bytes, context: bytes) -> bytes:
    """Inverse of :func:`seal`; raises :class:`KeyringError` on any mismatch."""
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != _SEAL_VERSION:
        raise KeyringError("not a sealed value")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, body, context)
    except InvalidTag as exc:
        raise KeyringError("sealed value does not open with this key") from exc


@dataclass(frozen=True)
class BoxKeyPair:
    """A person's X25519 key pair: what secrets are wrapped to."""

    private: bytes = field(repr=False)  # 32 raw bytes; only ever stored wrapped
    public: bytes


def new_box_keypair() -> BoxKeyPair:
    private = X25519PrivateKey.generate()
    return BoxKeyPair(private.private_bytes_raw(), private.public_key().public_bytes_raw())


def _wrap_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=ephemeral_public + recipient_public,
        info=_WRAP_INFO,
    ).derive(shared)


def wrap_to(recipient_public: bytes, secret: bytes, context: bytes) -> bytes:
    """Wrap ``secret`` so only the holder of ``recipient_public``'s private key opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _wrap_key(shared, ephemeral_public, recipient_public)
    return _WRAP_VERSION + ephemeral_public + seal(key, secret, context)


def unwrap(keypair: BoxKeyPair, blob: bytes, context: bytes) -> bytes:
    """Inverse of :func:`wrap_to`; raises :class:`KeyringError` on any mismatch."""
    if len(blob) < 1 + KEY_BYTES or blob[:1] != _WRAP_VERSION:
        raise KeyringError("not a wrapped key")
    ephemeral_public = blob[1 : 1 + KEY_BYTES]
    private = X25519PrivateKey.from_private_bytes(keypair.private)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError as exc:  # a low-order point gives an all-zero secret
        raise KeyringError("wrapped key has an invalid ephemeral key") from exc
    key = _wrap_key(shared, ephemeral_public, keypair.public)
    return open_sealed(key, blob[1 + KEY_BYTES :], context)


def lock_keypair(keypair: BoxKeyPair, passphrase: str, cost: KdfCost = PERSON_COST) -> bytes:
    """The person's private key sealed under their passphrase: salt + cost + sealed key."""
    salt = secrets.token_bytes(SALT_BYTES)
    kek = passphrase_key(passphrase, salt, cost)
    header = (
        salt
        + cost.time_cost.to_bytes(4, "big")
        + cost.memory_kib.to_bytes(4, "big")
        + cost.parallelism.to_bytes(2, "big")
    )
    return header + seal(kek, keypair.private, b"tkapp/keyring/person/v1" + keypair.public)


def unlock_keypair(public: bytes, locked: bytes, passphrase: str) -> BoxKeyPair:
    """Open a person's key pair with their passphrase; :class:`KeyringError` if wrong."""
    if len(locked) < SALT_BYTES + 10:
        raise KeyringError("not a locked key pair")
    salt = locked[:SALT_BYTES]
    cost = KdfCost(
        time_cost=int.from_bytes(locked[SALT_BYTES : SALT_BYTES + 4], "big"),
        memory_kib=int.from_bytes(locked[SALT_BYTES + 4 : SALT_BYTES + 8], "big"),
        parallelism=int.from_bytes(locked[SALT_BYTES + 8 : SALT_BYTES + 10], "big"),
    )
    if not (1 <= cost.time_cost <= 64 and 8 <= cost.memory_kib <= 4 * 1024 * 1024):
        raise KeyringError("locked key pair asks for an unreasonable cost")
    kek = passphrase_key(passphrase, salt, cost)
    private = open_sealed(kek, locked[SALT_BYTES + 10 :], b"tkapp/keyring/person/v1" + public)
    derived = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
    pair = BoxKeyPair(private, derived)
    if pair.public != public:
        raise KeyringError("locked key pair does not match its public key")
    return pair


# --- approval keys (shared approval of exports, k of n) ------------------------------------


def _approval_private(keypair: BoxKeyPair) -> Ed25519PrivateKey:
    # Derived, not stored: the approval key opens exactly when the person's box key does, so
    # nothing new is locked under their passphrase. Its own info string keeps it apart from
    # every other use of the box key.
    seed = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=keypair.public, info=_APPROVAL_INFO
    ).derive(keypair.private)
    return Ed25519PrivateKey.from_private_bytes(seed)


def approval_message(digest: str) -> bytes:
    """What an approval signs: a fixed prefix and an export plan's digest (hex)."""
    return _APPROVAL_MESSAGE + digest.encode("ascii")


def approval_public(keypair: BoxKeyPair) -> bytes:
    """The person's Ed25519 approval public key (32 raw bytes), derived from their box key."""
    return _approval_private(keypair).public_key().public_bytes_raw()


def sign_approval(keypair: BoxKeyPair, message: bytes) -> bytes:
    """The person's Ed25519 signature over ``message`` (an export plan's digest)."""
    return _approval_private(keypair).sign(message)


def approval_valid(public: bytes, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is the holder of ``public``'s approval of ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
