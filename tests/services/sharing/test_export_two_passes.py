"""The bundle writer makes each record twice (issue 19): once to size and hash it for the
signed manifest, once to write it. A record edited in between stops the export: nothing is
published and the ledger records nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tkapp.errors import ValidationError
from tkapp.services import sharing
from tkapp.services.catalogue import Catalogue

from .conftest import RESEARCHER

FIXED = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_a_record_edited_while_the_bundle_is_written_stops_the_export(
    demo: Catalogue, tmp_path: Path
) -> None:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research", on=FIXED.date())
    victim = plan.included[-1].record_id
    edited: list[int] = []

    def progress(_done: int, _total: int) -> None:
        # Called while the ZIP is written (pass 2), after the manifest was signed (pass 1).
        if not edited:
            record = demo.get_record(victim)
            record.summary += " (editado)"
            edited.append(demo.update_record(record).version)

    out = tmp_path / "out"
    out.mkdir()
    dest = out / "b.tkb"
    before = sharing.list_exports(demo)
    with pytest.raises(ValidationError) as caught:
        sharing.export(demo, plan, dest, created=FIXED, progress=progress, confirmed_sensitive=True)
    assert caught.value.detail == "plan_outdated"
    assert edited and list(out.iterdir()) == []  # no bundle, no temporary file
    assert sharing.list_exports(demo) == before
    # Planned again, the same export goes through.
    plan = sharing.plan_export(demo, None, RESEARCHER, "research", on=FIXED.date())
    result = sharing.export(demo, plan, dest, created=FIXED, confirmed_sensitive=True)
    assert result.records == len(plan.included) and dest.exists()
