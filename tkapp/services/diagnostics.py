"""What the About window and support questions need to know about this installation."""

from __future__ import annotations

from tkapp.crypto.selftest import run_selftest
from tkapp.store.connection import sqlcipher_version as _store_sqlcipher_version


def sqlcipher_version() -> str:
    """The SQLCipher library version the store runs on (opens an in-memory database)."""
    return _store_sqlcipher_version()


def crypto_selftest() -> bool:
    """Run the cryptography known-answer self-test; True when every check passed."""
    return run_selftest(raise_on_failure=False).ok
