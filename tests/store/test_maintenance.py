"""Backup, restore, passphrase change, integrity checks."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from catalogue_fixture import PASSPHRASE

from tkapp.core.model import KnowledgeRecord, Media, MediaKind
from tkapp.errors import (
    Cancelled,
    CatalogueCorrupt,
    CatalogueExists,
    UsageError,
    ValidationError,
    WrongPassphrase,
)
from tkapp.services.catalogue import Catalogue, open_catalogue, restore_backup


def _fill(cat: Catalogue, n: int = 20) -> list[str]:
    ids = [cat.add_record(KnowledgeRecord(f"Registro {i}")).id for i in range(n)]
    cat.add_media(
        Media(MediaKind.PHOTO, "image/png", "p.png", record_id=ids[0]), io.BytesIO(b"p" * 700_000)
    )
    return ids


def test_backup_opens_with_same_passphrase(cat: Catalogue, tmp_path: Path) -> None:
    ids = _fill(cat)
    dest = tmp_path / "backups" / "copy.tkc"
    dest.parent.mkdir()
    steps: list[tuple[int, int]] = []
    cat.backup(dest, progress=lambda d, t: steps.append((d, t)))
    assert steps and steps[-1][0] == steps[-1][1]
    # The backup's key slots file goes with it, so everyone can open the copy.
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.tkc", "copy.tkc-keys"]
    with pytest.raises(CatalogueExists):
        cat.backup(dest)
    with pytest.raises(UsageError):
        cat.backup(cat.path, overwrite=True)
    cat.add_record(KnowledgeRecord("After backup"))
    cat.backup(dest, overwrite=True)
    with open_catalogue(dest, PASSPHRASE) as copy:
        assert set(ids) <= set(copy.search_ids())
        assert copy.count() == 21
        assert copy.check().ok
        assert copy.signing_key().public == cat.signing_key().public
    with pytest.raises(WrongPassphrase):
        open_catalogue(dest, "other")


def test_backup_cancel_leaves_no_file(cat: Catalogue, tmp_path: Path) -> None:
    _fill(cat)
    dest = tmp_path / "b.tkc"
    with pytest.raises(Cancelled):
        cat.backup(dest, cancel=lambda: True)
    assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_restore_checks_then_writes(cat: Catalogue, tmp_path: Path) -> None:
    ids = _fill(cat)
    backup = tmp_path / "b.tkc"
    cat.backup(backup)
    before = hashlib.sha256(backup.read_bytes()).hexdigest()
    dest = tmp_path / "restored.tkc"
    with pytest.raises(WrongPassphrase):
        restore_backup(backup, dest, "wrong")
    assert not dest.exists()
    restore_backup(backup, dest, PASSPHRASE)
    assert hashlib.sha256(backup.read_bytes()).hexdigest() == before
    with open_catalogue(dest, PASSPHRASE) as restored:
        assert set(restored.search_ids()) == set(ids)
    with pytest.raises(CatalogueExists):
        restore_backup(backup, dest, PASSPHRASE)
    restore_backup(backup, dest, PASSPHRASE, overwrite=True)
    assert open_catalogue(dest, PASSPHRASE).count() == 20


def test_restore_refuses_damaged_backup(cat: Catalogue, tmp_path: Path) -> None:
    _fill(cat, 200)
    backup = tmp_path / "b.tkc"
    cat.backup(backup)
    data = bytearray(backup.read_bytes())
    data[4096 * 5 + 100] ^= 0xFF  # one flipped bit inside an encrypted page
    backup.write_bytes(bytes(data))
    dest = tmp_path / "restored.tkc"
    with pytest.raises(CatalogueCorrupt):
        restore_backup(backup, dest, PASSPHRASE)
    assert not dest.exists()


def test_check_reports_tampered_page(cat: Catalogue, tmp_path: Path) -> None:
    _fill(cat, 200)
    path = cat.path
    cat.close()
    data = bytearray(path.read_bytes())
    data[4096 * 7 + 200] ^= 0x01
    path.write_bytes(bytes(data))
    with open_catalogue(path, PASSPHRASE) as damaged:
        report = damaged.check()
    assert not report.ok
    assert report.cipher_integrity


def test_change_passphrase(cat: Catalogue, tmp_path: Path) -> None:
    ids = _fill(cat)
    old_salt = cat.path.read_bytes()[:16]
    cat.change_passphrase("nueva frase; con 'comillas' y ñ")
    # Only the person's key slot changes; the file keeps its key (issue 13).
    assert cat.path.read_bytes()[:16] == old_salt
    assert set(cat.search_ids()) == set(ids)  # still open and usable
    cat.add_record(KnowledgeRecord("After change"))
    assert cat.check().ok
    assert cat.audit_entries(limit=2)[1].action == "passphrase"
    path = cat.path
    cat.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, path.name + "-keys"]
    with pytest.raises(WrongPassphrase):
        open_catalogue(path, PASSPHRASE)
    with open_catalogue(path, "nueva frase; con 'comillas' y ñ") as again:
        assert again.count() == 21
        assert again.check().ok
        with pytest.raises(ValidationError):
            again.change_passphrase("")
