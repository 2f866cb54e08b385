"""No unexpected errors (item 5): every CLI run ends in a documented exit code, plainly.

The three failures the red team found are pinned first; then Hypothesis drives the command
line with random arguments, file names of every length and character, existing, missing and
unwritable outputs, and hostile trust stores.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tkapp import paths
from tkapp.cli.main import run_cli

from .conftest import PASSPHRASE, make_catalogue

DOCUMENTED = {0, 1, 2, 3, 4, 5, 130}


def _cli(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_cli(["--lang", "en", *map(str, args)])
    return code, out.getvalue(), err.getvalue()


def _assert_plain(code: int, err: str) -> None:
    assert code in DOCUMENTED, (code, err)
    assert "Unexpected error" not in err, err
    assert "Traceback" not in err, err


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "c.tkc"
    make_catalogue(path, records=3)
    return path


def test_deeply_nested_trust_store_is_a_plain_error(tmp_path: Path) -> None:
    paths.trust_store_path().write_text("[" * 100_000 + "]" * 100_000)
    bundle = tmp_path / "b.tkb"
    bundle.write_bytes(b"PK\x05\x06" + bytes(18))
    code, _out, err = _cli("verify", bundle)
    _assert_plain(code, err)


def test_overlong_output_name_is_a_file_error(catalogue: Path, tmp_path: Path) -> None:
    for command in ("backup", "export-csv"):
        code, _out, err = _cli(command, catalogue, tmp_path / ("n" * 256))
        _assert_plain(code, err)
        assert code == 4, (command, err)
        assert "could not be read or written" in err or "name too long" in err.lower(), err


def test_export_csv_onto_an_existing_file(catalogue: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("keep me")
    code, _out, err = _cli("export-csv", catalogue, target)
    _assert_plain(code, err)
    assert code == 4, err
    assert target.read_text() == "keep me"


def test_received_prints_no_terminal_escapes(catalogue: Path) -> None:
    # Any id is fine: the point is that what the command prints is cleaned in one place.
    code, out, err = _cli("received", catalogue, "\x1b]0;pwned\x07\u202egpj.exe")
    _assert_plain(code, err)
    assert "\x1b" not in out + err
    assert "\u202e" not in out + err


_NAME_CHARS = st.characters(codec="utf-8", exclude_characters="/\x00")
_NAMES = st.one_of(
    st.text(_NAME_CHARS, min_size=1, max_size=40),
    st.integers(200, 300).map(lambda n: "x" * n),
    st.sampled_from([".", "..", "-", "--", "-x", " ", "~", "c.tkc", "missing/deep/out"]),
)
_COMMANDS = st.sampled_from(
    [
        ("backup", "CAT", "OUT"),
        ("backup", "CAT", "OUT", "--overwrite"),
        ("restore", "OUT", "CAT2"),
        ("export-csv", "CAT", "OUT"),
        ("export-csv", "CAT", "OUT.zip"),
        ("export-geojson", "CAT", "OUT"),
        ("export-dwca", "CAT", "OUT"),
        ("verify", "OUT"),
        ("verify", "OUT", "--trust", "OUT"),
        ("info", "OUT"),
        ("check", "OUT"),
        ("search", "CAT", "OUT"),
        ("show", "CAT", "OUT"),
        ("received", "CAT", "OUT"),
        ("import", "CAT", "OUT"),
        ("import-csv", "CAT", "OUT", "--dry-run"),
        ("import-bundle", "CAT", "OUT"),
        ("key", "OUT"),
        ("OUT",),
    ]
)
_STATE = st.sampled_from(["missing", "file", "folder", "unwritable", "junk", "deep-json"])


@pytest.mark.slow
@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="chmod-based unwritable folders are POSIX")
@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=_COMMANDS, name=_NAMES, state=_STATE, trust=st.booleans())
def test_cli_fuzz_ends_in_a_documented_exit_code(
    catalogue: Path, tmp_path: Path, command: tuple[str, ...], name: str, state: str, trust: bool
) -> None:
    work = tmp_path / "fuzz"
    work.mkdir(exist_ok=True)
    os.chmod(work, 0o700)
    for child in work.iterdir():
        if child.is_dir():
            os.chmod(child, 0o700)
    target = work / name
    with contextlib.suppress(OSError):
        if state == "file":
            target.write_bytes(b"some bytes")
        elif state == "folder":
            target.mkdir(exist_ok=True)
        elif state == "junk":
            target.write_bytes(os.urandom(300))
        elif state == "deep-json":
            target.write_text("{" * 5000)
        elif state == "unwritable":
            os.chmod(work, 0o500)
    store = paths.trust_store_path()
    if trust:
        store.write_text('{"version": 1, "keys": ' + "[" * 3000 + "]" * 3000 + "}")
    else:
        store.unlink(missing_ok=True)
    values = {
        "CAT": str(catalogue),
        "CAT2": str(work / "restored.tkc"),
        "OUT": str(target),
        "OUT.zip": str(target) + ".zip",
    }
    argv = [values.get(a, a) for a in command]
    try:
        code, _out, err = _cli(*argv)
    finally:
        os.chmod(work, 0o700)
    _assert_plain(code, err)
