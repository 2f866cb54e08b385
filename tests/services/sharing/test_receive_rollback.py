"""The replay rule: verify reports an older bundle, only import refuses to go backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tkapp.errors import Rollback
from tkapp.services import keys, received, sharing
from tkapp.services.catalogue import Catalogue

from .conftest import RESEARCHER

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _export(demo: Catalogue, dest: Path, created: datetime) -> sharing.ExportResult:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research", on=created.date())
    return sharing.export(demo, plan, dest, created=created)


def test_older_bundle_verifies_but_cannot_replace_newer_records(
    demo: Catalogue, researcher: Catalogue, tmp_path: Path
) -> None:
    first = _export(demo, tmp_path / "one.tkb", FIXED)
    second = _export(demo, tmp_path / "two.tkb", FIXED + timedelta(hours=1))
    assert second.sequence > first.sequence
    pub = keys.export_public_key(demo, tmp_path / "community.pub")
    received.import_bundle(researcher, second.path, trust_key=pub, now=LATER)

    # A researcher re-checks the older file: valid, and told a newer one was seen.
    with received.verify_file(first.path, now=LATER) as report:
        assert report.sequence_status == "older" and report.newest_seen == second.sequence

    # Importing it would put older records over newer ones: refused, nothing stored.
    with pytest.raises(Rollback) as info:
        received.import_bundle(researcher, first.path, now=LATER)
    assert info.value.exit_code == 2
    assert info.value.params["last_sequence"] == second.sequence
    assert [b.bundle_id for b in received.list_received(researcher)] == [second.bundle_id]
    # The newer one again is a no-op, not a rollback.
    assert received.import_bundle(researcher, second.path, now=LATER).already_imported
