"""Migration 8 (protocol keys, issue 13) on the committed version-1 fixture catalogue: it opens,
and a record its custodians mark restricted is sealed by seal_existing, media included."""

from __future__ import annotations

import shutil
from pathlib import Path

from tkapp.core.model import AccessLevel
from tkapp.services.catalogue import open_catalogue
from tkapp.store import Database, codec, records

from .protocol_helpers import decrypted_pages, hits
from .test_migrations import FIXTURE, FIXTURE_PASSPHRASE


def _make_restricted_in_the_clear(path: Path, group: str) -> tuple[str, str]:
    """As a catalogue from before protocol keys has it: a record restricted to ``group``,
    stored in the clear (written with the store alone: no person unlocked). Returns
    (record id, title)."""
    db = Database.open(path, FIXTURE_PASSPHRASE)  # migrates the schema; no people yet
    try:
        with db.transaction() as conn:
            media_row = conn.execute("SELECT record_id FROM media LIMIT 1").fetchone()
            rec, trashed = records.load(conn, media_row[0])
            rec.access, rec.restricted_group = AccessLevel.RESTRICTED, group
            records.save(conn, rec, codec.dumps(rec), new=False, trashed=trashed)
    finally:
        db.close()
    return rec.id, rec.title


def test_fixture_record_sealed_after_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, path)
    record_id, title = _make_restricted_in_the_clear(path, "healers")
    assert hits(decrypted_pages(path, FIXTURE_PASSPHRASE), [title])  # in the clear before
    # The first open makes the old passphrase the first custodian's; the custodian founds
    # the healers' group (nobody held its key) and seals the record and its media.
    with open_catalogue(path, FIXTURE_PASSPHRASE) as cat:
        assert cat.user is not None and "healers" in cat.user.groups
        assert cat.seal_existing() == (0, 0)  # done at the open
        assert cat.get_record(record_id).title == title
        media = cat.list_media(record_id)[0]
        assert cat.open_media(media.id).read() == b"fixture media " * 1000
        assert cat.check().ok
    # Its words and its media bytes are gone from every page of the file, free ones included.
    assert hits(decrypted_pages(path, FIXTURE_PASSPHRASE), [title, "fixture media"]) == []
