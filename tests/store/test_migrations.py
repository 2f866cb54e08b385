"""Schema migrations, each run on the committed version-1 fixture catalogue."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tkapp.services.catalogue import open_catalogue
from tkapp.store import kdf
from tkapp.store.connection import connect, read_salt
from tkapp.store.migrations import LATEST, MIGRATIONS, current_version, migrate

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture
def fixture_copy(tmp_path: Path, real_kdf: None) -> Path:
    dest = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, dest)
    return dest


def _raw(path: Path) -> object:
    salt = read_salt(path)
    return connect(path, kdf.derive_key(FIXTURE_PASSPHRASE, salt), salt)


def test_versions_are_numbered_in_order() -> None:
    versions = [v for v, _ in MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))
    assert versions[-1] == LATEST


def test_fixture_opens_and_is_migrated_to_latest(fixture_copy: Path) -> None:
    digest = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    with open_catalogue(fixture_copy, FIXTURE_PASSPHRASE) as cat:
        assert cat.community.name == "Fixture community"
        assert cat.count() == 2
        assert cat.search_ids("medicina")
        assert cat.get_setting("fixture") == "v1"
        media = cat.list_media()
        assert cat.open_media(media[0].id).read() == b"fixture media " * 1000
        assert cat.check().ok
    conn = _raw(fixture_copy)
    assert current_version(conn) == LATEST  # type: ignore[arg-type]
    conn.close()  # type: ignore[attr-defined]
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == digest


def test_each_migration_on_fixture(fixture_copy: Path) -> None:
    """Every migration after version 1, one at a time, on the real old file."""
    conn = _raw(fixture_copy)
    assert current_version(conn) == 1  # type: ignore[arg-type]
    for version, _step in MIGRATIONS[1:]:
        assert migrate(conn, target=version) == [version]  # type: ignore[arg-type]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # type: ignore[attr-defined]
    conn.close()  # type: ignore[attr-defined]
    with open_catalogue(fixture_copy, FIXTURE_PASSPHRASE) as cat:
        assert cat.count() == 2 and cat.check().ok


def test_migrate_from_empty_database(tmp_path: Path) -> None:
    from tkapp.store.connection import create_connection

    path = tmp_path / "empty.db"
    salt = kdf.new_salt()
    conn = create_connection(path, kdf.derive_key("p", salt), salt)
    assert migrate(conn) == [v for v, _ in MIGRATIONS]
    assert current_version(conn) == LATEST
    assert migrate(conn) == []
    conn.close()
