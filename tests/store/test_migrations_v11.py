"""Migration 11 (the records a batch audit entry lists, issue 19) on the committed v1 fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkapp.store import audit, kdf
from tkapp.store.connection import connect, read_salt
from tkapp.store.migrations import current_version, migrate

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture
def old_file(tmp_path: Path, real_kdf: None) -> Path:
    dest = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, dest)
    return dest


def test_v11_adds_the_batch_item_table_and_the_old_log_still_verifies(old_file: Path) -> None:
    salt = read_salt(old_file)
    conn = connect(old_file, kdf.derive_key(FIXTURE_PASSPHRASE, salt), salt)
    entries_before = conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
    migrate(conn, target=10)
    assert migrate(conn, target=11) == [11]
    assert current_version(conn) == 11
    report = audit.verify(conn)
    assert report.ok and report.entries == len(entries_before) > 0, report.problems
    # A batch entry chains after the old entries and its list verifies.
    chain = audit.AuditChain()
    chain.load(conn)
    conn.execute("BEGIN")
    chain.append_batch(
        conn,
        actor="test",
        action="import",
        source="campo.csv",
        created=[("0b8f5a9e-3c57-4a43-9a55-1f0e2c3d4b5a", '{"title":"Lumu"}')],
    )
    chain.flush(conn)
    conn.execute("COMMIT")
    report = audit.verify(conn)
    assert report.ok and report.entries == len(entries_before) + 1, report.problems
    history = audit.entries(conn, "0b8f5a9e-3c57-4a43-9a55-1f0e2c3d4b5a", 10)
    assert [(e.action, e.entity_id) for e in history] == [("import", "campo.csv")]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()[:-1] == entries_before
    conn.close()
