"""Where tkapp keeps its files.

Each folder is chosen in this order (first match wins):

1. an environment variable: ``TKAPP_DATA_DIR`` (catalogues, trust store, identities) or
   ``TKAPP_CONFIG_DIR`` (settings). Tests and scripts use these, so they always win;
2. portable mode: a file named ``portable`` (or ``portable.txt``) next to the frozen
   executable (on macOS: next to the ``.app``) puts everything in a ``tkapp-data`` folder
   beside it, so a USB stick carried between villages keeps its catalogues and settings with
   it and leaves nothing in the profile of the computer it was plugged into;
3. the platform's usual per-user folders (platformdirs), e.g. ``~/.local/share/tkapp``.

Portable mode applies only to the frozen app: a source checkout has no executable of its own
(``sys.executable`` is the Python interpreter).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from tkapp import APP_NAME
from tkapp.errors import StoreError

#: The marker file's names, and the folder portable mode keeps everything in. "portable.txt"
#: too, because Windows hides the extension of a text file a user creates and names "portable".
PORTABLE_MARKERS = ("portable", "portable.txt")
PORTABLE_FOLDER = "tkapp-data"


def _app_folder() -> Path | None:
    """The folder the user sees the frozen app in, or None when running from source."""
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    bundle = exe_dir.parent.parent  # "TK Commons.app" when exe_dir is .app/Contents/MacOS
    if exe_dir.name == "MacOS" and exe_dir.parent.name == "Contents" and bundle.suffix == ".app":
        return bundle.parent
    return exe_dir


def portable_root() -> Path | None:
    """The ``tkapp-data`` folder beside the executable in portable mode, else None."""
    folder = _app_folder()
    if folder is None or not any((folder / name).is_file() for name in PORTABLE_MARKERS):
        return None
    return folder / PORTABLE_FOLDER


def _portable_root() -> Path | None:
    # Kept for callers of the first version of this module.
    return portable_root()


def is_portable() -> bool:
    """True when catalogues and settings live beside the executable (a ``portable`` marker)."""
    return portable_root() is not None


def _dir(env: str, default: str, sub: str) -> Path:
    override = os.environ.get(env)
    if override:
        path = Path(override)
    else:
        portable = portable_root()
        path = portable / sub if portable else Path(default)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        # E.g. a write-protected USB stick in portable mode: say which folder, no traceback.
        raise StoreError(f"{path}: {exc.strerror or exc}", path=str(path)) from exc
    return path


def data_dir() -> Path:
    """Catalogues, trust store and identities (created if missing, mode 0700)."""
    return _dir("TKAPP_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False), "data")


def config_dir() -> Path:
    """Settings (created if missing, mode 0700)."""
    return _dir(
        "TKAPP_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME, appauthor=False), "config"
    )


def trust_store_path() -> Path:
    """Trusted community keys live here, never inside a folder bundles are imported from."""
    return data_dir() / "trusted-keys.json"


def identities_dir() -> Path:
    """The community's signing identities (secret keys, encrypted)."""
    path = data_dir() / "identities"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
