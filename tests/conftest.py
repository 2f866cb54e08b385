"""Shared test setup: Qt offscreen, every app folder inside the test's tmp_path."""

from __future__ import annotations

import os

# Before any Qt import anywhere in the suite.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TKAPP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TKAPP_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("TKAPP_PASSPHRASE", raising=False)
    yield
