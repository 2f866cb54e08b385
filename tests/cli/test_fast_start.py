"""The command line imports only what the command it runs needs (issue 19: fast start).

Not timed: the modules a fresh interpreter has loaded after ``tkapp --help`` and after
``tkapp verify --selftest`` are listed, and the heavy ones must not be among them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

ROOT_HEAVY = (
    "PySide6", "shiboken6", "sqlcipher3", "tkapp.store", "tkapp.services", "tkapp.bundle",
    "tkapp.licensing.terms", "tkapp.core", "zipfile", "logging", "tempfile", "getpass",
)  # fmt: skip


def _loaded_after(args: list[str]) -> list[str]:
    code = (
        "import io, sys, contextlib\n"
        "from tkapp.cli.main import run_cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        code = run_cli({args!r})\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "modules = sorted(sys.modules)\n"
        "import json\n"  # after the list is taken: tkapp's own imports only
        "print(json.dumps([code, modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    code, modules = json.loads(result.stdout.splitlines()[-1])
    assert code in (0, None)
    return list(modules)


#: The CLI reaches the self-test through its service (front ends may not import tkapp.crypto:
#: an import-linter contract); that service module and its package stay light on purpose.
LIGHT_SERVICES = {"tkapp.services", "tkapp.services.diagnostics"}


def _heavy(modules: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    return [
        m
        for m in modules
        if m not in LIGHT_SERVICES and (m.split(".")[0] in extra or m.startswith(ROOT_HEAVY))
    ]


#: Standard modules the first line of output does not need (issue 19): ``json`` only for
#: ``--json``, ``shutil`` (with bz2 and lzma) that argparse imports for the terminal width,
#: ``datetime`` and ``string`` that only formatting and catalogue tools use.
START_LIGHT = ("json", "shutil", "bz2", "lzma", "datetime", "string")

#: What the self-test's own code need not load (issue 19): the dataclasses module (it brings
#: inspect, dis, ast and tokenize; the crypto values it builds are NamedTuples), the verifier's
#: service and the atomic file writer (the self-test writes nothing).
SELFTEST_LIGHT = (
    "dataclasses", "inspect", "dis", "ast", "tokenize", "copy",
    "tkapp.services.verifying", "tkapp.atomicfile",
)  # fmt: skip


def test_help_loads_no_command_and_no_crypto() -> None:
    modules = _loaded_after(["--help"])
    commands = [m for m in modules if m.startswith("tkapp.cli.cmd_")]
    assert commands == []
    assert _heavy(modules, ("cryptography",)) == []
    assert [m for m in START_LIGHT if m in modules] == []


@pytest.mark.parametrize("as_json", [False, True])
def test_selftest_loads_the_primitives_it_checks_and_nothing_heavier(as_json: bool) -> None:
    modules = _loaded_after(["verify", "--selftest", *(["--json"] if as_json else [])])
    # Honest: the real signing and encryption code is what runs.
    assert {"tkapp.crypto.minisign", "tkapp.crypto.age", "tkapp.crypto.selftest"} <= set(modules)
    assert _heavy(modules) == []
    light = [m for m in START_LIGHT if not (as_json and m == "json")]
    assert [m for m in light if m in modules] == []
    assert [m for m in SELFTEST_LIGHT if m in modules] == []


@pytest.mark.parametrize("command", ["", "verify", "search"])
def test_only_the_command_run_gets_a_parser(command: str) -> None:
    """The other commands are listed in the help without a parser each (argparse builds a
    whole parser per command, most of ``--help``'s own time)."""
    from tkapp.cli.commands import COMMANDS, module_of
    from tkapp.cli.main import build_parser

    parser = build_parser(command)
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    listed = [action.dest for action in subparsers._choices_actions]
    assert listed == [entry.name for entry in COMMANDS]  # every command, in table order
    built = {name for name, p in subparsers.choices.items() if p.get_default("handler")}
    assert built == {e.name for e in COMMANDS if command and e.module == module_of(command)}
    # The rest share one stand-in (a mistyped command's message still names them all).
    assert len({id(p) for name, p in subparsers.choices.items() if name not in built}) == 1


def test_a_mistyped_command_still_names_every_command() -> None:
    from tkapp.cli.main import run_cli

    result = subprocess.run(
        [sys.executable, "-m", "tkapp", "verfy", "x.tkb"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "TKAPP_LANG": "en"},
    )
    assert result.returncode == 4
    assert "invalid choice: 'verfy'" in result.stderr
    assert all(f"'{entry}'" in result.stderr for entry in ("verify", "export", "localcontexts"))
    assert run_cli(["verify", "--selftest"]) == 0  # and the run command works in full
