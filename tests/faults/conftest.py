"""The fault suite (issue 20): concurrent writers, kills, full and read-only disks.

Real processes (``python -m tkapp ...``) on real SQLCipher files in tmp folders, with the
test-only fast KDF profile so each round takes well under a second of key derivation.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tkapp.atomicfile import TEMP_SUFFIX
from tkapp.core.model import Community
from tkapp.services.catalogue import create_catalogue, open_catalogue

PASSPHRASE = "faults: first passphrase"
OTHER = "faults: second passphrase"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast_kdf(fast_kdf: None) -> None:
    """Every test here uses the shared fast test-only KDF (tests/conftest.py)."""


def cli_env(passphrase: str = PASSPHRASE, new: str | None = None) -> dict[str, str]:
    env = {**os.environ, "TKAPP_PASSPHRASE": passphrase, "TKAPP_KDF_PROFILE": "fast"}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("TKAPP_NEW_PASSPHRASE", None)
    if new is not None:
        env["TKAPP_NEW_PASSPHRASE"] = new
    return env


def start(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tkapp", "--lang", "en", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tkapp", "--lang", "en", *args],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )


def write_csv(path: Path, n: int, prefix: str = "Registro") -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description"])
        for i in range(n):
            writer.writerow([f"{prefix} {i}", "hoja corteza raíz semilla " * 4])


def make_catalogue(path: Path, records: int = 30, passphrase: str = PASSPHRASE) -> None:
    """A catalogue with ``records`` records (imported in one step)."""
    cat = create_catalogue(path, passphrase, Community("Faults"))
    try:
        if records:
            from tkapp.services.importing import run_import

            source = path.with_name(path.name + ".seed.csv")
            write_csv(source, records, "Semilla")
            run_import(cat, source)
            source.unlink()
    finally:
        cat.close()


def record_count(path: Path, passphrase: str) -> int:
    """Records in the catalogue after ``tkapp check``-level checks pass."""
    with open_catalogue(path, passphrase) as cat:
        report = cat.check()
        assert report.ok, report
        return cat.stats().records


def temp_files(*folders: Path) -> list[Path]:
    """tkapp temp files (and SQLite side files of them) in ``folders``."""
    return sorted(p for f in folders for p in f.iterdir() if TEMP_SUFFIX in p.name)
