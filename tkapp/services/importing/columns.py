"""The one column model: how each column of a field export is understood.

:func:`understand` decides, for every header of a table, one :class:`Column` (what it becomes
and the reason, shown by the preview). The rules, in order:

1. The user's mapping for this form (``--map``, the import dialog; remembered per form).
2. Meta columns of KoboToolbox and ODK (Collect and Central) by name, with or without their
   group prefix: ``_uuid`` / ``meta/instanceID`` / ``KEY`` become the submission key; the rest
   (``_id``, ``_submission_time``, ``_status``, ODK Central's ``Status``...) are ignored with
   the reason. ``today`` is the recording date.
3. Places: the parts of a geopoint question under any name (Kobo ``_<q>_latitude``, ODK
   Central ``<q>-Latitude``, ``<q>/latitude``), a single geopoint column
   (``"lat lon alt accuracy"``) and Kobo's ``_geolocation`` pair. The first place question
   wins; others are ignored with the reason.
4. Our own column names (``tkapp import``'s set, :data:`FIELDS`), also after a group prefix
   cut at ``/``, ``-``, ``.`` or ``:``, and a few Darwin Core and Spanish synonyms. A
   dataset's own ``id`` is our record id only when its values are record UUIDs; otherwise it
   is the key.
5. Columns whose answers are file names of photos or recordings: media.
6. The title: a title column, or the form's instance name; without either, each row's local
   name, else its scientific name; a form with neither: its first text question (the
   preview says which).
7. Any other question: kept in the description as "question: answer" lines, so nothing the
   community collected is dropped silently. Columns empty in every row are ignored.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tkapp.i18n import N_

#: Our fields (the columns of ``tkapp import``; JSON adds ``uses``).
FIELDS: tuple[str, ...] = (
    "id", "title", "summary", "description", "language", "category", "scientific_name",
    "local_names", "part", "preparation", "purpose", "season", "holders", "recorded_by",
    "recorded_date", "locality", "latitude", "longitude", "uncertainty_m", "sensitivity",
    "access", "restricted_group", "labels", "status", "open_licence", "terms_id",
    "confidential", "uses",
)  # fmt: skip
#: Roles besides our fields, for mappings: the submission key, an attachment, a description
#: line, a single geopoint column, or nothing.
KEY, MEDIA, EXTRA, GEOPOINT, IGNORE = "key", "media", "extra", "geopoint", "ignore"
MAP_TARGETS: tuple[str, ...] = (*FIELDS, KEY, MEDIA, EXTRA, GEOPOINT, IGNORE)

_SYNONYMS = {
    "scientificname": "scientific_name",
    "species": "scientific_name",
    "vernacularname": "local_names",
    "decimallatitude": "latitude",
    "decimallongitude": "longitude",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "coordinateuncertaintyinmeters": "uncertainty_m",
    "eventdate": "recorded_date",
    "recordedby": "recorded_by",
    "today": "recorded_date",
    "open_license": "open_licence",
    # Spanish headers, as community spreadsheets in Latin America write them.
    "titulo": "title",
    "título": "title",
    "descripcion": "description",
    "descripción": "description",
    "nombre cientifico": "scientific_name",
    "nombre científico": "scientific_name",
    "nombre_cientifico": "scientific_name",
    "especie": "scientific_name",
    "nombre local": "local_names",
    "nombre_local": "local_names",
    "nombres locales": "local_names",
    "latitud": "latitude",
    "longitud": "longitude",
    "localidad": "locality",
    "lugar": "locality",
    "fecha": "recorded_date",
    "parte": "part",
    "parte usada": "part",
    "preparacion": "preparation",
    "preparación": "preparation",
    "uso": "purpose",
    "categoria": "category",
    "categoría": "category",
}

# Reasons the preview shows (translated there).
R_MAPPED = N_("your choice for this form")
R_FIELD = N_("same name as a TK Commons field")
R_KEY = N_("submission id: a re-import updates the same record")
R_DATASET_ID = N_("the dataset's own id, not a TK Commons id: used to recognise re-imported rows")
R_META = N_("form tool bookkeeping, not knowledge")
R_KOBO_ID = N_("KoboToolbox's row number, not a record id")
R_SUBMISSION_STATUS = N_("the form server's submission status, not the record's status")
R_SECOND_KEY = N_("another copy of the submission id")
R_PLACE = N_("place of the question {question}")
R_OTHER_PLACE = N_("a further place question; the first one, {question}, is used")
R_ALTITUDE = N_("altitude is not kept")
R_PLACE_PARTS = N_("same place as its separate latitude and longitude columns")
R_MEDIA = N_("names of photos or recordings: attached from the attachments")
R_TITLE_INSTANCE = N_("the form's name for each submission, used as the title")
R_TITLE_RULE = N_("first text question, used as the title (no title column)")
R_EXTRA = N_('kept in the description as "question: answer"')
R_EMPTY = N_("empty in every row")
R_REPEAT = N_("a repeat group: not imported")
R_UNNAMED = N_("column without a name")

_KOBO_IGNORED = {
    "_submission_time", "_validation_status", "_notes", "_submitted_by", "__version__",
    "_version_", "_version", "_tags", "_index", "_parent_table_name", "_parent_index",
    "_xform_id_string", "_xform_id", "_media_all_received", "_media_count",
    "_total_media", "formhub/uuid", "start", "end", "deviceid", "username", "simserial",
    "subscriberid", "phonenumber", "audit", "meta/rootuuid", "meta/deprecatedid",
    "meta/audit", "_submission__id", "_submission__uuid", "_submission__submission_time",
}  # fmt: skip
_ODK_CENTRAL_IGNORED = {
    "submissiondate", "submitterid", "submittername", "attachmentspresent",
    "attachmentsexpected", "reviewstate", "deviceid", "edits", "formversion", "parent_key",
    "__system/submissiondate", "__system/submitterid", "__system/submittername",
    "__system/attachmentspresent", "__system/attachmentsexpected", "__system/status",
    "__system/reviewstate", "__system/deviceid", "__system/edits", "__system/formversion",
    "__id", "meta/entity",
}  # fmt: skip
#: Marks of an ODK Central export (then ``Status`` is the server's, never ours).
_ODK_CENTRAL_MARKS = {"submissiondate", "key", "meta-instanceid", "reviewstate", "__id"}
_KEY_NAMES = ("_uuid", "meta/instanceid", "meta-instanceid", "instanceid", "key", "__id")
_INSTANCE_NAME = {"meta/instancename", "meta-instancename", "instancename"}

_PART_KOBO = re.compile(r"^_(?P<q>.+)_(?P<part>latitude|longitude|altitude|precision)$", re.I)
_PART_ODK = re.compile(r"^(?P<q>.+)[-/.:](?P<part>latitude|longitude|altitude|accuracy)$", re.I)
_GEOPOINT = re.compile(
    r"^\s*-?\d+(?:[.,]\d+)?\s+-?\d+(?:[.,]\d+)?(?:\s+-?\d+(?:[.,]\d+)?){0,2}\s*$"
)
_PART_TARGET = {
    "latitude": "latitude",
    "longitude": "longitude",
    "precision": "uncertainty_m",
    "accuracy": "uncertainty_m",
    "altitude": "",
}
MEDIA_EXTENSIONS = frozenset(
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".tif", ".tiff",  # photos
        ".m4a", ".mp3", ".amr", ".3ga", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac",
        ".webm", ".mp4", ".3gp", ".mov", ".mkv", ".avi",  # recordings
        ".pdf",
    }
)  # fmt: skip
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SAMPLE = 200  # rows looked at to decide what a column holds


@dataclass(frozen=True)
class Column:
    """What one source column becomes: ``target`` is a field of :data:`FIELDS` or a role of
    :data:`MAP_TARGETS`; ``reason`` an untranslated phrase (``{question}`` filled from
    ``question``)."""

    header: str
    target: str
    reason: str
    question: str = ""

    @property
    def used(self) -> bool:
        return self.target != IGNORE


@dataclass
class ColumnModel:
    columns: list[Column]
    fingerprint: str
    #: Scope of the submission keys: "" for globally unique ids (``_uuid``, ``instanceID``),
    #: else the key column's name (a dataset's ids are unique only within it).
    key_scope: str = ""
    #: No title column: the title of each row comes from the first of these with a value.
    title_from: list[str] = field(default_factory=list)
    _used: list[Column] | None = None
    _cells: list[tuple[str, str]] | None = None

    @property
    def used(self) -> list[Column]:
        """The columns that become something (computed once: read for every row)."""
        if self._used is None:
            self._used = [c for c in self.columns if c.used]
        return self._used

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(header, target) of the used columns, in order: what each row's loop reads."""
        if self._cells is None:
            self._cells = [(c.header, c.target) for c in self.used]
        return self._cells

    def has_title(self) -> bool:
        return bool(self.title_from or self.by_target("title"))

    def by_target(self, target: str) -> list[Column]:
        return [c for c in self.columns if c.target == target]

    @property
    def key_column(self) -> str:
        keys = self.by_target(KEY)
        return keys[0].header if keys else ""


def normalise(header: str) -> str:
    return header.strip().lower()


def _leaf(name: str) -> str:
    return re.split(r"[/.:-]", name)[-1]


def form_fingerprint(headers: Iterable[str]) -> str:
    """The form's identity for remembering a mapping: its question columns (meta columns
    and their order do not count, so a reordered or re-downloaded export is the same form)."""
    meta = _KOBO_IGNORED | _ODK_CENTRAL_IGNORED | {"_id", "_status", "status"}
    names = sorted({normalise(h) for h in headers if h.strip() and normalise(h) not in meta})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:24]


def _values(rows: list[dict[str, Any]], header: str) -> list[Any]:
    out: list[Any] = []
    for row in rows[:_SAMPLE] if len(rows) > _SAMPLE else rows:
        value = row.get(header)
        if value not in (None, "", []):
            out.append(value)
    return out


def _all_values(rows: list[dict[str, Any]], header: str) -> list[Any]:
    return [row[header] for row in rows if row.get(header) not in (None, "", [])]


def is_media_name(value: Any) -> bool:
    if not isinstance(value, str) or "\n" in value or len(value) > 255:
        return False
    name = value.strip().rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in MEDIA_EXTENSIONS


def _is_text(values: list[Any]) -> bool:
    texts = [v for v in values if isinstance(v, str)]
    if not texts or len(texts) < len(values):
        return False
    return any(not _NUMBER.match(v.strip()) and not _DATE.match(v.strip()) for v in texts) and (
        not all(_GEOPOINT.match(v) for v in texts)
    )


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def understand(
    headers: list[str], rows: list[dict[str, Any]], mapping: dict[str, str] | None = None
) -> ColumnModel:
    """Decide every column (rules in the module docstring)."""
    mapping = {normalise(k): v for k, v in (mapping or {}).items()}
    lower = {h: normalise(h) for h in headers}
    odk_central = bool(set(lower.values()) & _ODK_CENTRAL_MARKS) and any(
        v.startswith("meta-") or v in ("key", "submissiondate", "__id") for v in lower.values()
    )
    decided: dict[str, Column] = {}

    def decide(header: str, target: str, reason: str, question: str = "") -> None:
        decided[header] = Column(header, target, reason, question)

    # 1. the user's choices
    for header in headers:
        if lower[header] in mapping:
            decide(header, mapping[lower[header]] or IGNORE, R_MAPPED)

    # 2. meta columns and the key
    for header in headers:
        name = lower[header]
        if header in decided:
            continue
        if not name:
            decide(header, IGNORE, R_UNNAMED)
        elif name == "_id":
            decide(header, IGNORE, R_KOBO_ID)
        elif name in ("_status", "status", "__system/status") and (name != "status" or odk_central):
            decide(header, IGNORE, R_SUBMISSION_STATUS)
        elif name in _KOBO_IGNORED or (odk_central and name in _ODK_CENTRAL_IGNORED):
            decide(header, IGNORE, R_META)
        elif name in _INSTANCE_NAME:
            decide(header, "title", R_TITLE_INSTANCE)
    if not any(c.target == KEY for c in decided.values()):
        for key_name in _KEY_NAMES:
            matches = [h for h in headers if lower[h] == key_name and h not in decided]
            if matches and (key_name != "key" or odk_central):
                decide(matches[0], KEY, R_KEY)
                break
    has_key = any(c.target == KEY for c in decided.values())
    for header in headers:
        if (
            header not in decided
            and lower[header] in _KEY_NAMES
            and (lower[header] != "key" or odk_central)
        ):
            decide(header, IGNORE, R_SECOND_KEY)

    # 3. places
    parts: dict[str, dict[str, str]] = {}  # question -> part -> header
    for header in headers:
        if header in decided:
            continue
        match = _PART_KOBO.match(header.strip()) or _PART_ODK.match(header.strip())
        if match:
            parts.setdefault(match["q"].lower(), {})[match["part"].lower()] = header
    place_question = ""
    taken_place = any(c.target in ("latitude", "longitude", GEOPOINT) for c in decided.values())
    for question, found in parts.items():
        if not {"latitude", "longitude"} <= set(found):
            continue
        shown = _leaf(question.lstrip("_")) or question
        for part, header in found.items():
            target = _PART_TARGET[part]
            if not place_question and not taken_place:
                if target:
                    decide(header, target, R_PLACE, shown)
                else:
                    decide(header, IGNORE, R_ALTITUDE)
            else:
                decide(header, IGNORE, R_OTHER_PLACE, place_question)
        if not place_question and not taken_place:
            place_question = shown
    for header in headers:
        if header in decided:
            continue
        name = lower[header]
        values = _values(rows, header)
        single = name == "_geolocation" or (
            values and all(isinstance(v, str) and _GEOPOINT.match(v) for v in values)
        )
        if not single:
            continue
        question = _leaf(name)
        if question in parts or name.lstrip("_") in parts:
            decide(header, IGNORE, R_PLACE_PARTS)
        elif place_question or taken_place:
            decide(header, IGNORE, R_OTHER_PLACE, place_question)
        elif name == "_geolocation" and not _geolocation_has_values(values):
            decide(header, IGNORE, R_EMPTY)
        else:
            place_question = question
            decide(header, GEOPOINT, R_PLACE, question)

    # 4. our own fields
    targets_taken = {c.target for c in decided.values()}
    for header in headers:
        if header in decided:
            continue
        name = lower[header]
        target = _field_for(name)
        if not target:
            target = _field_for(_leaf(name))
        if not target:
            continue
        if target == "id":
            values = _all_values(rows, header)
            if not all(_is_uuid(v) for v in values):
                if not has_key:
                    decide(header, KEY, R_DATASET_ID)
                    has_key = True
                else:
                    decide(header, EXTRA, R_EXTRA)
                continue
        if target in targets_taken and target not in ("latitude", "longitude"):
            decide(header, EXTRA, R_EXTRA)
            continue
        if target in ("latitude", "longitude", "uncertainty_m") and place_question:
            decide(header, IGNORE, R_OTHER_PLACE, place_question)
            continue
        decide(header, target, R_FIELD)
        targets_taken.add(target)

    # 5-7. media, title, the rest
    for header in headers:
        if header in decided:
            continue
        values = _values(rows, header)
        if lower[header] == "_attachments" or (values and all(is_media_name(v) for v in values)):
            decide(header, MEDIA, R_MEDIA)
        elif not _all_values(rows, header):
            decide(header, IGNORE, R_EMPTY)
        elif any(isinstance(v, list) and v and isinstance(v[0], dict) for v in values):
            decide(header, IGNORE, R_REPEAT)
        elif lower[header].startswith("_") and lower[header] not in FIELDS:
            decide(header, IGNORE, R_META)
    title_from: list[str] = []
    if "title" not in {c.target for c in decided.values()}:
        # The title by rule: each row's local name, else its scientific name; a form with
        # neither: its first text question.
        for field_name in ("local_names", "scientific_name"):
            title_from += [h for h, c in decided.items() if c.target == field_name][:1]
        if not title_from:
            for header in headers:
                if header not in decided and _is_text(_values(rows, header)):
                    decide(header, "title", R_TITLE_RULE)
                    break
    for header in headers:
        if header not in decided:
            decide(header, EXTRA, R_EXTRA)

    columns = [decided[h] for h in headers]
    key = next((c for c in columns if c.target == KEY), None)
    scope = "" if key is None or normalise(key.header) in _KEY_NAMES else normalise(key.header)
    model = ColumnModel(columns, form_fingerprint(headers), scope)
    model.title_from = title_from
    return model


def _field_for(name: str) -> str:
    if name in FIELDS:
        return name
    return _SYNONYMS.get(name) or _SYNONYMS.get(name.replace("_", " ").strip(), "")


def _geolocation_has_values(values: list[Any]) -> bool:
    return any(isinstance(v, list) and any(x is not None for x in v) for v in values) or any(
        isinstance(v, str) for v in values
    )
