"""tkapp/paths.py: which folder wins (environment, portable marker, per-user default).

These run in-process and only pretend to be frozen (``sys.frozen`` / ``sys.executable``);
tests/packaging/test_frozen.py checks the same rules with the real frozen executable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tkapp import paths
from tkapp.errors import StoreError


@pytest.fixture
def frozen_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Pretend the app runs frozen from ``folder/tkapp``; per-user folders go to tmp_path."""

    def install(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        exe = folder / "tkapp"
        exe.write_bytes(b"")
        monkeypatch.setattr(sys, "frozen", True, raising=False)
        monkeypatch.setattr(sys, "executable", str(exe))
        return folder

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "profile" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "profile" / "config"))
    monkeypatch.delenv("TKAPP_DATA_DIR", raising=False)
    monkeypatch.delenv("TKAPP_CONFIG_DIR", raising=False)
    return install


def test_source_checkout_is_never_portable(tmp_path: Path) -> None:
    # Not frozen: sys.executable is the venv's Python, and no marker is even looked for.
    assert not getattr(sys, "frozen", False)
    assert paths.portable_root() is None
    assert not paths.is_portable()


def test_marker_puts_data_and_config_beside_the_app(frozen_at, tmp_path: Path) -> None:
    stick = frozen_at(tmp_path / "stick" / "tkapp")
    (stick / "portable").write_text("", encoding="utf-8")
    assert paths.is_portable()
    assert paths.data_dir() == stick / "tkapp-data" / "data"
    assert paths.config_dir() == stick / "tkapp-data" / "config"
    assert paths.trust_store_path().parent == stick / "tkapp-data" / "data"
    assert paths.identities_dir().is_dir()
    assert not (tmp_path / "profile").exists()


def test_windows_style_marker_name_counts(frozen_at, tmp_path: Path) -> None:
    stick = frozen_at(tmp_path / "stick")
    (stick / "portable.txt").write_text("", encoding="utf-8")
    assert paths.data_dir() == stick / "tkapp-data" / "data"


def test_folder_named_portable_is_not_a_marker(frozen_at, tmp_path: Path) -> None:
    stick = frozen_at(tmp_path / "stick")
    (stick / "portable").mkdir()
    assert not paths.is_portable()
    assert paths.data_dir() == tmp_path / "profile" / "share" / "tkapp"


def test_without_marker_the_per_user_folders_are_used(frozen_at, tmp_path: Path) -> None:
    frozen_at(tmp_path / "opt" / "tkapp")
    assert paths.data_dir() == tmp_path / "profile" / "share" / "tkapp"
    assert paths.config_dir() == tmp_path / "profile" / "config" / "tkapp"


def test_environment_wins_over_marker(
    frozen_at, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = frozen_at(tmp_path / "stick")
    (stick / "portable").write_text("", encoding="utf-8")
    monkeypatch.setenv("TKAPP_DATA_DIR", str(tmp_path / "override"))
    assert paths.data_dir() == tmp_path / "override"
    # Only the overridden folder: settings still follow the marker.
    assert paths.config_dir() == stick / "tkapp-data" / "config"


def test_macos_marker_sits_next_to_the_app_bundle(frozen_at, tmp_path: Path) -> None:
    frozen_at(tmp_path / "stick" / "TK Commons.app" / "Contents" / "MacOS")
    (tmp_path / "stick" / "portable").write_text("", encoding="utf-8")
    assert paths.portable_root() == tmp_path / "stick" / "tkapp-data"


def test_folder_that_cannot_be_created_is_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TKAPP_DATA_DIR", str(blocker / "data"))
    with pytest.raises(StoreError) as caught:
        paths.data_dir()
    assert caught.value.code == "store_error"
    assert caught.value.params["path"] == str(blocker / "data")
