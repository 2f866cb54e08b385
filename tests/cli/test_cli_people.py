"""``tkapp people ...`` and ``--person`` / ``TKAPP_PERSON`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tkapp.cli.main import run_cli
from tkapp.store import keyslots

ANA, ROSA = "ana: cli phrase", "rosa: cli phrase"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")
    monkeypatch.delenv("TKAPP_PERSON", raising=False)
    monkeypatch.delenv("TKAPP_NEW_PASSPHRASE", raising=False)


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run_cli(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_people_commands_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cat = str(tmp_path / "village.tkc")
    ana, rosa = _secret(tmp_path, "ana", ANA), _secret(tmp_path, "rosa", ROSA)
    as_ana = ["--passphrase-file", ana, "--person", "Ana"]
    code, out, _err = _cli(
        capsys,
        "init",
        cat,
        "--community",
        "Sacha Yaku",
        "--passphrase-file",
        ana,
        "--person",
        "Ana",
    )
    assert code == 0, out
    assert keyslots.slots_path(Path(cat)).exists()

    code, out, err = _cli(
        capsys,
        "people",
        "add",
        cat,
        "Rosa",
        "--groups",
        "Midwives, healers",
        "--new-passphrase-file",
        rosa,
        *as_ana,
    )
    assert code == 0, err
    assert "Rosa was added as member." in out

    code, out, err = _cli(capsys, "people", "list", cat, "--json", *as_ana)
    assert code == 0, err
    people = {p["name"]: p for p in json.loads(out)}
    assert people["Ana"]["role"] == "custodian" and people["Ana"]["groups"] == ["custodians"]
    assert people["Rosa"]["groups"] == ["healers", "midwives"]

    # Two people now: a command without a name is refused with the list of names (exit 4).
    code, _out, err = _cli(capsys, "info", cat, "--passphrase-file", ana)
    assert code == 4 and "Say who you are: Ana, Rosa" in err

    # A member cannot manage people (exit 2).
    code, _out, err = _cli(
        capsys,
        "people",
        "set-role",
        cat,
        "Rosa",
        "custodian",
        "--passphrase-file",
        rosa,
        "--person",
        "rosa",
    )
    assert code == 2 and "does not allow" in err
    code, out, err = _cli(capsys, "key", cat, "--passphrase-file", rosa, "--person", "Rosa")
    assert code == 0, err  # the public key is for everyone; signing is for custodians
    assert "Fingerprint" in out

    code, out, err = _cli(capsys, "people", "set-groups", cat, "Rosa", "midwives", *as_ana)
    assert code == 0, err
    assert "Rosa's groups: midwives" in out

    # Rosa changes her own passphrase; Ana's still works.
    new = _secret(tmp_path, "rosa-new", "rosa: brand new")
    code, _out, err = _cli(
        capsys,
        "people",
        "passwd",
        cat,
        "--passphrase-file",
        rosa,
        "--person",
        "Rosa",
        "--new-passphrase-file",
        new,
    )
    assert code == 0, err
    code, _out, _err = _cli(capsys, "info", cat, "--passphrase-file", rosa, "--person", "Rosa")
    assert code == 5
    code, _out, err = _cli(capsys, "info", cat, "--passphrase-file", new, "--person", "Rosa")
    assert code == 0, err

    code, out, err = _cli(capsys, "people", "remove", cat, "Rosa", "--rotate", *as_ana)
    assert code == 0, err
    assert "new database key" in out
    code, _out, err = _cli(capsys, "info", cat, "--passphrase-file", new, "--person", "Rosa")
    assert code == 3  # nobody called Rosa any more
    code, _out, err = _cli(capsys, "info", cat, "--passphrase-file", ana)  # one person again
    assert code == 0, err


def test_person_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = str(tmp_path / "c.tkc")
    ana, rosa = _secret(tmp_path, "ana", ANA), _secret(tmp_path, "rosa", ROSA)
    assert _cli(capsys, "init", cat, "--community", "X", "--passphrase-file", ana)[0] == 0
    code, _out, err = _cli(
        capsys,
        "people",
        "add",
        cat,
        "Rosa",
        "--role",
        "viewer",
        "--passphrase-file",
        ana,
        "--new-passphrase-file",
        rosa,
    )
    assert code == 0, err
    monkeypatch.setenv("TKAPP_PERSON", "Rosa")
    code, out, err = _cli(capsys, "people", "list", cat, "--passphrase-file", rosa)
    assert code == 0, err
    assert "Rosa: viewer" in out and "custodian: custodian" in out
