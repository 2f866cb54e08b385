"""Fingerprints: hex groups, words to read aloud, QR code."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tkapp.crypto.fingerprint import QR_PREFIX, Fingerprint, fingerprint_of
from tkapp.crypto.keys import generate_keypair
from tkapp.crypto.wordlist import WORDS


def test_word_list_is_long_distinct_and_short() -> None:
    assert len(WORDS) == 256 == len(set(WORDS))
    assert all(4 <= len(w) <= 5 and w.isascii() and w.isalpha() for w in WORDS)
    # No word is a prefix of another, so words run together are still unambiguous.
    assert not any(a != b and b.startswith(a) for a in WORDS for b in WORDS)


def test_fingerprint_is_sha256_of_the_public_key() -> None:
    key = generate_keypair()
    fp = fingerprint_of(key.public)
    assert fp.hex == hashlib.sha256(key.public).hexdigest() == key.fingerprint
    groups = fp.groups()
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    assert "".join(groups).lower() == fp.hex
    assert Fingerprint.from_hex(fp.hex_groups()) == fp


def test_words_are_deterministic_and_follow_the_bytes() -> None:
    fp = Fingerprint(bytes(range(32)))
    assert fp.words() == [WORDS[i] for i in range(10)]
    assert fp.words(12)[-1] == WORDS[11]
    other = Fingerprint(bytes([1]) + bytes(range(1, 32)))
    assert fp.words() != other.words()


def test_qr_code_outputs(tmp_path: Path) -> None:
    fp = fingerprint_of(generate_keypair().public)
    assert fp.qr_payload == QR_PREFIX + fp.hex.upper()
    svg = fp.qr_svg()
    assert svg.startswith("<svg") and "</svg>" in svg
    png = fp.qr_png()
    assert png.startswith(b"\x89PNG")
    fp.write_qr_png(tmp_path / "fp.png")
    assert (tmp_path / "fp.png").read_bytes() == png
    assert "█" in fp.qr_terminal() or "▀" in fp.qr_terminal()
    assert fp.qr().mode == "alphanumeric"


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        Fingerprint.of_public_key(b"short")
    with pytest.raises(ValueError):
        Fingerprint.from_hex("abcd")
