"""Shared fixtures for the desktop tests: a real catalogue in tmp_path, a real Runner.

Generic on purpose (several test files and helpers use them):

- ``passphrase``: the test catalogue's passphrase.
- every test: the fast test-only KDF (``fast_kdf``, autouse).
- ``catalogue_path``: a real encrypted catalogue created through the services, with a few
  records (one with accents in its title), closed again.
- ``runner``: a :class:`tkapp.ui.common.worker.Runner`, shut down after the test (no thread leaks).
- ``open_runner``: ``runner`` with ``catalogue_path`` already open on its worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PASSPHRASE = "correct horse battery staple"

#: Titles of the records in the fixture catalogue (search tests look for them).
FIXTURE_TITLES = (
    "Guayusa para el ánimo de la mañana",
    "Chicha de yuca",
    "Tejido de shigra",
)


@pytest.fixture(autouse=True)
def _fast_kdf(fast_kdf: None) -> None:
    """Catalogues made here use the fast test-only KDF (tests/conftest.py), as in the store
    and services tests: about 300 real Argon2id derivations (0.1-0.2 s each) made the desktop
    tests wait on the worker thread. Nothing on screen depends on the KDF's cost; a test
    that needs the real parameters asks for ``real_kdf``."""


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


def make_catalogue(path: Path, passphrase: str, titles: tuple[str, ...] = FIXTURE_TITLES) -> Path:
    """Create a real catalogue at ``path`` through the services and close it."""
    from tkapp.core.model import Category, Community, KnowledgeRecord
    from tkapp.services.catalogue import create_catalogue

    community = Community(name="Comunidad de prueba", people="Kichwa", languages=["es", "qu"])
    with create_catalogue(path, passphrase, community) as cat:
        for number, title in enumerate(titles):
            cat.add_record(
                KnowledgeRecord(
                    title=title,
                    description=f"Descripción número {number}",
                    category=Category.MEDICINAL if number == 0 else Category.FOOD,
                )
            )
    return path


@pytest.fixture
def catalogue_path(tmp_path: Path, passphrase: str) -> Path:
    return make_catalogue(tmp_path / "prueba.tkc", passphrase)


@pytest.fixture
def runner(qapp: Any) -> Iterator[Any]:
    from tkapp.ui.common.worker import Runner

    worker = Runner()
    yield worker
    worker.shutdown()
    # Deliver what the worker posted before it stopped, so no callback outlives the test.
    qapp.processEvents()


@pytest.fixture
def open_runner(runner: Any, catalogue_path: Path, passphrase: str, qtbot: Any) -> Any:
    from tkapp.services.catalogue import open_catalogue

    opened: list[Any] = []
    failed: list[BaseException] = []
    runner.open(lambda: open_catalogue(catalogue_path, passphrase), opened.append, failed.append)
    qtbot.waitUntil(lambda: bool(opened or failed), timeout=10_000)
    assert not failed, failed
    return runner


def close_all_dialogs() -> None:
    """Close every dialog without questions (tests end with clean windows)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication, QDialog

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog):
            widget.hide()
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def main_window(runner: Any, qtbot: Any) -> Iterator[Any]:
    """The real main window at the size of the users' laptops, on the start screen."""
    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.settings import Settings

    window = MainWindow(runner, Settings())
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    # Not qtbot.addWidget: its close would run before this and could meet a "save?" question.
    window.idle.detach()
    window._hidden.clear()
    close_all_dialogs()
    window.close()
    window.deleteLater()
    close_all_dialogs()
