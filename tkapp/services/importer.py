"""Import records from CSV (including KoboToolbox/ODK exports) and JSON.

CSV columns (header row required; names are case-insensitive; unknown columns are ignored and
reported; every column except ``title`` is optional):

==================  ===========================================================================
``id``              record UUID. An existing id updates that record (only the columns given
                    change); a new or empty id creates a record.
``title``           required.
``summary``         short text.
``description``     long text.
``language``        BCP 47 tag of the record text (``es``, ``en``, ``qu``...); default: the
                    community's first language.
``category``        medicinal, food, agriculture, ecology, craft, ritual, language, other.
``scientific_name`` one or more, ``;``-separated. Unknown names create a taxon.
``local_names``     vernacular names of the (first) taxon: ``name@lang;name@lang``; a trailing
                    ``?`` (``lumu@qu?``) marks a name for community review. Without a
                    scientific name an "Indet." taxon is made from the first local name.
``part``            part used.
``preparation``     how it is prepared.
``purpose``         what it is used for.
``season``          when.
``holders``         knowledge holders, ``;``-separated, each ``Name`` or ``Name (role)``.
                    Unknown names create a person.
``recorded_by``     name of the person who recorded it.
``recorded_date``   ``YYYY-MM-DD`` (a longer ISO timestamp is cut to its date).
``locality``        place description.
``latitude``        decimal degrees (``-0.95`` or ``-0,95``).
``longitude``       decimal degrees.
``uncertainty_m``   metres.
``sensitivity``     none, low, medium, high, withhold (default high).
``access``          public, community, restricted, secret_sacred (default community).
``restricted_group`` who may see a restricted record (required with ``restricted``).
``labels``          Local Contexts label codes (``tka; tkcs`` — ``;``, ``,`` or spaces).
``status``          draft, verified, disputed.
``terms_id``        terms version id.
``confidential``    fields left out of every export: ``holders;place;preparation``...
==================  ===========================================================================

KoboToolbox / ODK: group prefixes are dropped when the rest is a known column
(``plant/scientific_name`` -> ``scientific_name``); ``--map SRC=DEST`` / a JSON mapping file
renames any other column, and the ``kobo`` preset maps ``_gps_latitude``, ``_gps_longitude``,
``_gps_precision`` and ``today``. Kobo ``select_multiple`` answers (space-separated) work for
``labels`` and ``confidential``.

JSON: a list of objects (or ``{"records": [...]}``) with the same field names; values may be
strings in the CSV syntax or JSON lists/numbers (``"labels": ["tka"]``, ``"holders":
[{"name": "Rosa", "role": "healer"}]``, ``"uses": [{"part": "bark", ...}]``, ``"local_names":
[{"name": "lumu", "language": "qu", "community_review": true}]``).

The whole import is ONE transaction: it is complete, or (error, cancel, crash) nothing of it is
kept. Rows are numbered as a spreadsheet shows them (header = row 1); JSON items from 1.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tkapp.core.model import (
    CONFIDENTIAL_FIELDS,
    PERSON_ROLES,
    AccessLevel,
    Category,
    HolderLink,
    KnowledgeRecord,
    Person,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.errors import Cancelled, UsageError, ValidationError
from tkapp.i18n import N_, _, translate
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.store import codec, entities, records
from tkapp.store.connection import Connection
from tkapp.store.text import fold

COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "summary",
    "description",
    "language",
    "category",
    "scientific_name",
    "local_names",
    "part",
    "preparation",
    "purpose",
    "season",
    "holders",
    "recorded_by",
    "recorded_date",
    "locality",
    "latitude",
    "longitude",
    "uncertainty_m",
    "sensitivity",
    "access",
    "restricted_group",
    "labels",
    "status",
    "terms_id",
    "confidential",
)
#: Extra JSON-only fields.
JSON_FIELDS: tuple[str, ...] = ("uses",)

#: ``--preset kobo``: KoboToolbox/ODK meta columns to ours.
KOBO_PRESET: dict[str, str] = {
    "_gps_latitude": "latitude",
    "_gps_longitude": "longitude",
    "_gps_precision": "uncertainty_m",
    "_geolocation_latitude": "latitude",
    "_geolocation_longitude": "longitude",
    "today": "recorded_date",
    "_uuid": "",  # ignored: a submission id, not a record id
}
PRESETS: dict[str, dict[str, str]] = {"kobo": KOBO_PRESET, "odk": KOBO_PRESET}


def guess_preset(path: Path) -> str | None:
    """``"kobo"`` when a CSV's header has KoboToolbox/ODK meta columns, else ``None``.

    The desktop app has no room for a ``--preset`` switch: a custodian just picks the file
    their form tool exported, and these underscore columns only ever come from such tools.
    """
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            header = f.readline()
    except OSError:
        return None
    markers = ("_gps_latitude", "_geolocation", "_uuid", "_submission_time")
    return "kobo" if any(marker in header for marker in markers) else None

_BATCH = 500
_LIST_SPLIT = re.compile(r"[;,\s]+")
_HOLDER = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<role>[^()]*)\))?\s*$")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    taxa_created: int = 0
    persons_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------


def load_mapping(path: Path) -> dict[str, str]:
    """A JSON object ``{"source column": "our column", ...}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"mapping file: {exc}", path=str(path)) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise UsageError("mapping file must be a JSON object of strings", path=str(path))
    return dict(data)


def parse_map_options(items: Iterable[str]) -> dict[str, str]:
    """``["plant/name=local_names", ...]`` -> mapping."""
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, dest = item.partition("=")
        if not sep or not source.strip():
            raise UsageError(f"--map needs SOURCE=DEST, got {item}")
        mapping[source.strip()] = dest.strip()
    return mapping


def _column_for(header: str, mapping: dict[str, str]) -> str:
    """Our column name for a source header ("" = ignore)."""
    if header in mapping:
        return mapping[header]
    lowered = header.strip().lower()
    for key, value in mapping.items():
        if key.lower() == lowered:
            return value
    if lowered in COLUMNS or lowered in JSON_FIELDS:
        return lowered
    # KoboToolbox/ODK group prefixes: "plant/scientific_name", "group_x/y/holders".
    last = re.split(r"[/:]", lowered)[-1]
    return last if last in COLUMNS else ""


def read_csv(
    path: Path, mapping: dict[str, str] | None = None, ignored: list[str] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, {our column: value}) for each data row."""
    mapping = mapping or {}
    try:
        handle = Path(path).open(encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(str(exc), path=str(path)) from exc
    with handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ValidationError(str(exc), field="header", row=1) from exc
        targets = [_column_for(h, mapping) for h in header]
        if ignored is not None:
            ignored.extend(h for h, t in zip(header, targets, strict=True) if not t and h)
        if "title" not in targets:
            raise ValidationError("no_title_column", field="title", row=1)
        row_number = 1
        try:
            for cells in reader:
                row_number += 1
                if not any(c.strip() for c in cells):
                    continue
                row: dict[str, Any] = {}
                for target, cell in zip(targets, cells, strict=False):
                    if target and cell.strip():
                        # Two source columns mapped to one target: keep the first non-empty.
                        row.setdefault(target, cell.strip())
                yield row_number, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ValidationError(str(exc), field="file", row=row_number + 1) from exc


def read_json(
    path: Path, mapping: dict[str, str] | None = None, ignored: list[str] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    mapping = mapping or {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise UsageError(str(exc), path=str(path)) from exc
    except ValueError as exc:
        raise ValidationError(str(exc), field="file", row=0) from exc
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise ValidationError("expected_list", field="file", row=0)
    unknown: set[str] = set()
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ValidationError("expected_object", field="file", row=number)
        row: dict[str, Any] = {}
        for key, value in item.items():
            target = _column_for(str(key), mapping)
            if not target:
                unknown.add(str(key))
            elif value not in (None, ""):
                row.setdefault(target, value)
        yield number, row
    if ignored is not None:
        ignored.extend(sorted(unknown))


# --- values -----------------------------------------------------------------------------

# Validation codes as words for the person fixing the spreadsheet.
_PROBLEMS: dict[str, str] = {
    "required": N_("a value is required"),
    "too_long": N_("too long"),
    "out_of_range": N_("out of range"),
    "not_a_number": N_("not a number"),
    "bad_date": N_("not a date (write YYYY-MM-DD)"),
    "unknown_value": N_("not one of the known values"),
    "unknown_field": N_("not a field that can be confidential"),
    "coordinates_need_both": N_("latitude and longitude must be given together"),
    "bad_language_tag": N_("not a language code (es, qu, en...)"),
    "duplicate": N_("given twice"),
    "duplicate_id": N_("this id appears twice"),
    "bad_id": N_("not a record id (UUID)"),
    "expected_text": N_("expected text"),
    "expected_list": N_("expected a list"),
    "expected_object": N_("expected an object"),
    "local_names_need_taxon": N_("local names need a scientific name"),
    "unknown_role": N_("unknown role"),
    "control_character": N_("contains a control character"),
}


def describe_problem(code: str) -> str:
    """A validation code as a translated phrase (the code itself when unknown)."""
    return translate(_PROBLEMS[code]) if code in _PROBLEMS else code


def _text(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValidationError("expected_text", field=name)


def _list(value: Any, name: str, split: re.Pattern[str] | None = None) -> list[Any]:
    if isinstance(value, list):
        return value
    text = _text(value, name)
    parts = (split or re.compile(r"\s*;\s*")).split(text)
    return [p.strip() for p in parts if p.strip()]


def _enum(enum_type: Any, value: Any, name: str) -> Any:
    text = _text(value, name).lower().replace(" ", "_").replace("-", "_")
    try:
        return enum_type(text)
    except ValueError:
        raise ValidationError("unknown_value", field=name, value=text) from None


def _float(value: Any, name: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _text(value, name)
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma, as Spanish spreadsheets write
    try:
        return float(text)
    except ValueError:
        raise ValidationError("not_a_number", field=name) from None


def _date(value: Any, name: str) -> date:
    text = _text(value, name)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValidationError("bad_date", field=name) from None


def _vernacular(value: Any, default_lang: str) -> VernacularName:
    if isinstance(value, dict):
        name = VernacularName(
            name=_text(value.get("name", ""), "local_names"),
            language=_text(value.get("language", default_lang), "local_names"),
            community_review=bool(value.get("community_review", False)),
        )
    else:
        text = _text(value, "local_names")
        review = text.endswith("?")
        text = text.rstrip("?").strip()
        name_part, sep, lang = text.rpartition("@")
        if not sep:
            name_part, lang = text, default_lang
        name = VernacularName(name_part.strip(), lang.strip() or default_lang, review)
    name.validate()
    return name


# --- the import -------------------------------------------------------------------------


@dataclass
class _Plan:
    """One parsed, validated row: the record plus the names still to resolve to ids."""

    rec: KnowledgeRecord
    existing: KnowledgeRecord | None
    holders: list[tuple[str, str]] | None  # (name, role); None = column absent
    recorded_by: str | None
    scientific: list[str]
    local: list[VernacularName]


class _Importer:
    """Applies rows onto records inside one transaction, creating taxa and persons.

    A row is parsed and validated completely before anything is written, so a bad row skipped
    with ``skip_errors`` leaves no trace. New records are written in bulk.
    """

    def __init__(self, catalogue: Catalogue, conn: Connection, report: ImportReport) -> None:
        self.cat = catalogue
        self.conn = conn
        self.report = report
        self.names = records.NameCache()
        self.bulk = records.BulkInserter(conn, self.names)
        self.default_lang = (catalogue.community.languages or ["es"])[0]
        self.taxa_by_name: dict[str, Taxon] = {}
        self.persons_by_name: dict[str, Person] = {}
        self.seen_ids: set[str] = set()
        #: taxon id -> rowids below this were indexed before its names changed
        self.stale_below: dict[str, int] = {}

    def _audit(self, action: str, entity: str, entity_id: str, state: str) -> None:
        self.cat._db.audit.append(
            self.conn,
            actor=self.cat.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            state_json=state,
        )

    # --- names -> ids (writes) ----------------------------------------------------------

    def _known_taxon(self, scientific_name: str) -> Taxon | None:
        key = fold(scientific_name)
        taxon = self.taxa_by_name.get(key)
        if taxon is None:
            taxon = entities.find_taxon_by_name(self.conn, scientific_name)
            if taxon is not None:
                self.taxa_by_name[key] = taxon
        return taxon

    def _taxon(self, scientific_name: str) -> Taxon:
        taxon = self._known_taxon(scientific_name)
        if taxon is None:
            taxon = _new_taxon(scientific_name)
            state = codec.dumps(taxon)
            entities.save_taxon(self.conn, taxon, state, new=True)
            self._audit("create", "taxon", taxon.id, state)
            self.report.taxa_created += 1
            self.taxa_by_name[fold(scientific_name)] = taxon
        self.names.put_taxon(taxon)
        return taxon

    def _known_person(self, name: str) -> Person | None:
        key = fold(name)
        person = self.persons_by_name.get(key)
        if person is None:
            person = entities.find_person_by_name(self.conn, name)
            if person is not None:
                self.persons_by_name[key] = person
        return person

    def _person(self, name: str, role: str = "") -> Person:
        person = self._known_person(name)
        if person is None:
            person = _new_person(name, role)
            state = codec.dumps(person)
            entities.save_person(self.conn, person, state, new=True)
            self._audit("create", "person", person.id, state)
            self.report.persons_created += 1
            self.persons_by_name[fold(name)] = person
        self.names.put_person(person)
        return person

    def _add_names(self, taxon: Taxon, names: list[VernacularName]) -> None:
        known = {(fold(v.name), v.language) for v in taxon.vernacular_names}
        added = False
        for name in names:
            if (fold(name.name), name.language) not in known:
                taxon.vernacular_names.append(name)
                known.add((fold(name.name), name.language))
                added = True
        if added:
            state = codec.dumps(taxon)
            entities.save_taxon(self.conn, taxon, state, new=False)
            self._audit("update", "taxon", taxon.id, state)
            self.names.put_taxon(taxon)
            # Records already written name the old list; re-index them once at the end.
            self.stale_below[taxon.id] = self.bulk.flushed_below

    # --- rows ---------------------------------------------------------------------------

    def plan(self, row: dict[str, Any]) -> _Plan:
        """Parse and validate one row without writing anything."""
        record_id = _text(row["id"], "id") if "id" in row else ""
        existing: KnowledgeRecord | None = None
        if record_id:
            try:
                uuid.UUID(record_id)
            except ValueError:
                raise ValidationError("bad_id", field="id") from None
            if record_id in self.seen_ids:
                raise ValidationError("duplicate_id", field="id")
            if records.exists(self.conn, record_id):
                existing = records.load(self.conn, record_id)[0]
        rec = (
            copy.deepcopy(existing)
            if existing
            else KnowledgeRecord(
                title="", id=record_id or str(uuid.uuid4()), language=self.default_lang
            )
        )
        _fill_fields(rec, row)
        rec.validate()
        holders: list[tuple[str, str]] | None = None
        if "holders" in row:
            holders = [_holder(item) for item in _list(row["holders"], "holders")]
            for name, role in holders:
                if self._known_person(name) is None:
                    _new_person(name, role)  # validates
        recorded_by = _text(row["recorded_by"], "recorded_by") if "recorded_by" in row else None
        if recorded_by is not None and self._known_person(recorded_by) is None:
            _new_person(recorded_by, "")
        local = [
            _vernacular(v, self.default_lang)
            for v in _list(row.get("local_names", []), "local_names")
        ]
        if "scientific_name" in row:
            scientific = [str(x) for x in _list(row["scientific_name"], "scientific_name")]
        elif local and not rec.taxon_ids:
            scientific = [f"Indet. ({local[0].name})"]
        else:
            scientific = []
        for name in scientific:
            if self._known_taxon(name) is None:
                _new_taxon(name)  # validates
        return _Plan(rec, existing, holders, recorded_by, scientific, local)

    def apply(self, plan: _Plan) -> None:
        """Write one planned row (cannot fail validation any more)."""
        rec = plan.rec
        if plan.holders is not None:
            rec.holders = []
            for name, role in plan.holders:
                person = self._person(name, role)
                if all(h.person_id != person.id for h in rec.holders):
                    rec.holders.append(HolderLink(person.id, role))
        if plan.recorded_by is not None:
            rec.recorded_by = self._person(plan.recorded_by).id
        if plan.scientific:
            rec.taxon_ids = list(dict.fromkeys(self._taxon(n).id for n in plan.scientific))
        if plan.local and rec.taxon_ids:
            first = (
                self._taxon(plan.scientific[0])
                if plan.scientific
                else entities.get_taxon(self.conn, rec.taxon_ids[0])
            )
            self._add_names(first, plan.local)
        now = datetime.now(UTC)
        if plan.existing is not None:
            rec.version = plan.existing.version + 1
            rec.modified = now
            state = codec.dumps(rec)
            records.save(self.conn, rec, state, new=False, names=self.names)
            self._audit("update", "record", rec.id, state)
            self.report.updated += 1
        else:
            rec.version = 1
            rec.created = rec.modified = now
            state = codec.dumps(rec)
            self.bulk.add(rec, state)
            self._audit("create", "record", rec.id, state)
            self.report.created += 1
            if len(self.bulk) >= _BATCH:
                self.bulk.flush()
        self.seen_ids.add(rec.id)

    def finish(self) -> None:
        self.bulk.flush()
        stale: set[int] = set()
        for taxon_id, below in self.stale_below.items():
            stale.update(r for r in records.rowids_linking_taxon(self.conn, taxon_id) if r < below)
        records.reindex(self.conn, sorted(stale))


def _new_person(name: str, role: str) -> Person:
    person = Person(name=name, roles=[role] if role in PERSON_ROLES else [])
    person.validate()
    return person


def _new_taxon(scientific_name: str) -> Taxon:
    unranked = scientific_name.startswith("Indet.")
    taxon = Taxon(
        scientific_name=scientific_name,
        rank="unranked" if unranked else "species",
        genus="" if unranked else scientific_name.split(maxsplit=1)[0],
    )
    taxon.validate()
    return taxon


def _holder(item: Any) -> tuple[str, str]:
    if isinstance(item, dict):
        name = _text(item.get("name", ""), "holders")
        role = _text(item.get("role", ""), "holders")
    else:
        match = _HOLDER.match(_text(item, "holders"))
        assert match is not None  # the pattern matches any text
        name, role = match["name"].strip(), (match["role"] or "").strip()
    if not name:
        raise ValidationError("required", field="holders")
    return name, role


def _fill_fields(rec: KnowledgeRecord, row: dict[str, Any]) -> None:
    """Set the record's own fields from ``row`` (links to persons and taxa come later)."""
    for name in ("title", "summary", "description", "language", "restricted_group", "terms_id"):
        if name in row:
            setattr(rec, name, _text(row[name], name))
    if "category" in row:
        rec.category = _enum(Category, row["category"], "category")
    if "access" in row:
        rec.access = _enum(AccessLevel, row["access"], "access")
    if "status" in row:
        rec.status = _enum(RecordStatus, row["status"], "status")
    if "labels" in row:
        rec.labels = list(
            dict.fromkeys(str(x).lower() for x in _list(row["labels"], "labels", _LIST_SPLIT))
        )
    if "confidential" in row:
        fields = {str(x) for x in _list(row["confidential"], "confidential", _LIST_SPLIT)}
        if fields - set(CONFIDENTIAL_FIELDS):
            raise ValidationError("unknown_field", field="confidential")
        rec.confidential = fields
    if "recorded_date" in row:
        rec.recorded_date = _date(row["recorded_date"], "recorded_date")
    _fill_uses(rec, row)
    _fill_place(rec, row)


def _fill_uses(rec: KnowledgeRecord, row: dict[str, Any]) -> None:
    keys = ("part", "preparation", "purpose", "season")
    if "uses" in row:
        items = row["uses"]
        if not isinstance(items, list) or not all(isinstance(u, dict) for u in items):
            raise ValidationError("expected_list", field="uses")
        rec.uses = [Use(**{k: _text(u.get(k, ""), "uses") for k in keys}) for u in items]
    parts = {k: _text(row[k], k) for k in keys if k in row}
    if parts:
        use = rec.uses[0] if rec.uses else Use()
        for key, value in parts.items():
            setattr(use, key, value)
        if not rec.uses:
            rec.uses.append(use)


def _fill_place(rec: KnowledgeRecord, row: dict[str, Any]) -> None:
    place = rec.place
    if "locality" in row:
        place.locality = _text(row["locality"], "locality")
    if "latitude" in row:
        place.latitude = _float(row["latitude"], "latitude")
    if "longitude" in row:
        place.longitude = _float(row["longitude"], "longitude")
    if "uncertainty_m" in row:
        place.uncertainty_m = round(_float(row["uncertainty_m"], "uncertainty_m"))
    if "sensitivity" in row:
        place.sensitivity = _enum(Sensitivity, row["sensitivity"], "sensitivity")


def import_rows(
    catalogue: Catalogue,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    skip_errors: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    total: int = 0,
) -> ImportReport:
    """Import parsed rows in one transaction.

    Raises:
        ValidationError: a bad row (``params['row']``, ``params['field']``) when
            ``skip_errors`` is false; nothing is imported then.
        Cancelled: ``cancel()`` returned True; nothing is imported.
    """
    report = ImportReport()
    done = 0
    with catalogue._db.transaction() as conn:
        importer = _Importer(catalogue, conn, report)
        for row_number, row in rows:
            try:
                plan = importer.plan(row)
            except ValidationError as exc:
                field_name = str(exc.params.get("field", ""))
                if not skip_errors:
                    raise ValidationError(
                        _("row {row}: {problem}").format(
                            row=row_number, problem=describe_problem(exc.detail)
                        ),
                        field=field_name,
                        row=row_number,
                    ) from exc
                report.errors.append(RowError(row_number, field_name, describe_problem(exc.detail)))
            else:
                importer.apply(plan)
            done += 1
            if done % _BATCH == 0:
                if cancel is not None and cancel():
                    raise Cancelled()
                if progress is not None:
                    progress(done, max(total, done))
        if cancel is not None and cancel():
            raise Cancelled()
        importer.finish()
    if progress is not None:
        progress(done, max(total, done))
    return report


def import_file(
    catalogue: Catalogue,
    path: Path,
    *,
    file_format: str | None = None,
    mapping: dict[str, str] | None = None,
    preset: str | None = None,
    skip_errors: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ImportReport:
    """Import a CSV or JSON file (format from ``file_format`` or the file name ending)."""
    path = Path(path)
    if not path.is_file():
        raise UsageError("no such file", path=str(path))
    fmt = (file_format or path.suffix.lstrip(".")).lower()
    full_mapping: dict[str, str] = {}
    if preset:
        if preset not in PRESETS:
            raise UsageError(f"unknown preset {preset}")
        full_mapping.update(PRESETS[preset])
    full_mapping.update(mapping or {})
    ignored: list[str] = []
    if fmt in ("csv", "tsv", "txt"):
        total = _count_lines(path)
        rows: Iterable[tuple[int, dict[str, Any]]] = read_csv(path, full_mapping, ignored)
    elif fmt == "json":
        total = 0
        rows = read_json(path, full_mapping, ignored)
    else:
        raise UsageError(f"unknown import format {fmt}", path=str(path))
    report = import_rows(
        catalogue, rows, skip_errors=skip_errors, progress=progress, cancel=cancel, total=total
    )
    report.ignored_columns = ignored
    return report


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n")
    return max(0, count - 1)


def records_to_rows(records_: Iterable[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Number plain dicts as import rows (for callers building rows in memory)."""
    for number, item in enumerate(records_, start=1):
        yield number, {k: v for k, v in item.items() if v not in (None, "")}
