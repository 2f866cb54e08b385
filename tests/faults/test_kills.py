"""Kill each writer mid-write, 20 times, then start: no temp file left, nothing lost (item 3).

Each run is killed while its temp file exists (the test watches the destination folder and
sends SIGKILL a few milliseconds after the temp file appears), so the kills land mid-write,
not before or after. Then the "next start" (``tkapp check``, which opens the catalogue) must
remove every leftover, in the catalogue's folder and in the backup/export folders, and the
catalogue must hold every committed record.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tkapp.errors import WrongPassphrase
from tkapp.services.catalogue import open_catalogue

from .conftest import OTHER, PASSPHRASE, cli_env, make_catalogue, run, start, temp_files

KILLS = 20
RECORDS = 4000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and /proc are POSIX-only"),
]


def _kill_mid_write(
    proc: subprocess.Popen[bytes], folders: list[Path], rng: random.Random
) -> tuple[bool, list[int]]:
    """SIGKILL ``proc`` soon after a temp file shows up; returns (killed mid-write, modes)."""
    modes: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        found = temp_files(*folders)
        if found:
            for path in found:
                with contextlib.suppress(FileNotFoundError):
                    modes.append(stat.S_IMODE(path.stat().st_mode))
            time.sleep(rng.uniform(0, 0.03))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True, modes
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    return False, modes


def _passphrase_of(path: Path) -> str:
    for candidate in (PASSPHRASE, OTHER):
        try:
            open_catalogue(path, candidate).close()
        except WrongPassphrase:
            continue
        return candidate
    raise AssertionError("neither passphrase opens the catalogue")


def _records(path: Path, passphrase: str) -> int:
    with open_catalogue(path, passphrase) as cat:
        assert cat.check().ok
        return cat.stats().records


WRITERS = ["passwd", "backup", "restore", "export"]


@pytest.mark.parametrize("writer", WRITERS)
def test_kill_writer_then_start_leaves_no_temp_file(tmp_path: Path, writer: str) -> None:
    home = tmp_path / "catalogues"
    out = tmp_path / "elsewhere"  # backups and exports go to another folder
    home.mkdir()
    out.mkdir()
    path = home / "c.tkc"
    if writer == "export":
        done = run(["demo", str(path)], cli_env())
        assert done.returncode == 0, done.stderr.decode()
    else:
        make_catalogue(path, records=RECORDS)
    backup = out / "backup.tkc"
    if writer == "restore":
        assert run(["backup", str(path), str(backup)], cli_env()).returncode == 0
    before = _records(path, PASSPHRASE)
    rng = random.Random(writer)
    mid_write = 0
    modes: set[int] = set()
    for n in range(KILLS):
        current = _passphrase_of(path) if writer == "passwd" else PASSPHRASE
        other = OTHER if current == PASSPHRASE else PASSPHRASE
        args = {
            "passwd": ["passwd", str(path)],
            "backup": ["backup", str(path), str(out / f"b{n}.tkc")],
            "restore": ["restore", str(backup), str(path), "--overwrite"],
            "export": ["export", str(path), str(out / f"e{n}.tkb"), "--recipient-name", "Ana",
                       "--as", "public_research", "--purpose", "research", "--yes"],
        }[writer]  # fmt: skip
        proc = start(args, cli_env(current, other))
        killed, seen = _kill_mid_write(proc, [home, out], rng)
        mid_write += killed
        modes.update(seen)
    left_before_start = temp_files(home, out)
    # The next start: any command that opens the catalogue (here `tkapp check`).
    current = _passphrase_of(path)
    checked = run(["check", str(path)], cli_env(current))
    assert checked.returncode == 0, checked.stderr.decode()
    assert temp_files(home, out) == []
    assert _records(path, current) == before
    # Temp files are owner-only from their first byte.
    assert modes <= {0o600}, {oct(m) for m in modes}
    print(
        f"\n{writer}: {KILLS} kills, {mid_write} mid-write, "
        f"{len(left_before_start)} temp files left before the next start, 0 after"
    )
    # Most kills really landed mid-write (the rest found the writer already done).
    assert mid_write >= KILLS // 2, mid_write
    assert os.listdir(home)  # the catalogue is still there
