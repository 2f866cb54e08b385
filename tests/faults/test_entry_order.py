"""One byte form per bundle (item 6): entries in any order but the format's are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkapp.bundle.limits import Limits
from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.zipread import read_index
from tkapp.bundle.zipwrite import StoredZipWriter
from tkapp.errors import ContainerError

from . import hostile


def _members(path: Path) -> list[tuple[str, bytes]]:
    with path.open("rb") as f:
        index = read_index(f, path.stat().st_size, Limits())
        out = []
        for entry in index.entries.values():
            f.seek(entry.data_offset)
            out.append((entry.name, f.read(entry.size)))
    return out


def _write(dest: Path, members: list[tuple[str, bytes]]) -> Path:
    with dest.open("wb") as out:
        writer = StoredZipWriter(out)
        for name, data in members:
            writer.add_bytes(name, data)
        writer.close()
    return dest


def test_reordered_entries_are_refused(tmp_path: Path) -> None:
    good = hostile.tiny_records_bundle(tmp_path / "good.tkb", 3)
    members = _members(good)
    assert [n.encode() for n, _ in members] == sorted(n.encode() for n, _ in members)
    key = hostile.community_key().public_key
    # The same members in the writer's order give the same bytes: that is the one form.
    assert _write(tmp_path / "same.tkb", members).read_bytes() == good.read_bytes()
    verify_bundle(tmp_path / "same.tkb", trust=None, trust_key=key, remember=False).close()
    swapped = [*members]
    swapped[1], swapped[2] = swapped[2], swapped[1]
    for name, order in {"swapped": swapped, "reversed": members[::-1]}.items():
        bad = _write(tmp_path / f"{name}.tkb", order)
        with pytest.raises(ContainerError, match="sorted"):
            verify_bundle(bad, trust=None, trust_key=key, remember=False)
