"""Store and services tests: real SQLCipher files in tmp_path (the ``cat``, ``cat_path`` and
``real_kdf`` fixtures are shared, in tests/conftest.py), opened with the fast test-only KDF."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_kdf(fast_kdf: None) -> None:
    """Every test here uses the fast KDF unless it asks for ``real_kdf``."""
