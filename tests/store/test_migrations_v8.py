"""Migration 8 (protocol keys, issue 13) on the committed version-1 fixture catalogue: it opens,
and a record its custodians mark restricted is sealed by seal_existing, media included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.errors import NotPermitted
from tkapp.services.catalogue import open_catalogue

from .protocol_helpers import decrypted_pages, hits
from .test_migrations import FIXTURE, FIXTURE_PASSPHRASE


def test_fixture_record_sealed_after_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, path)
    with open_catalogue(path, FIXTURE_PASSPHRASE) as cat:  # migrates; nobody's keys yet
        media = cat.list_media()[0]
        rec = cat.get_record(media.record_id)
        rec.access, rec.restricted_group = AccessLevel.RESTRICTED, "healers"
        cat.update_record(rec)  # before protocol keys: still in the clear
        assert cat.summaries([rec.id])[0].readable
    key = GroupKey("healers", 1, new_key())
    healer = Reader(User("Mama Rosa", Role.CUSTODIAN, frozenset({"healers"})), (key,))
    with open_catalogue(path, FIXTURE_PASSPHRASE, reader=healer) as cat:
        assert cat.seal_existing() == (1, 0)
        assert cat.get_record(rec.id).title == rec.title
        assert cat.open_media(media.id).read() == b"fixture media " * 1000
        assert cat.check().ok
    # Its words and its media bytes are gone from every page of the file, free ones included.
    assert hits(decrypted_pages(path, FIXTURE_PASSPHRASE), [rec.title, "fixture media"]) == []
    with open_catalogue(path, FIXTURE_PASSPHRASE) as cat:
        assert not cat.summaries([rec.id])[0].readable
        with pytest.raises(NotPermitted):
            cat.get_record(rec.id)
        assert cat.count() == 2
