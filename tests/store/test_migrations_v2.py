"""Migration 2 (terms, label wording, address book, sharing ledger, received bundles), run on
the committed version-1 fixture catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkapp.errors import StoreError
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import open_catalogue
from tkapp.store import kdf
from tkapp.store.connection import connect, read_salt
from tkapp.store.migrations import current_version, migrate

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"
V2_TABLES = {
    "terms_version",
    "label_customisation",
    "recipient",
    "export",
    "export_record",
    "export_follow_up",
    "received_bundle",
    "received_record",
    "received_media",
    "received_media_chunk",
}


@pytest.fixture
def old_file(tmp_path: Path, real_kdf: None) -> Path:
    dest = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, dest)
    return dest


def _tables(conn: object) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")  # type: ignore[attr-defined]
    return {r[0] for r in rows}


def test_v2_on_the_v1_fixture_is_additive(old_file: Path) -> None:
    salt = read_salt(old_file)
    conn = connect(old_file, kdf.derive_key(FIXTURE_PASSPHRASE, salt), salt)
    assert current_version(conn) == 1
    before = _tables(conn)
    assert not before & V2_TABLES
    records_before = conn.execute("SELECT id, version FROM record ORDER BY id").fetchall()
    assert migrate(conn, target=2) == [2]
    assert current_version(conn) == 2
    assert _tables(conn) == before | V2_TABLES
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT value FROM meta WHERE key = 'export_sequence'").fetchone()[0] == "0"
    # Nothing that was there changed.
    assert conn.execute("SELECT id, version FROM record ORDER BY id").fetchall() == records_before
    assert conn.execute("SELECT count(*) FROM terms_version").fetchone()[0] == 0
    conn.close()


def test_old_catalogue_gets_default_terms_on_first_use(old_file: Path) -> None:
    with open_catalogue(old_file, FIXTURE_PASSPHRASE) as cat:
        assert cat.count() == 2
        terms = terms_service.default_terms(cat)
        assert terms.template == "cbrl" and terms.version == 1
        assert terms.attribution == "Fixture community"
        assert list(terms.languages) == ["es", "qu"]
        # Created once: a second call returns the same version.
        assert terms_service.default_terms(cat).id == terms.id
        assert [i.id for i in terms_service.list_terms(cat)] == [terms.id]
        rec_id = cat.search_ids("medicina")[0]
        decision = terms_service.ask(cat, rec_id, "public_research", "research")
        assert decision.outcome.value in {"allowed_with_duties", "not_allowed", "needs_agreement"}
        assert cat.check().ok


def test_schema_guards_used_terms_and_received_rows(old_file: Path) -> None:
    with open_catalogue(old_file, FIXTURE_PASSPHRASE) as cat:
        terms = terms_service.default_terms(cat)
        conn = cat._db.conn
        conn.execute(
            "UPDATE terms_version SET first_export_id = 'urn:uuid:x' WHERE id = ?", (terms.id,)
        )
        with pytest.raises(Exception, match="immutable"):
            conn.execute("UPDATE terms_version SET data = '{}' WHERE id = ?", (terms.id,))
        with pytest.raises(Exception, match="immutable"):
            conn.execute("DELETE FROM terms_version WHERE id = ?", (terms.id,))
        conn.execute(
            "INSERT INTO received_record (bundle_rowid, kind, record_id, title, data)"
            " VALUES (1, 'record', 'r', 't', '{}')"
        )
        with pytest.raises(Exception, match="read-only"):
            conn.execute("UPDATE received_record SET data = '{\"x\": 1}'")
        # Through the store's typed errors too.
        with pytest.raises(StoreError), cat._db.transaction() as tx:
            tx.execute("UPDATE received_record SET title = 'edited'")
