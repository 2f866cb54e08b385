"""Key hierarchy primitives: wrap to a person, seal content, lock a key pair by passphrase."""

from __future__ import annotations

import pytest

from tkapp.core.model import AccessLevel
from tkapp.core.users import CUSTODIANS_GROUP, GroupKey, Reader, Role, User, protocol_group
from tkapp.crypto import keyring
from tkapp.errors import KeyringError


def test_wrap_opens_only_for_its_recipient_and_context() -> None:
    alice, bob = keyring.new_box_keypair(), keyring.new_box_keypair()
    secret = keyring.new_key()
    blob = keyring.wrap_to(alice.public, secret, b"group:midwives:1")
    assert keyring.unwrap(alice, blob, b"group:midwives:1") == secret
    with pytest.raises(KeyringError):
        keyring.unwrap(bob, blob, b"group:midwives:1")
    with pytest.raises(KeyringError):
        keyring.unwrap(alice, blob, b"group:healers:1")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(KeyringError):
        keyring.unwrap(alice, tampered, b"group:midwives:1")


def test_sealed_content_is_bound_to_its_place() -> None:
    key = keyring.new_key()
    blob = keyring.seal(key, b"ceremony text", b"record:r1:title:3")
    assert b"ceremony" not in blob
    assert keyring.open_sealed(key, blob, b"record:r1:title:3") == b"ceremony text"
    for wrong_context in (b"record:r2:title:3", b"record:r1:body:3", b"record:r1:title:4"):
        with pytest.raises(KeyringError):
            keyring.open_sealed(key, blob, wrong_context)
    with pytest.raises(KeyringError):
        keyring.open_sealed(keyring.new_key(), blob, b"record:r1:title:3")


def test_locked_keypair_needs_the_right_passphrase() -> None:
    pair = keyring.new_box_keypair()
    locked = keyring.lock_keypair(pair, "Sacha-ñan 7", keyring.TEST_COST)
    assert pair.private not in locked
    # NFC and NFD spellings of the same passphrase open the same key pair.
    assert keyring.unlock_keypair(pair.public, locked, "Sacha-n\u0303an 7") == pair
    with pytest.raises(KeyringError):
        keyring.unlock_keypair(pair.public, locked, "sacha-ñan 7")
    with pytest.raises(KeyringError):
        keyring.unlock_keypair(keyring.new_box_keypair().public, locked, "Sacha-ñan 7")


def test_reader_may_read_only_groups_whose_key_it_holds() -> None:
    user = User("Rosa", Role.MEMBER, frozenset({"midwives"}))
    old, new = (
        GroupKey("midwives", 1, keyring.new_key()),
        GroupKey("midwives", 2, keyring.new_key()),
    )
    reader = Reader(user, (old, new))
    assert reader.current("midwives") == new
    assert reader.key("midwives", 1) == old
    assert reader.key("healers", 1) is None
    assert reader.may_read(AccessLevel.PUBLIC, "")
    assert reader.may_read(AccessLevel.COMMUNITY, "")
    assert reader.may_read(AccessLevel.RESTRICTED, " Midwives ")
    assert not reader.may_read(AccessLevel.RESTRICTED, "healers")
    assert not reader.may_read(AccessLevel.SECRET_SACRED, "")
    assert protocol_group(AccessLevel.SECRET_SACRED, "midwives") == CUSTODIANS_GROUP
