"""The lazy records model: Qt's model tester, paging, stale pages, the cache limit."""

from __future__ import annotations

import pytest

from tests.ui.conftest import make_catalogue
from tkapp.services.catalogue import open_catalogue
from tkapp.ui.records import records_model
from tkapp.ui.records.records_model import (
    LOADED_ROLE,
    LOADING_TEXT,
    PAGE_SIZE,
    RECORD_ID_ROLE,
    SUMMARY_ROLE,
    Column,
    RecordsModel,
    fetch_page,
)


def _ids(runner, qtbot, query=""):
    got = []
    runner.run(lambda cat: cat.search_ids(query), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def _show(model, runner, qtbot, query=""):
    """Run a search on the worker as the records section does and show its first page."""
    got = []
    runner.run(lambda cat: fetch_page(cat, query, None), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    model.show(query, None, got[0])


def _load_all(model, qtbot):
    model.ensure_rows(0, model.rowCount() - 1)
    qtbot.waitUntil(
        lambda: all(model.is_row_loaded(r) for r in range(model.rowCount())), timeout=10_000
    )


def test_model_tester_with_rows_loaded(open_runner, qtbot, qtmodeltester):
    model = RecordsModel(open_runner)
    _show(model, open_runner, qtbot)
    assert model.rowCount() == 3 and model.columnCount() == len(Column)
    _load_all(model, qtbot)
    qtmodeltester.check(model, force_py=True)
    index = model.index(0, Column.TITLE)
    assert model.data(index, LOADED_ROLE) is True
    assert model.data(index, SUMMARY_ROLE).id == model.data(index, RECORD_ID_ROLE)
    assert model.headerData(Column.TITLE, records_model.Qt.Orientation.Horizontal) == "Title"


@pytest.fixture
def big_runner(runner, tmp_path, passphrase, qtbot):
    """A catalogue with a little more than two pages of records."""
    path = make_catalogue(
        tmp_path / "big.tkc", passphrase, tuple(f"Registro {n:04d}" for n in range(450))
    )
    opened = []
    runner.open(lambda: open_catalogue(path, passphrase), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    return runner


def test_model_tester_while_pages_are_loading(big_runner, qtbot, qtmodeltester):
    model = RecordsModel(big_runner)
    _show(model, big_runner, qtbot)
    # Checked before the later pages arrived: placeholders must satisfy the contract too.
    qtmodeltester.check(model, force_py=True)
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=10_000)


def test_pages_are_fetched_lazily_and_stale_ones_dropped(big_runner, qtbot, monkeypatch):
    model = RecordsModel(big_runner)
    ids = _ids(big_runner, qtbot)
    assert len(ids) == 450
    _show(model, big_runner, qtbot)
    # The search came with its count and first page only.
    assert model.rowCount() == 450 and model.cached_pages() == 1
    assert [model.record_id(r) for r in range(PAGE_SIZE)] == ids[:PAGE_SIZE]
    assert model.record_id(PAGE_SIZE) is None
    # Asking for a row far down returns a placeholder and fetches only its page.
    far = model.index(PAGE_SIZE * 2 + 5, Column.TITLE)
    assert model.data(far) == LOADING_TEXT
    with qtbot.waitSignal(model.rows_loaded, timeout=10_000) as blocker:
        pass
    assert blocker.args == [PAGE_SIZE * 2, 449]
    assert model.data(far).startswith("Registro")
    assert model.record_id(PAGE_SIZE * 2 + 5) == ids[PAGE_SIZE * 2 + 5]
    assert not model.is_row_loaded(PAGE_SIZE)
    assert model.cached_pages() == 2

    # A new search before the old page lands: the old page is dropped.
    model.data(model.index(PAGE_SIZE, 0))  # requests page 1 of the old result
    _show(model, big_runner, qtbot, "Registro 01")
    qtbot.wait(300)
    assert model.rowCount() == 100
    assert model.cached_pages() == 1 and not model.is_loading()
    first = model.data(model.index(0, 0), SUMMARY_ROLE)
    assert first.title.startswith("Registro 01")
    assert model.data(model.index(0, 0), RECORD_ID_ROLE) == first.id
    _show(model, big_runner, qtbot)

    # The cache keeps at most MAX_CACHED_PAGES pages.
    monkeypatch.setattr(records_model, "MAX_CACHED_PAGES", 2)
    for page in range(3):
        model.data(model.index(page * PAGE_SIZE, 0))
        qtbot.waitUntil(lambda p=page: model.is_row_loaded(p * PAGE_SIZE), timeout=10_000)
    assert model.cached_pages() == 2
    assert not model.is_row_loaded(0)


def test_labels_column_shows_pictograms_with_names_for_reading(open_runner, qtbot):
    from tkapp.core.model import KnowledgeRecord

    added = []
    record = KnowledgeRecord("Fiesta de la chonta", labels=["tks", "tkcs"])
    open_runner.run(lambda cat: cat.add_record(record), added.append)
    qtbot.waitUntil(lambda: bool(added), timeout=10_000)
    model = RecordsModel(open_runner)
    _show(model, open_runner, qtbot)
    _load_all(model, qtbot)
    Qt = records_model.Qt
    labelled = [
        r for r in range(model.rowCount()) if model.data(model.index(r, 0), SUMMARY_ROLE).labels
    ]
    row = labelled[0]
    labels = model.data(model.index(row, 0), SUMMARY_ROLE).labels
    cell = model.index(row, Column.LABELS)
    strip = model.data(cell, Qt.ItemDataRole.DecorationRole)
    assert strip.width() == len(labels) * (records_model.STRIP_ICON_SIZE + 2)
    names = model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert names == model.data(cell, Qt.ItemDataRole.AccessibleTextRole)
    assert all(code not in names for code in labels)  # names, not codes
    assert names.count(",") == len(labels) - 1
