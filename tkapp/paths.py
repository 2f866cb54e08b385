"""Where tkapp keeps its files.

platformdirs locations, each overridable by an environment variable so tests and the portable
(USB stick) mode can point everything at one folder:

- ``TKAPP_DATA_DIR``: catalogues, trust store, identities
- ``TKAPP_CONFIG_DIR``: settings
- a file named ``portable`` next to the frozen executable puts both beside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from tkapp import APP_NAME


def _portable_root() -> Path | None:
    if not getattr(sys, "frozen", False):
        return None
    root = Path(sys.executable).resolve().parent
    return root / "tkapp-data" if (root / "portable").exists() else None


def _dir(env: str, default: str, sub: str) -> Path:
    override = os.environ.get(env)
    if override:
        path = Path(override)
    else:
        portable = _portable_root()
        path = portable / sub if portable else Path(default)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def data_dir() -> Path:
    return _dir("TKAPP_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False), "data")


def config_dir() -> Path:
    return _dir(
        "TKAPP_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME, appauthor=False), "config"
    )


def trust_store_path() -> Path:
    """Trusted community keys live here, never inside a folder bundles are imported from."""
    return data_dir() / "trusted-keys.json"


def identities_dir() -> Path:
    path = data_dir() / "identities"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
