"""Records made on demand (issue 19): the writer's two passes and the verifier's listed
records.

The writer asks a bundle's records twice, one at a time: pass 1 sizes and hashes each for
the signed manifest, pass 2 writes each and checks it is the file pass 1 hashed. A source
made on demand gives the same bytes as the same records held in a list; one that changes
in between, or is out of order, is refused and nothing is published. The verifier checks
and counts every record and lists the first ``RECORDS_LISTED``.
"""

from __future__ import annotations

import dataclasses
import json
import random
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import tkb_factory as factory

from tkapp.bundle import verifier
from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.writer import write_bundle
from tkapp.cli.main import run_cli
from tkapp.crypto.minisign import encode_public_key
from tkapp.errors import HashMismatch, ValidationError

COUNT = 40
_RNG = random.Random(19)
IDS = sorted(str(uuid.UUID(int=_RNG.getrandbits(128), version=4)) for _ in range(COUNT))


def _record(record_id: str, n: int, title: str = "") -> dict[str, Any]:
    return {
        "id": record_id,
        "title": title or f"Planta {n}",
        "summary": "hojas " * (n % 7),
        "labels": [],
        "access": "public",
    }


def _held() -> list[tuple[str, dict[str, Any]]]:
    items = [(i, _record(i, n)) for n, i in enumerate(IDS)]
    random.Random(7).shuffle(items)  # a held list may come in any order
    return items


def _made(changed_on_call: int | None = None) -> Any:
    """Records made on demand, in UUID order; ``changed_on_call``: the title of one record
    differs from that call on (an edit between the writer's passes)."""
    calls = 0

    def records() -> Iterator[tuple[str, Mapping[str, Any]]]:
        nonlocal calls
        calls += 1
        for n, record_id in enumerate(IDS):
            edited = changed_on_call is not None and calls >= changed_on_call and n == 5
            yield record_id, _record(record_id, n, "Editada" if edited else "")

    return records


def test_records_made_on_demand_give_the_same_bytes_as_held_ones(tmp_path: Path) -> None:
    key = factory.community_key()
    held = write_bundle(
        factory.content(records=_held()), key, tmp_path / "held.tkb", created=factory.CREATED
    )
    made = write_bundle(
        dataclasses.replace(factory.content(), records=_made()),
        key,
        tmp_path / "made.tkb",
        created=factory.CREATED,
    )
    assert (tmp_path / "held.tkb").read_bytes() == (tmp_path / "made.tkb").read_bytes()
    assert held.sha256 == made.sha256


def test_a_record_changed_between_the_passes_publishes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "b.tkb"
    content = dataclasses.replace(factory.content(), records=_made(changed_on_call=2))
    with pytest.raises(HashMismatch):
        write_bundle(content, factory.community_key(), dest, created=factory.CREATED)
    assert list(tmp_path.iterdir()) == []  # no bundle, no temporary file


def test_records_made_out_of_order_or_twice_are_refused(tmp_path: Path) -> None:
    def backwards() -> Iterator[tuple[str, Mapping[str, Any]]]:
        for n, record_id in enumerate(reversed(IDS)):
            yield record_id, _record(record_id, n)

    def twice() -> Iterator[tuple[str, Mapping[str, Any]]]:
        for record_id in (IDS[0], IDS[0]):
            yield record_id, _record(record_id, 0)

    for source, detail in ((backwards, "not in UUID order"), (twice, "duplicate record")):
        content = dataclasses.replace(factory.content(), records=source)
        with pytest.raises(ValidationError) as caught:
            write_bundle(
                content, factory.community_key(), tmp_path / "b.tkb", created=factory.CREATED
            )
        assert caught.value.detail == detail
    assert list(tmp_path.iterdir()) == []


def _written(tmp_path: Path, records: Any) -> Any:
    content = dataclasses.replace(factory.content(), records=records)
    return write_bundle(
        content, factory.community_key(), tmp_path / "b.tkb", created=factory.CREATED
    )


def _verified_for_research(written: Any, key: Any) -> Any:
    """The bundle verified for public research (a report with each record's decision)."""
    return verify_bundle(
        written.path,
        trust=None,
        trust_key=key.public_key,
        now=factory.CREATED,
        intended=("public_research", "research"),
    )


def test_the_report_checks_every_record_and_lists_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = factory.community_key()
    written = _written(tmp_path, _made())
    monkeypatch.setattr(verifier, "RECORDS_LISTED", 10)
    with _verified_for_research(written, key) as report:
        assert report.record_count == COUNT and report.records_not_listed == COUNT - 10
        assert [r.record_id for r in report.records] == IDS[:10]
        assert all(r.decision is not None for r in report.records)
        # Reading the records back still gives every one (the Received import uses this).
        assert [record_id for record_id, _data in report.iter_records()] == IDS
        as_json = report.to_json()
    assert (as_json["record_count"], as_json["records_not_listed"]) == (COUNT, COUNT - 10)
    assert len(as_json["records"]) == 10

    pub = tmp_path / "community.pub"
    pub.write_text(encode_public_key(key.public_key))
    code = run_cli(["verify", str(written.path), "--trust", str(pub), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["record_count"] == COUNT and len(out["records"]) == 10
    code = run_cli(["verify", str(written.path), "--trust", str(pub)])
    text = capsys.readouterr().out
    assert code == 0
    assert f"{COUNT} records:" in text and f"… and {COUNT - 10} more records" in text
    assert "Planta 9" in text and "Planta 10\n" not in text


def test_records_the_use_may_not_touch_are_always_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the listed ones, a blocked record takes the place of the last allowed one listed:
    a researcher learns every record their use may not touch, in the bundle's order."""
    blocked_at = {3, 25, 31, 38}  # "TK Secret / Sacred": no research outside the community

    def records() -> Iterator[tuple[str, Mapping[str, Any]]]:
        for n, record_id in enumerate(IDS):
            record = _record(record_id, n)
            if n in blocked_at:
                record["labels"] = ["tkss"]
            yield record_id, record

    monkeypatch.setattr(verifier, "RECORDS_LISTED", 10)
    with _verified_for_research(_written(tmp_path, records), factory.community_key()) as report:
        listed = [r.record_id for r in report.records]
        assert report.record_count == COUNT and report.blocked_count == len(blocked_at)
        assert listed == [IDS[n] for n in sorted({*range(7), *blocked_at})]
        assert [r.record_id for r in report.records if not r.decision.permits] == [
            IDS[n] for n in sorted(blocked_at)
        ]
