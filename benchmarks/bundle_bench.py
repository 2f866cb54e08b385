"""The bundle writer and verifier alone: speed and peak memory, next to hashlib.

    .venv/bin/python benchmarks/bundle_bench.py [--media-mb 1024] [--file-mb 64] [--dir DIR]

Makes random media files in a temporary folder, times Python's hashlib over them (the
baseline; ``sha256sum`` is printed as a second reference only: Debian's lacks the CPU's SHA
instructions), then runs the writer (``write_bundle`` streaming from plain file openers,
including its self-verification) and the verification (``verify_bundle``) each in its own
process, so each phase's peak resident memory (``ru_maxrss``) is its own. The export from a
catalogue (media read out of SQLCipher) is measured by ``limits_bench.py``. Targets: peak
memory under 256 MB for both; verify <= 1.2x hashlib. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bundle"))


def _peak_mb() -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def make_media(folder: Path, total_mb: int, file_mb: int) -> list[dict[str, object]]:
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    remaining = total_mb
    index = 0
    block = 4 * 1024 * 1024
    while remaining > 0:
        size_mb = min(file_mb, remaining)
        path = folder / f"media{index:03d}.bin"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for _ in range(size_mb * 1024 * 1024 // block):
                chunk = os.urandom(block)
                digest.update(chunk)
                out.write(chunk)
        items.append({"path": str(path), "sha256": digest.hexdigest(), "size": path.stat().st_size})
        remaining -= size_mb
        index += 1
    return items


def phase_export(work: Path) -> dict[str, float]:
    import tkb_factory as factory

    from tkapp.bundle.content import MediaItem
    from tkapp.bundle.writer import write_bundle

    items = json.loads((work / "media.json").read_text())

    def opener(p: str):  # type: ignore[no-untyped-def]
        return lambda: open(p, "rb")  # the writer closes it

    media = [MediaItem(i["sha256"], "bin", i["size"], opener(i["path"])) for i in items]
    content = factory.content(media=media)
    dest = work / "bench.tkb"
    dest.unlink(missing_ok=True)
    start = time.perf_counter()
    written = write_bundle(content, factory.community_key(), dest, created=factory.CREATED)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "peak_rss_mb": _peak_mb(), "bundle_mb": written.size / 2**20}


def phase_verify(work: Path) -> dict[str, float]:
    import tkb_factory as factory

    from tkapp.bundle.verifier import verify_bundle

    start = time.perf_counter()
    report = verify_bundle(
        work / "bench.tkb",
        trust=None,
        trust_key=factory.community_key().public_key,
        now=datetime(2026, 12, 1, tzinfo=UTC),
        intended=("public_research", "research"),
    )
    report.close()
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": _peak_mb()}


def run_phase(name: str, work: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--dir", str(work)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media-mb", type=int, default=1024)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temp folder)")
    parser.add_argument("--phase", choices=["export", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.phase:
        result = phase_export(args.dir) if args.phase == "export" else phase_verify(args.dir)
        print(json.dumps(result))
        return 0

    work = args.dir or Path(tempfile.mkdtemp(prefix="tkapp-bench-"))
    try:
        print(f"Making {args.media_mb} MB of media in {work} ...", flush=True)
        items = make_media(work / "media", args.media_mb, args.file_mb)
        (work / "media.json").write_text(json.dumps(items))
        paths = [str(i["path"]) for i in items]
        subprocess.run(["sha256sum", *paths], capture_output=True, check=True)  # warm the cache
        start = time.perf_counter()
        subprocess.run(["sha256sum", *paths], capture_output=True, check=True)
        tool_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for path in paths:
            with open(path, "rb") as fh:
                hashlib.file_digest(fh, "sha256")
        sha_seconds = time.perf_counter() - start
        export = run_phase("export", work)
        verify = run_phase("verify", work)
        bundle_mb = export["bundle_mb"]
        print(f"media: {args.media_mb} MB in {len(items)} files; bundle {bundle_mb:.1f} MB")
        print(f"hashlib               {sha_seconds:6.2f} s  (sha256sum {tool_seconds:.2f} s)")
        for label, phase, target in (
            ("export (+self-check)", export, ""),
            ("verify", verify, " (target <= 1.2)"),
        ):
            ratio = phase["seconds"] / sha_seconds
            print(
                f"{label:21} {phase['seconds']:6.2f} s  ratio to hashlib {ratio:4.2f}{target}"
                f"  peak RSS {phase['peak_rss_mb']:6.1f} MB (target < 256)"
            )
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
