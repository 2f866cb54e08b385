"""A full disk and read-only media (item 7): refused plainly, nothing committed lost.

Both need a small file system of their own: a tmpfs the test mounts, which needs root
(Linux-only path). Elsewhere the tests are skipped with the reason printed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PASSPHRASE, cli_env, make_catalogue, record_count, run, temp_files, write_csv

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs mounts are Linux-only")


def _mount(folder: Path, options: str) -> bool:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount(folder, "size=24m,mode=0700"):
        reason = "mounting a small tmpfs needs root (and mount rights in this container)"
        print(f"\nSKIPPED full-disk/read-only tests: {reason}")
        pytest.skip(reason)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    """Fill ``folder``'s file system to the last byte."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        block = b"\0" * (256 * 1024)
        while True:
            out.write(block)
    with filler.open("ab", buffering=0) as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 512)
    return filler


@pytest.mark.slow
def test_full_disk_refuses_plainly_and_loses_nothing(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "c.tkc"
    make_catalogue(path, records=200)
    rows = tmp_path / "rows.csv"
    write_csv(rows, 20_000)
    filler = _fill(small_disk)
    outcomes = {}
    for name, args in {
        "import": ["import", str(path), str(rows)],
        "backup": ["backup", str(path), str(small_disk / "b.tkc")],
        "passwd": ["passwd", str(path)],
        "export-csv": ["export-csv", str(path), str(small_disk / "out")],
    }.items():
        done = run(args, cli_env(PASSPHRASE, "faults: other"))
        err = done.stderr.decode()
        outcomes[name] = done.returncode
        assert done.returncode in (4, 5), (name, err)
        assert "Unexpected error" not in err and "Traceback" not in err, err
    filler.unlink()
    # The next start cleans up; every committed record is there and the check is clean.
    assert run(["check", str(path)], cli_env()).returncode == 0
    assert record_count(path, PASSPHRASE) == 200
    assert temp_files(small_disk) == []
    print(f"\nfull disk: refusals {outcomes}, 200 of 200 records, check clean")


@pytest.mark.slow
def test_read_only_media(small_disk: Path) -> None:
    path = small_disk / "c.tkc"
    make_catalogue(path, records=50)
    before = path.read_bytes()
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, check=False
    )
    assert remount.returncode == 0, remount.stderr
    try:
        with pytest.raises(OSError) as caught:
            (small_disk / "probe").write_bytes(b"x")
        assert caught.value.errno == errno.EROFS
        for args in (["info", str(path)], ["check", str(path)], ["passwd", str(path)]):
            done = run(args, cli_env(PASSPHRASE, "faults: other"))
            err = done.stderr.decode()
            assert done.returncode in (0, 4, 5), (args, err)
            assert "Unexpected error" not in err and "Traceback" not in err, err
        assert path.read_bytes() == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=False)
    assert record_count(path, PASSPHRASE) == 50
