"""Walking every record id a batch at a time (issue 19: the bulk paths' memory does not grow
with the records): the same ids as the list it replaced, each exactly once even when records
are edited, trashed or added while the walk goes on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.services import catalogue as catalogue_service
from tkapp.services.catalogue import Catalogue, RecordFilter, create_catalogue, open_catalogue
from tkapp.store import records

from .protocol_helpers import PASSPHRASE, group_key, marked_record, reader

MIDWIVES = group_key("midwives")


@pytest.mark.parametrize("batch", [1, 3, 4, 500])
def test_the_walk_gives_every_record_newest_added_first(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(catalogue_service, "ID_BATCH", batch)
    made = [cat.add_record(KnowledgeRecord(f"Planta {n}")).id for n in range(11)]
    for record_id in made[8:10]:
        cat.delete_record(record_id)
    walked = list(cat.walk_readable_ids())
    assert walked == [made[10], *reversed(made[:8])]
    assert sorted(walked) == sorted(cat.search_ids(""))
    assert cat.count_readable() == len(walked) == 9
    # The trash, in the ids' own order.
    trashed = list(cat.walk_readable_ids(in_trash=True, by_id=True))
    assert trashed == sorted(made[8:10]) == sorted(cat.search_ids("", RecordFilter(in_trash=True)))
    assert cat.count_readable(in_trash=True) == 2


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_records_edited_or_added_during_a_walk(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """An export that walks the catalogue while the custodian edits (the GUI's worker): an
    edited record is given once with its new text, a new record not at all. A walk by the
    time of change left an edited record out (it moved ahead of the walk's cursor)."""
    monkeypatch.setattr(catalogue_service, "ID_BATCH", batch)
    made = [cat.add_record(KnowledgeRecord(f"Planta {n}")).id for n in range(7)]
    walked: list[str] = []
    for record_id in cat.walk_readable_ids():
        if len(walked) == 1:
            for other in made:  # every record not yet given, and one already given
                cat.update_record(
                    dataclasses.replace(cat.get_record(other), title=f"{other} editado")
                )
            added = cat.add_record(KnowledgeRecord("Nueva")).id
        walked.append(record_id)
    assert sorted(walked) == sorted(made)
    assert added not in walked


def test_a_walk_reads_one_batch_per_statement(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyset pagination: each batch seeks where the last one stopped (no OFFSET that walks
    the records already given, no list of them all, no sort)."""
    monkeypatch.setattr(catalogue_service, "ID_BATCH", 4)
    for n in range(10):
        cat.add_record(KnowledgeRecord(f"Planta {n}"))
    seen: list[str] = []
    cat._db.conn.set_trace_callback(seen.append)
    try:
        assert len(list(cat.walk_readable_ids())) == 10
    finally:
        cat._db.conn.set_trace_callback(None)
    walks = [sql for sql in seen if "ORDER BY rowid DESC LIMIT" in sql]
    assert len(walks) == 3  # 4 + 4 + 2
    assert all("OFFSET" not in sql for sql in walks)
    plan = cat._db.conn.execute("EXPLAIN QUERY PLAN " + walks[1]).fetchall()  # as traced
    details = " ".join(row[3] for row in plan)
    assert "TEMP B-TREE" not in details and "PRIMARY KEY (rowid<?)" in details, details


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
