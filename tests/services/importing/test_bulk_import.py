"""Large imports: all-or-nothing without a WAL as large as the rows (issue 19)."""

from __future__ import annotations

import csv
from pathlib import Path

from tkapp.core.model import KnowledgeRecord
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import run_import


def _rows(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description", "scientific_name"])
        for i in range(n):
            writer.writerow([f"Registro {i}", "hoja corteza raíz semilla " * 20, "Ilex guayusa"])


def test_a_large_import_keeps_side_files_small(cat: Catalogue, tmp_path: Path) -> None:
    """The -wal file used to grow by every page of the import (the whole import, again)."""
    source = tmp_path / "rows.csv"
    _rows(source, 3000)
    db = cat._db.path
    before = db.stat().st_size
    peak = {"-wal": 0, "-journal": 0}

    def watch(_done: int, _total: int) -> None:
        for suffix, seen in peak.items():
            side = Path(str(db) + suffix)
            if side.exists():
                peak[suffix] = max(seen, side.stat().st_size)

    result = run_import(cat, source, progress=watch)
    watch(0, 0)
    assert result.counts.created == 3000
    growth = db.stat().st_size - before
    assert growth > 4 * 2**20
    # The journal holds only pages that existed before; nothing is written twice.
    assert peak["-wal"] < growth / 10
    assert peak["-journal"] < growth / 10
    assert cat.stats().records == 3000
    mode = cat._db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"  # back in WAL mode for everything else


def test_an_unfinished_read_falls_back_to_an_ordinary_transaction(
    cat: Catalogue, tmp_path: Path
) -> None:
    """A cursor still reading keeps WAL mode; the import still happens, all of it."""
    source = tmp_path / "rows.csv"
    _rows(source, 50)
    cat.add_record(KnowledgeRecord("Antes"))
    cat.add_record(KnowledgeRecord("Antes también"))
    cursor = cat._db.conn.execute("SELECT rowid FROM record")
    assert cursor.fetchone() is not None  # a statement left open, mid-way
    assert run_import(cat, source).counts.created == 50
    cursor.close()
    assert cat.stats().records == 52
    assert cat._db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
