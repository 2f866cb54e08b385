"""Tamper suite: every single-byte flip, every truncation, and a mutation fuzzer.

A small real bundle (about 15 KB) is changed and verified again; every case must be refused
with a :class:`BundleError` subclass (never another exception), none may be accepted, and
none may take more than 2 s. The fuzzer's seed is random per run and printed on failure;
set ``TKAPP_FUZZ_SEED`` to replay one.
"""

from __future__ import annotations

import os
import random
import secrets
import time
from collections import Counter
from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.writer import WrittenBundle
from tkapp.crypto.keys import KeyPair
from tkapp.errors import BundleError

SLOW_CASE_SECONDS = 2.0
FUZZ_CASES = 10_000


class Harness:
    def __init__(self, folder: Path, key: KeyPair) -> None:
        self.path = folder / "mutant.tkb"
        self.key = key.public_key
        self.codes: Counter[str] = Counter()
        self.slowest = 0.0

    def check(self, data: bytes, label: str) -> None:
        self.path.write_bytes(data)
        start = time.perf_counter()
        try:
            verify_bundle(self.path, trust=None, trust_key=self.key, now=factory.CREATED).close()
        except BundleError as exc:
            self.codes[exc.code] += 1
        else:
            pytest.fail(f"accepted a tampered bundle: {label}")
        elapsed = time.perf_counter() - start
        self.slowest = max(self.slowest, elapsed)
        assert elapsed < SLOW_CASE_SECONDS, f"{label} took {elapsed:.2f} s"


@pytest.mark.slow
def test_every_single_byte_flip_is_refused(
    bundle: WrittenBundle, key: KeyPair, tmp_path: Path
) -> None:
    original = bundle.path.read_bytes()
    harness = Harness(tmp_path, key)
    for offset in range(len(original)):
        mutant = bytearray(original)
        mutant[offset] ^= 0xFF
        harness.check(bytes(mutant), f"flip at {offset}")
    print(f"{len(original)} flips, slowest {harness.slowest * 1000:.1f} ms", dict(harness.codes))
    assert sum(harness.codes.values()) == len(original)


@pytest.mark.slow
def test_every_truncation_is_refused(bundle: WrittenBundle, key: KeyPair, tmp_path: Path) -> None:
    original = bundle.path.read_bytes()
    harness = Harness(tmp_path, key)
    for length in range(len(original)):
        harness.check(original[:length], f"truncated to {length}")
    assert sum(harness.codes.values()) == len(original)


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(8)
        if not out:  # an earlier step truncated everything: only growing makes sense
            out[:] = rng.randbytes(rng.randint(1, 32))
            continue
        pos = rng.randrange(len(out))
        if kind == 0:  # flip one bit
            out[pos] ^= 1 << rng.randrange(8)
        elif kind == 1:  # random bytes over a range
            n = rng.randint(1, 16)
            out[pos : pos + n] = rng.randbytes(n)
        elif kind == 2:  # insert bytes
            out[pos:pos] = rng.randbytes(rng.randint(1, 32))
        elif kind == 3:  # delete a range
            del out[pos : pos + rng.randint(1, 64)]
        elif kind == 4:  # interesting 16/32-bit values (sizes, offsets, counts)
            value = rng.choice([0, 1, 0x7F, 0xFF, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF, len(out)])
            width = rng.choice([2, 4])
            out[pos : pos + width] = (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
        elif kind == 5:  # duplicate a chunk somewhere else
            n = rng.randint(1, 256)
            chunk = out[pos : pos + n]
            at = rng.randrange(len(out) + 1)
            out[at:at] = chunk
        elif kind == 6:  # swap two chunks of equal length
            n = rng.randint(1, 64)
            other = rng.randrange(len(out))
            a, b = out[pos : pos + n], out[other : other + n]
            if len(a) == len(b):
                out[pos : pos + n], out[other : other + n] = b, a
        else:  # truncate or extend
            if rng.random() < 0.5:
                del out[pos:]
            else:
                out += rng.randbytes(rng.randint(1, 64))
    return bytes(out)


@pytest.mark.slow
def test_mutation_fuzzer(bundle: WrittenBundle, key: KeyPair, tmp_path: Path) -> None:
    seed = int(os.environ.get("TKAPP_FUZZ_SEED") or secrets.randbits(32))
    rng = random.Random(seed)
    original = bundle.path.read_bytes()
    harness = Harness(tmp_path, key)
    cases = 0
    while cases < FUZZ_CASES:
        mutant = _mutate(rng, original)
        if mutant == original:
            continue  # e.g. a swap of equal chunks: not a change
        cases += 1
        harness.check(mutant, f"seed {seed}, case {cases}")
    print(f"seed {seed}: slowest {harness.slowest * 1000:.1f} ms", dict(harness.codes))
    assert sum(harness.codes.values()) == FUZZ_CASES
