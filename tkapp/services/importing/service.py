"""The import use case: one entry point for every format the field brings.

:func:`run_import` reads a file (CSV, XLSX, JSON, an ODK Central ZIP, or the CSV exchange
folder/ZIP), understands its columns (:mod:`.columns`), and either previews (``dry_run``:
nothing written, the same checks and counts) or writes everything in ONE transaction: all of
it, or (error, cancel, crash) nothing. Rows are numbered as the user sees them: spreadsheet
rows with the header as row 1, JSON items from 1.

Re-import: a submission's key (``_uuid``, ``instanceID``, ODK Central's ``KEY`` or a chosen
key column) is stored with the record it became (:mod:`tkapp.store.import_keys`) and a digest
of the submission. Importing the export again skips unchanged submissions (edits made in the
app since are kept), updates changed ones (audited) and creates new ones.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, cast

from tkapp.core.model import KnowledgeRecord, Media
from tkapp.errors import (
    Cancelled,
    ImportFileError,
    ImportSpreadsheetError,
    UsageError,
    ValidationError,
)
from tkapp.i18n import _, translate
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress, Session
from tkapp.services.importing import columns as cols
from tkapp.services.importing import exchange
from tkapp.services.importing.exchange import CsvImportPreview, CsvImportReport
from tkapp.services.importing.media import (
    MediaSource,
    ZipMedia,
    bare_key,
    media_type,
    open_media,
)
from tkapp.services.importing.readers import (
    Table,
    parse_csv,
    parse_json,
    read_bytes,
    read_xlsx,
)
from tkapp.services.importing.rows import Counts, RowWriter, describe_problem
from tkapp.services.importing.sciname import parse_name
from tkapp.store import codec, entities, import_keys, records
from tkapp.store import media as media_store
from tkapp.ziparchive import SafeZip

FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "zip")
_MAPPING_SETTING = "import.mapping."
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowProblem:
    """One row that cannot be imported: file, row as the user sees it, field, message."""

    file: str
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class MissingMedia:
    """A file a submission names that the attachments do not hold."""

    row: int
    file: str


@dataclass
class ImportResult:
    """What an import did, or (``dry_run``) would do."""

    source: Path
    format: str
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""
    columns: list[cols.Column] = field(default_factory=list)
    fingerprint: str = ""
    #: the mapping used (remembered for this form plus the one given now)
    mapping: dict[str, str] = field(default_factory=dict)
    remembered_mapping: bool = False
    rows: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: list[RowProblem] = field(default_factory=list)
    missing_media: list[MissingMedia] = field(default_factory=list)
    media_files: int = 0  # files available in the attachments
    #: no title column: the columns each row's title is taken from, first with a value
    title_from: list[str] = field(default_factory=list)
    exchange: CsvImportPreview | None = None
    exchange_report: CsvImportReport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        """Row errors in all: an exchange preview keeps only the first ones in ``errors``."""
        return self.exchange.error_count if self.exchange is not None else len(self.errors)

    @property
    def ignored(self) -> list[cols.Column]:
        return [c for c in self.columns if not c.used]


# --- mappings --------------------------------------------------------------------------------


def parse_map_options(items: list[str]) -> dict[str, str]:
    """``["plant/name=local_names", "Notas=ignore"]`` -> mapping (targets checked)."""
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, dest = item.partition("=")
        if not sep or not source.strip():
            raise UsageError(_("--map needs SOURCE=DEST, got {item}").format(item=item))
        mapping[source.strip()] = dest.strip()
    check_mapping(mapping)
    return mapping


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
    check_mapping(data)
    return dict(data)


def check_mapping(mapping: dict[str, str]) -> None:
    for source, target in mapping.items():
        if target and target not in cols.MAP_TARGETS:
            raise UsageError(
                _("{source}: {target} is not a field (choose one of: {fields})").format(
                    source=source, target=target, fields=", ".join(cols.MAP_TARGETS)
                )
            )


def remembered_mapping(cat: Catalogue, fingerprint: str) -> dict[str, str]:
    text = cat.get_setting(_MAPPING_SETTING + fingerprint, "")
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Source:
    table: Table | None
    format: str
    media: MediaSource | None = None


def _open_source(path: Path, file_format: str | None, stack: ExitStack) -> _Source:
    label = path.name
    if path.is_dir():
        names = [p.name for p in path.iterdir()]
        if exchange.is_exchange(names):
            return _Source(None, "exchange")
        raise UsageError(_("no table file in this folder"), path=str(path))
    if not path.is_file():
        raise UsageError(_("no such file: {path}").format(path=path), path=str(path))
    fmt = (file_format or path.suffix.lstrip(".")).lower()
    with path.open("rb") as fh:
        magic = fh.read(4)
    if fmt == "xls":
        raise ImportSpreadsheetError(
            "old Excel 97-2003 workbook: save it as .xlsx", file=label, row=0
        )
    if magic == _ZIP_MAGIC:
        # The content decides, not the name: an .xlsx forced to --format csv is still a
        # workbook, and Kobo's downloads are sometimes renamed.
        try:
            archive = stack.enter_context(SafeZip(path, label=label))
        except zipfile.BadZipFile as exc:
            if fmt in ("xlsx", "xlsm"):
                raise ImportSpreadsheetError("damaged workbook", file=label, row=0) from exc
            raise ImportFileError("damaged ZIP", file=label, row=0) from exc
        names = archive.names()
        if "xl/workbook.xml" in names:
            return _Source(read_xlsx(path, label), "xlsx")
        if exchange.is_exchange(names):
            return _Source(None, "exchange")
        return _odk_zip(archive)
    if fmt in ("xlsx", "xlsm"):
        raise ImportSpreadsheetError("not an .xlsx workbook", file=label, row=0)
    if fmt == "json":
        return _Source(parse_json(read_bytes(path, label), label), "json")
    if fmt in ("csv", "tsv", "txt", ""):
        return _Source(parse_csv(read_bytes(path, label), label), "csv")
    raise UsageError(
        _("unknown import format {format} (use .csv, .xlsx, .json or .zip)").format(format=fmt),
        path=str(path),
    )


def _odk_zip(archive: SafeZip) -> _Source:
    """ODK Central's "all data and media" ZIP: ``<form>.csv`` (repeat groups in further
    ``<form>-<group>.csv`` files, which carry ``PARENT_KEY``) and ``media/<file>``."""
    tables = [n for n in archive.names() if n.lower().endswith(".csv")]
    for name in sorted(tables, key=len):
        with archive.open(name) as handle:
            data = handle.read(256 * 1024 * 1024 + 1)
        table = parse_csv(data, f"{archive.label}/{name}")
        if "parent_key" not in {c.lower() for c in table.columns}:
            return _Source(table, "odk-zip", ZipMedia(archive))
    raise ImportFileError("the ZIP holds no table of submissions (.csv)", file=archive.label, row=0)


# --- one row ---------------------------------------------------------------------------------


@dataclass
class _Row:
    fields: dict[str, Any]
    key: str
    media: list[str]

    def digest(self) -> str:
        # Values as text: the same submission downloaded as XLSX (numbers) or CSV (text) is
        # the same submission.
        fields = {k: _show(v) for k, v in self.fields.items()}
        text = json.dumps({"f": fields, "m": self.media}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _geopoint(value: Any) -> tuple[Any, Any, Any]:
    """(lat, lon, accuracy) of ``"lat lon [alt [acc]]"`` or Kobo's ``[lat, lon]``."""
    if isinstance(value, list):
        parts = [*value, None, None][:2]
        return parts[0], parts[1], None
    items = str(value).split()
    if len(items) < 2:
        raise ValidationError("not_a_number", field="latitude")
    return items[0], items[1], items[3] if len(items) > 3 else None


def _media_names(value: Any) -> list[str]:
    if isinstance(value, list):  # Kobo's _attachments
        out = []
        for item in value:
            name = item.get("filename", "") if isinstance(item, dict) else str(item)
            if name:
                out.append(str(name).rsplit("/", 1)[-1])
        return out
    return [str(value).strip().rsplit("/", 1)[-1]]


@lru_cache(maxsize=4096)  # a form names the same few species in thousands of rows
def _keep_as_written(verbatim: str) -> bool:
    """Keep the name as written when parsing changed more than spacing (cf., sp.)."""
    parsed = parse_name(verbatim)
    return bool(parsed.qualifier) or (
        parsed.parsed
        and " ".join(verbatim.split()) != f"{parsed.name} {parsed.authorship}".strip()
        and parsed.rank not in ("variety", "subspecies", "form")
    )


#: Column targets that are roles, not fields (``model.used`` leaves ignored columns out).
_ROLES = frozenset({cols.KEY, cols.MEDIA, cols.GEOPOINT, cols.EXTRA})


def _convert(values: dict[str, Any], model: cols.ColumnModel) -> _Row:
    fields: dict[str, Any] = {}
    key = ""
    media: list[str] = []
    extras: list[str] = []
    get = values.get
    for header, target in model.cells:  # the hot loop of an import: every cell passes here
        value = get(header)
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        elif value is None or value == []:
            continue
        if target not in _ROLES:
            if target not in fields:
                fields[target] = value
            continue
        if target == cols.KEY:
            key = bare_key(str(value))
        elif target == cols.MEDIA:
            media.extend(n for n in _media_names(value) if n not in media)
        elif target == cols.GEOPOINT:
            lat, lon, accuracy = _geopoint(value)
            if lat is not None and lon is not None:
                fields.setdefault("latitude", lat)
                fields.setdefault("longitude", lon)
                if accuracy is not None:
                    fields.setdefault("uncertainty_m", accuracy)
        else:
            extras.append(f"{header}: {_show(value)}")
    names = fields.get("scientific_name")
    if isinstance(names, str):
        for verbatim in (n for n in names.split(";") if n.strip()):
            if _keep_as_written(verbatim):
                name = parse_name(verbatim).verbatim
                # Translators: a line of a record's description keeping a name as written.
                extras.append(_("Scientific name as written: {name}").format(name=name))
    if "title" not in fields:
        for header in model.title_from:
            value = values.get(header)
            if value not in (None, "", []):
                # A local name written "lumu@qu?" titles the record as "lumu".
                text = _show(value).split(";")[0].rsplit("@", 1)[0].rstrip("?").strip()
                if text:
                    fields["title"] = text
                    break
    if extras:
        before = _show(fields.get("description", ""))
        fields["description"] = (before + "\n\n" if before else "") + "\n".join(extras)
    return _Row(fields, key, media)


# --- the import ------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised at the end of a preview to roll its transaction back."""


def run_import(
    cat: Catalogue,
    path: Path,
    *,
    file_format: str | None = None,
    mapping: dict[str, str] | None = None,
    media: Path | None = None,
    dry_run: bool = False,
    skip_errors: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ImportResult:
    """Preview (``dry_run``) or import a file of submissions.

    Raises:
        ImportFileError and subclasses: the file (or the attachments) cannot be read.
        ValidationError: a bad row (``row``, ``field``, ``file``) when not ``dry_run`` and not
            ``skip_errors``; nothing is imported then.
        Cancelled: ``cancel()`` returned True; nothing is imported.
        UsageError: no such file, unknown format, a mapping to an unknown field.
    """
    path = Path(path)
    with ExitStack() as stack:
        source = _open_source(path, file_format, stack)
        if source.table is None:
            return _run_exchange(cat, path, dry_run, progress, cancel)
        if media is not None:
            source.media = open_media(Path(media))
        if source.media is not None:
            stack.callback(source.media.close)
        result = ImportResult(path, source.format, dry_run)
        return _run_table(
            cat,
            source.table,
            result,
            media=source.media,
            mapping=mapping,
            skip_errors=skip_errors,
            progress=progress,
            cancel=cancel,
        )


def import_rows(
    cat: Catalogue,
    items: Iterable[dict[str, Any]],
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ImportResult:
    """Import rows built in memory (``{column: value}``, columns as in a file), through the
    same column model and checks as a file; for demos and benchmarks."""
    rows = [(n, dict(item)) for n, item in enumerate(items, start=1)]
    headers = list(dict.fromkeys(key for _n, row in rows for key in row))
    table = Table("rows", headers, rows)
    result = ImportResult(Path("rows"), "rows", False)
    return _run_table(cat, table, result, progress=progress, cancel=cancel)


def _run_table(
    cat: Catalogue,
    table: Table,
    result: ImportResult,
    *,
    media: MediaSource | None = None,
    mapping: dict[str, str] | None = None,
    skip_errors: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ImportResult:
    result.encoding, result.delimiter, result.rows = (
        table.encoding,
        table.delimiter,
        len(table.rows),
    )
    result.media_files = len(media) if media is not None else 0
    result.fingerprint = cols.form_fingerprint(table.columns)
    stored = remembered_mapping(cat, result.fingerprint)
    result.remembered_mapping = bool(stored)
    result.mapping = {**stored, **(mapping or {})}
    check_mapping(result.mapping)
    model = cols.understand(table.columns, [r for _n, r in table.rows], result.mapping)
    result.columns = model.columns
    result.title_from = list(model.title_from)
    if not model.has_title():
        problem = RowProblem(table.source, 1, "title", _("no column can be the title"))
        if not result.dry_run:
            raise ValidationError(problem.message, field="title", row=1, file=table.source)
        result.errors.append(problem)
        return result
    try:
        # A real import may be a million rows: the rollback-journal transaction keeps it
        # all-or-nothing without a -wal file as large as the rows (see bulk_transaction).
        with cat.session(bulk=not result.dry_run) as s:
            run = _Run(
                cat=cat,
                session=s,
                table=table,
                model=model,
                media=media,
                result=result,
                skip_errors=skip_errors,
            )
            run.rows(progress, cancel)
            if result.dry_run:
                raise _DryRun()
            if mapping:
                # Remembered for this form: next week's export needs no options.
                entities.set_setting(
                    s.conn,
                    _MAPPING_SETTING + result.fingerprint,
                    json.dumps(result.mapping, sort_keys=True),
                )
    except _DryRun:
        pass
    return result


class _Run:
    """One pass over the rows inside the import's transaction."""

    def __init__(
        self,
        *,
        cat: Catalogue,
        session: Session,
        table: Table,
        model: cols.ColumnModel,
        media: MediaSource | None,
        result: ImportResult,
        skip_errors: bool,
    ) -> None:
        self.cat = cat
        self.conn = session.conn
        self.table = table
        self.model = model
        self.media = media
        self.result = result
        self.skip_errors = skip_errors
        self.writer = RowWriter(cat, session, result.counts, table.source)
        self.keys_seen: set[str] = set()

    def rows(self, progress: Progress | None, cancel: CancelCheck | None) -> None:
        total = len(self.table.rows)
        for done, (number, values) in enumerate(self.table.rows, start=1):
            if done % 200 == 0:
                if cancel is not None and cancel():
                    raise Cancelled()
                if progress is not None:
                    progress(done, total)
            try:
                self._row(number, values)
            except ValidationError as exc:
                field_name = str(exc.params.get("field", ""))
                message = describe_problem(exc.detail)
                if not (self.result.dry_run or self.skip_errors):
                    raise ValidationError(
                        _("{file}, row {row}: {problem}").format(
                            file=self.table.source, row=number, problem=message
                        ),
                        field=field_name,
                        row=number,
                        file=self.table.source,
                    ) from exc
                self.result.errors.append(
                    RowProblem(self.table.source, number, field_name, message)
                )
        if cancel is not None and cancel():
            raise Cancelled()
        if not self.result.dry_run:
            self.writer.finish()
        if progress is not None:
            progress(total, total)

    def _row(self, number: int, values: dict[str, Any]) -> None:
        row = _convert(values, self.model)
        digest = row.digest() if row.key else ""  # only keyed submissions are compared
        existing: KnowledgeRecord | None = None
        scope = self.model.key_scope
        if row.key:
            if row.key in self.keys_seen:
                raise ValidationError("duplicate_id", field=self.model.key_column)
            self.keys_seen.add(row.key)
            found = import_keys.find(self.conn, scope, row.key)
            if found is not None and records.exists(self.conn, found.record_id):
                if found.digest == digest:
                    self.result.counts.unchanged += 1
                    self._attach(number, found.record_id, row)  # files missing before
                    return
                existing = records.load(self.conn, found.record_id)[0]
        plan = self.writer.plan(row.fields, existing)
        if self.result.dry_run:
            if plan.existing is not None:
                self.result.counts.updated += 1
            else:
                self.result.counts.created += 1
            self.writer.count_planned(plan)
            self._attach(number, "", row)
            return
        rec = self.writer.apply(plan)
        if row.key:
            import_keys.put(self.conn, scope, row.key, rec.id, digest)
        self._attach(number, rec.id, row)

    def _attach(self, number: int, record_id: str, row: _Row) -> None:
        """Store the files the submission names (a preview only checks they exist)."""
        if not row.media:
            return
        have = (
            {m.file_name for m in media_store.list_for(self.conn, record_id, None)}
            if record_id
            else set()
        )
        for name in row.media:
            found = self.media.find(name, row.key) if self.media is not None else None
            if found is None:
                self.result.missing_media.append(MissingMedia(number, name))
                continue
            if found.name in have or self.result.dry_run or self.media is None:
                continue
            self.writer.write_before_media(record_id)
            kind, mime = media_type(found.name)
            meta = Media(kind=kind, mime_type=mime, file_name=found.name, record_id=record_id)
            with self.media.open(found.path) as handle:
                stored = media_store.write(self.conn, meta, cast(BinaryIO, handle))
            self.writer.audit("create", "media", stored.id, codec.dumps(stored))
            self.result.counts.media_attached += 1
            have.add(found.name)


def _run_exchange(
    cat: Catalogue,
    path: Path,
    dry_run: bool,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> ImportResult:
    preview = exchange.preview_csv_import(cat, path)
    result = ImportResult(path, "exchange", dry_run, exchange=preview)
    result.errors = [RowProblem(e.file, e.row, e.field, e.message) for e in preview.errors]
    result.counts = Counts(
        created=preview.records.created,
        updated=preview.records.updated,
        unchanged=preview.records.unchanged,
        taxa_created=preview.taxa.created,
        persons_created=preview.persons.created,
    )
    changes = preview.records
    result.rows = changes.created + changes.updated + changes.unchanged
    if dry_run:
        return result
    if preview.errors:
        first = preview.errors[0]
        raise ValidationError(
            _("{file}, row {row}: {problem}").format(
                file=first.file, row=first.row, problem=first.message
            ),
            field=first.field,
            row=first.row,
            file=first.file,
        )
    if preview.change_count:
        result.exchange_report = exchange.apply_csv_import(
            cat, preview, progress=progress, cancel=cancel
        )
    return result


def target_label(target: str) -> str:
    """What a column becomes, in words: our field's name, or the role translated."""
    roles = {
        cols.KEY: _("submission key"),
        cols.MEDIA: _("attachments"),
        cols.EXTRA: _("description line"),
        cols.GEOPOINT: _("place (latitude, longitude)"),
        cols.IGNORE: _("ignored"),
    }
    return roles.get(target, target)


def iter_column_lines(result: ImportResult) -> Iterator[tuple[str, str, str]]:
    """(column, what it becomes, why) for the preview, translated."""
    for column in result.columns:
        yield column.header, target_label(column.target), column_reason(column)


def column_reason(column: cols.Column) -> str:
    """Why a column becomes what it becomes, translated."""
    return translate(column.reason).format(question=column.question)
