"""Fixtures and helpers for the export wizard, terms section and sharing section tests.

A real demo catalogue (``tkapp.services.demo``) is built once per session with the test-only
fast key derivation and copied for every test; the ``demo_runner`` fixture opens the copy on
a real :class:`~tkapp.ui.common.worker.Runner`. Import the fixtures into a test module with
``from tests.ui.sharing_fixtures import demo_file, demo_runner  # noqa: F401``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

DEMO_PASSPHRASE = "demo passphrase for ui tests"


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tkapp.services.demo import create_demo

    previous = os.environ.get("TKAPP_KDF_PROFILE")
    os.environ["TKAPP_KDF_PROFILE"] = "fast"
    try:
        path = tmp_path_factory.mktemp("ui-demo") / "demo.tkc"
        create_demo(path, DEMO_PASSPHRASE).close()
    finally:
        if previous is None:
            os.environ.pop("TKAPP_KDF_PROFILE", None)
        else:
            os.environ["TKAPP_KDF_PROFILE"] = previous
    return path


@pytest.fixture
def demo_runner(
    demo_file: Path, tmp_path: Path, qapp: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A Runner with a fresh copy of the demo catalogue open; shut down after the test."""
    from tkapp.services.catalogue import open_catalogue
    from tkapp.ui.common.worker import Runner

    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")
    path = tmp_path / "demo.tkc"
    shutil.copyfile(demo_file, path)
    runner = Runner()
    opened: list[Any] = []
    failed: list[BaseException] = []
    runner.open(lambda: open_catalogue(path, DEMO_PASSPHRASE), opened.append, failed.append)
    qtbot.waitUntil(lambda: bool(opened or failed), timeout=10_000)
    assert not failed, failed
    yield runner
    runner.shutdown()
    qapp.processEvents()


def call(runner: Any, qtbot: Any, op: Callable[[Any], Any]) -> Any:
    """Run ``op(catalogue)`` on the worker and wait for its result (re-raises errors)."""
    got: list[Any] = []
    errors: list[BaseException] = []
    runner.run(op, got.append, errors.append)
    qtbot.waitUntil(lambda: bool(got or errors), timeout=15_000)
    if errors:
        raise errors[0]
    return got[0]


def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: ``$TKAPP_SHOTS`` when set (to look at them), else tmp_path."""
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def close_message_boxes() -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.done(0)


def visible_message_texts() -> list[str]:
    from PySide6.QtWidgets import QApplication, QMessageBox

    return [
        w.text()
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible()
    ]


def mark_open_records(runner: Any, qtbot: Any) -> list[str]:
    """Open-attribution terms as the default, and two public records marked CC BY (the demo
    marks none for open publication). Returns their titles."""
    from dataclasses import replace

    from tkapp.core.model import AccessLevel, ConsentRecord
    from tkapp.licensing.terms import from_template
    from tkapp.services import terms as terms_service

    def op(cat: Any) -> list[str]:
        terms = terms_service.save_terms(
            cat,
            from_template(
                "open_attribution", attribution="Sacha Yaku", contact="asamblea", languages=["es"]
            ),
        )
        terms_service.set_default(cat, terms.id)
        public = [
            r
            for r in (cat.get_record(i) for i in cat.search_ids(""))
            if r.access is AccessLevel.PUBLIC and not {"bcr", "tknc", "bcnc"} & set(r.labels)
        ]
        marked = []
        for record in public[:2]:
            cat.update_record(replace(record, open_licence="CC-BY-4.0"))
            marked.append(record.title)
        # CC BY lets anyone redistribute and sell: the assembly consents to exactly that.
        cat.add_consent(
            ConsentRecord(
                "Asamblea: publicación abierta",
                record_ids=[r.id for r in public[:2]],
                purposes=["redistribution", "product_development", "commercial_sale"],
                user_classes=["for_profit"],
            )
        )
        return marked

    return call(runner, qtbot, op)
