"""The trust store: keys are identities, names and catalogue ids are labels; look-alikes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tkapp.crypto.confusables import looks_alike, name_flags, skeleton, visible_form
from tkapp.crypto.keys import PublicKey, generate_keypair
from tkapp.crypto.trust import (
    SEQ_CONFLICT,
    SEQ_NEW,
    SEQ_OLDER,
    SEQ_SAME,
    TrustStore,
    community_key,
    decide_trust,
)
from tkapp.errors import ConfusableName, KeyFormatError, KeyMismatch, UntrustedKey
from tkapp.paths import trust_store_path

CAT_A = "urn:uuid:11111111-1111-4111-8111-111111111111"
CAT_B = "urn:uuid:22222222-2222-4222-8222-222222222222"


def test_add_lookup_and_persist(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    key = generate_keypair().public_key
    entry = store.add(key, "Comunidad Añangu", "in_person")
    assert entry.how == "in_person" and entry.key == key
    again = TrustStore(tmp_path / "t.json")
    assert again.by_public_key(key.public) == entry
    assert again.by_community("  comunidad   AÑANGU ") == [entry]
    assert stat.S_IMODE((tmp_path / "t.json").stat().st_mode) == 0o600
    assert store.add(key, "Comunidad Añangu", "tofu") == entry  # unchanged
    # The first bundle fills in the catalogue id label.
    assert store.add(key, "Comunidad Añangu", "tofu", catalogue_id=CAT_A).catalogue_id == CAT_A
    assert store.find(entry.fingerprint[:12]) == store.find(CAT_A) == store.keys()
    assert store.remove(key.public) and store.keys() == []


def test_default_location_is_the_data_folder() -> None:
    assert TrustStore().path == trust_store_path()


def test_same_name_two_communities_two_entries(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    a, b = generate_keypair().public_key, generate_keypair().public_key
    store.add(a, "Comuna San Pedro", "file", catalogue_id=CAT_A)
    store.add(b, "Comuna San Pedro", "file", catalogue_id=CAT_B)
    assert len(store.by_community("comuna san pedro")) == 2


def test_another_key_for_a_trusted_catalogue_is_a_mismatch(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    old = generate_keypair().public_key
    store.add(old, "Sarayaku", "in_person", catalogue_id=CAT_A)
    new = generate_keypair().public_key
    with pytest.raises(KeyMismatch) as info:
        store.add(new, "Sarayaku", "file", catalogue_id=CAT_A)
    assert info.value.params["trusted_fingerprint"] == old.fingerprint
    assert info.value.params["fingerprint"] == new.fingerprint
    # After an in-person check the user replaces the key.
    store.add(new, "Sarayaku", "in_person", catalogue_id=CAT_A, replace_catalogue=True)
    assert [e.public_key for e in store] == [new.public.hex()]


def test_colliding_key_ids_are_two_keys(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    real = generate_keypair().public_key
    fake = PublicKey(real.key_id, generate_keypair().public)
    store.add(real, "Añangu", "in_person", catalogue_id=CAT_A)
    store.add(fake, "Other", "tofu", catalogue_id=CAT_B)
    assert len(store.with_key_id(real.key_id)) == 2
    assert store.by_public_key(real.public).how == "in_person"  # type: ignore[union-attr]
    assert store.by_public_key(fake.public).how == "tofu"  # type: ignore[union-attr]


def test_sequence_status(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    key = generate_keypair().public_key
    store.add(key, "C", "in_person")
    assert store.sequence_status(key.public, 5, "a" * 64) == SEQ_NEW
    store.record_sequence(key.public, 5, "a" * 64)
    assert store.sequence_status(key.public, 5, "a" * 64) == SEQ_SAME
    assert store.sequence_status(key.public, 6, "b" * 64) == SEQ_NEW
    assert store.sequence_status(key.public, 4, "c" * 64) == SEQ_OLDER
    assert store.sequence_status(key.public, 5, "d" * 64) == SEQ_CONFLICT
    store.record_sequence(key.public, 3, "e" * 64)  # never moves backwards
    assert store.newest_sequence(key.public) == 5


def test_damaged_store_is_an_error_not_an_empty_store(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{not json")
    with pytest.raises(KeyFormatError):
        TrustStore(path).keys()
    path.write_text(json.dumps({"version": 1, "keys": [{"key_id": "X"}]}))
    with pytest.raises(KeyFormatError):
        TrustStore(path).keys()
    assert community_key(" A  b ") == "a b"


def test_version_1_store_still_reads(tmp_path: Path) -> None:
    key = generate_keypair().public_key
    path = tmp_path / "t.json"
    old = {
        "key_id": key.key_id_hex,
        "public_key": key.public.hex(),
        "community": "C",
        "first_seen": "2026-01-01T00:00:00Z",
        "how": "file",
        "last_sequence": 3,
        "last_manifest_sha256": "",
    }
    path.write_text(json.dumps({"version": 1, "keys": [old]}))
    [entry] = TrustStore(path).keys()
    assert entry.catalogue_id == "" and entry.last_sequence == 3


# --- look-alike names -------------------------------------------------------------------------

TRUSTED_NAME = "Comuna San Pedro (Napo)"
LOOKALIKES = {
    "cyrillic a": "Comuna S\u0430n Pedro (Napo)",
    "greek omicron": "C\u03bfmuna San Pedro (Napo)",
    "zero-width space": "Comuna San\u200b Pedro (Napo)",
    "zero-width joiner": "Comuna\u200d San Pedro (Napo)",
    "combining acute": "Comuna San Pe\u0301dro (Napo)",
    "full-width parentheses": "Comuna San Pedro \uff08Napo\uff09",
    "full-width brackets": "Comuna San Pedro \uff3bNapo\uff3d",
    "digit zero": "C0muna San Pedro (Napo)",
    "upper case": "COMUNA SAN PEDRO (NAPO)",
    "soft hyphen": "Comuna San Pe\u00addro (Napo)",
}


@pytest.mark.parametrize("name", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalikes_have_the_same_skeleton(name: str) -> None:
    assert looks_alike(TRUSTED_NAME, name)
    assert skeleton(name) == skeleton(TRUSTED_NAME)


def test_name_flags() -> None:
    assert name_flags(TRUSTED_NAME) == ()
    assert name_flags("Comunidad Añangu") == ()
    assert name_flags(LOOKALIKES["cyrillic a"]) == ("mixed_scripts",)
    assert name_flags(LOOKALIKES["zero-width space"]) == ("invisible",)
    assert name_flags("Comuna \u202eordeP naS") == ("bidi",)
    assert name_flags(LOOKALIKES["full-width parentheses"]) == ("compatibility",)
    assert visible_form("a\u200bb\u202e") == "a<U+200B>b<U+202E>"
    assert not looks_alike(TRUSTED_NAME, "Comuna San Pablo (Napo)")


def test_decide_trust_never_first_contact_for_a_lookalike(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    real = generate_keypair().public_key
    store.add(real, TRUSTED_NAME, "in_person", catalogue_id=CAT_A)
    forger = generate_keypair().public_key
    for name in [*LOOKALIKES.values(), "Comuna \u202e(opaN) ordeP naS"]:
        a = store.assess(forger, name, CAT_B)
        with pytest.raises(ConfusableName):
            decide_trust(a, explicit=False, tofu=True)
        with pytest.raises(UntrustedKey):
            decide_trust(a, explicit=False, tofu=False)
        # Naming the key file explicitly works, with a warning.
        named = decide_trust(a, explicit=True, tofu=False)
        assert named.how == "file" and named.warnings
    # The forger claiming the real catalogue id: a mismatch with both fingerprints.
    with pytest.raises(KeyMismatch) as info:
        decide_trust(store.assess(forger, "Anything", CAT_A), explicit=False, tofu=True)
    assert {info.value.params["fingerprint"], info.value.params["trusted_fingerprint"]} == {
        forger.fingerprint,
        real.fingerprint,
    }
    # An unrelated plain name is an ordinary first contact.
    plain = decide_trust(store.assess(forger, "Sarayaku", CAT_B), explicit=False, tofu=True)
    assert plain.how == "tofu" and plain.pin and plain.warnings == ()
