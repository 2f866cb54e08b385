"""Passphrase to SQLCipher raw key: Argon2id with a per-catalogue random salt ("kdf v1").

The passphrase never reaches SQL text: we derive a 32-byte key here and hand SQLCipher the
raw key together with our salt (``x'<key><salt>'``), so SQLCipher writes that salt as the
file's first 16 bytes and skips its own PBKDF2. Opening reads the salt back from the file
header; no side file is needed.

Passphrases are NFC-normalised first, so "Medicína" typed on a keyboard that produces the
decomposed form still opens the catalogue.

``TKAPP_KDF_PROFILE=fast`` selects tiny Argon2 parameters. It exists ONLY so the test suite can
open hundreds of catalogues quickly; catalogues made with it open only with it set. Never set
it for real catalogues.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int


#: kdf v1: Argon2id, 3 passes over 96 MiB: about 0.22 s on the development machine (2 cores,
#: 2026), so about 0.7 s on a laptop three times slower. NEVER change these numbers: every
#: catalogue's key depends on them (a stronger setting would be "kdf v2", tried after v1).
KDF_V1 = KdfParams(time_cost=3, memory_kib=96 * 1024, parallelism=1)
#: Test-only profile (see module docstring).
KDF_FAST_TEST = KdfParams(time_cost=1, memory_kib=256, parallelism=1)


def active_params() -> KdfParams:
    return KDF_FAST_TEST if os.environ.get("TKAPP_KDF_PROFILE") == "fast" else KDF_V1


def normalise_passphrase(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: KdfParams | None = None) -> bytes:
    """The 32-byte SQLCipher key for ``passphrase`` and the catalogue's ``salt``."""
    p = params or active_params()
    return bytes(
        hash_secret_raw(
            normalise_passphrase(passphrase),
            salt,
            time_cost=p.time_cost,
            memory_cost=p.memory_kib,
            parallelism=p.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )
    )


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)
