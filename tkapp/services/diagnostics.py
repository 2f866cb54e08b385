"""What the About window, support questions and ``tkapp verify --selftest`` need to know
about this installation.

Light at import time on purpose (issue 19: the self-test starts in under 150 ms): the store
and the cryptography are imported inside the functions that use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tkapp.crypto.selftest import SelfTestReport


def sqlcipher_version() -> str:
    """The SQLCipher library version the store runs on (opens an in-memory database)."""
    from tkapp.store.connection import sqlcipher_version as store_sqlcipher_version

    return store_sqlcipher_version()


def selftest() -> SelfTestReport:
    """The known-answer tests of the cryptography, every check's result (never raises on a
    failed check)."""
    from tkapp.crypto.selftest import run_selftest

    return run_selftest(raise_on_failure=False)


def crypto_selftest() -> bool:
    """Run the cryptography known-answer self-test; True when every check passed."""
    return selftest().ok
