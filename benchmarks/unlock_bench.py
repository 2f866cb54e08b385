"""Unlock by person: time to open a catalogue used by 20 people in 10 protocol groups.

    .venv/bin/python benchmarks/unlock_bench.py [--people 20] [--groups 10] [--rounds 5]

Goal (issue 13): under 1 s. One unlock is: read the key slots file, Argon2id on the person's
passphrase (the real person cost: 3 passes over 64 MiB), unwrap the database key, open and
check the catalogue, unwrap every protocol group key the person holds (each person here is in
every group, the worst case), compare the keys file with the database's mirror. Real costs:
the test-only fast profile is never used here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tkapp.core.model import Community
from tkapp.core.users import Role
from tkapp.crypto import keyring
from tkapp.services.catalogue import create_catalogue, open_catalogue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("TKAPP_KDF_PROFILE", None)
    groups = [f"group {i}" for i in range(args.groups)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.tkc"
        started = time.perf_counter()
        with create_catalogue(path, "person 0 phrase", Community("Bench"), custodian="p0") as cat:
            people = cat.people()
            people.set_groups("p0", groups)
            for i in range(1, args.people):
                people.add(f"p{i}", Role.MEMBER, groups, f"person {i} phrase")
        setup = time.perf_counter() - started
        times = []
        for r in range(args.rounds):
            who = r % args.people
            t0 = time.perf_counter()
            with open_catalogue(path, f"person {who} phrase", person=f"p{who}") as cat:
                held = len(cat.reader.keys) if cat.reader else 0
            times.append(time.perf_counter() - t0)
    # The machine's speed: Argon2id alone at the person cost (most of an unlock, on purpose).
    t0 = time.perf_counter()
    keyring.passphrase_key("reference", b"0" * 16, keyring.PERSON_COST)
    argon = time.perf_counter() - t0
    print(f"setup ({args.people} people, {args.groups} groups): {setup:.1f} s")
    print(f"Argon2id alone at the person cost (this machine now): {argon * 1000:.0f} ms")
    print(f"group keys held by each person: {held}")
    print(
        f"unlock by person: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {args.rounds} rounds (goal < 1000 ms)"
    )
    print(f"unlock minus Argon2id: {(statistics.median(times) - argon) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
