"""Rows of our fields onto records: values checked, taxa and people found or created.

The fields (names as ``tkapp import`` documents them; every one except ``title`` optional):

==================  ===========================================================================
``id``              record UUID. An existing id updates that record (only the columns given
                    change); a new or empty id creates a record.
``title``           required (the column model picks one when a form has none).
``summary``         short text.
``description``     long text.
``language``        BCP 47 tag of the record text (``es``, ``en``, ``qu``...); default: the
                    community's first language.
``category``        medicinal, food, agriculture, ecology, craft, ritual, language, other.
``scientific_name`` one or more, ``;``-separated, parsed into name, authorship and rank
                    (:mod:`.sciname`). Unknown names create a taxon.
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
``open_licence``    CC0-1.0, CC-BY-4.0, CC-BY-NC-4.0 or empty.
``terms_id``        terms version id.
``confidential``    fields left out of every export: ``holders;place;preparation``...
==================  ===========================================================================

JSON values may also be lists or objects (``"labels": ["tka"]``, ``"holders": [{"name":
"Rosa", "role": "healer"}]``, ``"uses": [{"part": "bark", ...}]``, ``"local_names":
[{"name": "lumu", "language": "qu", "community_review": true}]``).
"""

from __future__ import annotations

import copy
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from tkapp.core.model import (
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
    new_id,
)
from tkapp.errors import ValidationError
from tkapp.i18n import N_, translate
from tkapp.services.catalogue import Catalogue, Session
from tkapp.services.importing.sciname import ParsedName, parse_name
from tkapp.store import codec, entities, records
from tkapp.store.text import fold as fold_text

#: Names and category words repeat thousands of times in a form; folding is per distinct word.
fold = lru_cache(maxsize=65_536)(fold_text)
#: New records written (and audited, one batch entry) together.
_BATCH = 2000
#: Category words of Spanish spreadsheets and forms (folded) -> our codes.
_CATEGORY_WORDS = {
    "alimento": "food",
    "alimentacion": "food",
    "comida": "food",
    "agricultura": "agriculture",
    "ecologia": "ecology",
    "artesania": "craft",
    "lengua": "language",
    "idioma": "language",
    "otro": "other",
    "otros": "other",
}
_LIST_SPLIT = re.compile(r"[;,\s]+")
_SEMICOLONS = re.compile(r"\s*;\s*")
_HOLDER = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<role>[^()]*)\))?\s*$")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass
class Counts:
    """What an import does (or, in a preview, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    taxa_created: int = 0
    persons_created: int = 0
    media_attached: int = 0


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
    parts = (split or _SEMICOLONS).split(text)
    return [p.strip() for p in parts if p.strip()]


#: (enum type, cell text) -> member: a column repeats a handful of words in every row.
_MEMBERS: dict[tuple[Any, str], Any] = {}


def _enum(enum_type: Any, value: Any, name: str) -> Any:
    text = _text(value, name)
    member = _MEMBERS.get((enum_type, text))
    if member is not None:
        return member
    code = text.lower().replace(" ", "_").replace("-", "_")
    try:
        member = enum_type(code)
    except ValueError:
        raise ValidationError("unknown_value", field=name, value=code) from None
    if len(_MEMBERS) < 4096:
        _MEMBERS[enum_type, text] = member
    return member


def _float(value: Any, name: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    text = _text(value, name)
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma, as Spanish spreadsheets write
    try:
        number = float(text)
    except ValueError:
        raise ValidationError("not_a_number", field=name) from None
    if not math.isfinite(number):
        raise ValidationError("not_a_number", field=name)
    return number


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
class Plan:
    """One parsed, validated row: the record plus the names still to resolve to ids."""

    rec: KnowledgeRecord
    existing: KnowledgeRecord | None
    holders: list[tuple[str, str]] | None  # (name, role); None = column absent
    recorded_by: str | None
    scientific: list[ParsedName]
    local: list[VernacularName]


class RowWriter:
    """Applies rows onto records inside one transaction, creating taxa and persons.

    A row is parsed and validated completely (:meth:`plan`, no writes) before anything is
    written (:meth:`apply`), so a bad row skipped with ``--skip-errors`` leaves no trace and a
    preview runs the very same checks. New records are written in bulk, and audited in bulk:
    one ``import`` entry per batch names them with their content hashes (``source``: the
    file's name, which each record's history shows).
    """

    def __init__(
        self, catalogue: Catalogue, session: Session, counts: Counts, source: str = ""
    ) -> None:
        self.cat = catalogue
        self.source = source
        #: (record id, state JSON) of the new records in the pending batch
        self.created: list[tuple[str, str]] = []
        self.session = session
        self.conn = session.conn
        self.counts = counts
        self.names = records.NameCache()
        self.bulk = records.BulkInserter(session.conn, self.names)
        self.default_lang = (catalogue.community.languages or ["es"])[0]
        self.taxa_by_name: dict[str, Taxon] = {}
        self.persons_by_name: dict[str, Person] = {}
        self.seen_ids: set[str] = set()
        #: names a preview would create (counted once)
        self.planned_taxa: set[str] = set()
        self.planned_persons: set[str] = set()
        #: taxon id -> rowids below this were indexed before its names changed
        self.stale_below: dict[str, int] = {}

    def audit(self, action: str, entity: str, entity_id: str, state: str) -> None:
        self.session.audit(action, entity, entity_id, state)

    # --- names -> ids (writes) ----------------------------------------------------------

    def _known_taxon(self, scientific_name: str) -> Taxon | None:
        key = fold(scientific_name)
        taxon = self.taxa_by_name.get(key)
        if taxon is None:
            taxon = entities.find_taxon_by_name(self.conn, scientific_name)
            if taxon is not None:
                self.taxa_by_name[key] = taxon
        return taxon

    def _taxon(self, parsed: ParsedName) -> Taxon:
        taxon = self._known_taxon(parsed.name)
        if taxon is None:
            taxon = _new_taxon(parsed)
            state = codec.dumps(taxon)
            entities.save_taxon(self.conn, taxon, state, new=True)
            self.audit("create", "taxon", taxon.id, state)
            self.counts.taxa_created += 1
            self.taxa_by_name[fold(parsed.name)] = taxon
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
            self.audit("create", "person", person.id, state)
            self.counts.persons_created += 1
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
            self.audit("update", "taxon", taxon.id, state)
            self.names.put_taxon(taxon)
            # Records already written name the old list; re-index them once at the end.
            self.stale_below[taxon.id] = self.bulk.flushed_below

    # --- rows ---------------------------------------------------------------------------

    def plan(self, row: dict[str, Any], existing: KnowledgeRecord | None = None) -> Plan:
        """Parse and validate one row without writing anything.

        ``existing``: the record a re-imported submission became (found by its key);
        otherwise a row's ``id`` names the record to update, or a new one is made.
        """
        record_id = _text(row["id"], "id") if "id" in row and existing is None else ""
        if record_id:
            try:
                record_id = str(uuid.UUID(record_id))
            except ValueError:
                raise ValidationError("bad_id", field="id") from None
            if record_id in self.seen_ids:
                raise ValidationError("duplicate_id", field="id")
            if records.exists(self.conn, record_id):
                existing = records.load(self.conn, record_id)[0]
        rec = (
            copy.deepcopy(existing)
            if existing
            else KnowledgeRecord(title="", id=record_id or new_id(), language=self.default_lang)
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
            scientific = [
                parse_name(str(x)) for x in _list(row["scientific_name"], "scientific_name")
            ]
        elif local and not rec.taxon_ids:
            indet = f"Indet. ({local[0].name})"
            scientific = [ParsedName(indet, "", "unranked", "", indet)]
        else:
            scientific = []
        for parsed in scientific:
            if self._known_taxon(parsed.name) is None:
                _new_taxon(parsed)  # validates
        return Plan(rec, existing, holders, recorded_by, scientific, local)

    def count_planned(self, plan: Plan) -> None:
        """A preview's counts of the taxa and people a plan would create."""
        for parsed in plan.scientific:
            if self._known_taxon(parsed.name) is None and fold(parsed.name) not in (
                self.planned_taxa
            ):
                self.planned_taxa.add(fold(parsed.name))
                self.counts.taxa_created += 1
        people = [name for name, _role in plan.holders or []]
        if plan.recorded_by:
            people.append(plan.recorded_by)
        for name in people:
            if self._known_person(name) is None and fold(name) not in self.planned_persons:
                self.planned_persons.add(fold(name))
                self.counts.persons_created += 1

    def apply(self, plan: Plan) -> KnowledgeRecord:
        """Write one planned row (cannot fail validation any more); returns the record."""
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
            self.audit("update", "record", rec.id, state)
            self.counts.updated += 1
        else:
            rec.version = 1
            rec.created = rec.modified = now
            state = codec.dumps(rec)
            self.bulk.add(rec, state)
            self.created.append((rec.id, state))
            self.counts.created += 1
            if len(self.bulk) >= _BATCH:
                self._flush()
        self.seen_ids.add(rec.id)
        return rec

    def write_before_media(self, record_id: str) -> None:
        """Write the pending batch if it holds ``record_id`` sealed (its media follow its key)."""
        if self.bulk.is_pending_sealed(record_id):
            self._flush()

    def _flush(self) -> None:
        self.bulk.flush()
        self.session.audit_created(self.source, self.created)
        self.created.clear()

    def finish(self) -> None:
        self._flush()
        stale: set[int] = set()
        for taxon_id, below in self.stale_below.items():
            stale.update(r for r in records.rowids_linking_taxon(self.conn, taxon_id) if r < below)
        records.reindex(self.conn, sorted(stale))


def _new_person(name: str, role: str) -> Person:
    person = Person(name=name, roles=[role] if role in PERSON_ROLES else [])
    person.validate()
    return person


def _new_taxon(parsed: ParsedName) -> Taxon:
    taxon = Taxon(
        scientific_name=parsed.name,
        authorship=parsed.authorship,
        rank=parsed.rank,
        genus=parsed.genus,
    )
    taxon.validate()
    return taxon


def _holder(item: Any) -> tuple[str, str]:
    if isinstance(item, dict):
        name = _text(item.get("name", ""), "holders")
        role = _text(item.get("role", ""), "holders")
    else:
        name, role = _name_and_role(_text(item, "holders"))
    if not name:
        raise ValidationError("required", field="holders")
    return name, role


@lru_cache(maxsize=65_536)  # the same people hold the knowledge of thousands of rows
def _name_and_role(text: str) -> tuple[str, str]:
    """``"Rosa Andi (partera)"`` -> ``("Rosa Andi", "partera")``."""
    match = _HOLDER.match(text)
    assert match is not None  # the pattern matches any text
    return match["name"].strip(), (match["role"] or "").strip()


def _fill_fields(rec: KnowledgeRecord, row: dict[str, Any]) -> None:
    """Set the record's own fields from ``row`` (links to persons and taxa come later)."""
    for name in ("title", "summary", "description", "language", "restricted_group", "terms_id",
                 "open_licence"):  # fmt: skip
        if name in row:
            setattr(rec, name, _text(row[name], name))
    if "category" in row:
        word = fold(_text(row["category"], "category"))
        rec.category = _enum(Category, _CATEGORY_WORDS.get(word, word), "category")
    if "access" in row:
        rec.access = _enum(AccessLevel, row["access"], "access")
    if "status" in row:
        rec.status = _enum(RecordStatus, row["status"], "status")
    if "labels" in row:
        labels = row["labels"]
        rec.labels = list(_label_codes(labels) if isinstance(labels, str) else _codes(labels))
    if "confidential" in row:
        # Which fields may be confidential is the model's rule (validate() checks it).
        rec.confidential = {str(x) for x in _list(row["confidential"], "confidential", _LIST_SPLIT)}
    if "recorded_date" in row:
        rec.recorded_date = _date(row["recorded_date"], "recorded_date")
    _fill_uses(rec, row)
    _fill_place(rec, row)


def _codes(value: Any) -> tuple[str, ...]:
    """Label codes of a cell (``tka; tkcs``, ``tka tkcs`` or a list): lower case, once each."""
    return tuple(dict.fromkeys(str(x).lower() for x in _list(value, "labels", _LIST_SPLIT)))


#: A form's rows repeat a few label cells: each distinct text is split once.
_label_codes = lru_cache(maxsize=4096)(_codes)


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
