"""Verify time and memory on signed hostile bundles (issue 20): linear, under 256 MiB.

    .venv/bin/python benchmarks/hostile_bench.py [--sizes 5000,20000,60000] [--dir DIR]

Builds, with the community key the verifier trusts, bundles of N tiny records for each N in
``--sizes`` (time should grow linearly: the per-record cost is printed), plus the hostile
shapes of issue 20 (a 16 MiB record of 1.5 million keys, eight records at the 2 MiB cap,
100,000 levels of nesting), then runs ``tkapp verify`` on each in its own process and prints
wall time, peak resident memory and exit code. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "faults"))

import hostile  # noqa: E402

RSS_RUN = ROOT / "tests" / "faults" / "rss_run.py"


def measure(bundle: Path, key: Path) -> tuple[float, int, int, str]:
    # A fresh data folder each time: these bundles share a catalogue id and sequence, and a
    # verifier that saw one would report the next as a replay before reading its records.
    data = Path(tempfile.mkdtemp(dir=bundle.parent))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TKAPP_DATA_DIR": str(data)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(RSS_RUN), "verify", str(bundle), "--trust", str(key)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1].split("=", 1)[1])
    return elapsed, peak // 1024, proc.returncode, (lines[0] if len(lines) > 1 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,60000")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        os.environ["TKAPP_DATA_DIR"] = str(folder / "data")
        key = hostile.write_pubkey(folder / "k.pub")
        cases: list[tuple[str, Path]] = []
        for n in (int(x) for x in args.sizes.split(",")):
            cases.append(
                (f"{n} tiny records", hostile.tiny_records_bundle(folder / f"t{n}.tkb", n))
            )
        mib = hostile.MiB
        cases.append(
            ("16 MiB record, 1.5M keys", hostile.hostile_bundle(
                folder / "huge.tkb", [hostile.many_keys(16 * mib)]))
        )  # fmt: skip
        cases.append(
            ("8 records at the 2 MiB cap", hostile.hostile_bundle(
                folder / "eight.tkb", [hostile.many_keys(2 * mib - 64)] * 8))
        )  # fmt: skip
        cases.append(
            ("100,000 levels of nesting", hostile.hostile_bundle(
                folder / "deep.tkb", [hostile.deep(100_000)]))
        )  # fmt: skip
        print(f"{'bundle':32} {'exit':>4} {'seconds':>8} {'peak MiB':>9} {'ms/record':>10}")
        for label, bundle in cases:
            elapsed, peak, code, message = measure(bundle, key)
            per = ""
            if label.endswith("tiny records"):
                per = f"{elapsed * 1000 / int(label.split()[0]):10.3f}"
            print(f"{label:32} {code:4d} {elapsed:8.2f} {peak:9d} {per:>10}  {message[:60]}")


if __name__ == "__main__":
    main()
