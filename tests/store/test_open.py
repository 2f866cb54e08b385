"""Creating and opening catalogues: passphrases, wrong keys, foreign and damaged files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_fixture import PASSPHRASE

from tkapp.core.model import Community, KnowledgeRecord
from tkapp.errors import (
    CatalogueCorrupt,
    CatalogueExists,
    CatalogueMissing,
    NotACatalogue,
    UnsupportedCatalogue,
    ValidationError,
    WrongPassphrase,
)
from tkapp.i18n import set_language
from tkapp.i18n.messages import describe_error
from tkapp.services.catalogue import Catalogue, create_catalogue, open_catalogue
from tkapp.store import kdf
from tkapp.store.connection import connect, read_salt


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_create_and_open_with_real_kdf(real_kdf: None, cat_path: Path) -> None:
    with create_catalogue(cat_path, PASSPHRASE, Community("Sacha Yaku")) as cat:
        cat.add_record(KnowledgeRecord("Guayusa"))
        keys = cat.signing_key()
        catalogue_id = cat.id
    with open_catalogue(cat_path, PASSPHRASE) as cat:
        assert cat.count() == 1
        assert cat.community.name == "Sacha Yaku"
        assert cat.id == catalogue_id
        assert cat.signing_key().public == keys.public
    # Only the catalogue and its key slots file are left: no -wal/-shm, no temp files.
    assert listing(cat_path.parent) == [cat_path.name, cat_path.name + "-keys"]
    # The file starts with our random salt, not a SQLite header.
    assert not cat_path.read_bytes().startswith(b"SQLite format 3")
    assert read_salt(cat_path) == cat_path.read_bytes()[:16]
    if os.name == "posix":
        assert cat_path.stat().st_mode & 0o077 == 0  # owner only


def test_wrong_passphrase_real_kdf_is_typed_and_changes_nothing(
    real_kdf: None, cat_path: Path
) -> None:
    create_catalogue(cat_path, PASSPHRASE, Community("X")).close()
    before = sha256(cat_path)
    with pytest.raises(WrongPassphrase) as info:
        open_catalogue(cat_path, PASSPHRASE + " ")
    set_language("en")
    assert describe_error(info.value) == (
        "Wrong passphrase. Type it again: capital letters, accents and spaces count."
    )
    assert sha256(cat_path) == before
    assert listing(cat_path.parent) == [cat_path.name, cat_path.name + "-keys"]


@pytest.mark.parametrize(
    "passphrase",
    [
        'it\'s "quoted"',
        "x'; DROP TABLE record; --",
        "a;b;c; PRAGMA key = 'y'",
        "Sacha Yaku ñawpa Medicína 森 🌿",
        "ü" * 1000,
        "".join(chr(0x41 + i % 50) for i in range(1000)),
        "  spaces around  ",
    ],
)
def test_passphrase_edge_cases(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "c.tkc"
    create_catalogue(path, passphrase, Community("X")).close()
    with open_catalogue(path, passphrase) as cat:
        assert cat.community.name == "X"
    with pytest.raises(WrongPassphrase):
        open_catalogue(path, passphrase[:-1] + "#")


def test_passphrase_unicode_forms_are_the_same(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    composed = "Medic\u00edna"
    decomposed = "Medici\u0301na"
    create_catalogue(path, composed, Community("X")).close()
    open_catalogue(path, decomposed).close()


def test_empty_passphrase_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        create_catalogue(tmp_path / "c.tkc", "   ", Community("X"))
    assert listing(tmp_path) == []


def test_hundred_wrong_passphrases(cat: Catalogue, cat_path: Path) -> None:
    cat.close()
    before = sha256(cat_path)
    files = listing(cat_path.parent)
    for attempt in range(100):
        with pytest.raises(WrongPassphrase):
            open_catalogue(cat_path, f"wrong {attempt}")
    assert sha256(cat_path) == before
    assert listing(cat_path.parent) == files
    open_catalogue(cat_path, PASSPHRASE).close()


def _unchanged_after(path: Path, error: type[Exception]) -> None:
    before = sha256(path)
    files = listing(path.parent)
    with pytest.raises(error):
        open_catalogue(path, PASSPHRASE)
    assert sha256(path) == before
    assert listing(path.parent) == files


def test_plaintext_sqlite_is_not_a_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _unchanged_after(path, NotACatalogue)


def test_truncated_catalogue_is_corrupt(cat: Catalogue, cat_path: Path) -> None:
    for i in range(50):
        cat.add_record(KnowledgeRecord(f"Record {i}", description="x" * 3000))
    cat.close()
    data = cat_path.read_bytes()
    assert len(data) > 8 * 4096
    for cut in (100, 4096 * 3 + 17, 4096 * 6):
        cat_path.write_bytes(data[:cut])
        _unchanged_after(cat_path, CatalogueCorrupt)


def test_random_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "random.tkc"
    path.write_bytes(os.urandom(4096 * 5))
    _unchanged_after(path, WrongPassphrase)
    path.write_bytes(os.urandom(3000))
    _unchanged_after(path, CatalogueCorrupt)
    path.write_bytes(b"")
    _unchanged_after(path, CatalogueCorrupt)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CatalogueMissing):
        open_catalogue(tmp_path / "nothing.tkc", PASSPHRASE)
    with pytest.raises(CatalogueMissing):
        open_catalogue(tmp_path, PASSPHRASE)
    assert listing(tmp_path) == []


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    path.write_bytes(b"precious")
    with pytest.raises(CatalogueExists):
        create_catalogue(path, PASSPHRASE, Community("X"))
    assert path.read_bytes() == b"precious"
    assert listing(tmp_path) == ["c.tkc"]


def test_other_sqlcipher_database_is_not_a_catalogue(tmp_path: Path) -> None:
    """Encrypted with the same passphrase scheme, but not made by us."""
    path = tmp_path / "other.db"
    salt = kdf.new_salt()
    from tkapp.store.connection import create_connection

    conn = create_connection(path, kdf.derive_key(PASSPHRASE, salt), salt)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    _unchanged_after(path, NotACatalogue)


def test_newer_schema_is_unsupported(cat: Catalogue, cat_path: Path) -> None:
    cat.close()
    salt = read_salt(cat_path)
    conn = connect(cat_path, kdf.derive_key(PASSPHRASE, salt), salt)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    _unchanged_after(cat_path, UnsupportedCatalogue)


def test_sqlcipher_logs_nothing_on_wrong_key(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    create_catalogue(path, PASSPHRASE, Community("X")).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tkapp.errors import WrongPassphrase\n"
        "from tkapp.services.catalogue import open_catalogue\n"
        "for i in range(3):\n"
        "    try:\n"
        "        open_catalogue(Path(sys.argv[1]), 'nope')\n"
        "    except WrongPassphrase:\n"
        "        pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "TKAPP_KDF_PROFILE": "fast"},
        check=True,
    )
    assert result.stderr == ""
    assert result.stdout == ""


def test_close_is_idempotent_and_locks(cat: Catalogue) -> None:
    cat.close()
    cat.close()
    assert not cat.is_open
    from tkapp.errors import StoreError

    with pytest.raises(StoreError):
        cat.count()


def test_kdf_parameters_follow_the_file_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    real = tmp_path / "real.tkc"
    monkeypatch.delenv("TKAPP_KDF_PROFILE", raising=False)
    create_catalogue(real, PASSPHRASE, Community("Real")).close()
    assert not kdf.is_test_salt(real.read_bytes()[:16])
    # A stray test setting must neither lock a real catalogue out nor weaken it.
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")
    open_catalogue(real, PASSPHRASE).close()
    weak = tmp_path / "test.tkc"
    create_catalogue(weak, PASSPHRASE, Community("Test")).close()
    assert kdf.is_test_salt(weak.read_bytes()[:16])
    monkeypatch.delenv("TKAPP_KDF_PROFILE")
    open_catalogue(weak, PASSPHRASE).close()
