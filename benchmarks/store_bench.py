"""Catalogue store benchmark: import rate, search latency, open time (prints figures).

    .venv/bin/python benchmarks/store_bench.py --records 100000

Targets (issue #2): search median < 30 ms, import >= 5,000 records/s, open < 1 s (including
Argon2id key derivation with the real "kdf v1" parameters). A baseline runs the same queries
on plain (unencrypted, in-memory) SQLite FTS5 with the same text, so the figures can be read
against the machine's speed.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tkapp.core.model import Community
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.services.importing import run_import
from tkapp.store.text import fts_query


def _words(text: str) -> list[str]:
    return text.split()


WORDS_ES = _words(
    "hoja corteza raíz semilla fruto resina bejuco chakra río monte abuela abuelo cocimiento "
    "infusión baño dolor fiebre herida alimento fiesta cosecha siembra luna lluvia verano "
    "invierno madrugada fogón olla barro canasta tejido tinte pintura remedio partera parto "
    "niño mujer hombre comunidad minga asamblea bosque páramo laguna cerro camino sendero "
    "chicha yuca maíz papa quinua cacao guayusa achiote huito chonta morete ceibo ortiga "
    "medicína estómago cabeza huesos piel inflamación limpieza susto espíritu canto relato"
)
WORDS_EN = _words(
    "leaf bark root seed fruit resin vine garden river forest grandmother grandfather boiled "
    "tea bath pain fever wound food festival harvest planting moon rain dry season dawn fire "
    "pot clay basket weaving dye paint remedy midwife birth child woman man community work "
    "assembly forest highland lake hill path drink cassava maize potato quinoa cocoa"
)
GENERA = _words(
    "Uncaria Croton Ilex Banisteriopsis Chenopodium Smallanthus Erythroxylum Cinchona Bactris "
    "Theobroma Manihot Ugni Minthostachys Solanum Lupinus Bixa Genipa Carludovica Mauritia "
    "Ceiba Urtica Inga Psidium Piper Capsicum Zea Phaseolus Cucurbita Annona Passiflora"
)
EPITHETS = _words(
    "tomentosa lechleri guayusa caapi quinoa sonchifolius coca officinalis gasipaes cacao "
    "esculenta myricoides mollis tuberosum mutabilis orellana americana palmata flexuosa "
    "pentandra dioica edulis guajava aduncum chinense mays vulgaris ficifolia muricata ligularis"
)
FIRST = _words("Rosa María Luzmila Beatriz Carmen Segundo Manuel Carlos José Luis Ana Elena")
LAST = _words("Grefa Tapuy Andi Shiguango Cerda Alvarado Tanguila Aguinda Mamallacta Licuy")
QUERIES = [
    "corteza",
    "hoja",
    "fiebre",
    "medicina",
    "guayusa",
    "chicha yuca",
    "uncaria",
    "ilex",
    "partera",
    "abuela",
    "baño limpieza",
    "dolor huesos",
    "tinte",
    "rosa grefa",
    "tapuy",
    "bark",
    "tea",
    "fever",
    "harvest",
    "resin",
    "cacao",
    "croton lechleri",
    "minga",
    "madrugada",
    "luna",
    "páramo",
    "canto",
    "espíritu",
    "semilla",
    "quinua",
    "tejido",
    "inflamación",
    "manuel",
    "shiguango",
    "achiote",
    "pintura",
    "wound",
    "midwife",
    "cassava",
    "fiesta cosecha",
]


class Vocabulary:
    """Words with Zipf frequencies, like real text: a few very common words, a long tail.

    The real words (the ones queries use) are spread over ranks 20 to ~2,000, so a query
    word appears in roughly 0.5% to 40% of the records; the rest are pseudo-words.
    """

    def __init__(self, real: list[str], rng: random.Random, size: int = 6000) -> None:
        syllables = _words("ka ma ri su ya wa chi pa tu lla na ku ri mi sha ta yu wi ra pi")
        words = [
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size)
        ]
        shuffled = real[:]
        rng.shuffle(shuffled)
        for i, word in enumerate(shuffled):
            words[20 + int(i**1.6)] = word
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(size)))

    def sentence(self, rng: random.Random, n: int) -> str:
        return " ".join(rng.choices(self.words, cum_weights=self.cum, k=n))


def write_csv(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    taxa = [f"{rng.choice(GENERA)} {rng.choice(EPITHETS)}" for _ in range(200)]
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(300)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "title",
                "summary",
                "description",
                "language",
                "category",
                "scientific_name",
                "part",
                "preparation",
                "purpose",
                "season",
                "holders",
                "locality",
                "latitude",
                "longitude",
                "access",
                "labels",
            ]
        )
        vocab_es = Vocabulary(WORDS_ES, rng)
        vocab_en = Vocabulary(WORDS_EN, rng)
        for i in range(n):
            english = rng.random() < 0.3
            vocab = vocab_en if english else vocab_es
            writer.writerow(
                [
                    vocab.sentence(rng, rng.randint(3, 7)).capitalize() + f" {i}",
                    vocab.sentence(rng, 12),
                    vocab.sentence(rng, rng.randint(40, 120)),
                    "en" if english else "es",
                    rng.choice(["medicinal", "food", "agriculture", "ritual", "craft", "ecology"]),
                    rng.choice(taxa),
                    vocab.sentence(rng, 1),
                    vocab.sentence(rng, 3),
                    vocab.sentence(rng, 3),
                    rng.choice(["dry season", "lluvias", "todo el año", ""]),
                    "; ".join(rng.sample(people, rng.randint(1, 2))),
                    vocab.sentence(rng, 4),
                    f"{rng.uniform(-2, 0.5):.4f}",
                    f"{rng.uniform(-79, -76):.4f}",
                    rng.choice(["public", "community", "community", "secret_sacred"]),
                    rng.choice(["tka", "tka tkcs", "tkv", "tka tknc bcp"]),
                ]
            )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def baseline(csv_path: Path) -> tuple[float, float, float]:
    """Plain in-memory SQLite FTS5 with the same text: (load s, median ms, p95 ms)."""
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE f USING fts5(title, body, names, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    start = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh)
        conn.executemany(
            "INSERT INTO f (title, body, names) VALUES (?, ?, ?)",
            (
                (
                    r["title"],
                    " ".join(
                        (r["summary"], r["description"], r["part"], r["preparation"], r["purpose"])
                    ),
                    r["scientific_name"] + " " + r["holders"],
                )
                for r in rows
            ),
        )
    conn.commit()
    load = time.perf_counter() - start
    times = []
    for _ in range(3):
        for query in QUERIES:
            t0 = time.perf_counter()
            conn.execute(
                "SELECT rowid, title FROM f WHERE f MATCH ? ORDER BY bm25(f, 10.0, 1.0, 5.0) "
                "LIMIT 50",
                (fts_query(query),),
            ).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return load, statistics.median(times), pct(times, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the catalogue at this path")
    args = parser.parse_args()
    os.environ.pop("TKAPP_KDF_PROFILE", None)  # the real key derivation
    passphrase = "benchmark passphrase"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "records.csv"  # synthetic text, nothing real
        write_csv(csv_path, args.records)
        path = args.keep or work / "bench.tkc"

        t0 = time.perf_counter()
        cat = create_catalogue(path, passphrase, Community("Benchmark"))
        create_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = run_import(cat, csv_path).counts
        import_s = time.perf_counter() - t0
        assert report.created == args.records, report
        cat.close()

        opens = []
        for _ in range(3):
            t0 = time.perf_counter()
            cat = open_catalogue(path, passphrase)
            opens.append(time.perf_counter() - t0)
            if _ < 2:
                cat.close()

        # Warm the page cache as a user session would, then time.
        for query in QUERIES:
            cat.search(query)
        search_ms: list[float] = []
        ids_ms: list[float] = []
        for _ in range(3):
            for query in QUERIES:
                t0 = time.perf_counter()
                ids = cat.search_ids(query)
                t1 = time.perf_counter()
                cat.summaries(ids[:50])
                t2 = time.perf_counter()
                ids_ms.append((t1 - t0) * 1000)
                search_ms.append((t2 - t0) * 1000)
        limited_ms: list[float] = []
        for query in QUERIES:
            t0 = time.perf_counter()
            cat.search(query, limit=50)
            limited_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        all_ids = cat.search_ids()
        list_all_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        check = cat.check()
        check_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        cat.close()

        base_load, base_median, base_p95 = baseline(csv_path)

    median = statistics.median(search_ms)
    rate = args.records / import_s
    rows = [
        ("records", f"{args.records:,}"),
        ("catalogue size", f"{size_mb:.1f} MB"),
        ("create (incl. key derivation)", f"{create_s:.2f} s"),
        ("import", f"{import_s:.1f} s = {rate:,.0f} records/s"),
        (
            "open (incl. Argon2id)",
            f"median {statistics.median(opens):.2f} s, max {max(opens):.2f} s",
        ),
        ("search_ids + 50 summaries", f"median {median:.1f} ms, p95 {pct(search_ms, 0.95):.1f} ms"),
        (
            "  search_ids alone",
            f"median {statistics.median(ids_ms):.1f} ms, p95 {pct(ids_ms, 0.95):.1f} ms",
        ),
        (
            "  search(limit=50)",
            f"median {statistics.median(limited_ms):.1f} ms, p95 {pct(limited_ms, 0.95):.1f} ms",
        ),
        ("list all ids (newest first)", f"{list_all_ms:.1f} ms for {len(all_ids):,} ids"),
        ("check (integrity x2 + audit)", f"{check_s:.1f} s, ok={check.ok}"),
        (
            "baseline plain SQLite FTS5",
            f"load {base_load:.1f} s; search(limit 50) median "
            f"{base_median:.2f} ms, p95 {base_p95:.2f} ms",
        ),
    ]
    ratio = statistics.median(limited_ms) / base_median if base_median else float("nan")
    rows.append(("ratio search(limit=50) / baseline", f"{ratio:.1f}x"))
    for label, value in rows:
        print(f"{label + ':':<36}{value}")


if __name__ == "__main__":
    main()
