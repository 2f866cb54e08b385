"""Our minisign format against the real minisign 0.11 binary, both ways."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from tkapp.crypto.keys import generate_keypair, key_id_hex
from tkapp.crypto.minisign import (
    encode_public_key,
    parse_public_key,
    parse_signature,
    sign,
    verify,
)
from tkapp.errors import BadSignature, KeyFormatError, SignatureFormatError

DATA = b'{"tkapp":"minisign interop","n":1}'


def _minisign(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["minisign", *args], cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL, check=False
    )


def test_minisign_verifies_what_we_sign(tmp_path: Path) -> None:
    key = generate_keypair()
    (tmp_path / "k.pub").write_text(encode_public_key(key.public_key))
    (tmp_path / "f").write_bytes(DATA)
    (tmp_path / "f.minisig").write_text(sign(DATA, key, "trusted: Añangu", "tkapp test"))
    ok = _minisign("-Vm", "f", "-p", "k.pub", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "Trusted comment: trusted: Añangu" in ok.stdout.decode()
    (tmp_path / "f").write_bytes(DATA + b" ")
    assert _minisign("-Vm", "f", "-p", "k.pub", cwd=tmp_path).returncode != 0


def test_we_verify_what_minisign_signs(tmp_path: Path) -> None:
    made = _minisign("-G", "-W", "-p", "m.pub", "-s", "m.key", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (tmp_path / "f").write_bytes(DATA)
    signed = _minisign("-S", "-s", "m.key", "-m", "f", "-t", "from minisign", cwd=tmp_path)
    assert signed.returncode == 0, signed.stderr
    key = parse_public_key((tmp_path / "m.pub").read_text())
    sig = parse_signature((tmp_path / "f.minisig").read_bytes())
    assert sig.trusted_comment == "from minisign"
    verify(sig, key, DATA)
    # minisign prints the same number as our key_id_hex, without leading zeros ("%lX").
    printed = (tmp_path / "m.pub").read_text().splitlines()[0].rsplit(" ", 1)[1]
    assert int(printed, 16) == int(key_id_hex(key.key_id), 16)
    with pytest.raises(BadSignature):
        verify(sig, key, DATA + b"!")
    tampered = (tmp_path / "f.minisig").read_bytes().replace(b"from minisign", b"from minisigN")
    with pytest.raises(BadSignature):
        verify(parse_signature(tampered), key, DATA)
    assert _minisign("-Vm", "f", "-p", "m.pub", "-x", "f.minisig", cwd=tmp_path).returncode == 0


def test_legacy_ed_signatures_are_refused(tmp_path: Path) -> None:
    key = generate_keypair()
    good = sign(DATA, key, "c", "u").splitlines()
    raw = key.private_key().sign(DATA)
    good[1] = base64.b64encode(b"Ed" + key.key_id + raw).decode()
    with pytest.raises(SignatureFormatError):
        parse_signature(("\n".join(good) + "\n").encode())


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.rstrip("\n"),  # no final LF
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t + "extra\n",
        lambda t: t.replace("trusted comment: ", "trusted  comment: "),
        lambda t: t.replace("untrusted comment: ", "comment: "),
    ],
)
def test_signature_files_are_parsed_strictly(edit: object) -> None:
    key = generate_keypair()
    text = sign(DATA, key, "c", "u")
    with pytest.raises(SignatureFormatError):
        parse_signature(edit(text).encode())  # type: ignore[operator]


def test_non_canonical_base64_padding_bits_are_refused() -> None:
    key = generate_keypair()
    lines = sign(DATA, key, "c", "u").splitlines()
    # The 64-byte global signature ends "==": the char before carries 4 unused bits.
    last = lines[3]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    idx = alphabet.index(last[-3])
    lines[3] = last[:-3] + alphabet[idx ^ 1] + "=="
    with pytest.raises(SignatureFormatError):
        parse_signature(("\n".join(lines) + "\n").encode())


def test_public_key_file_round_trip_and_errors() -> None:
    key = generate_keypair().public_key
    assert parse_public_key(encode_public_key(key)) == key
    assert parse_public_key(encode_public_key(key).splitlines()[1]) == key
    with pytest.raises(KeyFormatError):
        parse_public_key("untrusted comment: x\nRWnotbase64!!\n")
    with pytest.raises(KeyFormatError):
        parse_public_key("")
