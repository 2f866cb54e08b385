"""A large import killed mid-way leaves the catalogue exactly as before (issue 19).

The import runs in one rollback-journal transaction (``Database.bulk_transaction``): its rows
spill to the catalogue file while it runs, and the next open must roll the hot journal back.
The test kills the real CLI once rows have reached the main file (it grew), then opens it.
"""

from __future__ import annotations

import csv
import signal
import sys
import time
from pathlib import Path

import pytest

from .conftest import PASSPHRASE, cli_env, make_catalogue, record_count, start

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only"),
]


def _big_rows(path: Path, n: int) -> None:
    """Rows large enough to fill the 32 MiB page cache, so pages spill before the commit."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description"])
        for i in range(n):
            words = " ".join(f"palabra{(i * 7 + k) % 997}" for k in range(300))
            writer.writerow([f"Registro grande {i}", words])


def test_killed_import_leaves_the_catalogue_as_before(tmp_path: Path) -> None:
    cat = tmp_path / "c.tkc"
    make_catalogue(cat, records=30)
    before_size = cat.stat().st_size
    source = tmp_path / "big.csv"
    _big_rows(source, 12_000)
    journal = Path(str(cat) + "-journal")
    proc = start(["import", str(cat), str(source)], cli_env())
    spilled = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and cat.stat().st_size > before_size + 4 * 2**20:
            spilled = True  # uncommitted rows are in the main file now
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait()
    assert spilled, "the import ended before its rows reached the main file"
    assert not Path(str(cat) + "-wal").exists()  # rollback-journal mode: no WAL growing
    assert journal.exists()  # the hot journal the next open must roll back
    assert record_count(cat, PASSPHRASE) == 30
    assert not journal.exists()
