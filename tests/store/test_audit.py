"""The hash-chained audit log reports edited, deleted and truncated entries."""

from __future__ import annotations

import itertools

import pytest

from tkapp.core.model import KnowledgeRecord
from tkapp.services.catalogue import Catalogue
from tkapp.store.audit import entry_hash


@pytest.fixture
def busy(cat: Catalogue) -> Catalogue:
    for i in range(6):
        rec = cat.add_record(KnowledgeRecord(f"Record {i}"))
        rec.title += " (edited)"
        cat.update_record(rec)
    assert cat.check().audit.ok
    return cat


def test_chain_links_every_entry(busy: Catalogue) -> None:
    entries = list(reversed(busy.audit_entries()))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    for e in entries:
        assert e.hash == entry_hash(
            e.seq,
            e.time.isoformat(),
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.digest,
            e.prev_hash,
        )
    report = busy.check().audit
    assert report.ok and report.entries == len(entries) == 13


def test_edited_entry_detected(busy: Catalogue) -> None:
    busy._db.conn.execute("UPDATE audit SET actor = 'intruder' WHERE seq = 5")
    report = busy.check()
    assert not report.ok
    assert any("5" in p and "edited" in p for p in report.audit.problems)


def test_rehashed_entry_breaks_the_next_link(busy: Catalogue) -> None:
    conn = busy._db.conn
    row = conn.execute(
        "SELECT seq, time, actor, action, entity, entity_id, digest, prev_hash "
        "FROM audit WHERE seq = 4"
    ).fetchone()
    forged = entry_hash(row[0], row[1], "intruder", *row[3:])
    conn.execute("UPDATE audit SET actor = 'intruder', hash = ? WHERE seq = 4", (forged,))
    problems = busy.check().audit.problems
    assert any("5" in p and "follow" in p for p in problems)


def test_deleted_middle_entry_detected(busy: Catalogue) -> None:
    busy._db.conn.execute("DELETE FROM audit WHERE seq = 7")
    problems = busy.check().audit.problems
    assert any("7" in p and "missing" in p for p in problems)


def test_deleted_tail_detected(busy: Catalogue) -> None:
    busy._db.conn.execute("DELETE FROM audit WHERE seq >= 12")
    report = busy.check().audit
    assert not report.ok
    assert any("12" in p and "missing" in p for p in report.problems)


def test_log_survives_reopen(busy: Catalogue) -> None:
    from catalogue_fixture import PASSPHRASE

    from tkapp.services.catalogue import open_catalogue

    path = busy.path
    busy.close()
    with open_catalogue(path, PASSPHRASE) as again:
        again.add_record(KnowledgeRecord("After reopen"))
        report = again.check().audit
        assert report.ok and report.entries == 14


@pytest.mark.parametrize(
    "spelling",
    [
        "3f2c8e4a-9b1d-4c7e-8a5f-0e6d7c8b9a10",
        "3F2C8E4A-9B1D-4C7E-8A5F-0E6D7C8B9A10",
        "{3f2c8e4a-9b1d-4c7e-8a5f-0e6d7c8b9a10}",
        "urn:uuid:3f2c8e4a-9b1d-4c7e-8a5f-0e6d7c8b9a10",
        "3f2c8e4a9b1d4c7e8a5f0e6d7c8b9a10",
    ],
)
def test_batch_ids_read_as_uuid_reads_them(spelling: str) -> None:
    import uuid

    from tkapp.store.audit import _id_bytes

    assert _id_bytes(spelling) == uuid.UUID(spelling).bytes


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not a uuid",
        "3f2c8e4a-9b1d-4c7e-8a5f-0e6d7c8b9a1",
        "3f2c8e4a-9b1d-4c7e-8a5f-0e6d7c8b9a1g",
    ],
)
def test_batch_ids_refuse_what_uuid_refuses(bad: str) -> None:
    from tkapp.store.audit import _id_bytes

    with pytest.raises(ValueError):
        _id_bytes(bad)
