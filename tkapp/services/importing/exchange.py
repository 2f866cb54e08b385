"""Importing the CSV exchange format (``tkapp export-csv``'s folder or ``.zip`` of six files)
back: preview, then apply. The format itself (files, columns, what never leaves) is described
and written by :mod:`tkapp.services.csv_exchange`; this is the import half, one of the formats
of the one importer (:mod:`tkapp.services.importing`).

Import is two steps: :func:`preview_csv_import` parses and checks everything and compares it
with the catalogue (created / updated / unchanged, and every row error), writing nothing;
:func:`apply_csv_import` then writes it in ONE transaction, all or nothing. Importing a file
back: a withheld value keeps the catalogue's current value (it is absent from the file, not
empty). Columns missing from a file keep current values too; a missing ``uses.csv`` /
``holders.csv`` / ``vernacular_names.csv`` leaves those lists as they are. One leading
apostrophe (the export's formula guard) is removed from text cells.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

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
from tkapp.errors import Cancelled, NotFound, UsageError, ValidationError
from tkapp.i18n import N_, _, translate
from tkapp.licensing.labels import check_labels
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress, Session
from tkapp.services.csv_exchange import FILES, TEXT_COLUMNS
from tkapp.services.importing.archive import SafeZip
from tkapp.services.importing.rows import describe_problem
from tkapp.store import codec, entities, records
from tkapp.store.connection import Connection

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


@dataclass
class _Sheet:
    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _read_sheet(name: str, handle: IO[bytes], errors: list[CsvRowError]) -> _Sheet | None:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return _Sheet(name, [], [])
        columns = [h.strip().lower() for h in header]
        rows: list[tuple[int, dict[str, str]]] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                errors.append(CsvRowError(name, number, "", _problem("more_cells")))
                continue
            values = {
                col: _unescape(col, cell)
                for col, cell in zip(columns, cells, strict=False)
                if col in FILES[name]
            }
            rows.append((number, values))
        return _Sheet(name, columns, rows)
    except (csv.Error, UnicodeDecodeError) as exc:
        errors.append(CsvRowError(name, 0, "", str(exc)))
        return None
    finally:
        text.detach()


def _open_source(source: Path) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
    """(file name, opener) for every exchange file found in a folder or zip (read with the
    strict ZIP reader: no unsafe names, duplicates or bombs)."""
    if source.is_dir():
        for name in FILES:
            path = source / name
            if path.is_file():
                yield name, lambda path=path: path.open("rb")  # type: ignore[misc]
        return
    try:
        archive = SafeZip(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(str(exc), path=str(source)) from exc
    with archive:
        by_name = {entry.rsplit("/", 1)[-1]: entry for entry in archive.names()}
        for name in FILES:
            entry = by_name.get(name)
            if entry is not None:
                yield name, lambda entry=entry: archive.open(entry)  # type: ignore[misc]


def _read_source(source: Path, errors: list[CsvRowError]) -> dict[str, _Sheet]:
    source = Path(source)
    if not source.exists():
        raise UsageError("no such file or folder", path=str(source))
    sheets: dict[str, _Sheet] = {}
    for name, opener in _open_source(source):
        try:
            with opener() as handle:
                sheet = _read_sheet(name, handle, errors)
        except OSError as exc:
            raise UsageError(str(exc), path=str(source)) from exc
        if sheet is not None:
            sheets[name] = sheet
    if not sheets:
        raise UsageError(_("no exchange files (records.csv, taxa.csv...) found"), path=str(source))
    return sheets


# --- preview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """Ids of one entity kind, by what the import does to them."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


@dataclass
class CsvImportPreview:
    """What an import would do; nothing is written until :func:`apply_csv_import`.

    Attributes:
        source: the folder or zip read.
        files: the exchange files found.
        records, taxa, persons: created / updated / unchanged ids.
        errors: every row error (the import is refused while there is one).
        ignored_columns: ``file:column`` headers that are not part of the column set.
        planned: the entities to write, in write order (persons, taxa, records).
        bases: the stored state (JSON) each update was computed from, to detect edits made
            between preview and apply.
    """

    source: Path
    files: list[str] = field(default_factory=list)
    records: Changes = field(default_factory=Changes)
    taxa: Changes = field(default_factory=Changes)
    persons: Changes = field(default_factory=Changes)
    errors: list[CsvRowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    planned: list[Person | Taxon | KnowledgeRecord] = field(default_factory=list)
    bases: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def change_count(self) -> int:
        return sum(len(c.created) + len(c.updated) for c in (self.records, self.taxa, self.persons))


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


def _same(a: Any, b: Any) -> bool:
    """Equal content, ignoring what the store manages (version and timestamps)."""
    left, right = codec.to_jsonable(a), codec.to_jsonable(b)
    for data in (left, right):
        for key in ("version", "created", "modified"):
            data.pop(key, None)
    return bool(left == right)


class _Planner:
    """Builds the planned entities from the sheets, against the catalogue (reads only)."""

    def __init__(self, cat: Catalogue, sheets: dict[str, _Sheet], preview: CsvImportPreview):
        self.cat = cat
        self.sheets = sheets
        self.preview = preview
        self.person_ids: set[str] = set()
        self.taxon_ids: set[str] = set()
        self.terms_seen: dict[str, bool] = {}

    def error(self, file: str, row: int, column: str, code: str) -> None:
        self.preview.errors.append(CsvRowError(file, row, column, _problem(code)))

    def rows(self, name: str) -> list[tuple[int, dict[str, str]]]:
        sheet = self.sheets.get(name)
        return sheet.rows if sheet else []

    def has(self, name: str, column: str) -> bool:
        sheet = self.sheets.get(name)
        return sheet is not None and column in sheet.columns

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

    # --- persons and taxa -------------------------------------------------------------

    def persons(self) -> list[tuple[Person, Person | None]]:
        out: list[tuple[Person, Person | None]] = []
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
            out.append((person, old))
        return out

    def taxa(self) -> list[tuple[Taxon, Taxon | None]]:
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
        out: list[tuple[Taxon, Taxon | None]] = []
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
            out.append((taxon, old))
        for rows in names_by_taxon.values():
            for number, _name in rows:
                self.error("vernacular_names.csv", number, "taxon_id", "unknown_taxon")
        return out

    # --- records ----------------------------------------------------------------------

    def _children(
        self, name: str, record_ids: set[str]
    ) -> dict[str, list[tuple[int, dict[str, str]]]]:
        found: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for number, values in self.rows(name):
            try:
                record_id = _uuid(values.get("record_id", ""), "record_id")
            except _RowProblem as problem:
                self.error(name, number, problem.column, problem.code)
                continue
            if record_id not in record_ids:
                self.error(name, number, "record_id", "unknown_record")
                continue
            found.setdefault(record_id, []).append((number, values))
        return found

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

    def records(self) -> list[tuple[KnowledgeRecord, KnowledgeRecord | None]]:
        first_rows = self._ids("records.csv")
        uses = self._children("uses.csv", set(first_rows))
        holders = self._children("holders.csv", set(first_rows))
        out: list[tuple[KnowledgeRecord, KnowledgeRecord | None]] = []
        for number, values in self.rows("records.csv"):
            entity_id = values.get("id", "").strip()
            if first_rows.get(entity_id) != number:
                continue
            old = self._existing(self.cat.get_record, entity_id)
            try:
                rec = self._record(entity_id, values, old, uses, holders)
            except _RowProblem as problem:
                self.error("records.csv", number, problem.column, problem.code)
                continue
            except ValidationError as exc:
                self.error("records.csv", number, str(exc.params.get("field", "")), exc.detail)
                continue
            out.append((rec, old))
        return out

    def _record(
        self,
        entity_id: str,
        values: dict[str, str],
        old: KnowledgeRecord | None,
        uses: dict[str, list[tuple[int, dict[str, str]]]],
        holders: dict[str, list[tuple[int, dict[str, str]]]],
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
            rec.uses = self._uses(rec, old, entity_id, uses, "preparation" in withheld)
        if "holders.csv" in self.sheets and "holders" not in withheld:
            rec.holders = []
            for number, row in holders.get(entity_id, []):
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
        self,
        rec: KnowledgeRecord,
        old: KnowledgeRecord | None,
        entity_id: str,
        uses: dict[str, list[tuple[int, dict[str, str]]]],
        keep_preparation: bool,
    ) -> list[Use]:
        out: list[Use] = []
        for index, (_number, row) in enumerate(uses.get(entity_id, [])):
            use = Use(row.get("part", ""), row.get("preparation", ""), row.get("purpose", ""),
                      row.get("season", ""))  # fmt: skip
            if keep_preparation and old is not None and index < len(old.uses):
                use.preparation = old.uses[index].preparation
            out.append(use)
        return out


def preview_csv_import(cat: Catalogue, source: Path) -> CsvImportPreview:
    """Read a folder or zip of exchange files and say what importing it would do.

    Nothing is written. Every row error is collected (file, row, column, message).

    Raises:
        UsageError: ``source`` is missing, unreadable, or holds no exchange file.
    """
    preview = CsvImportPreview(source=Path(source))
    sheets = _read_source(Path(source), preview.errors)
    preview.files = [name for name in FILES if name in sheets]
    for name, sheet in sheets.items():
        preview.ignored_columns += [f"{name}:{c}" for c in sheet.columns if c not in FILES[name]]
    planner = _Planner(cat, sheets, preview)
    persons = planner.persons()
    taxa = planner.taxa()
    records_ = planner.records()
    preview.persons = _changes(persons, preview)
    preview.taxa = _changes(taxa, preview)
    preview.records = _changes(records_, preview)
    preview.errors.sort(key=lambda e: (list(FILES).index(e.file) if e.file in FILES else 9, e.row))
    return preview


def _changes(pairs: list[tuple[Any, Any]], preview: CsvImportPreview) -> Changes:
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for new, old in pairs:
        if old is None:
            created.append(new.id)
            preview.planned.append(new)
        elif _same(new, old):
            unchanged.append(new.id)
        else:
            updated.append(new.id)
            preview.planned.append(new)
            preview.bases[new.id] = codec.dumps(old)
    return Changes(tuple(created), tuple(updated), tuple(unchanged))


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

    Raises:
        ValidationError: the preview has row errors (``import_has_errors``), or the catalogue
            changed since the preview (``changed_since_preview``); nothing is written.
        Cancelled: ``cancel()`` returned True; nothing is written.
    """
    if preview.errors:
        raise ValidationError("import_has_errors", field="file", errors=len(preview.errors))
    counts = dict.fromkeys(
        ("records_created", "records_updated", "taxa_created", "taxa_updated",
         "persons_created", "persons_updated"), 0,
    )  # fmt: skip
    total = len(preview.planned)
    now = datetime.now(UTC)
    with cat.session() as s:  # one transaction, as the importer of issue 2 does
        names = records.NameCache()
        stale_rowids: set[int] = set()
        for done, entity in enumerate(preview.planned, start=1):
            if cancel is not None and cancel():
                raise Cancelled()
            kind = _write(s, entity, base=preview.bases.get(entity.id), names=names, now=now)
            counts[kind] += 1
            if kind == "taxa_updated":
                stale_rowids.update(records.rowids_linking_taxon(s.conn, entity.id))
            elif kind == "persons_updated":
                stale_rowids.update(records.rowids_linking_person(s.conn, entity.id))
            if progress is not None and done % 100 == 0:
                progress(done, total)
        records.reindex(s.conn, sorted(stale_rowids))
    if progress is not None:
        progress(total, total)
    return CsvImportReport(**counts)


def _stored_state(conn: Connection, entity: Person | Taxon | KnowledgeRecord) -> str | None:
    try:
        if isinstance(entity, Person):
            return codec.dumps(entities.get_person(conn, entity.id))
        if isinstance(entity, Taxon):
            return codec.dumps(entities.get_taxon(conn, entity.id))
        return codec.dumps(records.load(conn, entity.id)[0])
    except NotFound:
        return None


def _write(
    s: Session,
    entity: Person | Taxon | KnowledgeRecord,
    *,
    base: str | None,
    names: records.NameCache,
    now: datetime,
) -> str:
    conn = s.conn
    stored = _stored_state(conn, entity)
    if stored != base:
        # Someone edited (or created) it after the preview: refuse rather than overwrite.
        raise ValidationError("changed_since_preview", field="id", id=entity.id)
    new = base is None
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
    rec = copy.deepcopy(entity)
    if new:
        rec.version, rec.created, rec.modified = 1, now, now
    else:
        old = records.load(conn, rec.id)[0]
        rec.version, rec.created, rec.modified = old.version + 1, old.created, now
    state = codec.dumps(rec)
    records.save(conn, rec, state, new=new, names=names)
    s.audit(audit_action, "record", rec.id, state)
    return "records_created" if new else "records_updated"
