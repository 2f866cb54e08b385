"""Desktop benchmark at 100,000 records: unlock -> usable window, search keystroke, memory.

Targets (issues 5 and 19): unlock to a usable main window under 1 s, every search keystroke
(typing and deleting) updating the table under 100 ms, the running app under 300 MB.

    .venv/bin/python benchmarks/ui_bench.py --catalogue /tmp/tk-bench/100k.tkcat

The catalogue is created once through the services (the importer, one transaction) and
reused on later runs. Runs offscreen; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TKAPP_CONFIG_DIR", tempfile.mkdtemp(prefix="tk-bench-config-"))

PASSPHRASE = "bench passphrase for one hundred thousand"
SPECIES = [
    ("Ilex guayusa", "wayusa@qu;guayusa@es"),
    ("Croton lechleri", "sangre de drago@es"),
    ("Manihot esculenta", "lumu@qu;yuca@es"),
    ("Bactris gasipaes", "chonta@es"),
    ("Theobroma cacao", "kakaw@qu;cacao@es"),
    ("Uncaria tomentosa", "uña de gato@es"),
    ("Bixa orellana", "manduru@qu;achiote@es"),
    ("Chenopodium quinoa", "kinwa@qu;quinua@es"),
]
CATEGORIES = ["medicinal", "food", "agriculture", "ecology", "craft", "ritual", "language"]
WORDS = [
    "hoja",
    "raíz",
    "corteza",
    "semilla",
    "flor",
    "fruto",
    "tallo",
    "agua",
    "fuego",
    "tierra",
    "luna",
    "lluvia",
]


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc; psutil elsewhere if present)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / 1024 / 1024
    except ImportError:
        return float("nan")


def build(path: Path, count: int) -> None:
    from tkapp.core.model import Community
    from tkapp.services.catalogue import create_catalogue
    from tkapp.services.importing.service import import_rows

    def rows():
        for n in range(count):
            sci, local = SPECIES[n % len(SPECIES)]
            words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(6))
            yield {
                "title": f"Saber {n:06d}: {words}",
                "summary": f"Uso tradicional número {n}",
                "description": f"Preparación con {words}. " * 4,
                "category": CATEGORIES[n % len(CATEGORIES)],
                "scientific_name": sci,
                "local_names": local,
                "purpose": words,
            }

    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    community = Community(name="Comunidad de prueba 100k", languages=["es", "qu"])
    with create_catalogue(path, PASSPHRASE, community) as cat:
        import_rows(cat, rows())
    print(f"built {count} records in {time.perf_counter() - started:.1f} s -> {path}")


def wait(app, condition, timeout: float = 60.0) -> float:
    """Process events until ``condition()``; returns the seconds it took."""
    started = time.perf_counter()
    while not condition():
        app.processEvents()
        if time.perf_counter() - started > timeout:
            raise TimeoutError("condition not reached")
        time.sleep(0.0005)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--catalogue", type=Path, default=Path(tempfile.gettempdir()) / "tk-bench" / "100k.tkcat"
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keystrokes", default="guayusa", help="typed, then deleted back")
    parser.add_argument(
        "--figures-json", type=Path, help="also write the keystroke figures here (make bench)"
    )
    args = parser.parse_args()
    if not args.catalogue.exists():
        build(args.catalogue, args.records)

    from PySide6.QtWidgets import QApplication

    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.settings import Settings
    from tkapp.ui.common.worker import Runner
    from tkapp.ui.records.records_model import PAGE_SIZE

    app = QApplication(sys.argv[:1])
    runner = Runner()
    window = MainWindow(runner, Settings())
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    print(f"app started, RSS {rss_mb():.0f} MB")

    model = window.records.model
    records = window.records

    # 1. unlock -> usable main window (the view shown with its first rows painted).
    window.open_catalogue_file(args.catalogue)
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    started = time.perf_counter()
    window.unlock_screen.unlock()
    wait(app, lambda: window.stack.currentWidget() is window.view and model.rowCount() > 0)
    shown = time.perf_counter() - started
    wait(app, lambda: model.is_row_loaded(0))
    usable = time.perf_counter() - started
    print(f"records: {model.rowCount():,}")
    print(f"unlock -> main window shown: {shown * 1000:.0f} ms")
    print(f"unlock -> first rows painted (usable): {usable * 1000:.0f} ms")

    # 2. search keystrokes (issue 19): every keystroke, typing the word and deleting it back
    # letter by letter, from the key to the table holding the new first rows, and to those
    # rows painted. Includes the short pause that lets a burst of keys through as one search
    # (SEARCH_DELAY_MS). Offscreen, Qt paints the 9 columns in software: on a loaded 2-core
    # machine that alone takes 50-80 ms (the Python side answers ~2,000 data() calls).
    from tkapp.ui.records.records_section import SEARCH_DELAY_MS

    # Right after unlock the serial worker still counts the catalogue for the status bar
    # (cat.stats(): ~180 ms at 100,000 records on a loaded machine): a search typed then
    # waits behind it. Measured once here, then the keystrokes start on a settled worker.
    settled: list[object] = []
    pressed = time.perf_counter()
    runner.run(lambda _cat: None, settled.append)
    wait(app, lambda: bool(settled))
    print(f"worker busy after unlock for another {1000 * (time.perf_counter() - pressed):.0f} ms")

    word = args.keystrokes
    steps = [word[:n] for n in range(1, len(word) + 1)] + [
        word[:n] for n in range(len(word) - 1, 0, -1)
    ]
    to_rows, to_paint, search_only = [], [], []
    for typed in steps:
        pressed = time.perf_counter()
        records.search.setText(typed)
        wait(app, lambda: records.searching)
        fired = time.perf_counter()
        wait(app, lambda: not records.searching)
        wait(app, lambda: model.rowCount() == 0 or model.is_row_loaded(0))
        rows = time.perf_counter()
        records.table.viewport().repaint()  # the rows painted, as the person sees them
        painted = time.perf_counter()
        search_only.append(rows - fired)
        to_rows.append(rows - pressed)
        to_paint.append(painted - pressed)
        print(
            f"  '{typed}': {records.result.text()}; key -> rows {1000 * (rows - pressed):.0f} ms"
            f" (search {1000 * (rows - fired):.0f} ms),"
            f" -> painted {1000 * (painted - pressed):.0f} ms"
        )

    def figures(times: list[float]) -> str:
        return f"median {1000 * statistics.median(times):.0f} ms, worst {1000 * max(times):.0f} ms"

    print(
        f"search keystrokes: {len(steps)}, typed and deleted; pause {SEARCH_DELAY_MS} ms included"
    )
    print(f"  key -> table holds the new rows: {figures(to_rows)}")
    print(f"  key -> rows painted:             {figures(to_paint)}")
    print(f"  the search on the worker + rows: {figures(search_only)}")
    if args.figures_json:
        args.figures_json.write_text(
            json.dumps(
                {
                    "records": args.records,
                    "keystrokes": len(steps),
                    "pause_ms": SEARCH_DELAY_MS,
                    "to_rows_ms": [round(1000 * t, 1) for t in to_rows],
                    "to_paint_ms": [round(1000 * t, 1) for t in to_paint],
                    "unlock_usable_ms": round(1000 * usable),
                }
            )
        )

    # Clearing the search brings back all rows; then jump deep into the table.
    records.search.setText("")
    wait(app, lambda: records.searching)
    wait(app, lambda: not records.searching and model.is_row_loaded(0))
    started = time.perf_counter()
    row = model.rowCount() // 2
    records.table.scrollTo(model.index(row, 0))
    app.processEvents()
    # The rows the view shows (scrollTo may place the row anywhere on the screen).
    shown_row = records.table.rowAt(0)
    wait(app, lambda: model.is_row_loaded(shown_row))
    print(
        f"jump to row {row:,} (row {shown_row:,} on top): rows shown after"
        f" {1000 * (time.perf_counter() - started):.0f} ms"
    )
    for fraction in (0.1, 0.3, 0.6, 0.9, 0.99):
        target = int(model.rowCount() * fraction)
        records.table.scrollTo(model.index(target, 0))
        app.processEvents()
        top = records.table.rowAt(0)
        wait(app, lambda t=top: model.is_row_loaded(t))
    print(f"pages cached after scrolling: {model.cached_pages()} x {PAGE_SIZE} rows")
    print(f"RSS of the running app: {rss_mb():.0f} MB")

    window.idle.detach()
    window.close()
    runner.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
