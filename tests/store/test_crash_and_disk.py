"""Crash safety (SIGKILL at random moments) and no plaintext on disk."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from catalogue_fixture import PASSPHRASE

from tkapp.core.model import Community
from tkapp.services.catalogue import create_catalogue, open_catalogue

WORKLOAD = Path(__file__).resolve().parent / "workload.py"
BATCH = 5000


def _env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TKAPP_PASSPHRASE": PASSPHRASE,
        "TKAPP_KDF_PROFILE": "fast",
        "TMPDIR": str(tmp),
        "TEMP": str(tmp),
        "TMP": str(tmp),
    }


def _write_csv(path: Path, n: int) -> None:
    rng = random.Random(7)
    words = [
        "hoja",
        "corteza",
        "raíz",
        "semilla",
        "fruto",
        "resina",
        "bejuco",
        "chakra",
        "río",
        "monte",
        "abuela",
        "cocimiento",
        "infusión",
        "baño",
        "dolor",
        "fiebre",
        "herida",
        "alimento",
        "fiesta",
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description", "scientific_name", "holders", "labels"])
        for i in range(n):
            writer.writerow(
                [
                    f"Registro {i} {rng.choice(words)}",
                    " ".join(rng.choice(words) for _ in range(60)),
                    rng.choice(["Uncaria tomentosa", "Ilex guayusa", "Croton lechleri"]),
                    rng.choice(["Rosa Grefa", "Segundo Tapuy"]),
                    "tka",
                ]
            )


def _assert_whole(path: Path) -> int:
    with open_catalogue(path, PASSPHRASE) as cat:
        report = cat.check()
        assert report.ok, report
        conn = cat._db.conn
        total = conn.execute("SELECT count(*) FROM record").fetchone()[0]
        assert total % BATCH == 0, total  # an import is all or nothing
        fts = conn.execute("SELECT count(*) FROM record_fts").fetchone()[0]
        assert fts == total
        assert conn.execute("SELECT count(*) FROM record_data").fetchone()[0] == total
        labels = conn.execute("SELECT count(*) FROM record_label").fetchone()[0]
        assert labels == total
        for title, data in conn.execute(
            "SELECT r.title, d.data FROM record r JOIN record_data d ON d.rowid = r.rowid"
        ):
            assert json.loads(data)["title"] == title
        return int(total)


@pytest.mark.slow
def test_sigkill_during_import_and_edits(tmp_path: Path) -> None:
    path = tmp_path / "crash.tkc"
    create_catalogue(path, PASSPHRASE, Community("Crash")).close()
    source = tmp_path / "records.csv"
    _write_csv(source, BATCH)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    rng = random.Random(20260101)
    seen: set[int] = set()
    for round_ in range(20):
        proc = subprocess.Popen(
            [sys.executable, str(WORKLOAD), "crash", str(path), str(source)],
            env=_env(tmp),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if round_ % 4 == 3:
            # Some kills wait for a committed import, so a loaded machine (where every timed
            # kill lands before the commit) still tests kills during the edits that follow.
            assert proc.stdout is not None
            proc.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.5))
        else:
            time.sleep(rng.uniform(0.3, 2.2))
        proc.send_signal(signal.SIGKILL)
        _out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode()
        seen.add(_assert_whole(path))
    # The kills landed both before and after imports committed.
    assert len(seen) >= 2, seen


def test_no_plaintext_on_disk(tmp_path: Path) -> None:
    marker = "ZQXMARKER" + os.urandom(4).hex().upper()
    folder = tmp_path / "catalogues"
    folder.mkdir()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    path = folder / "markers.tkc"
    backup = folder / "markers-backup.tkc"
    proc = subprocess.Popen(
        [sys.executable, str(WORKLOAD), "markers", str(path), str(backup), marker],
        env=_env(tmp),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read() if proc.stderr else ""
    needles = [marker.encode(), marker.lower().encode(), marker.encode("utf-16-le")]

    def scan() -> list[str]:
        files = [p for p in [*folder.rglob("*"), *tmp.rglob("*")] if p.is_file()]
        assert any(p.name.endswith("-wal") for p in files) or not proc.poll()
        found = []
        for file in files:
            data = file.read_bytes()
            found += [file.name for needle in needles if needle in data]
        return found

    names_open = sorted(p.name for p in folder.iterdir())
    assert "markers.tkc-wal" in names_open and "markers-backup.tkc" in names_open
    assert scan() == []
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "DONE"
    assert proc.wait(timeout=30) == 0
    assert scan() == []
    # Each catalogue has its key slots file beside it (issue 13): names only, no content.
    assert sorted(p.name for p in folder.iterdir()) == [
        "markers-backup.tkc",
        "markers-backup.tkc-keys",
        "markers.tkc",
        "markers.tkc-keys",
    ]
    assert list(tmp.iterdir()) == []
