"""The trust store: explicit trust, key mismatch, sequence ratchet, safe file writes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tkapp.crypto.keys import generate_keypair
from tkapp.crypto.trust import TrustStore, community_key
from tkapp.errors import KeyFormatError, KeyMismatch, Rollback
from tkapp.paths import trust_store_path


def test_add_lookup_and_persist(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    key = generate_keypair().public_key
    entry = store.add(key, "Comunidad Añangu", "in_person")
    assert entry.how == "in_person" and entry.key == key
    again = TrustStore(tmp_path / "t.json")
    assert again.by_key_id(key.key_id) == entry
    assert again.by_community("  comunidad   AÑANGU ") == [entry]
    assert stat.S_IMODE((tmp_path / "t.json").stat().st_mode) == 0o600
    assert store.add(key, "Comunidad Añangu", "tofu") == entry  # unchanged
    assert store.remove(key.key_id) and store.keys() == []


def test_default_location_is_the_data_folder() -> None:
    assert TrustStore().path == trust_store_path()


def test_key_mismatch_for_a_known_community(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    store.add(generate_keypair().public_key, "Sarayaku", "file")
    other = generate_keypair().public_key
    with pytest.raises(KeyMismatch):
        store.add(other, "SARAYAKU", "tofu")
    with pytest.raises(KeyMismatch):
        store.check_key(other, "sarayaku")
    assert store.check_key(other, "Añangu") is None


def test_sequence_ratchet(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "t.json")
    key = generate_keypair().public_key
    store.add(key, "C", "in_person")
    assert store.check_sequence(key.key_id, 5, "a" * 64) is False
    store.record_sequence(key.key_id, 5, "a" * 64)
    assert store.check_sequence(key.key_id, 5, "a" * 64) is True  # identical re-import
    assert store.check_sequence(key.key_id, 6, "b" * 64) is False
    with pytest.raises(Rollback):
        store.check_sequence(key.key_id, 4, "c" * 64)
    with pytest.raises(Rollback):
        store.check_sequence(key.key_id, 5, "d" * 64)  # same number, other content
    with pytest.raises(Rollback):
        store.record_sequence(key.key_id, 3, "e" * 64)
    assert store.by_key_id(key.key_id).last_sequence == 5  # type: ignore[union-attr]


def test_damaged_store_is_an_error_not_an_empty_store(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{not json")
    with pytest.raises(KeyFormatError):
        TrustStore(path).keys()
    path.write_text(json.dumps({"version": 1, "keys": [{"key_id": "X"}]}))
    with pytest.raises(KeyFormatError):
        TrustStore(path).keys()
    assert community_key(" A  b ") == "a b"
