"""Walking every record id a batch at a time (issue 19: the bulk paths' memory does not grow
with the records): the same ids, in the same order, as the list it replaced.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.services import catalogue as catalogue_service
from tkapp.services.catalogue import Catalogue, RecordFilter, create_catalogue, open_catalogue
from tkapp.store import records

from .protocol_helpers import PASSPHRASE, group_key, marked_record, reader

MIDWIVES = group_key("midwives")


def _same_moment(cat: Catalogue, ids: list[str]) -> None:
    """Give ``ids`` one ``modified`` time: ties that only the rowid orders (a batch import
    can write several records within one clock tick)."""
    marks = ",".join("?" * len(ids))
    cat._db.conn.execute(
        f"UPDATE record SET modified = '2026-01-01T00:00:00.000000+00:00' WHERE id IN ({marks})",
        ids,
    )


@pytest.mark.parametrize("batch", [1, 3, 4, 500])
def test_the_walk_gives_the_empty_search_s_ids_in_its_order(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(catalogue_service, "ID_BATCH", batch)
    made = [cat.add_record(KnowledgeRecord(f"Planta {n}")).id for n in range(11)]
    _same_moment(cat, made[2:7])  # ties across batch boundaries
    for record_id in made[8:10]:
        cat.delete_record(record_id)
    walked = list(cat.walk_readable_ids())
    assert walked == cat.search_ids("")
    assert sorted(walked) == sorted(made[:8] + made[10:])
    assert cat.count_readable() == len(walked) == 9
    # The trash, in the ids' own order.
    trashed = list(cat.walk_readable_ids(in_trash=True, by_id=True))
    assert trashed == sorted(made[8:10]) == sorted(cat.search_ids("", RecordFilter(in_trash=True)))
    assert cat.count_readable(in_trash=True) == 2


def test_a_walk_reads_one_batch_per_statement(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyset pagination: each batch seeks in the index where the last one stopped (no
    OFFSET that walks the records already given, no list of them all)."""
    monkeypatch.setattr(catalogue_service, "ID_BATCH", 4)
    for n in range(10):
        cat.add_record(KnowledgeRecord(f"Planta {n}"))
    seen: list[str] = []
    cat._db.conn.set_trace_callback(seen.append)
    try:
        assert len(list(cat.walk_readable_ids())) == 10
    finally:
        cat._db.conn.set_trace_callback(None)
    walks = [sql for sql in seen if "ORDER BY modified DESC, rowid LIMIT" in sql]
    assert len(walks) == 3  # 4 + 4 + 2
    assert all("OFFSET" not in sql for sql in walks)
    assert all("modified <=" in sql for sql in walks[1:])
    plan = cat._db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id, modified, rowid FROM record WHERE trashed = ?1"
        " AND modified <= ?2 AND (modified < ?2 OR rowid > ?3)"
        " ORDER BY modified DESC, rowid LIMIT ?4",
        (0, "9", 0, 4),
    ).fetchall()
    details = " ".join(row[3] for row in plan)
    assert "record_by_modified" in details and "TEMP B-TREE" not in details


def test_the_walk_leaves_out_what_the_reader_may_not_read(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    member = reader("Rosa", MIDWIVES)
    cat = create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member)
    sealed_record = cat.add_record(marked_record("partera", AccessLevel.RESTRICTED, "Midwives"))
    open_record = cat.add_record(marked_record("abierto", AccessLevel.COMMUNITY))
    assert list(cat.walk_readable_ids()) == [open_record.id, sealed_record.id]
    cat.close()
    with open_catalogue(path, PASSPHRASE, reader=reader("Juan")) as outsider:
        assert list(outsider.walk_readable_ids()) == [open_record.id]
        assert outsider.count_readable() == 1
        assert outsider.readable_ids(outsider.search_ids("")) == [open_record.id]


def test_an_empty_catalogue_walks_nothing(cat: Catalogue) -> None:
    assert list(cat.walk_readable_ids()) == []
    assert list(cat.walk_readable_ids(in_trash=True, by_id=True)) == []
    assert cat.count_readable() == 0
    ids, after = records.ids_after(cat._db.conn, False, None, 10)
    assert ids == [] and after is None
