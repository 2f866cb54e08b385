"""200 MB made-up media streams are cleaned with bounded memory (JPEG, PNG, MP4 paths)."""

from __future__ import annotations

import struct
import tracemalloc
import zlib

import pytest
from mediaclean_factory import HashSink, Synthetic, box, ftyp, mp4_index

from tkapp.mediaclean import CleanReport, clean_media

SIZE = 200 << 20
BLOCK = 1 << 20
# Entropy-coded stand-in: every byte value except 0xFF, so no marker appears inside.
ENTROPY = bytes(range(255)) * (BLOCK // 255)
PEAK_LIMIT = 24 << 20  # far below the 200 MB that passes through


def _measure(stream: Synthetic, mime: str) -> tuple[CleanReport, HashSink, int]:
    sink = HashSink()
    tracemalloc.start()
    try:
        report = clean_media(stream, sink, mime)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, sink, peak


@pytest.mark.slow
def test_big_jpeg_streams_through(phone_jpeg: bytes) -> None:
    scan = phone_jpeg.index(b"\xff\xda")
    header = phone_jpeg[: scan + 2 + struct.unpack(">H", phone_jpeg[scan + 2 : scan + 4])[0]]
    stream = Synthetic(header, ENTROPY, SIZE // len(ENTROPY), b"\xff\xd9")
    report, sink, peak = _measure(stream, "image/jpeg")
    assert "exif_gps" in report.removed
    assert stream.size - len(header) < sink.size < stream.size
    assert sink.size > 199 << 20
    assert peak < PEAK_LIMIT, peak


@pytest.mark.slow
def test_big_png_streams_through(tagged_png: bytes) -> None:
    ihdr_end = 8 + 8 + 13 + 4
    idat_data = bytes(range(256)) * (BLOCK // 256 * 8)
    idat = struct.pack(">I", len(idat_data)) + b"IDAT" + idat_data
    idat += struct.pack(">I", zlib.crc32(b"IDAT" + idat_data))
    text = b"tEXtAuthor\x00Rosa Tupiza"
    head = tagged_png[:ihdr_end] + struct.pack(">I", len(text) - 4) + text
    head += struct.pack(">I", zlib.crc32(text))
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    stream = Synthetic(head, idat, SIZE // len(idat), iend)
    del idat_data, idat
    report, sink, peak = _measure(stream, "image/png")
    assert report.removed == ("png_text",)
    assert sink.size == stream.size - (len(text) + 8)
    assert peak < PEAK_LIMIT, peak


@pytest.mark.slow
def test_big_mp4_streams_through_and_its_chunk_offsets_move() -> None:
    count = SIZE // BLOCK
    probe = ftyp() + mp4_index([0] * count)
    data_start = len(probe) + 8
    offsets = [data_start + index * BLOCK for index in range(count)]
    index = mp4_index(offsets)
    mdat_header = struct.pack(">I4s", 8 + count * BLOCK, b"mdat")
    chunk = ENTROPY + bytes(BLOCK - len(ENTROPY))
    stream = Synthetic(ftyp() + index + mdat_header, chunk, count, b"")
    report, sink, peak = _measure(stream, "video/mp4")
    assert set(report.removed) == {"mp4_location", "mp4_time"}
    shrink = stream.size - sink.size
    assert shrink == len(box(b"udta", b"")) + 4 + 18 + 8  # the udta with its ©xyz box
    # The new index points every chunk at the same bytes, now `shrink` bytes earlier.
    out = sink.head
    at = out.index(b"stco") + 8
    first, second = struct.unpack_from(">II", out, at + 4)
    assert (first, second) == (offsets[0] - shrink, offsets[1] - shrink)
    assert peak < PEAK_LIMIT, peak
