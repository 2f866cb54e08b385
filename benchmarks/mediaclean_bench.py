"""Media cleaning speed next to a plain memory copy of the same bytes, in one process.

    .venv/bin/python benchmarks/mediaclean_bench.py [--mb 128] [--rounds 3]

Builds a JPEG (a real Pillow-made header with EXIF/ICC, then made-up entropy-coded data),
a PNG (IDAT chunks with valid CRCs) and an MP4 (``moov`` with a place box before a big
``mdat``, so every chunk offset is moved) in memory, then times ``clean_media`` on each from
an in-memory source into a sink that discards, next to ``shutil.copyfileobj`` of the same
bytes in 1 MiB blocks. Prints MB/s (best of the rounds); asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import shutil
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "mediaclean"))

from mediaclean_factory import ftyp, mp4_index  # noqa: E402
from PIL import Image  # noqa: E402

from tkapp.mediaclean import clean_media  # noqa: E402

BLOCK = 1 << 20


class Discard(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return len(data)


def _jpeg(size: int) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x013B] = "Rosa Tupiza"
    Image.new("RGB", (64, 48), (120, 80, 40)).save(out, format="JPEG", exif=exif)
    photo = out.getvalue()
    scan = photo.index(b"\xff\xda")
    header = photo[: scan + 2 + struct.unpack(">H", photo[scan + 2 : scan + 4])[0]]
    entropy = bytes(range(255)) * (BLOCK // 255)
    return header + entropy * (size // len(entropy)) + b"\xff\xd9"


def _png(size: int) -> bytes:
    data = bytes(range(256)) * (BLOCK // 256)
    idat = (
        struct.pack(">I", len(data))
        + b"IDAT"
        + data
        + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    )
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 1024, 1024, 8, 2, 0, 0, 0)
    text = b"tEXtAuthor\x00Rosa Tupiza"
    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))
    head += struct.pack(">I", len(text) - 4) + text + struct.pack(">I", zlib.crc32(text))
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return head + idat * (size // len(idat)) + iend


def _mp4(size: int) -> bytes:
    count = size // BLOCK
    start = len(ftyp() + mp4_index([0] * count)) + 8
    index = mp4_index([start + n * BLOCK for n in range(count)])
    mdat = struct.pack(">I4s", 8 + count * BLOCK, b"mdat")
    return ftyp() + index + mdat + bytes(range(256)) * (count * BLOCK // 256)


def _best(rounds: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=128, help="size of each made-up file")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.mb << 20
    print(f"mediaclean benchmark: {args.mb} MB per file, best of {args.rounds}")
    print(f"{'kind':<6}{'copy MB/s':>12}{'clean MB/s':>12}{'clean/copy':>12}")
    for kind, mime, make in (
        ("JPEG", "image/jpeg", _jpeg),
        ("PNG", "image/png", _png),
        ("MP4", "video/mp4", _mp4),
    ):
        data = make(size)
        megabytes = len(data) / 1e6

        def copy(data: bytes = data) -> None:
            shutil.copyfileobj(io.BytesIO(data), Discard(), BLOCK)

        def clean(data: bytes = data, mime: str = mime) -> None:
            clean_media(io.BytesIO(data), Discard(), mime)

        copy_rate = megabytes / _best(args.rounds, copy)
        clean_rate = megabytes / _best(args.rounds, clean)
        ratio = clean_rate / copy_rate
        print(f"{kind:<6}{copy_rate:>12.0f}{clean_rate:>12.0f}{ratio:>12.2f}")
        del data


if __name__ == "__main__":
    main()
