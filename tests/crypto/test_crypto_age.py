"""Our age v1 implementation against the real age 1.1.1 binary, both ways."""

from __future__ import annotations

import io
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tkapp.cli.cmd_identity import new_identity
from tkapp.crypto import bech32
from tkapp.crypto.age import (
    AgeIdentity,
    AgeRecipient,
    decrypt_stream,
    encrypt_stream,
    parse_identity_file,
    recipient_sha256,
)
from tkapp.errors import (
    BundleIOError,
    DecryptionError,
    KeyFormatError,
    LimitExceeded,
    NotARecipient,
)

SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 200_001]


@pytest.mark.parametrize("size", SIZES)
def test_age_decrypts_what_we_encrypt(tmp_path: Path, size: int) -> None:
    identity, id_file = new_identity(tmp_path / "id.txt")
    data = os.urandom(size)
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sealed, [identity.recipient()])
    result = subprocess.run(
        ["age", "-d", "-i", str(id_file)], input=sealed.getvalue(), capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == data


@pytest.mark.parametrize("size", SIZES)
def test_we_decrypt_what_age_encrypts(size: int) -> None:
    keygen = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True).stdout
    (identity,) = parse_identity_file(keygen)
    public = next(x for x in keygen.splitlines() if x.startswith("# public key: "))[14:]
    assert str(identity.recipient()) == public
    data = os.urandom(size)
    other = AgeIdentity.generate()
    sealed = subprocess.run(
        ["age", "-r", public, "-r", str(other.recipient())],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    out = io.BytesIO()
    assert decrypt_stream(io.BytesIO(sealed), out, [AgeIdentity.generate(), identity]) == identity
    assert out.getvalue() == data


def test_identity_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    identity, path = new_identity(tmp_path / "id.txt")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert parse_identity_file(path.read_text()) == [identity]
    with pytest.raises(BundleIOError):
        new_identity(path)
    assert parse_identity_file(path.read_text()) == [identity]


def test_default_identity_goes_to_the_identities_folder() -> None:
    from tkapp.paths import identities_dir

    identity, path = new_identity()
    assert path.parent == identities_dir()
    assert str(identity.recipient())[4:16] in path.name


def test_not_a_recipient_and_damage_are_told_apart() -> None:
    me = AgeIdentity.generate()
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(b"x" * 100_000), sealed, [me.recipient()])
    data = sealed.getvalue()
    with pytest.raises(NotARecipient):
        decrypt_stream(io.BytesIO(data), io.BytesIO(), [AgeIdentity.generate()])
    with pytest.raises(NotARecipient):
        decrypt_stream(io.BytesIO(data), io.BytesIO(), [])
    for damaged in (data[:-1], data[:-65552], data + b"\x00", data.replace(b"---", b"--+", 1)):
        with pytest.raises((DecryptionError, NotARecipient)):
            decrypt_stream(io.BytesIO(damaged), io.BytesIO(), [me])
    flipped = bytearray(data)
    flipped[-10] ^= 1
    with pytest.raises(DecryptionError):
        decrypt_stream(io.BytesIO(bytes(flipped)), io.BytesIO(), [me])
    with pytest.raises(LimitExceeded):
        decrypt_stream(io.BytesIO(data), io.BytesIO(), [me], max_plaintext=1000)
    with pytest.raises(DecryptionError):
        decrypt_stream(io.BytesIO(b"-----BEGIN AGE ENCRYPTED FILE-----\n"), io.BytesIO(), [me])


def test_recipient_hash_is_sha256_of_the_text() -> None:
    import hashlib

    r = str(AgeIdentity.generate().recipient())
    assert recipient_sha256(r) == hashlib.sha256(r.encode()).hexdigest()
    assert AgeRecipient.from_string(r).sha256_hex == recipient_sha256(r)


def test_key_parsing_errors() -> None:
    with pytest.raises(KeyFormatError):
        AgeRecipient.from_string("age1notavalidkey")
    with pytest.raises(KeyFormatError):
        AgeIdentity.from_string("AGE-SECRET-KEY-1QQQ")
    with pytest.raises(KeyFormatError):
        parse_identity_file("# only a comment\n")
    good = str(AgeIdentity.generate().recipient())
    with pytest.raises(KeyFormatError):
        AgeRecipient.from_string(good[:-1] + ("q" if good[-1] != "q" else "p"))
    with pytest.raises(ValueError):
        bech32.decode("Age1Mixed")
