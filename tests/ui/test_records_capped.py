"""Search at the limit in the records table (issue 19): the count stops at a cap and says
"more than"; the table grows when scrolled to the capped end; typing fast shows only the
last search."""

from __future__ import annotations

import pytest
from shell_helpers import open_in_window, wait_rows_loaded, wait_search

from tests.ui.conftest import make_catalogue
from tkapp.i18n import set_language
from tkapp.store import records
from tkapp.ui.records.records_model import PAGE_SIZE, RecordsModel, fetch_page

TITLES = tuple(f"Registro {n:04d}" for n in range(450))


@pytest.fixture
def big_path(tmp_path, passphrase):
    return make_catalogue(tmp_path / "big.tkc", passphrase, TITLES)


def test_capped_count_grows_at_the_capped_end(runner, big_path, passphrase, qtbot, monkeypatch):
    from tkapp.services.catalogue import open_catalogue

    monkeypatch.setattr(records, "COUNT_CAP", 420)
    opened = []
    runner.open(lambda: open_catalogue(big_path, passphrase), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    got = []
    runner.run(lambda cat: fetch_page(cat, "registro", None), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert got[0].capped and got[0].total == 420
    model = RecordsModel(runner)
    model.show("registro", None, got[0])
    assert model.rowCount() == 420 and model.capped()

    # A page before the capped end: no count, the table stays as it is.
    with qtbot.waitSignal(model.rows_loaded, timeout=10_000):
        model.ensure_rows(PAGE_SIZE, PAGE_SIZE)
    assert model.rowCount() == 420 and model.capped()
    # The page of the capped end counts further (up to 4,200): all 450 fit.
    with qtbot.waitSignal(model.count_changed, timeout=10_000) as grown:
        model.ensure_rows(PAGE_SIZE * 2, PAGE_SIZE * 2)
    assert grown.args == [450, False]
    qtbot.waitUntil(lambda: model.is_row_loaded(449), timeout=10_000)
    assert model.rowCount() == 450 and not model.capped()
    shown = [model.record_id(r) for r in range(PAGE_SIZE * 2, 450)]
    every = []
    runner.run(lambda cat: cat.search_ids("registro"), every.append)
    qtbot.waitUntil(lambda: bool(every), timeout=10_000)
    assert shown == every[0][PAGE_SIZE * 2 :]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_table_says_more_than(
    main_window, qtbot, big_path, passphrase, monkeypatch, language, tmp_path
):
    monkeypatch.setattr(records, "COUNT_CAP", 300)
    set_language(language)
    try:
        window = main_window
        open_in_window(window, qtbot, big_path, passphrase)
        section = window.records
        expected = {"en": "More than 300 records", "es": "Más de 300 registros"}[language]
        assert section.result.text() == expected
        assert section.model.rowCount() == 300
        found = {"en": "more than 300 found", "es": "más de 300 encontrados"}[language]
        # The status bar's counts come from the worker after the table: wait for them.
        qtbot.waitUntil(lambda: window.counts.text().startswith(found), timeout=10_000)
        # Scrolled to the end: counted further, the label says the exact number.
        section.table.scrollToBottom()
        qtbot.waitUntil(lambda: section.model.rowCount() == 450, timeout=10_000)
        assert section.result.text() == {"en": "450 records", "es": "450 registros"}[language]
        qtbot.waitUntil(
            lambda: (
                bool(window.counts.text())
                and "more than" not in window.counts.text()
                and "más de" not in window.counts.text()
            ),
            timeout=10_000,
        )
    finally:
        set_language("en")


def test_typing_fast_shows_only_the_last_search(main_window, qtbot, big_path, passphrase):
    window = main_window
    open_in_window(window, qtbot, big_path, passphrase)
    section = window.records
    shown: list[tuple[int, str]] = []
    section.searched.connect(lambda n, q: shown.append((n, q)))
    # Searches fired back to back (as if each keystroke's pause had passed): the worker runs
    # them in order, and only the last one's page reaches the table.
    for text in ("r", "registro 0", "registro 01", "registro 012"):
        section.search.setText(text)
        section.refresh()
    wait_search(window, qtbot)
    wait_rows_loaded(window, qtbot)
    qtbot.wait(200)  # any older result still on its way would land here
    assert shown == [(10, "registro 012")]
    titles = [section.model.data(section.model.index(r, 0)) for r in range(10)]
    assert sorted(titles) == [f"Registro 012{n}" for n in range(10)]
