"""Search with protocol-sealed records (issue 13): prints figures, asserts nothing.

    .venv/bin/python benchmarks/protocols_bench.py --records 100000

Two catalogues from the same synthetic text (benchmarks/store_bench.py): one with no protected
record (today), one where every tenth record is restricted to a group and sealed under its key.
The second is opened by a member of that group, so its search merges the on-disk index with the
in-memory index built at unlock. Target: each search's median within 1.5x of the first's, in the
same process. Also printed: the unlock cost (decrypting and indexing the sealed records).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_bench import QUERIES, pct, write_csv

from tkapp.core.model import Community
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.services.catalogue import Catalogue, create_catalogue, open_catalogue
from tkapp.services.importing import run_import

PASSPHRASE = "benchmark passphrase"
GROUP = "midwives"


def _variant(source: Path, dest: Path, every: int) -> None:
    """The same rows; every ``every``-th restricted to GROUP (0: none protected at all)."""
    with (
        source.open(encoding="utf-8", newline="") as fh,
        dest.open("w", encoding="utf-8", newline="") as out,
    ):
        rows = csv.DictReader(fh)
        assert rows.fieldnames is not None
        writer = csv.DictWriter(out, [*rows.fieldnames, "restricted_group"])
        writer.writeheader()
        for i, row in enumerate(rows):
            if row["access"] in {"restricted", "secret_sacred"}:
                row["access"] = "community"
            if every and i % every == 0:
                row["access"] = "restricted"
            writer.writerow({**row, "restricted_group": GROUP if every and i % every == 0 else ""})


def _timed_searches(cat: Catalogue) -> dict[str, list[float]]:
    for query in QUERIES:  # warm the page cache as a session would
        cat.search_page(query, limit=50)
    times: dict[str, list[float]] = {"page": [], "page+rows": [], "count only": []}
    for _ in range(5):
        for query in QUERIES:
            t0 = time.perf_counter()
            page = cat.search_page(query, limit=50)
            t1 = time.perf_counter()
            cat.summaries(page.ids)
            t2 = time.perf_counter()
            cat.search_page(query, offset=50, limit=50, total=page.total)
            t3 = time.perf_counter()
            times["page"].append((t1 - t0) * 1000)
            times["page+rows"].append((t2 - t0) * 1000)
            times["count only"].append((t3 - t2) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("TKAPP_KDF_PROFILE", "fast")  # key derivation is not measured here
    key = GroupKey(GROUP, 1, new_key())
    member = Reader(User("Rosa", Role.MEMBER, frozenset({GROUP})), (key,))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        text = work / "text.csv"
        write_csv(text, args.records)
        figures: dict[str, dict[str, list[float]]] = {}
        unlock_s = 0.0
        for name, every, reader in (("today", 0, None), ("10% sealed", 10, member)):
            rows = work / f"{every}.csv"
            _variant(text, rows, every)
            path = work / f"{every}.tkc"
            t0 = time.perf_counter()
            cat = create_catalogue(path, PASSPHRASE, Community("Benchmark"), reader=reader)
            counts = run_import(cat, rows).counts
            build_s = time.perf_counter() - t0
            cat.close()
            t0 = time.perf_counter()
            cat = open_catalogue(path, PASSPHRASE, reader=reader)
            opened_s = time.perf_counter() - t0
            if reader is not None:
                unlock_s = opened_s
            figures[name] = _timed_searches(cat)
            print(
                f"{name}: {counts.created:,} records built in {build_s:.1f} s;"
                f" open {opened_s:.2f} s"
            )
            cat.close()
    for measure in ("page", "page+rows", "count only"):
        base = statistics.median(figures["today"][measure])
        ours = statistics.median(figures["10% sealed"][measure])
        print(
            f"{measure:<11} today median {base:7.2f} ms"
            f" p95 {pct(figures['today'][measure], 0.95):7.2f}"
            f" | 10% sealed median {ours:7.2f} ms p95 "
            f"{pct(figures['10% sealed'][measure], 0.95):7.2f} | ratio {ours / base:.2f}x"
        )
    print(f"unlock with the sealed records indexed in memory: {unlock_s:.2f} s")


if __name__ == "__main__":
    main()
