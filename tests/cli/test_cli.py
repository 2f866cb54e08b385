"""The command line: end-to-end flows in a subprocess, the rest in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tkapp.cli.main import run_cli
from tkapp.crypto.minisign import parse_public_key

from .conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def tk(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tkapp", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TKAPP_KDF_PROFILE": "fast", "TKAPP_LANG": "en", **(env or {})},
        input=stdin,
        check=False,
    )


@pytest.fixture
def with_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("TKAPP_LANG", "en")


def test_end_to_end_in_subprocess(tmp_path: Path) -> None:
    cat = tmp_path / "c.tkc"
    env = {"TKAPP_PASSPHRASE": PASSPHRASE}
    result = tk("init", str(cat), "--community", "Sacha Yaku", "--language", "es", env=env)
    assert result.returncode == 0, result.stderr
    assert "Created catalogue" in result.stdout
    csv_file = tmp_path / "r.csv"
    csv_file.write_text(
        "title,scientific_name\nMedicína del monte,Uncaria tomentosa\n", encoding="utf-8"
    )
    result = tk("import", str(cat), str(csv_file), env=env)
    assert result.returncode == 0, result.stderr
    result = tk("search", str(cat), "medicina", "--json", env=env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["title"] for r in rows] == ["Medicína del monte"]
    result = tk("show", str(cat), rows[0]["id"], env=env)
    assert "Uncaria tomentosa" in result.stdout
    result = tk("check", str(cat), env=env)
    assert result.returncode == 0 and "sound" in result.stdout
    # A wrong passphrase: one clear line, exit 5, no traceback.
    result = tk("search", str(cat), "x", env={"TKAPP_PASSPHRASE": "wrong"})
    assert result.returncode == 5
    assert result.stderr.strip() == (
        "Error: Wrong passphrase. Type it again: capital letters, accents and spaces count."
    )
    assert "Traceback" not in result.stderr


def test_passphrase_file_and_no_tty(tmp_path: Path) -> None:
    cat = tmp_path / "c.tkc"
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert (
        tk("init", str(cat), "--community", "X", "--passphrase-file", str(secret)).returncode == 0
    )
    result = tk("info", str(cat), "--passphrase-file", str(secret), "--json")
    assert json.loads(result.stdout)["stats"]["records"] == 0
    # No environment variable, no file, stdin not a terminal: a usage error, not a hang.
    result = tk("info", str(cat), stdin="")
    assert result.returncode == 4
    assert "TKAPP_PASSPHRASE" in result.stderr


def test_demo_and_key(
    tmp_path: Path, with_passphrase: None, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.tkc"
    assert run_cli(["demo", str(demo)]) == 0
    assert "30 records" in capsys.readouterr().out
    assert run_cli(["demo", str(demo)]) == 5  # exists
    assert "already exists" in capsys.readouterr().err
    pub = tmp_path / "community.pub"
    assert run_cli(["key", str(demo), "--public-out", str(pub), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    key = parse_public_key(pub.read_text())
    assert key.public.hex() == info["public_key"]
    assert len(info["fingerprint"]) == 64 and len(info["words"]) == 10
    assert run_cli(["key", str(demo)]) == 0
    assert info["key_id"] in capsys.readouterr().out


def test_search_show_filters(
    tmp_path: Path, with_passphrase: None, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.tkc"
    run_cli(["demo", str(demo)])
    capsys.readouterr()
    assert run_cli(["search", str(demo), "guayusa", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all("id" in r for r in rows)
    assert run_cli(["search", str(demo), "--access", "secret_sacred", "--json"]) == 0
    secret = json.loads(capsys.readouterr().out)
    assert [r["access"] for r in secret] == ["secret_sacred"] * len(secret) and secret
    assert run_cli(["show", str(demo), secret[0]["id"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["access"] == "secret_sacred" and shown["in_trash"] is False
    assert run_cli(["show", str(demo), "no-such-id"]) == 3
    assert run_cli(["search", str(demo), "xyzzy"]) == 0
    assert "No records found." in capsys.readouterr().out
    assert run_cli(["search", str(demo), "guayusa", "--lang", "es"]) == 0


def test_passwd_backup_restore(
    tmp_path: Path,
    with_passphrase: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cat = tmp_path / "c.tkc"
    assert run_cli(["init", str(cat), "--community", "X"]) == 0
    backup = tmp_path / "b.tkc"
    assert run_cli(["backup", str(cat), str(backup)]) == 0
    assert run_cli(["backup", str(cat), str(backup)]) == 5
    monkeypatch.setenv("TKAPP_NEW_PASSPHRASE", "otra frase")
    assert run_cli(["passwd", str(cat)]) == 0
    assert run_cli(["info", str(cat)]) == 5  # old passphrase no longer opens it
    monkeypatch.setenv("TKAPP_PASSPHRASE", "otra frase")
    assert run_cli(["check", str(cat)]) == 0
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    restored = tmp_path / "restored.tkc"
    assert run_cli(["restore", str(backup), str(restored)]) == 0
    assert run_cli(["info", str(restored)]) == 0
    assert run_cli(["restore", str(backup), str(restored)]) == 5
    assert run_cli(["restore", str(backup), str(restored), "--overwrite"]) == 0


def test_check_reports_tampering(
    tmp_path: Path, with_passphrase: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from tkapp.services.catalogue import open_catalogue

    demo = tmp_path / "demo.tkc"
    run_cli(["demo", str(demo)])
    with open_catalogue(demo, PASSPHRASE) as cat:
        cat._db.conn.execute("UPDATE audit SET action = 'x' WHERE seq = 3")
    capsys.readouterr()
    assert run_cli(["check", str(demo)]) == 1
    out = capsys.readouterr().out
    assert "PROBLEMS FOUND" in out and "Audit log" in out
    assert run_cli(["check", str(demo), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_import_errors_and_usage(
    tmp_path: Path, with_passphrase: None, capsys: pytest.CaptureFixture[str]
) -> None:
    cat = tmp_path / "c.tkc"
    run_cli(["init", str(cat), "--community", "X"])
    bad = tmp_path / "bad.csv"
    bad.write_text("title,latitude,longitude\nok,1,1\nbad,abc,1\n", encoding="utf-8")
    capsys.readouterr()
    assert run_cli(["import", str(cat), str(bad)]) == 3
    assert "row 3: not a number" in capsys.readouterr().err
    assert run_cli(["import", str(cat), str(bad), "--skip-errors"]) == 3
    captured = capsys.readouterr()
    assert "Imported: 1 new" in captured.out and "bad.csv, row 3 (latitude)" in captured.err
    assert run_cli(["import", str(cat), str(tmp_path / "none.csv")]) == 4
    assert run_cli(["nonsense"]) == 4
    assert run_cli(["search"]) == 4
    assert run_cli([]) == 4
    assert run_cli(["--help"]) == 0
    assert run_cli(["info", str(tmp_path / "missing.tkc")]) == 5
    assert "Traceback" not in capsys.readouterr().err


def test_unexpected_error_has_no_traceback(
    tmp_path: Path,
    with_passphrase: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import tkapp.services.keys as keys_service

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("internal")

    monkeypatch.setattr(keys_service, "fingerprint", boom)
    cat = tmp_path / "c.tkc"
    assert run_cli(["init", str(cat), "--community", "X"]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        run_cli(["key", str(cat), "--debug"])


def test_search_names_categories_in_the_chosen_language(tmp_path: Path) -> None:
    catalogue = tmp_path / "demo.tkc"
    env = {"TKAPP_PASSPHRASE": PASSPHRASE, "TKAPP_DATA_DIR": str(tmp_path / "data")}
    assert tk("demo", str(catalogue), env=env).returncode == 0
    spanish = tk("--lang", "es", "search", str(catalogue), "quinua", env=env)
    assert spanish.returncode == 0, spanish.stderr
    assert "Alimentación" in spanish.stdout and "food" not in spanish.stdout
    english = tk("search", str(catalogue), "quinua", env=env)
    assert "Food" in english.stdout


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    catalogue = tmp_path / "demo.tkc"
    env = {
        **os.environ,
        "TKAPP_KDF_PROFILE": "fast",
        "TKAPP_PASSPHRASE": PASSPHRASE,
        "TKAPP_DATA_DIR": str(tmp_path / "data"),
    }
    assert tk("demo", str(catalogue), env=env).returncode == 0
    # A reader that takes nothing and leaves, like `| head -0`.
    proc = subprocess.Popen(
        [sys.executable, "-m", "tkapp", "search", str(catalogue), "a"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _out, errors = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert b"Error" not in errors and b"Traceback" not in errors
