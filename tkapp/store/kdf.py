"""Passphrase to SQLCipher raw key: Argon2id with a per-catalogue random salt ("kdf v1").

The passphrase never reaches SQL text: we derive a 32-byte key here and hand SQLCipher the
raw key together with our salt (``x'<key><salt>'``), so SQLCipher writes that salt as the
file's first 16 bytes and skips its own PBKDF2. Opening reads the salt back from the file
header; no side file is needed.

Passphrases are NFC-normalised first, so "Medicína" typed on a keyboard that produces the
decomposed form still opens the catalogue.

``TKAPP_KDF_PROFILE=fast`` makes *new* catalogues with tiny Argon2 parameters. It exists ONLY
so the test suite can create hundreds of catalogues quickly. Such a catalogue's salt starts
with a marker, and opening picks the parameters from the salt, never from the environment: a
real catalogue always opens with the real parameters, whatever the environment says, and a
weak test catalogue is recognisable (:func:`is_test_salt`).
"""

from __future__ import annotations

import os

from tkapp.crypto.keyring import KdfCost, passphrase_key

SALT_BYTES = 16
KEY_BYTES = 32


#: Argon2id costs: one type for catalogue keys and people's keys (tkapp.crypto.keyring).
KdfParams = KdfCost


#: kdf v1: Argon2id, 3 passes over 96 MiB: about 0.22 s on the development machine (2 cores,
#: 2026), so about 0.7 s on a laptop three times slower. NEVER change these numbers: every
#: catalogue's key depends on them (a stronger setting would be "kdf v2", tried after v1).
KDF_V1 = KdfParams(time_cost=3, memory_kib=96 * 1024, parallelism=1)
#: Test-only profile (see module docstring).
KDF_FAST_TEST = KdfParams(time_cost=1, memory_kib=256, parallelism=1)


#: The first bytes of every salt made with the test-only profile.
TEST_SALT_MARK = b"\x00tkapp-test-kdf"[:4]


def _fast_requested() -> bool:
    return os.environ.get("TKAPP_KDF_PROFILE") == "fast"


def is_test_salt(salt: bytes) -> bool:
    """True for a catalogue made with the weak test-only parameters."""
    return salt.startswith(TEST_SALT_MARK)


def params_for_salt(salt: bytes) -> KdfParams:
    return KDF_FAST_TEST if is_test_salt(salt) else KDF_V1


def derive_key(passphrase: str, salt: bytes, params: KdfParams | None = None) -> bytes:
    """The 32-byte SQLCipher key for ``passphrase`` and the catalogue's ``salt``."""
    return passphrase_key(passphrase, salt, params or params_for_salt(salt))


def new_salt() -> bytes:
    """A random salt for a new catalogue (marked when the test-only profile is asked for)."""
    if _fast_requested():
        return TEST_SALT_MARK + os.urandom(SALT_BYTES - len(TEST_SALT_MARK))
    while True:
        salt = os.urandom(SALT_BYTES)
        if not is_test_salt(salt):  # a 1 in 2**32 draw must not make a real catalogue weak
            return salt
