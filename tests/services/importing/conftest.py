"""Field data import tests: real SQLCipher catalogues in tmp_path (fast test-only KDF)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tkapp.core.model import Community
from tkapp.services.catalogue import Catalogue, create_catalogue

PASSPHRASE = "field data; 'import' passphrase"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "import"


@pytest.fixture(autouse=True)
def _fast_kdf(fast_kdf: None) -> None:
    """Every test here uses the shared fast test-only KDF (tests/conftest.py)."""


@pytest.fixture
def cat_path(tmp_path: Path) -> Path:
    return tmp_path / "community.tkc"


@pytest.fixture
def cat(cat_path: Path) -> Iterator[Catalogue]:
    community = Community("Sacha Yaku", languages=["es", "qu"])
    catalogue = create_catalogue(cat_path, PASSPHRASE, community, actor="tester")
    yield catalogue
    catalogue.close()


def records_by_title(cat: Catalogue) -> dict[str, object]:
    return {cat.get_record(i).title: cat.get_record(i) for i in cat.search_ids("")}
