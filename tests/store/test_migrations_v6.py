"""Migration 6 (import keys of field data imports, issue 15) on the committed v1 fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkapp.store import import_keys, kdf
from tkapp.store.connection import connect, read_salt
from tkapp.store.migrations import current_version, migrate

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture
def old_file(tmp_path: Path, real_kdf: None) -> Path:
    dest = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, dest)
    return dest


def test_v6_adds_the_import_key_table(old_file: Path) -> None:
    salt = read_salt(old_file)
    conn = connect(old_file, kdf.derive_key(FIXTURE_PASSPHRASE, salt), salt)
    records_before = conn.execute("SELECT id, version FROM record ORDER BY id").fetchall()
    migrate(conn, target=5)
    assert migrate(conn, target=6) == [6]
    assert current_version(conn) == 6
    assert import_keys.count(conn) == 0
    conn.execute("BEGIN")
    import_keys.put(conn, "", "abc", "rec-1", "d1")
    import_keys.put(conn, "", "abc", "rec-1", "d2")
    conn.execute("COMMIT")
    found = import_keys.find(conn, "", "abc")
    assert found is not None and (found.record_id, found.digest) == ("rec-1", "d2")
    assert import_keys.find(conn, "codigo", "abc") is None
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT id, version FROM record ORDER BY id").fetchall() == records_before
    conn.close()
