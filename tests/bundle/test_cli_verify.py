"""``tkapp verify`` and ``tkapp identity new`` through the real command line entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle.writer import WrittenBundle
from tkapp.cli.main import run_cli
from tkapp.crypto.age import parse_identity_file
from tkapp.crypto.fingerprint import fingerprint_of
from tkapp.paths import identities_dir


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run_cli(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_selftest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "verify", "--selftest")
    assert code == 0 and "age_known_file" in out
    code, out, _ = _run(capsys, "verify", "--selftest", "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_untrusted_then_trusted_with_a_key_file(
    capsys: pytest.CaptureFixture[str], bundle: WrittenBundle, pubfile: Path
) -> None:
    code, _, err = _run(capsys, "verify", str(bundle.path))
    assert code == 2
    words = " ".join(fingerprint_of(factory.community_key().public).words())
    assert "Key fingerprint words: " + words in err
    code, out, _ = _run(
        capsys,
        "verify",
        str(bundle.path),
        "--trust",
        str(pubfile),
        "--as",
        "public_research",
        "--purpose",
        "research",
    )
    assert code == 0
    assert factory.COMMUNITY in out and "Uso de la guayusa" in out
    assert "Result: the bundle is valid." in out
    code, out, _ = _run(
        capsys, "verify", str(bundle.path), "--json", "--as", "for_profit", "--purpose", "ip_claim"
    )
    report = json.loads(out)
    assert code == 0 and report["valid"] and report["trust"]["how"] == "file"
    assert report["decision"]["outcome"] == "not_allowed"
    assert report["signer"]["fingerprint"] == factory.community_key().fingerprint


def test_errors_have_stable_codes_and_exit_codes(
    capsys: pytest.CaptureFixture[str], bundle: WrittenBundle, pubfile: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.tkb"
    data = bytearray(bundle.path.read_bytes())
    data[200] ^= 0xFF
    damaged.write_bytes(bytes(data))
    code, out, _ = _run(capsys, "verify", str(damaged), "--trust", str(pubfile), "--json")
    assert code == json.loads(out)["error"]["exit_code"] in (1, 3)
    code, out, _ = _run(capsys, "verify", str(tmp_path / "missing.tkb"), "--json")
    assert code == 4 and json.loads(out)["error"]["code"] == "bundle_io"
    code, _, _ = _run(capsys, "verify", str(bundle.path), "--as", "public_research")
    assert code == 4
    code, _, err = _run(capsys, "verify", str(bundle.path), "--trust", str(tmp_path / "nope.pub"))
    assert code == 3 and "Traceback" not in err


def test_identity_new_then_open_an_encrypted_bundle(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "identity", "new")
    recipient = out.strip().splitlines()[-1]
    assert code == 0 and recipient.startswith("age1")
    (path,) = identities_dir().glob("*.txt")
    assert str(parse_identity_file(path.read_text())[0].recipient()) == recipient
    sealed = factory.make_bundle(
        tmp_path, "b.tkb.age", age_recipients=[recipient], encrypt_to=[recipient]
    )
    code, out, _ = _run(capsys, "verify", str(sealed.path), "--tofu", "--json")
    assert code == 0 and json.loads(out)["decrypted_by"] == recipient
    code, out, _ = _run(capsys, "identity", "new", "--out", str(tmp_path / "x.txt"), "--json")
    assert code == 0 and json.loads(out)["identity_file"] == str(tmp_path / "x.txt")


def test_verifying_a_bundle_loads_no_media_cleaner_store_or_qt(
    bundle: WrittenBundle, pubfile: Path, tmp_path: Path
) -> None:
    """``tkapp verify BUNDLE`` starts fast (issue 19): the terms pages name uncleanable media
    through the cleaner's reasons, but the cleaner (mutagen and its codecs) loads only if a
    reason needs one. Not timed: the modules a fresh interpreter has loaded are listed."""
    import os
    import subprocess
    import sys

    code = (
        "import io, sys, contextlib\n"
        "from tkapp.cli.main import run_cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = run_cli(['verify', {str(bundle.path)!r}, '--trust', {str(pubfile)!r}])\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "TKAPP_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    exit_code, *modules = result.stdout.split()
    assert exit_code == "0", result.stdout
    heavy = ("mutagen", "tkapp.mediaclean", "tkapp.store", "sqlcipher3", "PySide6")
    assert [m for m in modules if m.startswith(heavy)] == []
