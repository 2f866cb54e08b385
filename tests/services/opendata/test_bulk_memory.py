"""Every bulk path of open and exchange data streams: its peak memory does not grow with the
records (issue 19).

One catalogue of 20,000 openly publishable records (about 12 MB of record text, exact places,
one consent covering them) is exported to CSV, imported back from that CSV into an empty
catalogue, and exported as a Darwin Core Archive and as GeoJSON. Each path's peak of Python
allocations (``tracemalloc``, not a timing) must stay under a fixed bound well below what
gathering the records, their rows or the files' bytes in memory takes. Measured on this data
(20,000 records), before the streaming rewrite -> after: import-csv 101 -> 3.7 MiB, DwC-A
133 -> 5.1 MiB, GeoJSON 259 -> 4.7 MiB; export-csv (streamed already) 2.8 MiB. (The old
code was measured with one consent per record: it decoded the assembly's consent, naming
all 20,000 records, once for every record, which takes hours at this size.) Then the list of
every readable record id (about 100 bytes a record) became a cursor that reads the ids a
batch at a time: export-csv 2.8 -> 1.05 MiB (the same 1.05 MiB at 5,000 records), DwC-A
5.1 -> 3.4 MiB, GeoJSON 4.7 -> 2.9 MiB; what still grows in those two is the assembly's
consent, decoded once, that names every record.
"""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bulk_rows import write_rows

from opendata.conftest import new_catalogue
from tkapp.core.model import ConsentRecord
from tkapp.services.catalogue import Catalogue
from tkapp.services.csv_exchange import export_csv
from tkapp.services.dwca import export_dwca
from tkapp.services.geojson import export_geojson
from tkapp.services.importing import run_import

RECORDS = 20_000
MiB = 2**20
# Bytes of Python allocations at the peak. Each path holds one batch of record ids, one
# record at a time and the gate's caches (open data: the consent naming every record);
# import-csv a compact index of the record ids. A list of every id (about 2 MiB here) fails
# the export bounds; gathering 20,000 records and their rows took many times more.
EXPORT_CSV_BOUND = 2 * MiB
IMPORT_CSV_BOUND = 12 * MiB
OPEN_DATA_BOUND = 4 * MiB

pytestmark = pytest.mark.slow  # 20,000 records imported, then each path under tracemalloc


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    folder = tmp_path_factory.mktemp("big")
    mp = pytest.MonkeyPatch()
    mp.setenv("TKAPP_KDF_PROFILE", "fast")
    cat = new_catalogue(folder / "big.tkc")
    write_rows(folder / "rows.csv", RECORDS, words=60)
    assert run_import(cat, folder / "rows.csv").counts.created == RECORDS
    # Consent is binding: one assembly's consent covering what open publication asks.
    cat.add_consent(
        ConsentRecord(
            "Asamblea",
            record_ids=cat.search_ids(""),
            purposes=["redistribution", "product_development", "commercial_sale"],
            user_classes=["for_profit", "noncommercial"],
        )
    )
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


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir()))


def test_export_csv_peak_memory_is_bounded(big: Catalogue, tmp_path: Path) -> None:
    # The folder form; a .zip goes through the same rows, one member (and pass) at a time.
    dest = tmp_path / "exchange"
    reports = []
    peak = _peak(lambda: reports.append(export_csv(big, dest)))
    assert reports
    assert reports[0].records == RECORDS
    assert reports[0].uses == RECORDS and reports[0].holders == RECORDS
    assert _size(dest) > 4 * MiB  # the files are large; memory is not
    assert peak < EXPORT_CSV_BOUND, f"peak {peak / MiB:.1f} MiB"


def test_import_csv_peak_memory_is_bounded(big: Catalogue, tmp_path: Path) -> None:
    # The zip form: its members are streamed side by side (records.csv with uses.csv and
    # holders.csv); a folder's files go through the same rows.
    exchange = tmp_path / "exchange.zip"
    export_csv(big, exchange)
    with new_catalogue(tmp_path / "target.tkc") as target:
        results = []
        # Preview and apply, as `tkapp import-csv --yes` runs them.
        peak = _peak(lambda: results.append(run_import(target, exchange)))
        assert results and results[0].counts.created == RECORDS
        assert results[0].exchange_report is not None
        assert results[0].exchange_report.records_created == RECORDS
        assert target.count() == RECORDS
        first = target.get_record(big.search_ids("")[0])
    assert first.uses and first.holders  # the rows of uses.csv and holders.csv came along
    assert peak < IMPORT_CSV_BOUND, f"peak {peak / MiB:.1f} MiB"


def test_dwca_export_peak_memory_is_bounded(big: Catalogue, tmp_path: Path) -> None:
    dest = tmp_path / "dwca.zip"
    reports = []
    peak = _peak(lambda: reports.append(export_dwca(big, dest)))
    assert reports and reports[0].records == reports[0].rows == RECORDS
    with zipfile.ZipFile(dest) as archive:
        with archive.open("occurrence.txt") as member:
            lines = sum(1 for _line in member)
        assert lines == RECORDS + 1  # a header, then one row per record
        eml = archive.read("eml.xml").decode("utf-8")
        written = archive.getinfo("occurrence.txt").file_size
    assert "<boundingCoordinates>" in eml and "<taxonomicCoverage>" in eml
    assert written > 4 * MiB  # the rows are large (before compression); memory is not
    assert peak < OPEN_DATA_BOUND, f"peak {peak / MiB:.1f} MiB"


def test_geojson_export_peak_memory_is_bounded(big: Catalogue, tmp_path: Path) -> None:
    dest = tmp_path / "places.geojson"
    reports = []
    peak = _peak(lambda: reports.append(export_geojson(big, dest)))
    assert reports and reports[0].records == RECORDS
    features = json.loads(dest.read_text(encoding="utf-8"))["features"]
    assert len(features) == RECORDS
    assert _size(dest) > 4 * MiB
    assert peak < OPEN_DATA_BOUND, f"peak {peak / MiB:.1f} MiB"
