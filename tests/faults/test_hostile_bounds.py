"""Bounded after the signature (item 2): signed hostile records, memory asserted.

Each bundle below carries a valid signature by the trusted key; ``tkapp verify`` and
``tkapp import-bundle`` run in a fresh process whose peak resident memory must stay under
256 MiB. Time is measured by ``benchmarks/hostile_bench.py`` (never asserted here).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from . import hostile
from .conftest import PASSPHRASE, cli_env, make_catalogue

LIMIT_KIB = 256 * 1024
RSS_RUN = Path(__file__).resolve().parent / "rss_run.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="peak memory via getrusage (POSIX)"),
]


def _run_measured(*args: str | Path) -> tuple[int, int, str]:
    proc = subprocess.run(
        [sys.executable, str(RSS_RUN), *map(str, args)],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("MAXRSS_KIB="), proc.stderr
    return proc.returncode, int(last.split("=", 1)[1]), proc.stderr


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "key": hostile.write_pubkey(folder / "k.pub"),
        # 16 MiB, about 1.5 million keys, in one record.
        "huge": hostile.hostile_bundle(folder / "huge.tkb", [hostile.many_keys(16 * hostile.MiB)]),
        # Eight valid records each just under the 2 MiB cap, each as many list items as fit.
        "eight": hostile.hostile_bundle(
            folder / "eight.tkb", [hostile.many_items(2 * hostile.MiB - 64)] * 8
        ),
        # The same size as keys the record schema does not know (and no id): refused, in bounds.
        "unknown": hostile.hostile_bundle(
            folder / "unknown.tkb", [hostile.many_keys(2 * hostile.MiB - 64)]
        ),
        # 100,000 levels of nesting (about 600 KB).
        "deep": hostile.hostile_bundle(folder / "deep.tkb", [hostile.deep(100_000)]),
        "tiny": hostile.tiny_records_bundle(folder / "tiny.tkb", 20_000),
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [("huge", 3), ("eight", 0), ("deep", 3), ("tiny", 0), ("unknown", 3)],
)
def test_verify_stays_under_256_mib(bundles: dict[str, Path], name: str, expected: int) -> None:
    code, peak, err = _run_measured("verify", bundles[name], "--trust", bundles["key"])
    print(f"\nverify {name}: exit {code}, peak {peak // 1024} MiB")
    assert code == expected, err
    if name == "unknown":
        assert "missing key" in err or "unknown key" in err, err
    elif expected == 3:
        assert "larger than allowed" in err or "limit" in err.lower(), err
    assert peak < LIMIT_KIB, f"{name}: {peak // 1024} MiB"


@pytest.mark.parametrize("name", ["eight", "huge"])
def test_import_bundle_stays_under_256_mib(
    bundles: dict[str, Path], name: str, tmp_path: Path
) -> None:
    catalogue = tmp_path / "c.tkc"
    make_catalogue(catalogue, records=0, passphrase=PASSPHRASE)
    code, peak, err = _run_measured(
        "import-bundle", catalogue, bundles[name], "--trust", bundles["key"]
    )
    print(f"\nimport-bundle {name}: exit {code}, peak {peak // 1024} MiB")
    assert code == (0 if name == "eight" else 3), err
    assert peak < LIMIT_KIB, f"{name}: {peak // 1024} MiB"
