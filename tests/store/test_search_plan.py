"""Search at scale, kept fixed by structure (issue 19), never by timing.

A search reads a word prefix from the prefix index, runs one bounded count and one page
statement (with the page's table rows) against the full-text index (a later page runs only
the page: the count is passed back), and never walks all its hits, in SQL or in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tkapp.core.model import Category, KnowledgeRecord
from tkapp.services.catalogue import Catalogue, RecordFilter
from tkapp.store import records


@contextmanager
def fts_statements(cat: Catalogue) -> Iterator[list[str]]:
    """The statements run against the full-text index meanwhile."""
    seen: list[str] = []
    conn = cat._db.conn
    conn.set_trace_callback(lambda sql: seen.append(sql) if "MATCH" in sql else None)
    try:
        yield seen
    finally:
        conn.set_trace_callback(None)


@pytest.fixture
def many(cat: Catalogue, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """25 records about 'maíz' (more than the ranking limit) and 3 about 'yuca'."""
    monkeypatch.setattr(records, "RANKED_HITS_MAX", 10)
    ids = [
        cat.add_record(KnowledgeRecord(f"Maíz {n}", description="siembra")).id for n in range(25)
    ]
    for n in range(3):
        cat.add_record(KnowledgeRecord(f"Yuca {n}", description="maíz"))
    return ids


def test_index_has_prefix_indexes_and_no_positions(cat: Catalogue) -> None:
    sql = cat._db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'record_fts'"
    ).fetchone()[0]
    assert "prefix = '1 2'" in sql and "detail = column" in sql and "content = ''" in sql


def test_first_page_is_one_count_and_one_page_statement(cat: Catalogue, many: list[str]) -> None:
    with fts_statements(cat) as seen:
        page = cat.search_page("m", limit=5)
    assert page.total == 28 and not page.ranked and not page.capped
    assert page.ids == [*cat.search_ids("yuca")[::-1], *many[::-1]][:5]  # newest first
    assert len(seen) == 2
    count, rows = seen
    assert count.startswith("SELECT count(*)")
    assert count.endswith(f"LIMIT {records.COUNT_CAP + 1})")  # bounded, whatever the hits
    assert "ORDER BY f.rowid DESC LIMIT 5 OFFSET 0)" in rows  # the index's order, 5 rows


def test_count_stops_at_its_cap(cat: Catalogue, many: list[str]) -> None:
    """A one-letter prefix at a million records: the first page does not wait for all hits
    to be counted; the count says "at least" and the order is the index's own."""
    with fts_statements(cat) as seen:
        page = cat.search_page("m", limit=5, count_to=20)
    assert page.total == 20 and page.capped and not page.ranked
    assert page.ids == cat.search_page("m", limit=5).ids
    assert seen[0].endswith("LIMIT 21)")
    assert cat.search_page("siembra", count_to=3).total == 3  # 25 match
    # A page longer than the cap: counted at least that far.
    long_page = cat.search_page("m", limit=24, count_to=20)
    assert long_page.total == 24 and long_page.capped and len(long_page.ids) == 24
    # No query: the records are counted the same way.
    everything = cat.search_page("", limit=5, count_to=10)
    assert everything.total == 10 and everything.capped and len(everything.ids) == 5
    assert cat.search_page("", limit=5).total == 28
    # Fewer hits than the cap: the exact number, not capped.
    exact = cat.search_page("yuca", count_to=3)
    assert exact.total == 3 and not exact.capped and exact.ranked


def test_later_pages_do_not_count_again(cat: Catalogue, many: list[str]) -> None:
    first = cat.search_page("ma", limit=5)
    with fts_statements(cat) as seen:
        later = cat.search_page("ma", offset=5, limit=5, total=first.total)
    assert [s.startswith("SELECT count(*)") for s in seen] == [False]
    assert later.total == first.total == 28
    assert not set(later.ids) & set(first.ids)


def test_page_rows_come_with_the_page(cat: Catalogue, many: list[str]) -> None:
    """The table's rows are read by the page statement itself: no second lookup by id."""
    seen: list[str] = []
    cat._db.conn.set_trace_callback(seen.append)
    try:
        page = cat.search_page("maiz", limit=7, with_rows=True)
        empty_query = cat.search_page("", limit=3, with_rows=True)
    finally:
        cat._db.conn.set_trace_callback(None)
    assert [s.id for s in page.rows] == page.ids and len(page.ids) == 7
    assert page.rows == cat.summaries(page.ids)
    assert [s.id for s in empty_query.rows] == empty_query.ids == cat.search_ids("")[:3]
    assert not [sql for sql in seen if "r.id IN" in sql]
    # No reader, no in-memory index: nothing asks about it.
    assert not [sql for sql in seen if "temp." in sql or "sqlite_temp_master" in sql]


def test_few_hits_are_ranked_in_the_same_two_statements(cat: Catalogue, many: list[str]) -> None:
    with fts_statements(cat) as seen:
        page = cat.search_page("yuca")
    assert page.ranked and page.total == 3 and len(seen) == 2
    assert "bm25(record_fts, " in seen[1] and "ORDER BY k" in seen[1]


def test_trash_is_filtered_by_rowid_set_not_by_row(cat: Catalogue, many: list[str]) -> None:
    cat.delete_record(many[0])
    with fts_statements(cat) as seen:
        shown = cat.search_page("maiz")
        trashed = cat.search_page("maiz", RecordFilter(in_trash=True))
    assert many[0] not in shown.ids and shown.total == 27
    assert trashed.ids == [many[0]] and trashed.total == 1
    # No join for the filter: the count never reads record rows; the page reads only the
    # rows it shows (for their ids).
    assert all("r.trashed" not in sql for sql in seen)
    assert all("JOIN" not in sql for sql in seen if sql.startswith("SELECT count(*)"))
    # Other filters join the record row, and still count once.
    with fts_statements(cat) as seen:
        food = cat.search_page("maiz", RecordFilter(category=Category.FOOD))
    assert food.total == 0 and len(seen) == 1


def test_underscore_splits_words_as_the_index_does(cat: Catalogue) -> None:
    record = cat.add_record(KnowledgeRecord("hoja_de_guayusa"))
    assert cat.search_ids("hoja_de") == [record.id]


def test_migration_rebuild_indexes_what_saving_indexes(cat: Catalogue) -> None:
    from tkapp.core.model import HolderLink, Person, Taxon, Use, VernacularName

    taxon = cat.add_taxon(Taxon("Ilex guayusa", vernacular_names=[VernacularName("wayusa", "qu")]))
    person = cat.add_person(Person("Rosa Grefa"))
    cat.add_record(
        KnowledgeRecord(
            "Madrugada",
            summary="té",
            uses=[Use("hoja", "cocida", "ánimo", "todo el año")],
            taxon_ids=[taxon.id],
            holders=[HolderLink(person.id, "elder")],
        )
    )
    questions = ("wayusa", "ilex", "rosa", "cocida", "anim", "madrugada", "te")
    before = [cat.search_ids(q) for q in questions]
    assert all(before)
    conn = cat._db.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM record_fts")
    assert not cat._db.conn.execute(
        "SELECT count(*) FROM record_fts WHERE record_fts MATCH 'wayusa'"
    ).fetchone()[0]
    records.rebuild_index(conn)
    conn.execute("COMMIT")
    assert [cat.search_ids(q) for q in questions] == before


def test_capped_count_across_both_indexes_reads_no_more_than_the_cap(tmp_path: Path) -> None:
    """With sealed records in the reader's in-memory index: the on-disk index is counted
    first and the in-memory one only for what the cap leaves; the page still merges both."""
    from tkapp.core.model import AccessLevel, Community
    from tkapp.services.catalogue import create_catalogue

    from .protocol_helpers import PASSPHRASE, group_key, marked_record, reader

    cat = create_catalogue(
        tmp_path / "c.tkc",
        PASSPHRASE,
        Community("Sacha Yaku"),
        reader=reader("R", group_key("midwives")),
    )
    ids = []
    for n in range(12):  # 8 on disk, 4 sealed (in memory only)
        access = AccessLevel.RESTRICTED if n % 3 == 0 else AccessLevel.COMMUNITY
        ids.append(cat.add_record(marked_record(f"common{n}", access, "midwives")).id)
    newest_first = ids[::-1]
    with fts_statements(cat) as seen:
        page = cat.search_page("common", limit=6, count_to=5)
    counts = [sql for sql in seen if sql.startswith("SELECT count(*)")]
    assert counts == [counts[0]] and "record_fts" in counts[0]  # the cap passed on disk
    assert page.total == 6 and page.capped and not page.ranked  # 6: the page's own length
    assert page.ids == newest_first[:6]  # merged across both indexes, newest first
    with fts_statements(cat) as seen:
        page = cat.search_page("common", limit=3, count_to=9)
    counts = [sql for sql in seen if sql.startswith("SELECT count(*)")]
    assert counts[0].endswith("LIMIT 10)") and counts[1].endswith("LIMIT 2)")
    assert "sealed_fts" in counts[1]
    assert page.total == 9 and page.capped and page.ids == newest_first[:3]
    exact = cat.search_page("common", limit=3)
    assert exact.total == 12 and not exact.capped
    cat.close()


def test_status_counts_are_all_records_less_the_trash(cat: Catalogue, many: list[str]) -> None:
    """The status bar's counts run on the worker right after unlock, before the first search:
    the record count is SQLite's bare count(*) (a b-tree count) less the trash."""
    cat.delete_record(many[0])
    cat.delete_record(many[1])
    seen: list[str] = []
    cat._db.conn.set_trace_callback(seen.append)
    try:
        stats = cat.stats()
    finally:
        cat._db.conn.set_trace_callback(None)
    assert (stats.records, stats.in_trash) == (26, 2)
    assert "SELECT count(*) FROM record" in seen
    assert "SELECT count(*) FROM record WHERE trashed = 0" not in seen
