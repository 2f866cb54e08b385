"""Trust, keys, recipients and limits: step 1, 2, 5 and 8 of the verifier."""

from __future__ import annotations

from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle.limits import Limits
from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.writer import WrittenBundle
from tkapp.crypto.age import AgeIdentity
from tkapp.crypto.keys import KeyPair
from tkapp.crypto.trust import TrustStore
from tkapp.errors import (
    DecryptionError,
    KeyMismatch,
    LimitExceeded,
    NotARecipient,
    UntrustedKey,
    UsageError,
)


def test_unknown_key_is_untrusted_and_shows_its_words(
    bundle: WrittenBundle, tmp_path: Path
) -> None:
    store = TrustStore(tmp_path / "trust.json")
    with pytest.raises(UntrustedKey) as info:
        verify_bundle(bundle.path, trust=store, now=factory.CREATED)
    from tkapp.crypto.fingerprint import fingerprint_of

    expected = fingerprint_of(factory.community_key().public).words()
    assert info.value.params["words"].split() == expected
    assert info.value.params["community"] == factory.COMMUNITY
    assert not (tmp_path / "trust.json").exists()


def test_tofu_pins_the_key_and_then_it_is_known(
    bundle: WrittenBundle, tmp_path: Path, key: KeyPair
) -> None:
    store = TrustStore(tmp_path / "trust.json")
    with verify_bundle(bundle.path, trust=store, tofu=True, now=factory.CREATED) as report:
        assert report.trust == "tofu" and report.newly_trusted
    entry = store.by_key_id(key.key_id)
    assert entry is not None and entry.how == "tofu" and entry.last_sequence == 42
    assert (tmp_path / "trust.json").stat().st_mode & 0o777 == 0o600
    with verify_bundle(bundle.path, trust=store, now=factory.CREATED) as again:
        assert again.trust == "tofu" and not again.newly_trusted and again.already_seen


def test_trust_file_key_is_pinned_as_file(
    bundle: WrittenBundle, tmp_path: Path, key: KeyPair
) -> None:
    store = TrustStore(tmp_path / "trust.json")
    with verify_bundle(
        bundle.path, trust=store, trust_key=key.public_key, now=factory.CREATED
    ) as report:
        assert report.trust == "file"
    assert store.by_key_id(key.key_id).how == "file"  # type: ignore[union-attr]


def test_a_trust_file_for_another_key_does_not_help(bundle: WrittenBundle) -> None:
    other = factory.community_key(2)
    with pytest.raises(UntrustedKey):
        verify_bundle(bundle.path, trust=None, trust_key=other.public_key, now=factory.CREATED)


def test_same_community_with_another_key_is_a_mismatch(tmp_path: Path, key: KeyPair) -> None:
    store = TrustStore(tmp_path / "trust.json")
    store.add(key.public_key, factory.COMMUNITY, "in_person")
    forger = factory.community_key(3)
    forged = factory.make_bundle(
        tmp_path, "forged.tkb", key=forger, community="comunidad  kichwa AÑANGU"
    )
    for tofu in (False, True):
        with pytest.raises(KeyMismatch):
            verify_bundle(forged.path, trust=store, tofu=tofu, now=factory.CREATED)
    with pytest.raises(KeyMismatch):
        verify_bundle(forged.path, trust=store, trust_key=forger.public_key, now=factory.CREATED)
    with pytest.raises(KeyMismatch):
        store.add(forger.public_key, factory.COMMUNITY, "file")


def test_wrong_recipient(tmp_path: Path, key: KeyPair) -> None:
    intended = AgeIdentity.generate()
    r = str(intended.recipient())
    sealed = factory.make_bundle(tmp_path, "b.tkb.age", age_recipients=[r], encrypt_to=[r])
    with pytest.raises(NotARecipient):
        verify_bundle(
            sealed.path,
            trust=None,
            trust_key=key.public_key,
            identities=[AgeIdentity.generate()],
            now=factory.CREATED,
        )
    with pytest.raises(NotARecipient):
        verify_bundle(sealed.path, trust=None, trust_key=key.public_key, now=factory.CREATED)


def test_damaged_age_payload(tmp_path: Path, key: KeyPair) -> None:
    me = AgeIdentity.generate()
    r = str(me.recipient())
    sealed = factory.make_bundle(tmp_path, "b.tkb.age", age_recipients=[r], encrypt_to=[r])
    data = bytearray(sealed.path.read_bytes())
    data[-100] ^= 0x40
    sealed.path.write_bytes(bytes(data))
    with pytest.raises(DecryptionError):
        verify_bundle(
            sealed.path, trust=None, trust_key=key.public_key, identities=[me], now=factory.CREATED
        )
    sealed.path.write_bytes(bytes(data[:-20]))
    with pytest.raises(DecryptionError):
        verify_bundle(
            sealed.path, trust=None, trust_key=key.public_key, identities=[me], now=factory.CREATED
        )


def test_encrypting_to_someone_not_named_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        factory.make_bundle(tmp_path, encrypt_to=[str(AgeIdentity.generate().recipient())])


@pytest.mark.parametrize(
    "limits",
    [Limits(max_file_bytes=1000), Limits(max_manifest_bytes=100), Limits(max_entries=5)],
    ids=["file", "manifest", "entries"],
)
def test_limits(bundle: WrittenBundle, key: KeyPair, limits: Limits) -> None:
    with pytest.raises(LimitExceeded):
        verify_bundle(
            bundle.path, trust=None, trust_key=key.public_key, now=factory.CREATED, limits=limits
        )


def test_decision_for_the_stated_use(bundle: WrittenBundle, key: KeyPair) -> None:
    with verify_bundle(
        bundle.path,
        trust=None,
        trust_key=key.public_key,
        now=factory.CREATED,
        intended=("public_research", "research"),
    ) as report:
        assert report.decision is not None and report.decision.permits
    with verify_bundle(
        bundle.path,
        trust=None,
        trust_key=key.public_key,
        now=factory.CREATED,
        intended=("for_profit", "ip_claim"),
    ) as report:
        assert report.decision is not None and report.decision.outcome.value == "not_allowed"
    with pytest.raises(UsageError):
        verify_bundle(bundle.path, trust=None, trust_key=key.public_key, intended=("x", "y"))
