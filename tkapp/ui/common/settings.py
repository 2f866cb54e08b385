"""Desktop settings: one typed table of keys and defaults over an INI file (KeePassXC's Config).

Values are stored as plain text we parse ourselves, because QSettings' INI backend gives back
strings after a restart and pickles Python objects it does not know. The passphrase, keys and
record content are never stored here: only paths, window layout and preferences.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSettings

from tkapp import paths

T = TypeVar("T")

#: How many recent catalogues the start screen remembers.
MAX_RECENT = 8


@dataclass(frozen=True)
class Key(Generic[T]):
    """One setting: its INI key, its Python type and its default."""

    name: str
    kind: type
    default: T
    doc: str = ""


RECENT_CATALOGUES: Key[list[str]] = Key("catalogues/recent", list, [], "newest first")
WINDOW_GEOMETRY: Key[bytes] = Key("window/geometry", bytes, b"", "QWidget.saveGeometry()")
WINDOW_STATE: Key[bytes] = Key("window/state", bytes, b"", "QMainWindow.saveState()")
IDLE_LOCK_MINUTES: Key[float] = Key(
    "security/idle_lock_minutes", float, 10.0, "lock after this idle time; 0 = never"
)
LANGUAGE: Key[str] = Key("ui/language", str, "", "'' = follow the system")
LAST_FOLDER: Key[str] = Key("ui/last_folder", str, "", "last folder of a file dialog")
RECENT_NAMES: Key[list[str]] = Key(
    "catalogues/recent_names",
    list,
    [],
    "'path<TAB>community name' of recent catalogues, for the start screen",
)
GUIDE_SEEN: Key[bool] = Key("ui/guide_seen", bool, False, "the first-run guide was shown")

#: Every key, for documentation and for tests that check the table stays typed.
ALL_KEYS: tuple[Key[Any], ...] = (
    RECENT_CATALOGUES,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    LAST_FOLDER,
    GUIDE_SEEN,
    RECENT_NAMES,
)


def settings_path() -> Path:
    return paths.config_dir() / "tkapp.ini"


class Settings:
    """Typed access to the desktop settings file (``tkapp.ini`` in the config folder)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def get(self, key: Key[T]) -> T:
        raw = self._qs.value(key.name, None)
        if raw is None:
            return _copy(key.default)
        try:
            return _decode(key.kind, str(raw))  # type: ignore[no-any-return]
        except (ValueError, TypeError):
            # A hand-edited or damaged value must not stop the app from starting.
            return _copy(key.default)

    def set(self, key: Key[T], value: T) -> None:
        self._qs.setValue(key.name, _encode(key.kind, value))
        self._qs.sync()

    def remove(self, key: Key[Any]) -> None:
        self._qs.remove(key.name)
        self._qs.sync()

    # -- recent catalogues -----------------------------------------------------------------

    def recent_catalogues(self) -> list[Path]:
        return [Path(p) for p in self.get(RECENT_CATALOGUES) if p]

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        items = [p for p in self.get(RECENT_CATALOGUES) if p != text]
        self.set(RECENT_CATALOGUES, [text, *items][:MAX_RECENT])

    def recent_names(self) -> dict[Path, str]:
        """The community name last seen in each recent catalogue (the start screen shows it;
        only the name, which the file name usually carries already, never anything inside)."""
        names: dict[Path, str] = {}
        for entry in self.get(RECENT_NAMES):
            path, _tab, name = entry.partition("\t")
            if name:
                names[Path(path)] = name
        return names

    def set_recent_name(self, path: Path, name: str) -> None:
        text = str(Path(path).resolve())
        keep = {str(p) for p in self.recent_catalogues()}
        entries = [
            e
            for e in self.get(RECENT_NAMES)
            if e.partition("\t")[0] != text and e.partition("\t")[0] in keep
        ]
        self.set(RECENT_NAMES, [f"{text}\t{name.strip()}", *entries][:MAX_RECENT])

    def forget_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        self.set(RECENT_CATALOGUES, [p for p in self.get(RECENT_CATALOGUES) if p != text])


def _copy(value: T) -> T:
    return list(value) if isinstance(value, list) else value  # type: ignore[return-value]


def _encode(kind: type, value: Any) -> str:
    if kind is list:
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    if kind is bytes:
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind is bool:
        return "true" if value else "false"
    return str(kind(value))


def _decode(kind: type, text: str) -> Any:
    if kind is list:
        data = json.loads(text)
        if not isinstance(data, list):
            raise ValueError("not a list")
        return [str(v) for v in data]
    if kind is bytes:
        return base64.b64decode(text.encode("ascii"), validate=True)
    if kind is bool:
        return text.strip().lower() in ("1", "true", "yes")
    return kind(text)
