"""Fixtures for the bundle tests: a fixed community key and a small real bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle.writer import WrittenBundle
from tkapp.crypto.keys import KeyPair
from tkapp.crypto.minisign import encode_public_key


@pytest.fixture
def key() -> KeyPair:
    return factory.community_key()


@pytest.fixture
def bundle(tmp_path: Path) -> WrittenBundle:
    return factory.make_bundle(tmp_path)


@pytest.fixture
def pubfile(tmp_path: Path, key: KeyPair) -> Path:
    path = tmp_path / "community.pub"
    path.write_text(encode_public_key(key.public_key))
    return path
