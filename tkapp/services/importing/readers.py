"""Format readers: a file as a table of named cells. Pure parsing, no catalogue.

Every reader returns a :class:`Table` (header names as the file writes them, rows as
``{header: value}`` numbered as the user sees them: spreadsheet rows with the header as row 1,
JSON items from 1). Understanding the columns is :mod:`.columns`'s job.

Text encoding, one rule (:func:`decode_text`): a byte-order mark decides (UTF-8 or UTF-16, as
Excel's "CSV UTF-8" and "Unicode text" write); otherwise strict UTF-8; otherwise Windows-1252,
what Excel on Windows writes for "CSV". A statistical detector (charset-normalizer) was not
used: on short Spanish or Kichwa files it guesses among dozens of encodings, while these two
are the only ones spreadsheets and form tools write, and UTF-8 is self-checking (text in
cp1252 with accents is almost never valid UTF-8). Bytes cp1252 leaves undefined are an error.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tkapp.errors import ImportEncodingError, ImportFileError, ImportSpreadsheetError
from tkapp.ziparchive import SafeZip

#: Largest table file read (CSV, JSON; XLSX is streamed but its rows are kept).
MAX_TABLE_BYTES = 512 * 1024 * 1024

Row = dict[str, Any]


@dataclass
class Table:
    """One sheet of submissions."""

    source: str  # the file name shown in messages
    columns: list[str]
    rows: list[tuple[int, Row]]
    encoding: str = ""  # text files: the encoding used, said in the preview
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def decode_text(data: bytes, label: str) -> tuple[str, str]:
    """(text, encoding name) by the rule in the module docstring.

    Raises:
        ImportEncodingError: neither UTF-8 nor cp1252 (``row``: the line of the first bad byte).
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    last_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            last_error = exc
    # Where it failed: the last rule's failure (UTF-8 fails on any cp1252 accent already).
    position = last_error.start if last_error else 0
    row = data.count(b"\n", 0, position) + 1
    raise ImportEncodingError("unknown text encoding", file=label, row=row)


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in Spanish-speaking countries) or tab: the one the header line
    uses most, outside quotes."""
    header = text.split("\n", 1)[0]
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _unique(header: list[str]) -> list[str]:
    """Header names made unique (a repeated name gets `` (2)``) and stripped."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for raw in header:
        name = str(raw if raw is not None else "").strip()
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def parse_csv(data: bytes, label: str) -> Table:
    """A CSV/TSV file's bytes as a table.

    Raises:
        ImportEncodingError, ImportFileError (broken quoting, with its row).
    """
    text, encoding = decode_text(data, label)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("the file is empty", file=label, row=1)
        columns = _unique(header)
        rows: list[tuple[int, Row]] = []
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                raise ImportFileError("more cells than columns", file=label, row=number)
            rows.append((number, dict(zip(columns, cells, strict=False))))
    except csv.Error as exc:
        raise ImportFileError(str(exc), file=label, row=reader.line_num) from exc
    return Table(label, columns, rows, encoding=encoding, delimiter=delimiter)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def read_xlsx(path: Path, label: str = "") -> Table:
    """The first sheet of a workbook (KoboToolbox puts the main form there; repeat groups go to
    later sheets), streamed with openpyxl's read-only mode.

    The archive is checked with :class:`SafeZip` first (a workbook is a ZIP of XML), and
    openpyxl parses its XML through defusedxml (installed with tkapp) against entity bombs.

    Raises:
        ImportSpreadsheetError: not a workbook, or damaged. UnsafeArchive: a hostile ZIP.
    """
    label = label or Path(path).name
    import openpyxl  # deferred: only XLSX imports pay for it

    try:
        SafeZip(path, label=label).close()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportSpreadsheetError("not an .xlsx workbook", file=label, row=0) from exc
    try:
        with Path(path).open("rb") as handle:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "no default style": harmless, Kobo's say it
                # A file object: openpyxl would refuse a renamed workbook by its name ending.
                book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                columns, rows = _first_sheet(book, label)
            finally:
                book.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML, zip) on a bad file
        raise ImportSpreadsheetError(
            type(exc).__name__ + ": " + str(exc)[:200], file=label, row=0
        ) from exc
    return Table(label, [c for c in columns if c], rows)


def _first_sheet(book: Any, label: str) -> tuple[list[str], list[tuple[int, Row]]]:
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        raise ImportFileError("the sheet is empty", file=label, row=1)
    columns = _unique([str(h) if h is not None else "" for h in header])
    rows: list[tuple[int, Row]] = []
    for number, cells in enumerate(values, start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((number, {c: _cell(v) for c, v in zip(columns, cells, strict=False) if c}))
    return columns, rows


def _flatten(item: dict[str, Any], prefix: str = "") -> Row:
    """Nested groups (``{"plant": {"name": ...}}``) as ``plant/name``, as Kobo names them.
    Lists stay lists (``_geolocation``, ``_attachments``, repeat groups)."""
    out: Row = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and not _is_leaf_object(value):
            out.update(_flatten(value, name + "/"))
        else:
            out[name] = value
    return out


def _is_leaf_object(value: dict[str, Any]) -> bool:
    # A tkapp JSON holder {"name": ..., "role": ...} is a value, not a group.
    return set(value) <= {"name", "role", "language", "community_review"}


def parse_json(data: bytes, label: str) -> Table:
    """A list of objects, Kobo's API answer ``{"count": n, "results": [...]}``, ODK Central's
    OData ``{"value": [...]}`` or ``{"records": [...]}``.

    Raises:
        ImportEncodingError, ImportFileError.
    """
    text, encoding = decode_text(data, label)
    try:
        doc = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        raise ImportFileError("not valid JSON", file=label, row=line) from exc
    if isinstance(doc, dict):
        for key in ("results", "value", "records"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
    if not isinstance(doc, list):
        raise ImportFileError("expected a list of submissions", file=label, row=0)
    columns: dict[str, None] = {}
    rows: list[tuple[int, Row]] = []
    for number, item in enumerate(doc, start=1):
        if not isinstance(item, dict):
            raise ImportFileError("expected an object", file=label, row=number)
        row = _flatten(item)
        columns.update(dict.fromkeys(row))
        rows.append((number, row))
    return Table(label, list(columns), rows, encoding=encoding)


def read_bytes(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise ImportFileError("the file is too large", file=label, row=0)
        return path.read_bytes()
    except OSError as exc:
        raise ImportFileError(str(exc), file=label, row=0) from exc
