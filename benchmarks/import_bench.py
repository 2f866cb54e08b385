"""Field data import benchmark: a KoboToolbox-shaped export with photos (prints figures).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/import_bench.py \\
        --submissions 10000 --photos 2000

Writes (in a temporary folder) a Kobo CSV export of N submissions (groups, a geopoint,
a photo question, meta columns) and its "Media attachments" ZIP of small JPEGs made with Qt's
writer, then times: the preview (``--dry-run``), the import into a new catalogue (real
Argon2id key), and the re-import of the same export (all unchanged). Peak memory is the
process's maximum resident size (``resource``, Linux and macOS; Windows: psutil if present).

``--stages N`` (with ``--profile``): microseconds per record of each stage of an API import of
N records of the limits_bench CSV, and the cProfile lines of it (issue 19).

``--overlap N``: whether a writer thread would help (issue 19): the same API import of N
records run as it is, and with each batch's ``executemany`` moved to a thread while the
importer builds the next batch (the benchmark patches the importer for this; the product has
no such thread), interleaved, with wall and CPU time; and the pauses of a pure-Python loop
while a thread runs one 2,000-row ``executemany`` (how often SQLite hands the GIL back).

Then the whole command-line process (``--cli-records N``, 0 to skip): ``tkapp import`` of the
records CSV of limits_bench into a new catalogue, timed from process start to exit, next to
``tkapp info`` (start-up and unlock alone) and the raw limit measured in the same run:
``executemany`` of the same record JSON and text into a raw SQLCipher file with the same
FTS5 index (limits_bench.build_raw).
"""

from __future__ import annotations

import argparse
import copy
import csv
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tkapp.core.model import Community
from tkapp.services.catalogue import create_catalogue
from tkapp.services.importing import run_import

HEADER = [
    "start", "end", "today", "grp/nombre_local", "grp/scientific_name", "grp/parte_usada",
    "grp/uso_descrito", "sitio", "_sitio_latitude", "_sitio_longitude", "_sitio_altitude",
    "_sitio_precision", "foto", "meta/instanceID", "_id", "_uuid", "_submission_time",
    "_status", "_index",
]  # fmt: skip
SPECIES = [
    ("Wayusa", "Ilex guayusa Loes."),
    ("Uña de gato", "Uncaria tomentosa (Willd. ex Schult.) DC."),
    ("Sangre de drago", "Croton lechleri Müll.Arg."),
    ("Chonta", "Bactris gasipaes Kunth"),
    ("Pacay", "Inga edulis Mart."),
]
PARTS = ["hojas", "corteza", "raíz", "fruto", "resina", "semillas"]


def jpegs(count: int, rng: random.Random) -> list[bytes]:
    """Small real JPEGs (64x48 noise, a few kB each, barely compressible like photos)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    out = []
    width, height = 96, 72
    for _ in range(count):
        pixels = bytes(rng.getrandbits(8) for _ in range(width * height * 3))
        image = QImage(pixels, width, height, width * 3, QImage.Format.Format_RGB888).copy()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "JPG", 90)
        out.append(bytes(data.data()))
    return out


def write_export(folder: Path, submissions: int, photos: int) -> tuple[Path, Path, int]:
    rng = random.Random(15)
    images = jpegs(min(photos, 50), rng)  # 50 distinct images, reused under 2,000 names
    export = folder / "form.csv"
    attachments = folder / "attachments.zip"
    media_bytes = 0
    with (
        export.open("w", encoding="utf-8", newline="") as handle,
        zipfile.ZipFile(attachments, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(HEADER)
        for n in range(submissions):
            local, sci = SPECIES[n % len(SPECIES)]
            uid = f"{n:08x}-6f3b-4a4e-9d0e-1b2c3d4e5f60"
            lat, lon = -1 + rng.random(), -78 + rng.random()
            photo = f"{1714650000000 + n}.jpg" if n % (submissions // photos or 1) == 0 else ""
            if photo and media_bytes < photos * 10**6:
                data = images[n % len(images)]
                info = zipfile.ZipInfo(f"user/attachments/formuuid/{uid}/{photo}")
                archive.writestr(info, data)  # stored: JPEGs do not compress
                media_bytes += len(data)
            writer.writerow(
                [
                    "2024-05-02T08:01:12", "2024-05-02T08:20:40", "2024-05-02",
                    local, sci, PARTS[n % len(PARTS)],
                    f"Uso número {n} contado por la abuela, con su preparación y su tiempo",
                    f"{lat:.5f} {lon:.5f} 420 5", f"{lat:.5f}", f"{lon:.5f}", "420", "5",
                    photo, f"uuid:{uid}", str(n + 1), uid, "2024-05-02T13:25:01",
                    "submitted_via_web", str(n + 1),
                ]
            )  # fmt: skip
    return export, attachments, media_bytes


def peak_mb() -> float:
    try:
        import resource  # Linux and macOS only

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024
    except ImportError:
        try:
            import psutil

            return float(psutil.Process().memory_info().peak_wset) / 1024 / 1024
        except (ImportError, AttributeError):
            return float("nan")


def cli_import(work: Path, records: int) -> None:
    """The whole ``tkapp import`` process against raw executemany, same data, same run."""
    from limits_bench import PASSPHRASE, build_raw
    from store_bench import write_csv

    csv_path = work / "records.csv"
    write_csv(csv_path, records)
    cat_path = work / "cli.tkc"
    create_catalogue(cat_path, PASSPHRASE, Community("Bench")).close()
    env = {**os.environ, "TKAPP_PASSPHRASE": PASSPHRASE}
    tkapp = [sys.executable, "-m", "tkapp"]

    def run(*args: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([*tkapp, *args], env=env, check=True, capture_output=True)
        return time.perf_counter() - t0

    start_s = run("info", str(cat_path))
    import_s = run("import", str(cat_path), str(csv_path))
    raw, raw_s, raw_size, _raw_cpu_s = build_raw(work / "raw.db", cat_path, [csv_path])
    raw.close()
    ours, limit = records / import_s, records / raw_s
    print(
        f"tkapp import (whole process), {records:,} records: {import_s:.1f} s, {ours:,.0f} rec/s"
        f" (start-up + unlock alone, tkapp info: {start_s:.1f} s)"
    )
    print(
        f"raw executemany + FTS5, same JSON and text: {raw_s:.1f} s, {limit:,.0f} rec/s;"
        f" ratio raw/ours {limit / ours:.2f}x (goal <= 1.25x)"
    )
    size = cat_path.stat().st_size
    print(
        f"catalogue {size / 1e6:.0f} MB, raw {raw_size / 1e6:.0f} MB, {size / raw_size:.2f}x"
        " (goal <= 1.5x)"
    )


#: (module, attribute, label): the stages of an import timed by --stages, in the order of work.
#: Times are inclusive (a stage's line includes the indented ones under it).
STAGES = [
    ("tkapp.services.importing.service", "parse_csv", "read and parse the CSV"),
    ("tkapp.services.importing.service", "_convert", "cells -> fields (column model)"),
    ("tkapp.services.importing.rows.RowWriter", "plan", "plan: parse and validate a row"),
    ("tkapp.services.importing.rows", "_fill_fields", "  fields onto the record"),
    ("tkapp.core.model.KnowledgeRecord", "validate", "  the model's validate()"),
    ("tkapp.services.importing.rows.RowWriter", "apply", "apply (names -> ids, JSON, batch)"),
    ("tkapp.store.codec", "dumps", "  record JSON"),
    ("tkapp.store.records.BulkInserter", "add", "  row tuples for the batch"),
    ("tkapp.store.records", "_index_text", "    full-text index text"),
    ("tkapp.store.sealed", "seal_text", "    sealing (protected records)"),
    ("tkapp.services.importing.rows.RowWriter", "_flush", "  write the batches (all of them)"),
    ("tkapp.store.records.BulkInserter", "flush", "    executemany (database)"),
    ("tkapp.services.catalogue.Session", "audit_created", "    audit batch entry"),
    ("tkapp.services.importing.rows.RowWriter", "finish", "finish (last batch, re-index)"),
]


def stage_table(work: Path, records: int, profile: bool) -> None:
    """Microseconds per record of each stage of an API import of the limits_bench CSV
    (each stage's function wrapped with a timer, about 0.3 us per call), and with
    ``profile`` the cProfile lines of the same import."""
    import cProfile
    import functools
    import importlib
    import pstats

    from limits_bench import PASSPHRASE
    from store_bench import write_csv

    csv_path = work / "stages.csv"
    write_csv(csv_path, records)
    spent: dict[str, float] = {}
    undo = []
    for module_name, attr, label in STAGES:
        path = module_name.split(".")
        owner: Any = None
        for cut in range(len(path), 0, -1):
            try:
                owner = importlib.import_module(".".join(path[:cut]))
            except ModuleNotFoundError:
                continue
            for name in path[cut:]:
                owner = getattr(owner, name)
            break
        original = getattr(owner, attr)

        def timed(*args: Any, _fn: Any = original, _label: str = label, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return _fn(*args, **kw)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - t0

        setattr(owner, attr, functools.wraps(original)(timed))
        undo.append((owner, attr, original))
    cat_path = work / "stages.tkc"
    create_catalogue(cat_path, PASSPHRASE, Community("Bench")).close()
    from tkapp.services.catalogue import open_catalogue

    try:
        with open_catalogue(cat_path, PASSPHRASE) as cat:
            t0 = time.perf_counter()
            run_import(cat, csv_path)
            total = time.perf_counter() - t0
    finally:
        for owner, attr, original in reversed(undo):
            setattr(owner, attr, original)
    print(f"import of {records:,} records (API): {records / total:,.0f} rec/s")
    print(f"{'stage':40} us/record")
    print(f"{'whole run_import':40} {total / records * 1e6:9.1f}")
    for _module, _attr, label in STAGES:
        print(f"{label:40} {spent.get(label, 0.0) / records * 1e6:9.1f}")
    top = sum(spent.get(label, 0.0) for _m, _a, label in STAGES if not label.startswith(" "))
    rest = (total - top) / records * 1e6
    print(f"{'the rest (row loop, COMMIT to disk)':40} {rest:9.1f}")
    if profile:
        cat_path = work / "profile.tkc"
        create_catalogue(cat_path, PASSPHRASE, Community("Bench")).close()
        with open_catalogue(cat_path, PASSPHRASE) as cat:
            profiler = cProfile.Profile()
            profiler.runcall(run_import, cat, csv_path)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def overlap_table(work: Path, records: int, runs: int = 3) -> None:
    """Serial import against the same import with a writer thread per batch, interleaved."""
    import statistics
    import threading

    import sqlcipher3
    from limits_bench import PASSPHRASE
    from store_bench import write_csv

    from tkapp.services.catalogue import open_catalogue
    from tkapp.services.importing import rows as rows_module
    from tkapp.store import records as records_module

    csv_path = work / "overlap.csv"
    write_csv(csv_path, records)
    bulk = records_module.BulkInserter
    serial_flush, serial_finish = bulk.flush, rows_module.RowWriter.finish
    connect = sqlcipher3.connect
    writers: list[threading.Thread] = []
    failures: list[BaseException] = []

    def join() -> None:
        while writers:
            writers.pop().join()
        if failures:
            raise failures.pop()

    def threaded_flush(self: Any) -> None:
        join()  # at most one batch in the thread, one being built
        if not len(self):
            return
        batch = copy.copy(self)  # takes the pending lists; this inserter starts new ones
        for name in ("_records", "_data", "_labels", "_taxa", "_persons", "_fts"):
            setattr(self, name, [])
        self._sealed_index, self._pending_sealed = [], set()
        self.flushed_below = self.next_rowid

        def write() -> None:
            try:
                serial_flush(batch)
            except BaseException as exc:  # re-raised by join()
                failures.append(exc)

        writers.append(threading.Thread(target=write))
        writers[-1].start()

    def threaded_finish(self: Any) -> None:
        self._flush()
        join()  # every batch written before the re-index and the commit
        serial_finish(self)

    def one(threaded: bool, interval: float, n: int) -> tuple[float, float]:
        cat_path = work / f"overlap{n}.tkc"
        create_catalogue(cat_path, PASSPHRASE, Community("Bench")).close()
        default_interval = sys.getswitchinterval()
        sys.setswitchinterval(interval or default_interval)
        if threaded:  # the connection must accept calls from the writer thread
            sqlcipher3.connect = lambda *a, **kw: connect(*a, **{**kw, "check_same_thread": False})
            setattr(bulk, "flush", threaded_flush)  # noqa: B010 - a patch for this run only
            setattr(rows_module.RowWriter, "finish", threaded_finish)  # noqa: B010
        try:
            with open_catalogue(cat_path, PASSPHRASE) as cat:
                t0, cpu0 = time.perf_counter(), time.process_time()
                created = run_import(cat, csv_path).counts.created
                wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        finally:
            sys.setswitchinterval(default_interval)
            sqlcipher3.connect = connect
            setattr(bulk, "flush", serial_flush)  # noqa: B010
            setattr(rows_module.RowWriter, "finish", serial_finish)  # noqa: B010
        assert created == records, created
        cat_path.unlink()
        return wall, cpu

    # (writer thread?, GIL switch interval; 0: Python's default of 5 ms)
    variants = {
        "serial (as built)": (False, 0.0),
        "writer thread": (True, 0.0),
        "writer thread, GIL switch every 0.2 ms": (True, 0.0002),
    }
    figures: dict[str, list[tuple[float, float]]] = {label: [] for label in variants}
    for n in range(runs):
        for label, (threaded, interval) in variants.items():
            figures[label].append(one(threaded, interval, n))
    serial_wall = statistics.median(w for w, _c in figures["serial (as built)"])
    for label, done in figures.items():
        wall = statistics.median(w for w, _c in done)
        cpu = statistics.median(c for _w, c in done)
        print(
            f"import of {records:,} records, {label}: wall {wall:.2f} s"
            f" ({records / wall:,.0f} rec/s, {(1 - wall / serial_wall) * 100:+.0f}% saved),"
            f" CPU {cpu:.2f} s (medians of {runs}, interleaved)"
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    gil_pauses(work)


def gil_pauses(work: Path) -> None:
    """A thread runs 2,000-row executemany calls (record table, then FTS5) while the main
    thread loops in Python, noting the time at every turn: the gaps are when it waited."""
    import statistics
    import threading

    import sqlcipher3

    conn = sqlcipher3.connect(str(work / "gil.db"), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA key = \"x'" + "ab" * 32 + "'\"")
    conn.execute("CREATE TABLE record (rowid INTEGER PRIMARY KEY, data TEXT)")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5 (title, body, names)")
    rng = random.Random(19)
    words = ["".join(rng.choices("aeiouklmnprstwy", k=rng.randint(3, 9))) for _ in range(5000)]

    def text(n: int) -> str:
        return " ".join(rng.choices(words, k=n))

    pool = [(text(200), text(4), text(60), text(6)) for _ in range(2000)]
    next_rowid = [1]

    def batch() -> None:
        start = next_rowid[0]
        next_rowid[0] += len(pool)
        conn.executemany(
            "INSERT INTO record (rowid, data) VALUES (?, ?)",
            [(start + i, p[0]) for i, p in enumerate(pool)],
        )
        conn.executemany(
            "INSERT INTO f (rowid, title, body, names) VALUES (?, ?, ?, ?)",
            [(start + i, *p[1:]) for i, p in enumerate(pool)],
        )

    conn.execute("BEGIN")
    for interval in (sys.getswitchinterval(), 0.0002):
        old = sys.getswitchinterval()
        sys.setswitchinterval(interval)
        alone, beside, loop_share, longest = [], [], [], []
        for _ in range(5):
            t0 = time.perf_counter()
            batch()
            alone.append(time.perf_counter() - t0)
            done = threading.Event()
            ends: list[float] = []

            def write(ends: list[float] = ends, done: threading.Event = done) -> None:
                batch()
                ends.append(time.perf_counter())
                done.set()

            writer = threading.Thread(target=write)
            stamps = []
            cpu0, t0 = time.thread_time(), time.perf_counter()
            writer.start()
            while not done.is_set():
                stamps.append(time.perf_counter())
            loop_cpu = time.thread_time() - cpu0
            writer.join()
            beside.append(ends[0] - t0)
            loop_share.append(loop_cpu / (ends[0] - t0))
            longest.append(max(b - a for a, b in itertools.pairwise(stamps)))
        sys.setswitchinterval(old)
        print(
            f"2,000-row executemany (record + FTS5), switch interval {interval * 1e3:g} ms:"
            f" alone {statistics.median(alone) * 1e3:.0f} ms; beside a Python loop"
            f" {statistics.median(beside) * 1e3:.0f} ms, the loop ran"
            f" {statistics.median(loop_share) * 100:.0f}% of that time, longest pause"
            f" {statistics.median(longest) * 1e3:.1f} ms"
        )
    conn.execute("ROLLBACK")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=2_000)
    parser.add_argument("--cli-records", type=int, default=20_000)
    parser.add_argument(
        "--stages", type=int, default=0, metavar="N", help="us/record of each stage, N records"
    )
    parser.add_argument("--profile", action="store_true", help="with --stages: cProfile too")
    parser.add_argument(
        "--overlap", type=int, default=0, metavar="N", help="serial vs writer thread, N records"
    )
    args = parser.parse_args()
    if args.overlap:
        with tempfile.TemporaryDirectory() as tmp:
            overlap_table(Path(tmp), args.overlap)
    if args.stages:
        with tempfile.TemporaryDirectory() as tmp:
            stage_table(Path(tmp), args.stages, args.profile)
    if args.cli_records:
        with tempfile.TemporaryDirectory() as tmp:
            cli_import(Path(tmp), args.cli_records)
    if not args.submissions:
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        export, attachments, media_bytes = write_export(work, args.submissions, args.photos)
        print(
            f"export: {args.submissions} submissions, {args.photos} photos "
            f"({media_bytes / 1e6:.1f} MB) written in {time.perf_counter() - t0:.1f} s"
        )
        print(f"peak memory before importing: {peak_mb():.0f} MB")
        cat = create_catalogue(work / "bench.tkc", "benchmark passphrase x", Community("Bench"))
        t0 = time.perf_counter()
        preview = run_import(cat, export, media=attachments, dry_run=True)
        preview_s = time.perf_counter() - t0
        assert preview.counts.created == args.submissions, preview.counts
        print(f"preview (--dry-run): {preview_s:.1f} s, {args.submissions / preview_s:,.0f} rows/s")
        t0 = time.perf_counter()
        result = run_import(cat, export, media=attachments)
        import_s = time.perf_counter() - t0
        assert result.counts.created == args.submissions, result.counts
        assert result.counts.media_attached == args.photos, result.counts
        print(
            f"import: {import_s:.1f} s, {args.submissions / import_s:,.0f} submissions/s, "
            f"{args.photos / import_s:,.0f} photos/s, {media_bytes / 1e6 / import_s:.1f} MB/s"
        )
        t0 = time.perf_counter()
        again = run_import(cat, export, media=attachments)
        again_s = time.perf_counter() - t0
        assert again.counts.unchanged == args.submissions and not again.counts.created
        print(f"re-import (all unchanged): {again_s:.1f} s")
        print(f"peak memory (max resident): {peak_mb():.0f} MB")
        size = (work / "bench.tkc").stat().st_size
        print(f"catalogue file: {size / 1e6:.1f} MB")
        cat.close()


if __name__ == "__main__":
    main()
