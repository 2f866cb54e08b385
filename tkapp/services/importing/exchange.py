"""Importing the CSV exchange format (``tkapp export-csv``'s folder or ``.zip`` of six files)
back: preview, then apply. The format itself (files, columns, what never leaves) is described
and written by :mod:`tkapp.services.csv_exchange`; this is the import half, one of the formats
of the one importer (:mod:`tkapp.services.importing`).

Import is two steps: :func:`preview_csv_import` parses and checks everything and compares it
with the catalogue (how many are created / updated / unchanged, every row error counted and
the first ones kept), writing nothing; :func:`apply_csv_import` then writes it in ONE
transaction, all or nothing. Both stream the files (read again for each pass; ``uses.csv``
and ``holders.csv`` beside ``records.csv``): memory does not grow with the rows, beyond a
few bytes per record id. The apply plans again as it writes and refuses, rolling the
transaction back, unless its plan's fingerprint is the preview's.

Importing a file back: a withheld value keeps the catalogue's current value (it is absent
from the file, not empty). Columns missing from a file keep current values too; a missing
``uses.csv`` / ``holders.csv`` / ``vernacular_names.csv`` leaves those lists as they are. One
leading apostrophe (the export's formula guard) is removed from text cells.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import heapq
import io
import json
import math
import uuid
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, cast

from tkapp.core.model import (
    PERSON_ROLES,
    AccessLevel,
    Category,
    ConsentStatus,
    HolderLink,
    KnowledgeRecord,
    Person,
    Place,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.errors import Cancelled, NotFound, UnsafeArchive, UsageError, ValidationError
from tkapp.i18n import N_, _, translate
from tkapp.licensing.labels import check_labels
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress, Session
from tkapp.services.csv_exchange import FILES, TEXT_COLUMNS
from tkapp.services.importing.rows import describe_problem
from tkapp.store import codec, entities, records
from tkapp.ziparchive import SafeZip

_TRUE = {"true", "yes", "1", "si", "sí"}
_FALSE = {"false", "no", "0", ""}


def _unescape(column: str, value: str) -> str:
    if column in TEXT_COLUMNS:
        return value[1:] if value.startswith("'") else value
    return value.strip()


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def is_exchange(names: list[str]) -> bool:
    """Whether these file names (of a folder or ZIP) are an exchange: it has ``records.csv``
    or ``taxa.csv`` or ``people.csv`` by name."""
    found = {name.rsplit("/", 1)[-1] for name in names}
    return bool(found & {"records.csv", "taxa.csv", "people.csv"})


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRowError:
    """One problem in the files: which file, which spreadsheet row (header = 1), which column."""

    file: str
    row: int
    field: str
    message: str


class _Source:
    """The exchange files of a folder or zip, each opened afresh for every pass over it (read
    with the strict ZIP reader: no unsafe names, duplicates or bombs). Nothing is extracted
    and no file is held in memory."""

    def __init__(self, source: Path) -> None:
        self.path = Path(source)
        if not self.path.exists():
            raise UsageError("no such file or folder", path=str(self.path))
        self._archive: SafeZip | None = None
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            self.names = [name for name in FILES if (self.path / name).is_file()]
            return
        try:
            self._archive = SafeZip(self.path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise UsageError(str(exc), path=str(self.path)) from exc
        try:
            for member in self._archive.names():
                base = member.rsplit("/", 1)[-1]
                if base in FILES and base in self._members:
                    # Two records.csv in different folders: which one is meant is not ours to
                    # guess.
                    raise UnsafeArchive(
                        f"the same exchange file twice: {base}", file=self._archive.label, row=0
                    )
                self._members[base] = member
        except BaseException:
            self._archive.close()
            raise
        self.names = [name for name in FILES if name in self._members]

    def open(self, name: str) -> IO[bytes]:
        try:
            if self._archive is not None:
                return self._archive.open(self._members[name])
            return (self.path / name).open("rb")
        except OSError as exc:
            raise UsageError(str(exc), path=str(self.path)) from exc

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: What a row of a file holds: its spreadsheet row number (header = 1) and its known cells.
_Row = tuple[int, dict[str, str]]


def _sheet_rows(
    source: _Source,
    name: str,
    report: Callable[[CsvRowError], None] | None,
    *,
    values: bool = True,
) -> Iterator[_Row | list[str]]:
    """The header (a list of column names), then each non-blank row of one file.

    Rows with more cells than columns are left out; ``report`` (the first pass) hears of
    them. A file that is not CSV or not UTF-8 raises csv.Error / UnicodeDecodeError.
    ``values=False`` (the check) yields each row with no cells (nothing is built).
    """
    with source.open(name) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            reader = csv.reader(text)
            header = next(reader, None)
            columns = [] if header is None else [h.strip().lower() for h in header]
            yield columns
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(columns):
                    if report is not None:
                        report(CsvRowError(name, number, "", _problem("more_cells")))
                    continue
                if not values:
                    yield number, {}
                    continue
                yield (
                    number,
                    {
                        col: _unescape(col, cell)
                        for col, cell in zip(columns, cells, strict=False)
                        if col in FILES[name]
                    },
                )
        finally:
            text.detach()


class _Sheets:
    """The readable exchange files: checked once whole (a file that is not CSV or not UTF-8
    is left out, as before), then streamed row by row as often as the planner needs."""

    def __init__(self, source: _Source, report: Callable[[CsvRowError], None]) -> None:
        self.source = source
        self.columns: dict[str, list[str]] = {}
        for name in source.names:
            rows = _sheet_rows(source, name, report, values=False)
            try:
                self.columns[name] = cast(list[str], next(rows))
                for _row in rows:
                    pass
            except (csv.Error, UnicodeDecodeError) as exc:
                self.columns.pop(name, None)
                report(CsvRowError(name, 0, "", str(exc)))
        if not self.columns:
            raise UsageError(
                _("no exchange files (records.csv, taxa.csv...) found"), path=str(source.path)
            )

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def rows(self, name: str) -> Iterator[_Row]:
        if name not in self.columns:
            return
        rows = _sheet_rows(self.source, name, None)
        next(rows)
        try:
            yield from cast(Iterator[_Row], rows)
        except (csv.Error, UnicodeDecodeError) as exc:
            # It read whole a moment ago: the file was changed while being imported.
            raise UsageError(str(exc), path=str(self.source.path)) from exc


# --- preview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """How many entities of one kind the import creates, updates and leaves unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


#: Row problems a preview keeps (the first ones in file order); ``error_count`` counts all.
MAX_ERRORS_KEPT = 1000


@dataclass
class CsvImportPreview:
    """What an import would do; nothing is written until :func:`apply_csv_import`.

    The preview holds counts, not the entities: the apply reads the files again and writes
    each entity as it is planned (memory does not grow with the number of rows).

    Attributes:
        source: the folder or zip read.
        files: the exchange files found.
        records, taxa, persons: created / updated / unchanged counts.
        errors: the first :data:`MAX_ERRORS_KEPT` row errors, in file and row order (the
            import is refused while there is one).
        error_count: how many row errors there are in all.
        ignored_columns: ``file:column`` headers that are not part of the column set.
        fingerprint: SHA-256 of everything planned (each entity as the files give it, the
            stored state it was compared with, and what the import does to it): the apply
            recomputes it and refuses, writing nothing, when the catalogue or the files
            changed since the preview.
    """

    source: Path
    files: list[str] = field(default_factory=list)
    records: Changes = field(default_factory=Changes)
    taxa: Changes = field(default_factory=Changes)
    persons: Changes = field(default_factory=Changes)
    errors: list[CsvRowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def change_count(self) -> int:
        return sum(c.created + c.updated for c in (self.records, self.taxa, self.persons))


class _Problems:
    """The row problems found: the first ``keep`` of them in (file, row) order, and a count.

    A bounded heap keeps exactly what sorting every problem and cutting the list would
    keep (problems of the same row stay in the order found)."""

    def __init__(self, keep: int = MAX_ERRORS_KEPT) -> None:
        self.keep = keep
        self.count = 0
        self._heap: list[tuple[int, int, int, CsvRowError]] = []

    def add(self, error: CsvRowError) -> None:
        self.count += 1
        order = list(FILES).index(error.file) if error.file in FILES else 9
        # Largest first (negated): the one to drop when over the cap is at the top.
        entry = (-order, -error.row, -self.count, error)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    def first(self) -> list[CsvRowError]:
        return [entry[3] for entry in sorted(self._heap, reverse=True)]


_EXTRA_PROBLEMS: dict[str, str] = {
    "unknown_person": N_("no person with this id in people.csv or the catalogue"),
    "unknown_taxon": N_("no taxon with this id in taxa.csv or the catalogue"),
    "unknown_record": N_("no record with this id in records.csv"),
    "unknown_terms": N_("no terms version with this id in the catalogue"),
    "unknown_label": N_("not a Local Contexts label code"),
    "more_cells": N_("more cells than columns"),
}


def _problem(code: str) -> str:
    """A row problem code as a translated phrase."""
    return translate(_EXTRA_PROBLEMS[code]) if code in _EXTRA_PROBLEMS else describe_problem(code)


class _RowProblem(Exception):
    def __init__(self, column: str, code: str) -> None:
        super().__init__(code)
        self.column = column
        self.code = code


def _enum(kind: Any, value: str, column: str) -> Any:
    try:
        return kind(value.strip().lower())
    except ValueError:
        raise _RowProblem(column, "unknown_value") from None


def _bool(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _RowProblem(column, "unknown_value")


def _float(value: str, column: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _RowProblem(column, "not_a_number") from None
    if not math.isfinite(number):
        raise _RowProblem(column, "not_a_number")
    return number


def _int(value: str, column: str) -> int | None:
    number = _float(value, column)
    if number is None:
        return None
    if number != int(number):
        raise _RowProblem(column, "not_a_number")
    return int(number)


def _date(value: str, column: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _RowProblem(column, "bad_date") from None


def _uuid(value: str, column: str) -> str:
    text = value.strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise _RowProblem(column, "bad_id") from None


def _comparable(entity: Any) -> str:
    """An entity's content as text, without what the store manages (version, timestamps)."""
    data = codec.to_jsonable(entity)
    for key in ("version", "created", "modified"):
        data.pop(key, None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


class _RecordIds:
    """records.csv's ids, compact (memory per record: one dict entry and a few array slots):
    each id's ordinal, the row it first appears on, and how many uses.csv / holders.csv rows
    name it (so those files can be streamed beside records.csv in any order)."""

    def __init__(self) -> None:
        self.ordinal: dict[int, int] = {}
        self.first_row = array("L")
        self.children: dict[str, array[int]] = {"uses.csv": array("L"), "holders.csv": array("L")}

    def add(self, key: int, number: int) -> bool:
        if key in self.ordinal:
            return False
        self.ordinal[key] = len(self.first_row)
        self.first_row.append(number)
        for counts in self.children.values():
            counts.append(0)
        return True


class _Children:
    """One of uses.csv / holders.csv read beside records.csv: :meth:`take` returns a record's
    rows in file order, reading on only as far as needed. Rows of records further down are
    held until their record comes: nothing when the file follows records.csv's order (as
    export-csv writes it), the rows out of order otherwise."""

    def __init__(self, sheets: _Sheets, name: str, ids: _RecordIds) -> None:
        self._rows = self._known(sheets.rows(name), ids)
        self._counts = ids.children[name]
        self._held: dict[int, list[_Row]] = {}

    @staticmethod
    def _known(rows: Iterator[_Row], ids: _RecordIds) -> Iterator[tuple[int, _Row]]:
        for number, values in rows:
            key = _uuid_key(values.get("record_id", ""))
            if key is not None and key in ids.ordinal:
                yield key, (number, values)

    def take(self, key: int, ordinal: int) -> list[_Row]:
        found = self._held.pop(key, [])
        while len(found) < self._counts[ordinal]:
            try:
                other, row = next(self._rows)
            except StopIteration:
                raise UsageError(_("the exchange files changed while they were read")) from None
            if other == key:
                found.append(row)
            else:
                self._held.setdefault(other, []).append(row)
        return found


def _uuid_key(value: str) -> int | None:
    try:
        return uuid.UUID(value.strip()).int
    except ValueError:
        return None


#: What the planner yields: an entity as the files give it, and its stored state (or None).
_Planned = tuple[Person | Taxon | KnowledgeRecord, Person | Taxon | KnowledgeRecord | None]


class _Planner:
    """Plans the entities from the files against the catalogue (reads only), one at a time:
    persons, then taxa, then records, each yielded as soon as it is planned."""

    def __init__(
        self, cat: Catalogue, sheets: _Sheets, report: Callable[[CsvRowError], None]
    ) -> None:
        self.cat = cat
        self.sheets = sheets
        self.report = report
        self.person_ids: set[str] = set()
        self.taxon_ids: set[str] = set()
        self.terms_seen: dict[str, bool] = {}

    def error(self, file: str, row: int, column: str, code: str) -> None:
        self.report(CsvRowError(file, row, column, _problem(code)))

    def rows(self, name: str) -> Iterator[_Row]:
        return self.sheets.rows(name)

    def _existing(self, getter: Callable[[str], Any], entity_id: str) -> Any:
        try:
            return getter(entity_id)
        except NotFound:
            return None

    def _ids(self, name: str) -> dict[str, int]:
        """First row of each id in ``name`` (duplicates reported)."""
        seen: dict[str, int] = {}
        for number, values in self.rows(name):
            try:
                entity_id = _uuid(values.get("id", ""), "id")
            except _RowProblem as problem:
                self.error(name, number, problem.column, problem.code)
                continue
            if entity_id in seen:
                self.error(name, number, "id", "duplicate_id")
                continue
            seen[entity_id] = number
        return seen

    def plan(self) -> Iterator[_Planned]:
        yield from self.persons()
        yield from self.taxa()
        yield from self.records()

    # --- persons and taxa -------------------------------------------------------------

    def persons(self) -> Iterator[_Planned]:
        first_rows = self._ids("people.csv")
        for number, values in self.rows("people.csv"):
            entity_id = values.get("id", "").strip()
            if first_rows.get(entity_id) != number:
                continue
            old = self._existing(self.cat.get_person, entity_id)
            person = copy.deepcopy(old) if old else Person(name="", id=entity_id)
            withheld = set(_split(values.get("withheld", "")))
            try:
                if "name" in values and "name" not in withheld:
                    person.name = values["name"]
                elif old is None:
                    # Translators: the name of a person whose real name was not exported.
                    person.name = _("Anonymous knowledge holder")
                if "roles" in values:
                    person.roles = _split(values["roles"])
                    if set(person.roles) - set(PERSON_ROLES):
                        raise _RowProblem("roles", "unknown_role")
                if "community" in values:
                    person.community = values["community"]
                if "consent_status" in values:
                    person.consent_status = _enum(
                        ConsentStatus, values["consent_status"] or "unknown", "consent_status"
                    )
                if "deceased" in values:
                    person.deceased = _bool(values["deceased"], "deceased")
                if "anonymous_outside" in values:
                    person.anonymous_outside = _bool(
                        values["anonymous_outside"], "anonymous_outside"
                    )
                person.validate()
            except _RowProblem as problem:
                self.error("people.csv", number, problem.column, problem.code)
                continue
            except ValidationError as exc:
                self.error("people.csv", number, str(exc.params.get("field", "")), exc.detail)
                continue
            self.person_ids.add(entity_id)
            yield person, old

    def taxa(self) -> Iterator[_Planned]:
        names_by_taxon: dict[str, list[tuple[int, VernacularName]]] = {}
        for number, values in self.rows("vernacular_names.csv"):
            try:
                taxon_id = _uuid(values.get("taxon_id", ""), "taxon_id")
                name = VernacularName(
                    values.get("name", ""),
                    values.get("language", "").strip(),
                    _bool(values.get("community_review", ""), "community_review"),
                )
                name.validate()
            except _RowProblem as problem:
                self.error("vernacular_names.csv", number, problem.column, problem.code)
                continue
            except ValidationError as exc:
                self.error("vernacular_names.csv", number, "name", exc.detail)
                continue
            names_by_taxon.setdefault(taxon_id, []).append((number, name))
        first_rows = self._ids("taxa.csv")
        with_names = "vernacular_names.csv" in self.sheets
        for number, values in self.rows("taxa.csv"):
            entity_id = values.get("id", "").strip()
            if first_rows.get(entity_id) != number:
                continue
            old = self._existing(self.cat.get_taxon, entity_id)
            taxon = copy.deepcopy(old) if old else Taxon(scientific_name="", id=entity_id)
            try:
                for column in ("scientific_name", "authorship", "rank", "kingdom", "family",
                               "genus", "gbif_key", "col_id"):  # fmt: skip
                    if column in values:
                        setattr(taxon, column, values[column])
                withheld = _bool(values.get("names_withheld", ""), "names_withheld")
                if with_names and not (withheld and old is not None):
                    taxon.vernacular_names = [n for _r, n in names_by_taxon.pop(entity_id, [])]
                taxon.validate()
            except _RowProblem as problem:
                self.error("taxa.csv", number, problem.column, problem.code)
                continue
            except ValidationError as exc:
                self.error("taxa.csv", number, str(exc.params.get("field", "")), exc.detail)
                continue
            names_by_taxon.pop(entity_id, None)
            self.taxon_ids.add(entity_id)
            yield taxon, old
        for rows in names_by_taxon.values():
            for number, _name in rows:
                self.error("vernacular_names.csv", number, "taxon_id", "unknown_taxon")

    # --- records ----------------------------------------------------------------------

    def _record_ids(self) -> _RecordIds:
        """records.csv's ids (bad and repeated ones reported), then the uses.csv and
        holders.csv rows counted by record (rows naming no record of the file reported)."""
        ids = _RecordIds()
        for number, values in self.rows("records.csv"):
            try:
                key = uuid.UUID(_uuid(values.get("id", ""), "id")).int
            except _RowProblem as problem:
                self.error("records.csv", number, problem.column, problem.code)
                continue
            if not ids.add(key, number):
                self.error("records.csv", number, "id", "duplicate_id")
        for name, counts in ids.children.items():
            for number, values in self.rows(name):
                try:
                    key = uuid.UUID(_uuid(values.get("record_id", ""), "record_id")).int
                except _RowProblem as problem:
                    self.error(name, number, problem.column, problem.code)
                    continue
                ordinal = ids.ordinal.get(key)
                if ordinal is None:
                    self.error(name, number, "record_id", "unknown_record")
                    continue
                counts[ordinal] += 1
        return ids

    def _person_known(self, person_id: str) -> bool:
        if person_id in self.person_ids:
            return True
        return self._existing(self.cat.get_person, person_id) is not None

    def _taxon_known(self, taxon_id: str) -> bool:
        if taxon_id in self.taxon_ids:
            return True
        return self._existing(self.cat.get_taxon, taxon_id) is not None

    def _terms_known(self, terms_id: str) -> bool:
        if terms_id not in self.terms_seen:
            try:
                terms_service.get_terms(self.cat, terms_id)
                self.terms_seen[terms_id] = True
            except NotFound:
                self.terms_seen[terms_id] = False
        return self.terms_seen[terms_id]

    def records(self) -> Iterator[_Planned]:
        ids = self._record_ids()
        uses = _Children(self.sheets, "uses.csv", ids)
        holders = _Children(self.sheets, "holders.csv", ids)
        for number, values in self.rows("records.csv"):
            entity_id = values.get("id", "").strip()
            key = _uuid_key(entity_id)
            ordinal = None if key is None else ids.ordinal.get(key)
            if key is None or ordinal is None or ids.first_row[ordinal] != number:
                continue  # a bad or repeated id, reported with the ids
            children = (uses.take(key, ordinal), holders.take(key, ordinal))
            if str(uuid.UUID(int=key)) != entity_id:
                continue  # not written in the canonical form: never matched (as before)
            old = self._existing(self.cat.get_record, entity_id)
            try:
                rec = self._record(entity_id, values, old, *children)
            except _RowProblem as problem:
                self.error("records.csv", number, problem.column, problem.code)
                continue
            except ValidationError as exc:
                self.error("records.csv", number, str(exc.params.get("field", "")), exc.detail)
                continue
            yield rec, old

    def _record(
        self,
        entity_id: str,
        values: dict[str, str],
        old: KnowledgeRecord | None,
        uses: list[_Row],
        holders: list[_Row],
    ) -> KnowledgeRecord:
        rec = copy.deepcopy(old) if old else KnowledgeRecord(title="", id=entity_id)
        withheld = set(_split(values.get("withheld", ""))) if old else set()
        for column in ("title", "summary", "restricted_group"):
            if column in values:
                setattr(rec, column, values[column])
        if "description" in values and "description" not in withheld:
            rec.description = values["description"]
        for column in ("language", "terms_id", "open_licence"):
            if column in values:
                setattr(rec, column, values[column].strip())
        if "category" in values:
            rec.category = _enum(Category, values["category"], "category")
        if "access" in values:
            rec.access = _enum(AccessLevel, values["access"], "access")
        if "status" in values:
            rec.status = _enum(RecordStatus, values["status"], "status")
        if "labels" in values:
            rec.labels = [code.lower() for code in _split(values["labels"])]
            check_labels(rec.labels)
        if rec.terms_id and not self._terms_known(rec.terms_id):
            # Never fall back to the default silently: it may allow more than the record's own.
            raise _RowProblem("terms_id", "unknown_terms")
        if "confidential" in values:
            rec.confidential = set(_split(values["confidential"]))
        if "recorded_date" in values:
            rec.recorded_date = _date(values["recorded_date"], "recorded_date")
        if "recorded_by_id" in values and "recorded_by" not in withheld:
            person_id = values["recorded_by_id"].strip()
            if person_id and not self._person_known(person_id):
                raise _RowProblem("recorded_by_id", "unknown_person")
            rec.recorded_by = person_id
        if "taxon_ids" in values:
            rec.taxon_ids = list(dict.fromkeys(_split(values["taxon_ids"])))
            for taxon_id in rec.taxon_ids:
                if not self._taxon_known(taxon_id):
                    raise _RowProblem("taxon_ids", "unknown_taxon")
        self._place(rec, values, "place" in withheld)
        if "uses.csv" in self.sheets and "uses" not in withheld:
            rec.uses = self._uses(old, uses, "preparation" in withheld)
        if "holders.csv" in self.sheets and "holders" not in withheld:
            rec.holders = []
            for number, row in holders:
                person_id = row.get("person_id", "").strip()
                if not self._person_known(person_id):
                    self.error("holders.csv", number, "person_id", "unknown_person")
                    raise _RowProblem("holders", "unknown_person")
                rec.holders.append(HolderLink(person_id, row.get("role", "")))
        rec.validate()
        return rec

    def _place(self, rec: KnowledgeRecord, values: dict[str, str], keep: bool) -> None:
        place: Place = rec.place
        if "sensitivity" in values:
            place.sensitivity = _enum(Sensitivity, values["sensitivity"] or "high", "sensitivity")
        if keep:
            return
        if "locality" in values:
            place.locality = values["locality"]
        if "latitude" in values:
            place.latitude = _float(values["latitude"], "latitude")
        if "longitude" in values:
            place.longitude = _float(values["longitude"], "longitude")
        if "uncertainty_m" in values:
            place.uncertainty_m = _int(values["uncertainty_m"], "uncertainty_m")

    def _uses(
        self, old: KnowledgeRecord | None, uses: list[_Row], keep_preparation: bool
    ) -> list[Use]:
        out: list[Use] = []
        for index, (_number, row) in enumerate(uses):
            use = Use(row.get("part", ""), row.get("preparation", ""), row.get("purpose", ""),
                      row.get("season", ""))  # fmt: skip
            if keep_preparation and old is not None and index < len(old.uses):
                use.preparation = old.uses[index].preparation
            out.append(use)
        return out


def _kind(entity: Person | Taxon | KnowledgeRecord) -> str:
    if isinstance(entity, Person):
        return "persons"
    return "taxa" if isinstance(entity, Taxon) else "records"


class _Tally:
    """Counts what the planned entities come to and fingerprints the plan (preview and apply
    compute it the same way)."""

    def __init__(self) -> None:
        self.counts = {kind: [0, 0, 0] for kind in ("persons", "taxa", "records")}
        self._digest = hashlib.sha256()

    def add(self, new: Any, old: Any) -> str:
        """``created``, ``updated`` or ``unchanged``."""
        comparable = _comparable(new)
        if old is None:
            action = "created"
        else:
            action = "unchanged" if comparable == _comparable(old) else "updated"
        kind = _kind(new)
        self.counts[kind][("created", "updated", "unchanged").index(action)] += 1
        stored = "" if old is None else codec.dumps(old)
        for part in (kind, new.id, action, comparable, stored):
            self._digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return action

    def changes(self, kind: str) -> Changes:
        return Changes(*self.counts[kind])

    @property
    def fingerprint(self) -> str:
        return self._digest.hexdigest()


def preview_csv_import(cat: Catalogue, source: Path) -> CsvImportPreview:
    """Read a folder or zip of exchange files and say what importing it would do.

    Nothing is written. Every row error is counted, the first :data:`MAX_ERRORS_KEPT`
    kept (file, row, column, message). The files are streamed: memory does not grow with
    the rows (beyond a few bytes per record id).

    Raises:
        UsageError: ``source`` is missing, unreadable, or holds no exchange file.
    """
    preview = CsvImportPreview(source=Path(source))
    problems = _Problems()
    tally = _Tally()
    with _Source(Path(source)) as files:
        sheets = _Sheets(files, problems.add)
        preview.files = [name for name in FILES if name in sheets]
        for name, columns in sheets.columns.items():
            preview.ignored_columns += [f"{name}:{c}" for c in columns if c not in FILES[name]]
        for new, old in _Planner(cat, sheets, problems.add).plan():
            tally.add(new, old)
    preview.persons = tally.changes("persons")
    preview.taxa = tally.changes("taxa")
    preview.records = tally.changes("records")
    preview.errors = problems.first()
    preview.error_count = problems.count
    preview.fingerprint = tally.fingerprint
    return preview


# --- apply ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvImportReport:
    """What an applied import wrote."""

    records_created: int
    records_updated: int
    taxa_created: int
    taxa_updated: int
    persons_created: int
    persons_updated: int


def apply_csv_import(
    cat: Catalogue,
    preview: CsvImportPreview,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> CsvImportReport:
    """Write a previewed import in one transaction (all or nothing).

    The files are read again and planned exactly as the preview did, each entity written as
    soon as it is planned; at the end the plan's fingerprint must equal the preview's, or
    the transaction is rolled back.

    Raises:
        ValidationError: the preview has row errors (``import_has_errors``), or the catalogue
            or the files changed since the preview (``changed_since_preview``); nothing is
            written.
        Cancelled: ``cancel()`` returned True; nothing is written.
    """
    if not preview.ok:
        raise ValidationError("import_has_errors", field="file", errors=preview.error_count)
    counts = dict.fromkeys(
        ("records_created", "records_updated", "taxa_created", "taxa_updated",
         "persons_created", "persons_updated"), 0,
    )  # fmt: skip
    total = preview.change_count
    done = 0
    now = datetime.now(UTC)

    def refuse(_error: CsvRowError) -> None:
        # The preview found no problem: the files changed since.
        raise ValidationError("changed_since_preview", field="file")

    tally = _Tally()
    # One transaction, all or nothing, in rollback-journal mode: no -wal file as large as the
    # import (Database.bulk_transaction).
    with _Source(preview.source) as files, cat.session(bulk=True) as s:
        sheets = _Sheets(files, refuse)
        names = records.NameCache()
        stale_rowids: set[int] = set()
        for new, old in _Planner(cat, sheets, refuse).plan():
            if cancel is not None and cancel():
                raise Cancelled()
            if tally.add(new, old) == "unchanged":
                continue
            kind = _write(s, new, old, names=names, now=now)
            counts[kind] += 1
            if kind == "taxa_updated":
                stale_rowids.update(records.rowids_linking_taxon(s.conn, new.id))
            elif kind == "persons_updated":
                stale_rowids.update(records.rowids_linking_person(s.conn, new.id))
            done += 1
            if progress is not None and done % 100 == 0:
                progress(done, total)
        if tally.fingerprint != preview.fingerprint:
            # Someone edited (or created) an entity after the preview, or the files changed:
            # refuse rather than overwrite (the transaction is rolled back).
            raise ValidationError("changed_since_preview", field="id")
        records.reindex(s.conn, sorted(stale_rowids))
    if progress is not None:
        progress(total, total)
    return CsvImportReport(**counts)


def _write(
    s: Session,
    entity: Person | Taxon | KnowledgeRecord,
    old: Person | Taxon | KnowledgeRecord | None,
    *,
    names: records.NameCache,
    now: datetime,
) -> str:
    conn = s.conn
    new = old is None
    audit_action = "create" if new else "update"
    if isinstance(entity, Person):
        state = codec.dumps(entity)
        entities.save_person(conn, entity, state, new=new)
        names.put_person(entity)
        s.audit(audit_action, "person", entity.id, state)
        return "persons_created" if new else "persons_updated"
    if isinstance(entity, Taxon):
        state = codec.dumps(entity)
        entities.save_taxon(conn, entity, state, new=new)
        names.put_taxon(entity)
        s.audit(audit_action, "taxon", entity.id, state)
        return "taxa_created" if new else "taxa_updated"
    rec = entity  # planned for this write alone: no copy needed
    if isinstance(old, KnowledgeRecord):
        rec.version, rec.created, rec.modified = old.version + 1, old.created, now
    else:
        rec.version, rec.created, rec.modified = 1, now, now
    state = codec.dumps(rec)
    records.save(conn, rec, state, new=new, names=names)
    s.audit(audit_action, "record", rec.id, state)
    return "records_created" if new else "records_updated"
