"""Shared test setup: Qt offscreen, every app folder inside the test's tmp_path."""

from __future__ import annotations

import os

# Before any Qt import anywhere in the suite.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from catalogue_fixture import PASSPHRASE
from hypothesis import settings

from tkapp.core.model import Community
from tkapp.services.catalogue import Catalogue, create_catalogue

# Timing belongs in benchmarks: a loaded 2-core CI machine must not fail a property test for
# being slow, only for being wrong.
settings.register_profile("tkapp", deadline=None, print_blob=True)
settings.load_profile("tkapp")


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TKAPP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TKAPP_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("TKAPP_PASSPHRASE", raising=False)
    yield


# --- real catalogues in tmp_path (store, CLI and services tests) ----------------------------


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented test-only ``TKAPP_KDF_PROFILE=fast``: hundreds of catalogues open
    quickly. A folder makes it autouse in its conftest; ``real_kdf`` undoes it for one test."""
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


@pytest.fixture
def real_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Argon2id parameters (files that must open like a user's)."""
    monkeypatch.delenv("TKAPP_KDF_PROFILE", raising=False)


@pytest.fixture
def cat_path(tmp_path: Path) -> Path:
    return tmp_path / "community.tkc"


@pytest.fixture
def cat(cat_path: Path) -> Iterator[Catalogue]:
    """A new, empty catalogue of the community "Sacha Yaku", open for the test."""
    catalogue = create_catalogue(cat_path, PASSPHRASE, Community("Sacha Yaku"), actor="tester")
    yield catalogue
    catalogue.close()
