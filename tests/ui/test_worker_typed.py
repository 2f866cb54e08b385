"""The typed worker boundary: catalogue ops, catalogue-free ops, the shared progress bar and
the one table model (real runner, real SQLCipher catalogue, real widgets offscreen)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from tkapp.errors import Cancelled, CatalogueLocked
from tkapp.ui.common.progress import JobProgressBar
from tkapp.ui.common.table_model import ID_ROLE, ITEM_ROLE, ObjectTableModel


def _wait(qtbot: Any, box: list[Any]) -> Any:
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def test_a_catalogue_op_gets_the_open_catalogue_and_its_result_comes_back(open_runner, qtbot):
    got: list[Any] = []
    open_runner.run(lambda cat: cat.community.name, got.append)
    assert _wait(qtbot, got) == "Comunidad de prueba"


def test_a_catalogue_op_with_nothing_open_does_not_run_and_says_so(runner, qtbot):
    ran: list[bool] = []
    failed: list[BaseException] = []

    def op(cat: Any) -> None:
        ran.append(True)

    runner.run(op, None, failed.append)
    assert isinstance(_wait(qtbot, failed), CatalogueLocked)
    assert ran == []


def test_run_any_tells_the_op_when_no_catalogue_is_open(open_runner, qtbot):
    seen: list[Any] = []
    open_runner.run_any(lambda cat: cat is not None, seen.append)
    assert _wait(qtbot, seen) is True
    locked: list[Any] = []
    open_runner.lock(locked.append)
    _wait(qtbot, locked)
    after: list[Any] = []
    open_runner.run_any(lambda cat: cat, after.append)
    qtbot.waitUntil(lambda: len(after) == 1, timeout=10_000)
    assert after == [None]


def test_the_progress_bar_follows_and_cancels_its_job(open_runner, qtbot):
    bar = JobProgressBar()
    qtbot.addWidget(bar)
    outcome: list[Any] = []

    def op(cat: Any, job: Any) -> str:
        for step in range(2000):
            job.check()
            job.report(step, 2000)
            time.sleep(0.002)
        return "done"

    bar.track(open_runner.run_job(op, outcome.append, outcome.append, on_progress=bar.set_progress))
    assert bar.running() and bar.isVisible()
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=10_000)
    assert bar.maximum() == 1000  # per-mille, whatever the total
    bar.cancel()
    assert isinstance(_wait(qtbot, outcome), Cancelled)
    bar.finish(completed=False)
    assert not bar.running() and not bar.isVisible()


@dataclass(frozen=True)
class _Row:
    id: str
    name: str


class _Column(IntEnum):
    NAME = 0


class _Model(ObjectTableModel[_Row]):
    Column = _Column

    def header(self, column: IntEnum) -> str:
        return "Name"

    def display(self, item: _Row, column: IntEnum) -> str:
        return item.name.upper()


def test_the_table_model_finds_rows_by_key_or_by_predicate(qapp):
    model = _Model([_Row("a", "uno"), _Row("b", "dos")])
    assert model.rowCount() == 2 and model.columnCount() == 1
    assert model.row_of("b") == 1 and model.row_of("zz") == -1
    assert model.row_of(lambda r: r.name == "uno") == 0
    index = model.index(1, 0)
    assert index.data() == "DOS"
    assert index.data(ID_ROLE) == "b" and index.data(ITEM_ROLE) == _Row("b", "dos")
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"
    model.replace(0, _Row("a", "once"))
    assert model.index(0, 0).data() == "ONCE"
