"""Migration 3 (Local Contexts Hub projects), run on the committed version-1 fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkapp.core.model import HubProject
from tkapp.services import localcontexts
from tkapp.services.catalogue import open_catalogue
from tkapp.store import kdf
from tkapp.store.connection import connect, read_salt
from tkapp.store.migrations import current_version, migrate

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture
def old_file(tmp_path: Path, real_kdf: None) -> Path:
    dest = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, dest)
    return dest


def _tables(conn: object) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")  # type: ignore[attr-defined]
    return {r[0] for r in rows}


def test_v3_adds_the_hub_project_table_and_nothing_else(old_file: Path) -> None:
    salt = read_salt(old_file)
    conn = connect(old_file, kdf.derive_key(FIXTURE_PASSPHRASE, salt), salt)
    migrate(conn, target=2)
    before = _tables(conn)
    records = conn.execute("SELECT id, version FROM record ORDER BY id").fetchall()
    assert migrate(conn, target=3) == [3]
    assert current_version(conn) == 3
    assert _tables(conn) == before | {"hub_project"}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT id, version FROM record ORDER BY id").fetchall() == records
    conn.close()
    with open_catalogue(old_file, FIXTURE_PASSPHRASE) as cat:
        assert localcontexts.list_projects(cat) == []
        localcontexts.save_project(cat, HubProject("hub-1", notices=["biocultural"]))
        assert [p.hub_id for p in localcontexts.list_projects(cat)] == ["hub-1"]
