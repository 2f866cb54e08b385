"""People and protocol keys together, as a village uses them: real people with their own
passphrases, real group keys wrapped to them, and an attacker holding the database key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from store.protocol_helpers import add_media, every_value, hits, marked_record, pages_with_key

from tkapp.core.model import AccessLevel, Community
from tkapp.core.users import Role
from tkapp.errors import NotPermitted
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.store import Database, codec, records
from tkapp.store.connection import connect, read_salt

ANA, ROSA, LUIS = "ana: custodian phrase", "rosa: midwife phrase", "luis: viewer phrase"
MIDWIVES, SACRED = "PARTERAMARK", "SAGRADOMARK"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


@pytest.fixture
def village(tmp_path: Path) -> tuple[Path, str, str]:
    """Ana (custodian, midwives), Rosa (member, midwives), Luis (viewer): one record for the
    midwives and one secret/sacred, each with a media file."""
    path = tmp_path / "village.tkc"
    with create_catalogue(path, ANA, Community("Sacha Yaku"), custodian="Ana") as cat:
        people = cat.people()
        people.set_groups("Ana", ["Midwives"])
        people.add("Rosa", Role.MEMBER, ["Midwives"], ROSA)
        people.add("Luis", Role.VIEWER, [], LUIS)
        births = cat.add_record(marked_record(MIDWIVES, AccessLevel.RESTRICTED, "Midwives"))
        add_media(cat, births.id, MIDWIVES)
        ceremony = cat.add_record(marked_record(SACRED, AccessLevel.SECRET_SACRED))
        add_media(cat, ceremony.id, SACRED)
    return path, births.id, ceremony.id


def test_a_person_outside_the_group_sees_placeholders_and_the_file_holds_no_word(
    village: tuple[Path, str, str],
) -> None:
    path, births, ceremony = village
    with open_catalogue(path, LUIS, person="Luis") as cat:
        titles = {s.id: s.title for s in cat.summaries([births, ceremony])}
        assert MIDWIVES not in titles[births] and "midwives" in titles[births]
        assert SACRED not in titles[ceremony]
        for record_id in (births, ceremony):
            with pytest.raises(NotPermitted):
                cat.get_record(record_id)
        assert cat.search_ids(MIDWIVES.lower()) == []
        database_key = cat._db.key  # what Luis's own slot gives him
    # Luis (or a thief with his passphrase) opens the file with the database key alone.
    conn = connect(path, database_key, read_salt(path), probe=True)
    try:
        assert hits(every_value(conn), [MIDWIVES, SACRED]) == []
    finally:
        conn.close()
    assert hits(pages_with_key(path, database_key), [MIDWIVES, SACRED]) == []


def test_group_members_read_and_custodians_read_the_sacred(village: tuple[Path, str, str]) -> None:
    path, births, ceremony = village
    with open_catalogue(path, ROSA, person="Rosa") as cat:
        assert MIDWIVES in cat.get_record(births).title
        assert cat.search_ids(MIDWIVES.lower()) == [births]
        with pytest.raises(NotPermitted):
            cat.get_record(ceremony)
    with open_catalogue(path, ANA, person="Ana") as cat:
        assert SACRED in cat.get_record(ceremony).title
        assert MIDWIVES in cat.get_record(births).title


def test_leaving_a_group_rotates_its_key_and_moves_its_records(
    village: tuple[Path, str, str],
) -> None:
    path, births, _ceremony = village
    with open_catalogue(path, ANA, person="Ana") as cat:
        cat.people().set_groups("Rosa", [])
        # Ana is in the group: the records move to the new key in the same change.
        assert cat.reader is not None and cat.reader.current("midwives").version == 2
        assert MIDWIVES in cat.get_record(births).title
    with open_catalogue(path, ROSA, person="Rosa") as cat, pytest.raises(NotPermitted):
        cat.get_record(births)
    with open_catalogue(path, ANA, person="Ana") as cat:
        assert cat.finish_key_rotations() == 0  # nothing left under the old key


def test_records_from_before_protocol_keys_wait_for_a_custodian(tmp_path: Path) -> None:
    """A member's unlock leaves a keyless group's old records as they are (members do not
    found groups by opening); the next custodian's unlock founds the group and seals them."""
    path = tmp_path / "old.tkc"
    with create_catalogue(path, ANA, Community("Sacha Yaku"), custodian="Ana") as cat:
        cat.people().add("Rosa", Role.MEMBER, [], ROSA)
    db = Database.open(path, ANA)  # the founder's passphrase still derives the database key
    try:
        with db.transaction() as conn:  # as a catalogue from before protocol keys has it
            rec = marked_record("WEAVERMARK", AccessLevel.RESTRICTED, "Weavers")
            rec.created = rec.modified = datetime.now(UTC)
            records.save(conn, rec, codec.dumps(rec), new=True, trashed=False)
    finally:
        db.close()
    with open_catalogue(path, ROSA, person="Rosa") as cat:
        assert cat.seal_existing() == (0, 1)
    with open_catalogue(path, ANA, person="Ana") as cat:
        assert cat.user is not None and "weavers" in cat.user.groups
        assert cat.seal_existing() == (0, 0)  # sealed at the open
        assert cat.get_record(rec.id).title == rec.title
        database_key = cat._db.key
    assert hits(pages_with_key(path, database_key), ["WEAVERMARK"]) == []
