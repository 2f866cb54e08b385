"""Sharing tests: real SQLCipher catalogues in tmp_path, real keys, real bundles.

Catalogues use the documented test-only ``TKAPP_KDF_PROFILE=fast``. The demo catalogue is
built once per session and copied for each test that needs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tkapp.core.model import Community, ConsentRecord, Recipient
from tkapp.services.catalogue import Catalogue, create_catalogue, open_catalogue
from tkapp.services.demo import create_demo

PASSPHRASE = "sharing test passphrase"
RESEARCHER = Recipient("Ana Paz", organisation="Universidad Central", user_class="public_research")


@pytest.fixture(autouse=True)
def _fast_kdf(fast_kdf: None) -> None:
    """Every test here uses the shared fast test-only KDF (tests/conftest.py)."""


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    previous = os.environ.get("TKAPP_KDF_PROFILE")
    os.environ["TKAPP_KDF_PROFILE"] = "fast"
    try:
        path = tmp_path_factory.mktemp("demo") / "demo.tkc"
        create_demo(path, PASSPHRASE).close()
    finally:
        if previous is None:
            os.environ.pop("TKAPP_KDF_PROFILE", None)
        else:
            os.environ["TKAPP_KDF_PROFILE"] = previous
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Catalogue]:
    path = tmp_path / "demo.tkc"
    shutil.copyfile(demo_file, path)
    with open_catalogue(path, PASSPHRASE, actor="tester") as cat:
        yield cat


@pytest.fixture
def community(tmp_path: Path) -> Iterator[Catalogue]:
    with create_catalogue(
        tmp_path / "community.tkc",
        PASSPHRASE,
        Community("Sacha Yaku", languages=["es", "en"], contact="asamblea@sachayaku.example"),
        actor="tester",
    ) as cat:
        yield cat


@pytest.fixture
def researcher(tmp_path: Path) -> Iterator[Catalogue]:
    with create_catalogue(
        tmp_path / "researcher.tkc", PASSPHRASE, Community("Laboratorio Paz"), actor="ana"
    ) as cat:
        yield cat


def grant_consent(
    cat: Catalogue,
    record_ids: list[str],
    *,
    purposes: tuple[str, ...] = ("research",),
    user_classes: tuple[str, ...] = ("public_research",),
    granted_by: str = "Asamblea",
    **kw: object,
) -> ConsentRecord:
    """A granted consent record covering ``record_ids`` (consent is binding since issue 12)."""
    return cat.add_consent(
        ConsentRecord(
            granted_by,
            record_ids=list(record_ids),
            purposes=list(purposes),
            user_classes=list(user_classes),
            **kw,  # type: ignore[arg-type]
        )
    )
