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
    ConfusableName,
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
    entry = store.by_public_key(key.public)
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
    assert store.by_public_key(key.public).how == "file"  # type: ignore[union-attr]


def test_a_trust_file_for_another_key_does_not_help(bundle: WrittenBundle) -> None:
    other = factory.community_key(2)
    with pytest.raises(UntrustedKey):
        verify_bundle(bundle.path, trust=None, trust_key=other.public_key, now=factory.CREATED)


OTHER_CATALOGUE = "0d1e2f30-4152-4637-8899-aabbccddeeff"


def test_another_key_for_a_trusted_catalogue_is_a_mismatch(tmp_path: Path, key: KeyPair) -> None:
    store = TrustStore(tmp_path / "trust.json")
    verify_bundle(
        factory.make_bundle(tmp_path, "real.tkb").path,
        trust=store,
        trust_key=key.public_key,
        now=factory.CREATED,
    ).close()
    forger = factory.community_key(3)
    forged = factory.make_bundle(tmp_path, "forged.tkb", key=forger, community="Anything")
    for tofu in (False, True):
        with pytest.raises(KeyMismatch) as info:
            verify_bundle(forged.path, trust=store, tofu=tofu, now=factory.CREATED)
        params = info.value.params
        assert params["trusted_fingerprint"] == key.public_key.fingerprint
        assert params["fingerprint"] == forger.public_key.fingerprint
    # Naming the new key's file explicitly checks the bundle, warns, and does not replace
    # the trusted key (that takes a rotation statement or a deliberate replacement).
    with verify_bundle(
        forged.path, trust=store, trust_key=forger.public_key, now=factory.CREATED
    ) as report:
        assert report.trust == "file" and not report.newly_trusted
        codes = [w.code for w in report.trust_warnings]
        assert "catalogue_key_changed" in codes and "not_saved" in codes
    assert store.by_public_key(forger.public) is None
    catalogue = f"urn:uuid:{factory.CATALOGUE_ID}"
    with pytest.raises(KeyMismatch):
        store.add(forger.public_key, factory.COMMUNITY, "file", catalogue_id=catalogue)


def test_two_communities_with_one_name_are_both_trusted(tmp_path: Path, key: KeyPair) -> None:
    store = TrustStore(tmp_path / "trust.json")
    first = factory.make_bundle(tmp_path, "a.tkb", community="Comuna San Pedro")
    other_key = factory.community_key(4)
    second = factory.make_bundle(
        tmp_path,
        "b.tkb",
        key=other_key,
        community="Comuna San Pedro",
        catalogue_id=OTHER_CATALOGUE,
    )
    verify_bundle(first.path, trust=store, trust_key=key.public_key, now=factory.CREATED).close()
    # First use of a second key with the same name is never silent ...
    with pytest.raises(ConfusableName):
        verify_bundle(second.path, trust=store, tofu=True, now=factory.CREATED)
    # ... but naming its key file trusts exactly that key, as a second entry.
    with verify_bundle(
        second.path, trust=store, trust_key=other_key.public_key, now=factory.CREATED
    ) as report:
        assert report.newly_trusted
        assert [w.code for w in report.trust_warnings] == ["lookalike_name"]
    assert len(store.by_community("comuna san pedro")) == 2
    for bundle in (first, second):
        with verify_bundle(bundle.path, trust=store, now=factory.CREATED) as again:
            assert again.trust == "file" and not again.newly_trusted


def test_a_colliding_key_id_does_not_break_the_genuine_community(
    tmp_path: Path, key: KeyPair
) -> None:
    store = TrustStore(tmp_path / "trust.json")
    genuine = factory.make_bundle(tmp_path, "real.tkb")
    verify_bundle(genuine.path, trust=store, trust_key=key.public_key, now=factory.CREATED).close()
    seed = factory.community_key(5)
    collider = KeyPair(key.key_id, seed.secret_seed, seed.public)  # same 8-byte id
    forged = factory.make_bundle(
        tmp_path, "forged.tkb", key=collider, community="Sarayaku", catalogue_id=OTHER_CATALOGUE
    )
    with verify_bundle(forged.path, trust=store, tofu=True, now=factory.CREATED) as report:
        assert report.trust == "tofu"
    assert len(store.with_key_id(key.key_id)) == 2
    with verify_bundle(genuine.path, trust=store, now=factory.CREATED) as again:
        assert again.signer == key.public_key and again.trust == "file"
    with verify_bundle(
        genuine.path, trust=store, trust_key=key.public_key, now=factory.CREATED
    ) as named:
        assert named.signer == key.public_key


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
