"""A bulk import is audited per batch: one chained entry names the records it created with
their content hashes, and each record's history still shows the import of its file (19)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from tkapp.errors import ValidationError
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import run_import
from tkapp.store.audit import BATCH_ENTITY


def _import(cat: Catalogue, tmp_path: Path, n: int) -> None:
    source = tmp_path / "campo 2024.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description", "access"])
        for i in range(n):
            writer.writerow([f"Registro {i}", "hoja corteza", "public"])
    assert run_import(cat, source).counts.created == n


def _stored_state(cat: Catalogue, record_id: str) -> str:
    row = cat._db.conn.execute(
        "SELECT d.data FROM record r JOIN record_data d ON d.rowid = r.rowid WHERE r.id = ?",
        (record_id,),
    ).fetchone()
    return str(row[0])


def test_one_entry_per_batch_and_history_per_record(cat: Catalogue, tmp_path: Path) -> None:
    before = len(cat.audit_entries(limit=100_000))
    _import(cat, tmp_path, 2500)
    new = cat.audit_entries(limit=100_000)[: len(cat.audit_entries(limit=100_000)) - before]
    batches = [e for e in new if e.entity == BATCH_ENTITY]
    assert len(batches) == 2  # 2,000 + 500, not 2,500 entries
    assert {(e.action, e.entity_id, e.actor) for e in batches} == {
        ("import", "campo 2024.csv", "tester")
    }
    assert len(new) == 2
    ids = cat.search_ids("")
    assert len(ids) == 2500
    for record_id in (ids[0], ids[1234], ids[-1]):
        history = cat.audit_entries(record_id)
        assert [(e.action, e.entity_id) for e in history] == [("import", "campo 2024.csv")]
        # The entry names this record's content as it was created.
        state = _stored_state(cat, record_id)
        assert history[0].item_digest == hashlib.sha256(state.encode("utf-8")).hexdigest()
    report = cat.check().audit
    assert report.ok, report.problems


def test_an_edit_after_the_import_comes_first_in_the_history(
    cat: Catalogue, tmp_path: Path
) -> None:
    _import(cat, tmp_path, 3)
    rec = cat.get_record(cat.search_ids("")[0])
    rec.title = "Registro corregido"
    cat.update_record(rec)
    assert [e.action for e in cat.audit_entries(rec.id)] == ["update", "import"]
    assert cat.check().audit.ok


def test_a_changed_content_hash_is_detected(cat: Catalogue, tmp_path: Path) -> None:
    _import(cat, tmp_path, 10)
    conn = cat._db.conn
    conn.execute(
        "UPDATE audit_item SET digest = zeroblob(32) WHERE record_id ="
        " (SELECT record_id FROM audit_item LIMIT 1)"
    )
    problems = cat.check().audit.problems
    assert any("list of records" in p for p in problems), problems


def test_a_removed_record_from_the_list_is_detected(cat: Catalogue, tmp_path: Path) -> None:
    _import(cat, tmp_path, 10)
    conn = cat._db.conn
    conn.execute(
        "DELETE FROM audit_item WHERE record_id = (SELECT record_id FROM audit_item LIMIT 1)"
    )
    problems = cat.check().audit.problems
    assert any("list of records" in p for p in problems), problems


def test_a_record_listed_under_no_batch_is_detected(cat: Catalogue, tmp_path: Path) -> None:
    _import(cat, tmp_path, 10)
    conn = cat._db.conn
    conn.execute("INSERT INTO audit_item (seq, record_id, digest) VALUES (1, zeroblob(16), x'00')")
    problems = cat.check().audit.problems
    assert any("no batch entry" in p for p in problems), problems


def test_a_failed_import_leaves_no_entry_and_no_item(cat: Catalogue, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "latitude"])
        for i in range(2100):
            writer.writerow([f"Registro {i}", "-0.5"])
        writer.writerow(["Malo", "not a number"])  # after the first batch was written
    entries = len(cat.audit_entries(limit=100_000))
    with pytest.raises(ValidationError):
        run_import(cat, source)
    assert len(cat.audit_entries(limit=100_000)) == entries
    assert cat._db.conn.execute("SELECT count(*) FROM audit_item").fetchone()[0] == 0
    assert cat.count() == 0 and cat.check().audit.ok
