"""Open data tests: real SQLCipher catalogues in tmp_path (fast test-only KDF profile)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tkapp.core.model import Community
from tkapp.services.catalogue import Catalogue, create_catalogue

PASSPHRASE = "open data; 'test' passphrase"


@pytest.fixture(autouse=True)
def _fast_kdf(fast_kdf: None) -> None:
    """Every test here uses the shared fast test-only KDF (tests/conftest.py)."""


def new_catalogue(path: Path, template: str = "open_attribution") -> Catalogue:
    community = Community(
        "Comunidad Sacha Yaku",
        people="Kichwa",
        country="EC",
        languages=["es", "qu"],
        contact="consejo@sachayaku.example",
    )
    return create_catalogue(path, PASSPHRASE, community, actor="tester", template=template)


@pytest.fixture
def open_cat(tmp_path: Path) -> Iterator[Catalogue]:
    """A catalogue whose default terms are "Open with attribution"."""
    catalogue = new_catalogue(tmp_path / "open.tkc")
    yield catalogue
    catalogue.close()
