"""Store and services tests: real SQLCipher files in tmp_path.

Most tests use the documented test-only ``TKAPP_KDF_PROFILE=fast`` so hundreds of catalogues
open quickly; tests that take the ``real_kdf`` fixture run with the real Argon2id parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tkapp.core.model import Community
from tkapp.services.catalogue import Catalogue, create_catalogue

PASSPHRASE = "correct horse; battery 'staple'"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


@pytest.fixture
def real_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TKAPP_KDF_PROFILE", raising=False)


@pytest.fixture
def cat_path(tmp_path: Path) -> Path:
    return tmp_path / "community.tkc"


@pytest.fixture
def cat(cat_path: Path) -> Iterator[Catalogue]:
    catalogue = create_catalogue(cat_path, PASSPHRASE, Community("Sacha Yaku"), actor="tester")
    yield catalogue
    catalogue.close()
