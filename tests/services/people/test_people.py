"""People who unlock the catalogue (issue 13): key slots, roles, groups, signing key, migration.

Real catalogues in tmp folders, real keys; the fast test KDF profile (its Argon2 costs are
recorded in each locked key, so nothing here is mocked).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tkapp.core.model import Community, KnowledgeRecord, RecordStatus
from tkapp.core.users import Role
from tkapp.errors import (
    GroupKeyNotHeld,
    PermissionDenied,
    PersonRequired,
    UnknownPerson,
    ValidationError,
    WrongPassphrase,
)
from tkapp.services.catalogue import create_catalogue, open_catalogue, restore_backup
from tkapp.services.people import people_names
from tkapp.store import keyslots
from tkapp.store.connection import connect, read_salt

ANA, ROSA, LUIS = "ana: custodian phrase", "rosa: midwife phrase", "luis: viewer phrase"
FIXTURE = Path(__file__).resolve().parents[2] / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Ana (custodian), Rosa (member, midwives), Luis (viewer, no group)."""
    p = tmp_path / "village.tkc"
    with create_catalogue(p, ANA, Community("Sacha Yaku"), custodian="Ana") as cat:
        people = cat.people()
        people.add("Rosa", Role.MEMBER, ["Midwives"], ROSA)
        people.add("Luis", Role.VIEWER, [], LUIS)
    return p


def _digest(*files: Path) -> list[str]:
    return [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]


def test_new_catalogue_has_one_custodian_and_a_keys_file(tmp_path: Path) -> None:
    p = tmp_path / "one.tkc"
    with create_catalogue(p, ANA, Community("X")) as cat:
        assert cat.user is not None and cat.user.role == Role.CUSTODIAN
        assert cat.user.name == "custodian"
        cat.add_record(KnowledgeRecord("first"))
    assert sorted(f.name for f in tmp_path.iterdir()) == ["one.tkc", "one.tkc-keys"]
    # One person: the old call (no name) still opens it.
    with open_catalogue(p, ANA) as cat:
        assert cat.count() == 1
        assert cat.audit_entries(limit=1)[0].actor == "custodian"
    assert people_names(p) == ["custodian"]


def test_each_person_opens_with_their_own_passphrase(path: Path) -> None:
    assert people_names(path) == ["Ana", "Luis", "Rosa"]
    with pytest.raises(PersonRequired) as info:
        open_catalogue(path, ROSA)
    assert info.value.params["names"] == "Ana, Luis, Rosa"
    with pytest.raises(UnknownPerson):
        open_catalogue(path, ROSA, person="Maria")
    with pytest.raises(WrongPassphrase):
        open_catalogue(path, ANA, person="Rosa")
    with open_catalogue(path, ROSA, person="rosa") as cat:  # names ignore case
        assert cat.user is not None and cat.user.name == "Rosa"
        assert cat.reader is not None
        assert [(k.group, k.version) for k in cat.reader.keys] == [("midwives", 1)]
        rec = cat.add_record(KnowledgeRecord("Rosa's draft"))
        assert cat.audit_entries(limit=1)[0].actor == "Rosa"
    with open_catalogue(path, LUIS, person="Luis") as cat:
        assert cat.reader is not None and cat.reader.keys == ()
        assert cat.get_record(rec.id).title == "Rosa's draft"


def test_a_wrong_passphrase_changes_no_byte(path: Path) -> None:
    files = [path, keyslots.slots_path(path)]
    before = _digest(*files)
    for who in ("Ana", "Rosa", "Luis"):
        with pytest.raises(WrongPassphrase):
            open_catalogue(path, "not my passphrase", person=who)
    assert _digest(*files) == before
    assert sorted(f.name for f in path.parent.iterdir()) == sorted(f.name for f in files)


def test_roles_decide_what_each_person_may_change(path: Path) -> None:
    with open_catalogue(path, LUIS, person="Luis") as viewer:
        with pytest.raises(PermissionDenied):
            viewer.add_record(KnowledgeRecord("viewer's"))
        with pytest.raises(PermissionDenied):
            viewer.people().add("Eve", Role.CUSTODIAN, [], "eve's phrase")
        with pytest.raises(PermissionDenied):
            viewer.signing_key()
        assert [u.name for u in viewer.people().everyone()] == ["Ana", "Luis", "Rosa"]
    with open_catalogue(path, ROSA, person="Rosa") as member:
        draft = member.add_record(KnowledgeRecord("draft"))
        draft.title = "draft, edited"
        member.update_record(draft)
        with pytest.raises(PermissionDenied):
            member.add_record(KnowledgeRecord("verified", status=RecordStatus.VERIFIED))
        with pytest.raises(PermissionDenied):
            member.signing_key()  # only a custodian signs
        with pytest.raises(PermissionDenied):
            member.set_setting("x", "y")
    with open_catalogue(path, ANA, person="Ana") as custodian:
        verified = custodian.get_record(draft.id)
        verified.status = RecordStatus.VERIFIED
        custodian.update_record(verified)
        assert custodian.signing_key().public
    with open_catalogue(path, ROSA, person="Rosa") as member:
        again = member.get_record(draft.id)
        with pytest.raises(PermissionDenied):
            member.update_record(again)  # no longer a draft


def test_signing_key_is_wrapped_to_custodians_only(path: Path) -> None:
    with open_catalogue(path, ANA, person="Ana") as cat:
        key_before = cat.signing_key().public
        cat.people().set_role("Luis", Role.CUSTODIAN)
    salt = read_salt(path)
    with open_catalogue(path, LUIS, person="Luis") as cat:
        assert cat.signing_key().public == key_before
        assert cat.reader is not None and cat.reader.current("custodians") is not None
        cat.people().set_role("Luis", Role.VIEWER)  # Luis steps down himself
    with open_catalogue(path, LUIS, person="Luis") as cat:
        with pytest.raises(PermissionDenied):
            cat.signing_key()
        assert cat.reader is not None and cat.reader.current("custodians") is None
        key = cat._db.key  # an attacker with the database key still finds no plain seed
    conn = connect(path, key, salt, probe=True)
    try:
        seeds = conn.execute("SELECT length(seed) FROM signing_key").fetchall()
        wraps = conn.execute("SELECT count(*) FROM signing_key_wrap").fetchone()[0]
    finally:
        conn.close()
    assert seeds == [(0,)]
    assert wraps == 1  # Ana only


def test_groups_add_and_remove_rotate_the_group_key(path: Path) -> None:
    with open_catalogue(path, ANA, person="Ana") as cat:
        people = cat.people()
        # Ana is not a midwife: she cannot hand out the midwives' key she does not hold.
        with pytest.raises(GroupKeyNotHeld):
            people.set_groups("Luis", ["midwives"])
        people.set_groups("Luis", ["healers"])  # a new group: its first key
    with open_catalogue(path, LUIS, person="Luis") as cat:
        assert cat.reader is not None
        assert [(k.group, k.version) for k in cat.reader.keys] == [("healers", 1)]
    with open_catalogue(path, ANA, person="Ana") as cat:
        cat.people().set_groups("Rosa", [])  # Rosa leaves the midwives
    with open_catalogue(path, ROSA, person="Rosa") as cat:
        assert cat.reader is not None and cat.reader.keys == ()
    with open_catalogue(path, ANA, person="Ana") as cat:
        assert cat.people().groups() == ["custodians", "healers", "midwives"]
        key = cat._db.key
    conn = connect(path, key, read_salt(path), probe=True)
    try:
        versions = conn.execute(
            "SELECT version FROM group_key WHERE grp = 'midwives' ORDER BY version"
        ).fetchall()
        wraps = conn.execute("SELECT count(*) FROM group_key_wrap WHERE grp = 'midwives'")
        assert versions == [(1,), (2,)]  # a new version, wrapped to nobody left
        assert wraps.fetchone()[0] == 0
    finally:
        conn.close()


def test_remaining_members_keep_old_versions_after_a_rotation(tmp_path: Path) -> None:
    p = tmp_path / "g.tkc"
    with create_catalogue(p, ANA, Community("X"), custodian="Ana") as cat:
        people = cat.people()
        people.set_groups("Ana", ["midwives"])
        people.add("Rosa", Role.MEMBER, ["midwives"], ROSA)
        people.add("Juana", Role.MEMBER, ["midwives"], LUIS)
        people.remove("Juana")
    with open_catalogue(p, ROSA, person="Rosa") as cat:
        assert cat.reader is not None
        assert sorted((k.group, k.version) for k in cat.reader.keys) == [
            ("midwives", 1),
            ("midwives", 2),
        ]
        assert cat.reader.current("midwives").version == 2  # type: ignore[union-attr]
    with pytest.raises(UnknownPerson):
        open_catalogue(p, LUIS, person="Juana")


def test_change_my_passphrase_touches_only_my_slot(path: Path) -> None:
    before = keyslots.read(path)
    assert before is not None
    with open_catalogue(path, ROSA, person="Rosa") as cat:
        cat.change_passphrase("rosa: a new phrase")
    after = keyslots.read(path)
    assert after is not None
    changed = {s.name for s in after.slots} - {
        s.name for s in after.slots if s in set(before.slots)
    }
    assert changed == {"Rosa"}
    with pytest.raises(WrongPassphrase):
        open_catalogue(path, ROSA, person="Rosa")
    with open_catalogue(path, "rosa: a new phrase", person="Rosa") as cat:
        assert cat.reader is not None and cat.reader.current("midwives") is not None
    with open_catalogue(path, ANA, person="Ana"):
        pass


def test_removed_person_cannot_open_and_rotation_shuts_old_copies(path: Path) -> None:
    old_keys = keyslots.slots_path(path).read_bytes()  # a copy Luis kept of the keys file
    with open_catalogue(path, ANA, person="Ana") as cat:
        people = cat.people()
        people.remove("Luis")
        with pytest.raises(ValidationError):
            people.remove("Ana")  # the last custodian stays
        people.rotate_database_key()
    with pytest.raises(UnknownPerson):
        open_catalogue(path, LUIS, person="Luis")
    keyslots.slots_path(path).write_bytes(old_keys)  # Luis puts his copy back
    with pytest.raises(WrongPassphrase):  # no slot for this key: the old one no longer opens
        open_catalogue(path, LUIS, person="Luis")
    keys = keyslots.slots_path(path)
    keys.unlink()
    with pytest.raises(WrongPassphrase):
        open_catalogue(path, ANA, person="Ana")  # the keys file is needed after rotation


def test_a_tampered_keys_file_is_healed_from_the_database(path: Path) -> None:
    keys = keyslots.slots_path(path)
    doc = json.loads(keys.read_bytes())
    for slot in doc["slots"]:
        if slot["name"] == "Luis":
            slot["name"] = "Ana (real)"  # someone renames a slot to mislead at "who are you"
    keys.write_text(json.dumps(doc))
    with open_catalogue(path, ROSA, person="Rosa"):
        pass
    healed = keyslots.read(path)
    assert healed is not None
    assert sorted(s.name for s in healed.slots) == ["Ana", "Luis", "Rosa"]
    assert healed.mac_ok(read_salt(path), _key_of(path))


def _key_of(path: Path) -> bytes:
    with open_catalogue(path, ANA, person="Ana") as cat:
        return cat._db.key


def test_backup_and_restore_carry_the_keys_file(path: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backups" / "village-backup.tkc"
    backup.parent.mkdir()
    with open_catalogue(path, ANA, person="Ana") as cat:
        cat.backup(backup)
    assert keyslots.slots_path(backup).exists()
    dest = tmp_path / "restored" / "village.tkc"
    dest.parent.mkdir()
    restore_backup(backup, dest, ROSA, person="Rosa")
    for who, phrase in (("Ana", ANA), ("Rosa", ROSA), ("Luis", LUIS)):
        with open_catalogue(dest, phrase, person=who) as cat:
            assert cat.user is not None and cat.user.name == who


def test_the_fixture_catalogue_migrates_to_a_first_custodian(tmp_path: Path) -> None:
    old = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, old)
    with pytest.raises(WrongPassphrase):
        open_catalogue(old, "wrong")
    assert not keyslots.slots_path(old).exists()
    with open_catalogue(old, FIXTURE_PASSPHRASE) as cat:
        assert cat.user is not None and cat.user.role == Role.CUSTODIAN
        assert cat.signing_key().public  # the old key, now wrapped to the custodian
        count = cat.count()
        assert count > 0
        people = cat.people()
        people.add("Rosa", Role.MEMBER, [], ROSA)
    assert keyslots.slots_path(old).exists()
    # The old passphrase is now the first custodian's; the database key did not change.
    with open_catalogue(old, FIXTURE_PASSPHRASE, person="custodian") as cat:
        assert cat.count() == count
    with open_catalogue(old, ROSA, person="Rosa") as cat:
        assert cat.count() == count
    # A lost keys file: the migrated catalogue still opens with the first passphrase, and
    # the file is written again from the database.
    keyslots.slots_path(old).unlink()
    with open_catalogue(old, FIXTURE_PASSPHRASE, person="custodian"):
        pass
    assert people_names(old) == ["custodian", "Rosa"]


def test_everyone_sees_the_public_key_only_custodians_sign(path: Path) -> None:
    from tkapp.services.keys import public_key

    with open_catalogue(path, ANA, person="Ana") as cat:
        expected = cat.signing_key().public_key
    with open_catalogue(path, LUIS, person="Luis") as cat:
        assert public_key(cat) == expected
        with pytest.raises(PermissionDenied):
            cat.signing_key()
