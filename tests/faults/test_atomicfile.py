"""The one atomic writer: 0600 temp files with a recognisable name, cleaned after a kill."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tkapp import atomicfile
from tkapp.errors import CatalogueMissing
from tkapp.store.lock import CatalogueLock


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temp_files_are_private_and_named(tmp_path: Path) -> None:
    dest = tmp_path / ("n" * 250 + ".csv")  # a long name still gets a legal temp name
    tmp, fd = atomicfile.create_temp(dest, "export")
    os.close(fd)
    assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".") and tmp.name.endswith(atomicfile.TEMP_SUFFIX)
    assert f"-{os.getpid()}-" in tmp.name
    # Our own (live) temp file is never taken for a leftover.
    assert atomicfile.stale_temps(tmp_path) == []
    tmp.unlink()


def test_atomic_output_leaves_old_file_or_new_never_half(tmp_path: Path) -> None:
    dest = tmp_path / "out.txt"
    dest.write_text("old")
    with pytest.raises(RuntimeError), atomicfile.atomic_output(dest) as out:
        out.write(b"half")
        raise RuntimeError("killed here")
    assert dest.read_text() == "old"
    with pytest.raises(FileExistsError):
        atomicfile.atomic_write_bytes(dest, b"new", exclusive=True)
    atomicfile.atomic_write_bytes(dest, b"new", mode=0o644)
    assert dest.read_bytes() == b"new"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o644
    assert list(tmp_path.iterdir()) == [dest]


def test_leftovers_of_dead_writers_are_removed_in_remembered_folders(tmp_path: Path) -> None:
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    tmp, fd = atomicfile.create_temp(elsewhere / "backup.tkc", "backup")
    os.close(fd)
    dead = tmp.with_name(tmp.name.replace(f"-{os.getpid()}-", f"-{_dead_pid()}-"))
    tmp.rename(dead)
    Path(str(dead) + "-journal").write_bytes(b"x")
    unrelated = elsewhere / ".notes.txt.tmp"  # not ours: never touched
    unrelated.write_text("keep")
    removed = atomicfile.clean_known_folders()
    assert dead in removed
    assert sorted(p.name for p in elsewhere.iterdir()) == [".notes.txt.tmp"]


def test_lock_on_a_missing_folder_says_missing(tmp_path: Path) -> None:
    with pytest.raises(CatalogueMissing):
        CatalogueLock(tmp_path / "no" / "c.tkc").acquire()
