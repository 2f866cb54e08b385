"""Shared test setup: Qt offscreen, every app folder inside the test's tmp_path."""

from __future__ import annotations

import os

# Before any Qt import anywhere in the suite.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from hypothesis import settings

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
