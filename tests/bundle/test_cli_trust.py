"""``tkapp trust`` and the trust rules of ``tkapp verify``, as a researcher uses them.

Real keys, real bundles, the real command line entry; an attacker's look-alike corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.cli.main import run_cli
from tkapp.crypto.keys import KeyPair
from tkapp.crypto.minisign import encode_public_key
from tkapp.paths import trust_store_path

REAL_NAME = "Comuna San Pedro (Napo)"
OTHER_CATALOGUE = "0d1e2f30-4152-4637-8899-aabbccddeeff"
ATTACKER_CATALOGUE = "a77ac4e2-0000-4000-8000-00000000dead"
CORPUS = {
    "cyrillic a": "Comuna S\u0430n Pedro (Napo)",
    "greek omicron": "C\u03bfmuna San Pedro (Napo)",
    "zero-width space": "Comuna San\u200b Pedro (Napo)",
    "zero-width joiner": "Comuna San Pedro\u200d (Napo)",
    "word joiner": "Comuna\u2060 San Pedro (Napo)",
    "combining mark": "Comuna San Pe\u0301dro (Napo)",
    "combining dot below": "Comuna San Pedro\u0323 (Napo)",
    "full-width parentheses": "Comuna San Pedro \uff08Napo\uff09",
    "full-width brackets": "Comuna San Pedro \uff3bNapo\uff3d",
    "right-to-left override": "Comuna \u202e)opaN( ordeP naS",
    "right-to-left isolate": "Comuna San Pedro \u2067(Napo)\u2069",
    "digit zero": "C0muna San Pedro (Napo)",
    "cyrillic er for p": "Comuna San Pedro (Na\u0440o)",
    "mathematical letters": "Comuna San \U0001d40f\U0001d41e\U0001d41d\U0001d42b\U0001d428 (Napo)",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run_cli(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _pub(tmp_path: Path, key: KeyPair, name: str) -> Path:
    path = tmp_path / name
    path.write_text(encode_public_key(key.public_key))
    return path


@pytest.fixture
def pinned(tmp_path: Path, key: KeyPair, capsys: pytest.CaptureFixture[str]) -> Path:
    """The real community's key, trusted in person; returns its bundle."""
    real = factory.make_bundle(tmp_path, "real.tkb", community=REAL_NAME)
    pub = _pub(tmp_path, key, "real.pub")
    code, _, _ = _run(capsys, "trust", "add", str(pub), "--community", REAL_NAME, "--in-person")
    assert code == 0
    return real.path


def test_lookalike_corpus_is_never_silently_trusted(
    tmp_path: Path, pinned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    attacker = factory.community_key(66)
    before = trust_store_path().read_bytes()
    for number, (label, name) in enumerate(CORPUS.items()):
        forged = factory.make_bundle(
            tmp_path,
            f"forged-{number}.tkb",
            key=attacker,
            community=name,
            catalogue_id=ATTACKER_CATALOGUE,
        )
        code, out, err = _run(capsys, "verify", str(forged.path), "--tofu")
        assert code == 2, label
        assert "looks like the name of a community you already trust" in err, label
        assert "<U+" in err or "Trusted key of" in err, label
        assert "Result: the bundle is valid." not in out
        # Nor with --json.
        code, out, _ = _run(capsys, "verify", str(forged.path), "--tofu", "--json")
        assert code == 2 and json.loads(out)["error"]["code"] == "confusable_name", label
    assert trust_store_path().read_bytes() == before  # nothing pinned
    # The genuine community still verifies with its pinned key.
    code, out, _ = _run(capsys, "verify", str(pinned))
    assert code == 0 and "fingerprint checked in person" in out


def test_an_older_bundle_still_verifies_and_says_a_newer_one_was_seen(
    tmp_path: Path, pinned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = factory.make_bundle(tmp_path, "newer.tkb", community=REAL_NAME, sequence=50)
    assert _run(capsys, "verify", str(newer.path))[0] == 0
    code, out, _ = _run(capsys, "verify", str(pinned))
    assert code == 0
    assert "A newer bundle from this community was seen before (number 50" in out


def test_trust_list_show_add_remove(
    tmp_path: Path, key: KeyPair, pinned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A second community with the very same name and its own key: two entries.
    other = factory.community_key(7)
    other_pub = _pub(tmp_path, other, "other.pub")
    code, out, err = _run(capsys, "trust", "add", str(other_pub), "--community", REAL_NAME)
    assert code == 0 and "looks like that of another community" in err
    code, out, _ = _run(capsys, "trust", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and len(listed) == 2
    assert {e["fingerprint"] for e in listed} == {
        key.public_key.fingerprint,
        other.public_key.fingerprint,
    }
    # Both bundles verify, each with its own key.
    second = factory.make_bundle(
        tmp_path, "b.tkb", key=other, community=REAL_NAME, catalogue_id=OTHER_CATALOGUE
    )
    for path in (pinned, second.path):
        code, out, _ = _run(capsys, "verify", str(path))
        assert code == 0, out
    code, out, _ = _run(capsys, "trust", "show", other.public_key.fingerprint[:10])
    assert code == 0 and f"urn:uuid:{OTHER_CATALOGUE}" in out
    code, out, _ = _run(capsys, "trust", "show", REAL_NAME.upper())
    assert code == 0 and out.count("Fingerprint:") == 2
    # A third key claiming the first catalogue: a warning with both fingerprints.
    third = factory.community_key(8)
    third_bundle = factory.make_bundle(tmp_path, "c.tkb", key=third, community="Nueva")
    code, _, err = _run(capsys, "verify", str(third_bundle.path), "--tofu")
    assert code == 1
    real_groups = " ".join(key.public_key.fingerprint.upper()[i : i + 4] for i in range(0, 16, 4))
    third_groups = " ".join(
        third.public_key.fingerprint.upper()[i : i + 4] for i in range(0, 16, 4)
    )
    assert real_groups in err and third_groups in err and "--replace" in err
    code, out, err = _run(
        capsys, "verify", str(third_bundle.path), "--trust", str(_pub(tmp_path, third, "3.pub"))
    )
    assert code == 0 and "you trust another key for this catalogue" in out
    # Replacing after an in-person check.
    catalogue = f"urn:uuid:{factory.CATALOGUE_ID}"
    code, _, _ = _run(
        capsys,
        "trust",
        "add",
        str(tmp_path / "3.pub"),
        "--community",
        "Nueva",
        "--catalogue",
        catalogue,
        "--in-person",
        "--replace",
    )
    assert code == 0
    assert _run(capsys, "verify", str(third_bundle.path))[0] == 0
    # Remove by fingerprint prefix; unknown references are "not found".
    assert _run(capsys, "trust", "remove", other.public_key.fingerprint[:12])[0] == 0
    assert _run(capsys, "trust", "remove", other.public_key.fingerprint[:12])[0] == 3
    code, out, _ = _run(capsys, "trust", "list", "--json")
    assert [e["fingerprint"] for e in json.loads(out)] == [third.public_key.fingerprint]
