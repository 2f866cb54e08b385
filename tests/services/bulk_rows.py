"""A records CSV of many publishable rows, for the tests that measure bulk paths' memory."""

from __future__ import annotations

import csv
from pathlib import Path


def write_rows(path: Path, records: int, words: int, first: int = 0) -> None:
    """``records`` rows of public, openly licensed plants, each with ``words`` words of
    description (repeating across rows, as real text does) and a place of its own; numbered
    from ``first``, so a catalogue can be grown by the rows that follow."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["title", "description", "scientific_name", "holders", "part", "purpose",
             "latitude", "longitude", "access", "open_licence"]
        )  # fmt: skip
        for i in range(first, first + records):
            text = " ".join(f"palabra{(i * 13 + k) % 499}" for k in range(words))
            writer.writerow(
                [
                    f"Planta {i}", text, f"Ilex especie{i % 150}", f"Rosa {i % 90}", "hojas",
                    text[:80], f"{-1 - (i % 997) / 1000:.4f}", f"{-77 - (i % 991) / 1000:.4f}",
                    "public", "CC-BY-4.0",
                ]
            )  # fmt: skip
