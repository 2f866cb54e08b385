"""A bulk import's hot journal (the writer died mid-transaction) is rolled back at the next
open: the catalogue opens as it was before, never as "malformed" (seen once on CI)."""

from __future__ import annotations

import shutil
from pathlib import Path

from catalogue_fixture import PASSPHRASE

from tkapp.core.model import KnowledgeRecord
from tkapp.services.catalogue import Catalogue, open_catalogue


def test_a_crash_snapshot_with_a_hot_journal_opens_as_before(
    cat: Catalogue, tmp_path: Path
) -> None:
    for n in range(300):
        cat.add_record(KnowledgeRecord(f"record {n}", description="palabra " * 200))
    before = sorted(cat.search_ids(""))
    path = cat.path
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    with cat.session(bulk=True) as s:
        s.conn.execute("PRAGMA cache_size = 8")  # spill changed pages to the main file early
        s.conn.execute("UPDATE record SET title = 'changed', modified = modified")
        s.conn.execute("DELETE FROM record_data WHERE rowid % 2 = 0")
        journal = Path(str(path) + "-journal")
        assert journal.exists() and journal.stat().st_size > 0
        # What a SIGKILL leaves on disk at this moment: the torn main file and its journal.
        shutil.copy2(path, snapshot / path.name)
        shutil.copy2(journal, snapshot / journal.name)
        for extra in ("-keys",):
            if Path(str(path) + extra).exists():
                shutil.copy2(Path(str(path) + extra), snapshot / (path.name + extra))
    copy = snapshot / path.name
    with open_catalogue(copy, PASSPHRASE) as reopened:
        assert sorted(reopened.search_ids("")) == before
        assert reopened.check().ok
        titles = {s.title for s in reopened.summaries(reopened.search_ids(""))}
        assert "changed" not in titles
