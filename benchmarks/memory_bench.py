"""Peak memory and time of every bulk path at two catalogue sizes (issue 19; prints figures).

    .venv/bin/python benchmarks/memory_bench.py                    # 5,000 and 20,000 records
    .venv/bin/python benchmarks/memory_bench.py --sizes 2500 25000 # any sizes (2 or more)
    .venv/bin/python benchmarks/memory_bench.py --keep OUT         # keep the outputs in OUT

For each size a catalogue of generated records (open licence, a taxon, a holder, a use, exact
coordinates; one assembly's consent naming them all, or ``--consent each``: one per record)
is built, then each bulk path runs twice: once for its time, once under ``tracemalloc`` for
the peak of Python allocations (SQLCipher's own page cache is C memory, bounded by its
``cache_size``, and not counted). The paths:
export-csv (a folder), import-csv of that folder into an empty catalogue (preview + apply, as
``tkapp import-csv --yes`` runs it), the Darwin Core Archive, GeoJSON, the ``.tkb`` export and
``tkapp verify`` of that bundle. The last column is the time ratio between the largest and the
smallest size divided by the size ratio: 1.0 is linear, 2.0 quadratic. Asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tkapp.core.model import Community, ConsentRecord, Recipient  # noqa: E402
from tkapp.services import keys, sharing  # noqa: E402
from tkapp.services.catalogue import Catalogue, create_catalogue  # noqa: E402
from tkapp.services.csv_exchange import export_csv  # noqa: E402
from tkapp.services.dwca import export_dwca  # noqa: E402
from tkapp.services.geojson import export_geojson  # noqa: E402
from tkapp.services.importing import run_import  # noqa: E402
from tkapp.store import codec, entities  # noqa: E402

PASSPHRASE = "memory benchmark passphrase"
WORDS = [
    "hoja",
    "raíz",
    "corteza",
    "fruto",
    "semilla",
    "flor",
    "resina",
    "agua",
    "fiebre",
    "dolor",
    "tos",
    "herida",
    "baño",
    "té",
    "cocinar",
    "hervir",
    "moler",
    "secar",
    "luna",
    "lluvia",
    "río",
    "monte",
    "chacra",
    "abuela",
    "curandero",
    "canto",
]
SPECIES = [f"Ilex especie{n}" for n in range(150)]
OPS = ("export-csv", "import-csv", "DwC-A", "GeoJSON", "export .tkb", "verify")


def write_source(path: Path, n: int, seed: int = 19) -> None:
    """An import CSV of ``n`` openly publishable records (about 600 bytes of text each)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["title", "description", "scientific_name", "holders", "part", "purpose",
             "latitude", "longitude", "access", "open_licence", "recorded_date"]
        )  # fmt: skip
        for i in range(n):
            words = " ".join(rng.choice(WORDS) for _ in range(90))
            writer.writerow(
                [
                    f"Planta {i}", words, rng.choice(SPECIES), f"Rosa {i % 90}",
                    rng.choice(WORDS), " ".join(rng.choice(WORDS) for _ in range(8)),
                    f"{-1 - rng.random():.5f}", f"{-77 - rng.random():.5f}", "public",
                    "CC-BY-4.0", f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}",
                ]
            )  # fmt: skip


def community() -> Community:
    return Community("Comunidad Sacha Yaku", people="Kichwa", country="EC", contact="c@sy.example")


#: What open publication and the research bundle ask consent for.
PURPOSES = ["redistribution", "product_development", "commercial_sale", "research"]
USER_CLASSES = ["for_profit", "noncommercial", "public_research"]


def build(folder: Path, n: int, consent: str) -> Catalogue:
    source = folder / "source.csv"
    write_source(source, n)
    cat = create_catalogue(
        folder / "big.tkc", PASSPHRASE, community(), actor="bench", template="open_attribution"
    )
    created = run_import(cat, source).counts.created
    assert created == n, created
    ids = cat.search_ids("")
    # Consent is binding (issue 12). "assembly": one assembly's consent naming every record
    # (a plan that decoded it per record grew with the square of the records); "each": one
    # consent per record, written in one transaction through the store.
    if consent == "assembly":
        cat.add_consent(
            ConsentRecord("Asamblea", record_ids=ids, purposes=PURPOSES, user_classes=USER_CLASSES)
        )
        return cat
    with cat.session() as s:
        for record_id in ids:
            c = ConsentRecord(
                "Familia", record_ids=[record_id], purposes=PURPOSES, user_classes=USER_CLASSES
            )
            entities.save_consent(s.conn, c, codec.dumps(c), new=True)
    return cat


MODE = {"time": True, "memory": True}


def measure(work: Callable[[], Any], reset: Callable[[], None]) -> tuple[float, int]:
    """(seconds, peak bytes of Python allocations): one run timed, one under tracemalloc
    (``--only-time`` / ``--only-memory``: that run alone; the other figure is 0)."""
    seconds, peak = 0.0, 0
    if MODE["time"]:
        reset()
        gc.collect()
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
    if MODE["memory"]:
        reset()
        gc.collect()
        tracemalloc.start()
        try:
            work()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return seconds, peak


def run_size(
    work: Path, n: int, keep: Path | None, ops: set[str], consent: str
) -> dict[str, tuple[float, int]]:
    folder = work / f"n{n}"
    folder.mkdir()
    print(f"building {n:,} records...", file=sys.stderr, flush=True)
    cat = build(folder, n, consent)
    out: dict[str, tuple[float, int]] = {}
    exchange = folder / "exchange"

    def fresh(path: Path) -> Callable[[], None]:
        def reset() -> None:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

        return reset

    def chosen(op: str, work: Callable[[], Any], reset: Callable[[], None]) -> None:
        if op in ops:
            out[op] = measure(work, reset)

    # import-csv reads what export-csv wrote, verify what export .tkb wrote.
    if ops & {"export-csv", "import-csv"}:
        export_csv(cat, exchange)
    chosen("export-csv", lambda: export_csv(cat, exchange, overwrite=True), lambda: None)
    target = folder / "target.tkc"

    def import_csv() -> None:
        with create_catalogue(target, PASSPHRASE, community(), actor="bench") as other:
            result = run_import(other, exchange)
            assert result.counts.created == n, result.counts

    chosen("import-csv", import_csv, fresh(target))
    dwca = folder / "dwca.zip"

    def dwca_export() -> None:
        report = export_dwca(cat, dwca)
        assert report.records == n, report.records

    chosen("DwC-A", dwca_export, fresh(dwca))
    geojson = folder / "places.geojson"

    def geojson_export() -> None:
        report = export_geojson(cat, geojson)
        assert report.records == n, report.records

    chosen("GeoJSON", geojson_export, fresh(geojson))
    bundle = folder / "out.tkb"
    recipient = Recipient("Ana Paz", organisation="Universidad", user_class="public_research")

    def tkb_export() -> None:
        plan = sharing.plan_export(cat, None, recipient, "research")
        assert len(plan.included) == n, len(plan.included)
        sharing.export(cat, plan, bundle, created=datetime.now(UTC))

    if "verify" in ops and "export .tkb" not in ops:
        tkb_export()
    chosen("export .tkb", tkb_export, fresh(bundle))
    public = keys.public_key(cat)
    from tkapp.bundle.verifier import verify_bundle

    def verify() -> None:
        verify_bundle(bundle, trust=None, trust_key=public).close()

    chosen("verify", verify, lambda: None)
    if keep is not None:
        dest = keep / f"n{n}"
        dest.mkdir(parents=True, exist_ok=True)
        for path in (exchange, dwca, geojson, bundle):
            if not path.exists():
                continue
            copy = shutil.copytree if path.is_dir() else shutil.copy2
            copy(path, dest / path.name)
    cat.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--keep", type=Path, help="copy the outputs here")
    parser.add_argument("--ops", nargs="+", choices=OPS, default=list(OPS), metavar="OP")
    parser.add_argument(
        "--consent",
        choices=["assembly", "each"],
        default="assembly",
        help="one consent naming every record (default), or one per record",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--only-time", action="store_true", help="no tracemalloc run")
    which.add_argument("--only-memory", action="store_true", help="no separate timed run")
    args = parser.parse_args()
    MODE["time"] = not args.only_memory
    MODE["memory"] = not args.only_time
    ops = set(args.ops)
    sizes = sorted(set(args.sizes))
    if len(sizes) < 2:
        parser.error("give at least two sizes")
    os.environ["TKAPP_KDF_PROFILE"] = "fast"  # key derivation is not what is measured
    results: dict[int, dict[str, tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="tkapp-memory-bench-") as tmp:
        for n in sizes:
            results[n] = run_size(Path(tmp), n, args.keep, ops, args.consent)
    small, large = sizes[0], sizes[-1]
    head = ["work"]
    for n in sizes:
        head += [f"{n:,}: time", f"{n:,}: peak"]
    head += [f"time {large:,}/{small:,}", "/ size ratio (linear = 1.0)"]
    print(" | ".join(head))
    for op in (op for op in OPS if op in ops):
        cells = [op]
        for n in sizes:
            seconds, peak = results[n][op]
            cells += [f"{seconds:.2f} s", f"{peak / 2**20:.1f} MiB"]
        ratio = results[large][op][0] / max(results[small][op][0], 1e-9)
        cells += [f"{ratio:.1f}", f"{ratio / (large / small):.2f}"]
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
