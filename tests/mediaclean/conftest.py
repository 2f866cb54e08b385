"""Real media made once per session; the tools that make and read them are Debian's."""

from __future__ import annotations

from pathlib import Path

import pytest
from mediaclean_factory import make_jpeg, make_png


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def phone_jpeg(media_dir: Path) -> bytes:
    return make_jpeg(media_dir)


@pytest.fixture(scope="session")
def tagged_png(media_dir: Path) -> bytes:
    return make_png(media_dir)
