"""The bundles' CRC-32 (zlib-ng, issue 19) is ZIP's: the same values as the stdlib's zlib,
whole or chained over chunks as the writer and the verifier compute it."""

from __future__ import annotations

import zlib

from hypothesis import given
from hypothesis import strategies as st

from tkapp.bundle import zipformat as zf


@given(st.lists(st.binary(max_size=70_000), max_size=5))
def test_crc32_is_zips_crc_whole_and_chained(parts: list[bytes]) -> None:
    crc = 0
    for part in parts:
        crc = zf.crc32(memoryview(part), crc)
    assert crc == zlib.crc32(b"".join(parts))


def test_crc32_known_answer() -> None:
    # The check value of CRC-32/ISO-HDLC (the ZIP polynomial) over "123456789".
    assert zf.crc32(b"123456789") == 0xCBF43926
