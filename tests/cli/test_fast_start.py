"""The command line imports only what the command it runs needs (issue 19: fast start).

Not timed: the modules a fresh interpreter has loaded after ``tkapp --help`` and after
``tkapp verify --selftest`` are listed, and the heavy ones must not be among them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

ROOT_HEAVY = (
    "PySide6", "shiboken6", "sqlcipher3", "tkapp.store", "tkapp.services", "tkapp.bundle",
    "tkapp.licensing.terms", "tkapp.core", "zipfile", "logging", "tempfile", "getpass",
)  # fmt: skip


def _loaded_after(args: list[str]) -> list[str]:
    code = (
        "import io, json, sys, contextlib\n"
        "from tkapp.cli.main import run_cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        code = run_cli({args!r})\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
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
LIGHT_SERVICES = {"tkapp.services", "tkapp.services.verifying"}


def _heavy(modules: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    return [
        m
        for m in modules
        if m not in LIGHT_SERVICES and (m.split(".")[0] in extra or m.startswith(ROOT_HEAVY))
    ]


def test_help_loads_no_command_and_no_crypto() -> None:
    modules = _loaded_after(["--help"])
    commands = [m for m in modules if m.startswith("tkapp.cli.cmd_")]
    assert commands == []
    assert _heavy(modules, ("cryptography",)) == []


@pytest.mark.parametrize("as_json", [False, True])
def test_selftest_loads_the_primitives_it_checks_and_nothing_heavier(as_json: bool) -> None:
    modules = _loaded_after(["verify", "--selftest", *(["--json"] if as_json else [])])
    # Honest: the real signing and encryption code is what runs.
    assert {"tkapp.crypto.minisign", "tkapp.crypto.age", "tkapp.crypto.selftest"} <= set(modules)
    assert _heavy(modules) == []
