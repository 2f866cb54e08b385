"""A `.tkb` export and its verification keep their memory bounded (issue 19).

One catalogue of publishable records (about 600 bytes of text each, one assembly's consent
naming them all) is exported to a bundle at 2,000 records, then grown to 4,000 records,
exported again and that bundle verified for an intended use. The first export's and the
verification's peaks of Python allocations (``tracemalloc``, not a timing) must stay under a
fixed bound well below what holding every record takes. A small export and verification
run first, so one-time caches (translations, locale data) are not counted.

The export is measured at 2,000 records, not 4,000: under tracemalloc it took 42 s at 4,000
(10 s without), and the export before the two-pass writer held 12 KB a record (49.7 MiB at
4,000), so it fails the bound at 2,000 as well, and so does holding every decoded record
(10.0 MiB, put in by hand). The verification keeps 4,000 records: what
the old one kept per record (about 1 KB) needs that many to cross its bound.

Measured here, before -> after the two-pass writer (records and consents made one at a
time, twice; the plan re-checked one record at a time; the approval digest streamed; the
report listing the first 1,000 records):

- export (the custodian's plan made before): 49.7 -> 7.5 MiB. What is left per record is
  its line in the signed manifest and in the ZIP's central directory (path, size, hash),
  which the format needs whole before the last entry is written, and the writer's
  self-check (the verifier's, below).
- verify with an intended use: 8.7 -> 5.0 MiB. What is left per record (about 1 KB) is the
  parsed manifest and the ZIP index (one entry each), which the closed-file-set check
  compares; the old report also kept every record's title and decision.

The bundle's bytes are the same before and after (same catalogue copy, key and clock).
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bulk_rows import write_rows

from tkapp.bundle.verifier import RECORDS_LISTED, verify_bundle
from tkapp.core.model import Community, ConsentRecord, Recipient
from tkapp.services import keys, sharing
from tkapp.services.catalogue import Catalogue, create_catalogue
from tkapp.services.importing import run_import

from .conftest import PASSPHRASE

RECORDS = 4_000
EXPORT_RECORDS = 2_000
MiB = 2**20
# At 2,000 records the export's peak is 4.4 MiB; holding every decoded record on top (put
# in by hand) made it 10.0 MiB. (At 4,000 records the bound was 12 MiB for a 7.5 MiB peak.)
EXPORT_BOUND = 7 * MiB
PLAN_BOUND = 4 * MiB
VERIFY_BOUND = 6.5 * MiB
RESEARCHER = Recipient(
    "Ana Paz",
    id="8f5adba4-0f9f-4f90-ad25-018ac6842798",
    organisation="Universidad Central",
    user_class="public_research",
)

# Records imported, then an export and a verification under tracemalloc (which slows every
# allocation): about half a minute.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    folder = tmp_path_factory.mktemp("bundle-memory")
    mp = pytest.MonkeyPatch()
    mp.setenv("TKAPP_KDF_PROFILE", "fast")
    community = Community("Comunidad Sacha Yaku", people="Kichwa", country="EC")
    cat = create_catalogue(
        folder / "big.tkc", PASSPHRASE, community, actor="tester", template="open_attribution"
    )
    write_rows(folder / "rows.csv", EXPORT_RECORDS, words=90)
    assert run_import(cat, folder / "rows.csv").counts.created == EXPORT_RECORDS
    cat.add_consent(
        ConsentRecord(
            "Asamblea",
            record_ids=cat.search_ids(""),
            purposes=["research"],
            user_classes=["public_research"],
        )
    )
    # Warm-up: one small export and verification (translations and locale data load once).
    small = folder / "small.tkb"
    plan = sharing.plan_export(cat, cat.search_ids("")[:5], RESEARCHER, "research")
    sharing.export(cat, plan, small, created=datetime(2026, 11, 1, tzinfo=UTC))
    verify_bundle(
        small, trust=None, trust_key=keys.public_key(cat), intended=("public_research", "research")
    ).close()
    yield cat
    cat.close()
    mp.undo()


def _peak(work: Callable[[], Any]) -> tuple[Any, int]:
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def bundle(big: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The export's peak at EXPORT_RECORDS records, then the bundle of the catalogue grown
    to RECORDS records (exported without tracemalloc)."""
    folder = tmp_path_factory.mktemp("bundle-out")
    measured = folder / "measured.tkb"
    plan = sharing.plan_export(big, None, RESEARCHER, "research")
    assert len(plan.included) == EXPORT_RECORDS
    result, peak = _peak(
        lambda: sharing.export(big, plan, measured, created=datetime(2026, 11, 2, tzinfo=UTC))
    )
    assert result.records == EXPORT_RECORDS
    assert measured.stat().st_size > EXPORT_RECORDS * 1_000
    # Grown to RECORDS: the rows that follow, and the assembly's consent names them too.
    added = RECORDS - EXPORT_RECORDS
    write_rows(folder / "more.csv", added, words=90, first=EXPORT_RECORDS)
    assert run_import(big, folder / "more.csv").counts.created == added
    [assembly] = big.list_consents()
    assembly.record_ids = big.search_ids("")
    big.update_consent(assembly)
    dest = folder / "all.tkb"
    plan = sharing.plan_export(big, None, RESEARCHER, "research")
    assert len(plan.included) == RECORDS
    result = sharing.export(big, plan, dest, created=datetime(2026, 11, 3, tzinfo=UTC))
    assert result.records == RECORDS and dest.stat().st_size > RECORDS * 1_000
    return dest, peak


def test_export_memory_does_not_grow_with_the_records(bundle: tuple[Path, int]) -> None:
    _path, peak = bundle
    assert peak < EXPORT_BOUND, f"{peak / MiB:.1f} MiB"


def test_verify_memory_does_not_grow_with_the_records(
    big: Catalogue, bundle: tuple[Path, int]
) -> None:
    path, _export_peak = bundle
    public = keys.public_key(big)

    def verify() -> tuple[int, int, int]:
        with verify_bundle(
            path, trust=None, trust_key=public, intended=("public_research", "research")
        ) as report:
            # Every record is checked and counted; the first ones are listed.
            return report.record_count, len(report.records), report.blocked_count

    (count, listed, blocked), peak = _peak(verify)
    assert (count, listed, blocked) == (RECORDS, RECORDS_LISTED, 0)
    assert peak < VERIFY_BOUND, f"{peak / MiB:.1f} MiB"


def test_a_plan_holds_little_per_record(big: Catalogue, bundle: tuple[Path, int]) -> None:
    """The custodian's plan keeps every considered record's answer (the preview shows them,
    the export writes from them): equal parts are held once (``SharedParts``). Measured at
    4,000 records: 9.6 MiB (about 2.5 KB a record) before, 1.7 MiB after. (``bundle`` has
    grown the catalogue to RECORDS.)"""
    gc.collect()
    tracemalloc.start()
    try:
        plan = sharing.plan_export(big, None, RESEARCHER, "research")
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(plan.included) == RECORDS
    assert held < PLAN_BOUND, f"{held / MiB:.1f} MiB"
