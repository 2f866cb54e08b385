"""age as users produce it: ASCII armour from stock ``age -a``, and clear refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle.verifier import verify_bundle
from tkapp.cli.main import run_cli
from tkapp.crypto.age import AgeIdentity, write_identity_file
from tkapp.crypto.keys import KeyPair
from tkapp.errors import DecryptionError, NotAnAgeFile, NotARecipient


def _age(*args: str) -> None:
    subprocess.run(["age", *args], check=True, capture_output=True)


@pytest.fixture
def me(tmp_path: Path) -> tuple[AgeIdentity, Path]:
    identity = AgeIdentity.generate()
    path = tmp_path / "me.txt"
    write_identity_file(path, identity)
    return identity, path


def test_armoured_round_trip_with_stock_age(
    tmp_path: Path, key: KeyPair, me: tuple[AgeIdentity, Path]
) -> None:
    identity, id_file = me
    r = str(identity.recipient())
    sealed = factory.make_bundle(tmp_path, "b.tkb.age", age_recipients=[r], encrypt_to=[r])
    plain = tmp_path / "plain.tkb"
    _age("-d", "-i", str(id_file), "-o", str(plain), str(sealed.path))
    armoured = tmp_path / "armoured.tkb.age"
    _age("-a", "-r", r, "-o", str(armoured), str(plain))
    assert armoured.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    with verify_bundle(
        armoured, trust=None, trust_key=key.public_key, identities=[identity], now=factory.CREATED
    ) as report:
        assert report.encrypted and report.decrypted_by == r
        assert report.trust_warnings == ()
    # Someone else's key: "made for someone else", not "damaged".
    with pytest.raises(NotARecipient):
        verify_bundle(
            armoured,
            trust=None,
            trust_key=key.public_key,
            identities=[AgeIdentity.generate()],
            now=factory.CREATED,
        )
    # A damaged armour line is a decryption error, not a crash.
    text = armoured.read_bytes().splitlines(keepends=True)
    text[1] = text[1][:10] + b"!" + text[1][11:]
    armoured.write_bytes(b"".join(text))
    with pytest.raises(DecryptionError):
        verify_bundle(
            armoured,
            trust=None,
            trust_key=key.public_key,
            identities=[identity],
            now=factory.CREATED,
        )


def test_stock_age_of_an_unencrypted_bundle_is_valid_with_a_note(
    tmp_path: Path, key: KeyPair, me: tuple[AgeIdentity, Path]
) -> None:
    identity, _ = me
    plain = factory.make_bundle(tmp_path, "plain.tkb")
    for armour in ([], ["-a"]):
        out = tmp_path / f"wrapped{len(armour)}.tkb.age"
        _age(*armour, "-r", str(identity.recipient()), "-o", str(out), str(plain.path))
        with verify_bundle(
            out, trust=None, trust_key=key.public_key, identities=[identity], now=factory.CREATED
        ) as report:
            assert [w.code for w in report.trust_warnings] == ["encrypted_after_signing"]


def test_not_age_at_all_versus_someone_elses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], me: tuple[AgeIdentity, Path]
) -> None:
    _, id_file = me
    junk = tmp_path / "junk.tkb.age"
    junk.write_bytes(b"hello, this is a text file\n" * 10)
    with pytest.raises(NotAnAgeFile):
        verify_bundle(junk, trust=None, identities=[], now=factory.CREATED)
    code = run_cli(["verify", str(junk), "--identity", str(id_file)])
    err = capsys.readouterr().err
    assert code == 3 and "not an age-encrypted file" in err
    other = AgeIdentity.generate()
    r = str(other.recipient())
    sealed = factory.make_bundle(tmp_path, "theirs.tkb.age", age_recipients=[r], encrypt_to=[r])
    code = run_cli(["verify", str(sealed.path), "--identity", str(id_file)])
    err = capsys.readouterr().err
    assert code == 2 and "encrypted for someone else" in err
