"""Export-csv streams: its peak memory does not grow with the records (issue 19).

20,000 records (about 12 MB of record text); the export's peak of Python allocations
(``tracemalloc``, not a timing) must stay under a fixed bound well below what gathering the
records, their rows or the files' bytes in memory takes (the old export peaked far above it).
"""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from opendata.conftest import new_catalogue
from tkapp.services.catalogue import Catalogue
from tkapp.services.csv_exchange import export_csv
from tkapp.services.importing import run_import

RECORDS = 20_000
# Bytes of Python allocations at the peak. The export now peaks near 3 MiB (the list of ids,
# one record, the gate's caches); gathering 20,000 records and their rows took far more.
BOUND = 12 * 2**20

pytestmark = pytest.mark.slow  # 20,000 records imported, then exported under tracemalloc


def _source(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description", "scientific_name", "holders", "part", "purpose"])
        for i in range(RECORDS):
            words = " ".join(f"palabra{(i * 13 + k) % 499}" for k in range(60))
            writer.writerow(
                [
                    f"Planta {i}",
                    words,
                    f"Ilex especie{i % 150}",
                    f"Rosa {i % 90}",
                    "hojas",
                    words[:80],
                ]
            )


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    folder = tmp_path_factory.mktemp("big")
    mp = pytest.MonkeyPatch()
    mp.setenv("TKAPP_KDF_PROFILE", "fast")
    cat = new_catalogue(folder / "big.tkc")
    _source(folder / "rows.csv")
    assert run_import(cat, folder / "rows.csv").counts.created == RECORDS
    yield cat
    cat.close()
    mp.undo()


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_csv_peak_memory_is_bounded(big: Catalogue, tmp_path: Path) -> None:
    # The folder form; a .zip goes through the same rows, one member (and pass) at a time.
    dest = tmp_path / "exchange"
    reports = []
    peak = _peak(lambda: reports.append(export_csv(big, dest)))
    assert reports
    assert reports[0].records == RECORDS
    assert reports[0].uses == RECORDS and reports[0].holders == RECORDS
    written = sum(p.stat().st_size for p in ([dest] if dest.is_file() else dest.iterdir()))
    assert written > 4 * 2**20  # the files are large; memory is not
    assert peak < BOUND, f"peak {peak / 2**20:.1f} MiB"
