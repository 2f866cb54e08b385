"""Record commands: import, search, show."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    add_passphrase_option,
    err,
    open_from_args,
    out,
    print_json,
    progress_printer,
)
from tkapp.core.model import AccessLevel, Category, RecordStatus
from tkapp.errors import UsageError
from tkapp.i18n import _, format_datetime, format_number, ngettext
from tkapp.i18n import names as display
from tkapp.services.catalogue import Catalogue, RecordFilter, to_jsonable
from tkapp.services.importing import (
    FORMATS,
    ImportResult,
    iter_column_lines,
    load_mapping,
    parse_map_options,
    run_import,
)


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "import",
        description=_(
            "Reads CSV (UTF-8 or Windows; comma, semicolon or tab), XLSX, JSON (also "
            "KoboToolbox's API), ODK Central's CSV or ZIP, and CSV exchange folders. Columns "
            "of KoboToolbox and ODK are recognised by themselves; run with --dry-run first to "
            "see how each column is understood. Importing the same export again updates "
            "changed submissions and skips the others. Everything is imported in one step, "
            "or nothing is."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("file", type=Path, metavar=_("FILE"))
    p.add_argument(
        "--format", choices=FORMATS, help=_("file format (default: from the file itself)")
    )
    p.add_argument(
        "--media",
        type=Path,
        metavar=_("ZIP|FOLDER"),
        help=_("photos and recordings: the attachments ZIP of KoboToolbox, or a folder"),
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar=_("SOURCE=COLUMN"),
        help=_(
            "use a column of the file as one of ours (or as key, media, extra, ignore); "
            "remembered for this form; repeat as needed"
        ),
    )
    p.add_argument(
        "--mapping", type=Path, metavar=_("FILE.json"), help=_("column choices as a JSON object")
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help=_("show how the file is understood and what would change; write nothing"),
    )
    p.add_argument(
        "--skip-errors",
        action="store_true",
        help=_("import the good rows and list the bad ones (default: stop at the first)"),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_import)

    p = add_command(subparsers, "search")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("query", nargs="?", default="", metavar=_("QUERY"))
    p.add_argument("--category", choices=[c.value for c in Category])
    p.add_argument("--access", choices=[a.value for a in AccessLevel])
    p.add_argument("--status", choices=[s.value for s in RecordStatus])
    p.add_argument("--label", metavar=_("CODE"), help=_("Local Contexts label code, e.g. tkcs"))
    p.add_argument("--trash", action="store_true", help=_("search the trash instead"))
    p.add_argument("--limit", type=int, default=50, help=_("at most this many (default 50)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_search)

    p = add_command(subparsers, "show")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("id", metavar=_("ID"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_show)


def cmd_import(args: argparse.Namespace) -> int:
    mapping = load_mapping(args.mapping) if args.mapping else {}
    mapping.update(parse_map_options(args.map))
    if not args.file.exists():
        raise UsageError(_("no such file: {path}").format(path=args.file))
    with open_from_args(args) as cat:
        result = run_import(
            cat,
            args.file,
            file_format=args.format,
            mapping=mapping,
            media=args.media,
            dry_run=args.dry_run,
            skip_errors=args.skip_errors,
            progress=None if args.dry_run or args.json else progress_printer(_("Importing")),
        )
    if args.json:
        print_json(_result_json(result))
    else:
        _print_result(result)
    return EXIT_INPUT if result.errors else EXIT_OK


def _result_json(result: ImportResult) -> dict[str, Any]:
    return {
        "source": str(result.source),
        "format": result.format,
        "dry_run": result.dry_run,
        "encoding": result.encoding,
        "delimiter": result.delimiter,
        "form": result.fingerprint,
        "remembered_mapping": result.remembered_mapping,
        "rows": result.rows,
        "columns": [
            {"column": c.header, "becomes": c.target, "reason": c.reason, "question": c.question}
            for c in result.columns
        ],
        **to_jsonable(result.counts),
        "media_files": result.media_files,
        "missing_media": result.missing_media,
        "errors": result.errors,
    }


def _print_result(result: ImportResult) -> None:
    if result.columns:
        details = []
        if result.encoding:
            details.append(_("text encoding {encoding}").format(encoding=result.encoding))
        if result.delimiter:
            shown = {"\t": _("tab"), ";": _("semicolon"), ",": _("comma")}[result.delimiter]
            details.append(_("separated by {delimiter}").format(delimiter=shown))
        out(
            _("{file}: {format}").format(file=result.source.name, format=result.format.upper())
            + (" (" + ", ".join(details) + ")" if details else "")
        )
        if result.remembered_mapping:
            out(_("Your earlier column choices for this form were used."))
        out(_("Columns:"))
        for header, target, why in iter_column_lines(result):
            out(f"  {header} -> {target}  ({why})")
        if result.title_from:
            out(
                _(
                    "No title column: each title is taken from {columns} (the first with a value)."
                ).format(columns=", ".join(result.title_from))
            )
    counts = result.counts
    if result.dry_run:
        out(
            _("Would import: {created} new, {updated} changed, {unchanged} unchanged.").format(
                created=counts.created, updated=counts.updated, unchanged=counts.unchanged
            )
        )
    else:
        out(
            _("Imported: {created} new, {updated} changed, {unchanged} unchanged.").format(
                created=counts.created, updated=counts.updated, unchanged=counts.unchanged
            )
        )
    if counts.taxa_created or counts.persons_created:
        out(
            _("New taxa: {taxa}; new persons: {persons}").format(
                taxa=counts.taxa_created, persons=counts.persons_created
            )
        )
    if counts.media_attached:
        out(
            ngettext(
                "{n} photo or recording attached",
                "{n} photos or recordings attached",
                counts.media_attached,
            ).format(n=counts.media_attached)
        )
    for missing in result.missing_media:
        err(_("Row {row}: attachment {file} not found").format(row=missing.row, file=missing.file))
    for error in result.errors:
        err(
            _("{file}, row {row} ({field}): {problem}").format(
                file=error.file, row=error.row, field=error.field, problem=error.message
            )
        )
    if result.dry_run:
        out(_("Dry run: nothing was written."))
    elif result.errors:
        err(_("The rows above were left out."))


def cmd_search(args: argparse.Namespace) -> int:
    filters = RecordFilter(
        category=Category(args.category) if args.category else None,
        access=AccessLevel(args.access) if args.access else None,
        status=RecordStatus(args.status) if args.status else None,
        label=args.label,
        in_trash=args.trash,
    )
    if args.limit < 1:
        raise UsageError(_("--limit must be at least 1"))
    with open_from_args(args) as cat:
        page = cat.search_page(args.query, filters, limit=args.limit, with_rows=True)
    rows = page.rows
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        out(_("No records found."))
        return EXIT_OK
    for row in rows:
        names = "; ".join(x for x in (row.taxa, row.local_names) if x)
        out(f"{row.id}  {row.title}")
        out(
            "    {category} · {access} · {status}{names}".format(
                category=display.category_name(row.category),
                access=display.access_name(row.access),
                status=display.status_name(row.status),
                names=(" · " + names) if names else "",
            )
        )
    if page.capped:
        # The count stops at a cap (a one-letter search in a big catalogue): more match.
        out(
            ngettext(
                "The first {shown} of more than {n} record (--limit shows more).",
                "The first {shown} of more than {n} records (--limit shows more).",
                page.total,
            ).format(shown=format_number(len(rows)), n=format_number(page.total))
        )
    elif page.total > len(rows):
        out(
            ngettext(
                "The first {shown} of {n} record (--limit shows more).",
                "The first {shown} of {n} records (--limit shows more).",
                page.total,
            ).format(shown=format_number(len(rows)), n=format_number(page.total))
        )
    return EXIT_OK


def _show_text(cat: Catalogue, record_id: str) -> None:
    rec = cat.get_record(record_id)
    out(rec.title)
    out("=" * min(len(rec.title), 78))
    out(_("Id: {id}").format(id=rec.id))
    out(_("Category: {value}").format(value=display.category_name(rec.category)))
    out(
        _("Access: {value}").format(value=display.access_name(rec.access))
        + (f" ({rec.restricted_group})" if rec.restricted_group else "")
    )
    out(_("Status: {value}").format(value=display.status_name(rec.status)))
    if rec.labels:
        out(_("Labels: {value}").format(value=", ".join(rec.labels)))
    for taxon_id in rec.taxon_ids:
        taxon = cat.get_taxon(taxon_id)
        names = ", ".join(
            "{}@{}{}".format(v.name, v.language, "?" if v.community_review else "")
            for v in taxon.vernacular_names
        )
        out(
            _("Taxon: {name}").format(name=taxon.scientific_name) + (" — " + names if names else "")
        )
    for link in rec.holders:
        person = cat.get_person(link.person_id)
        out(_("Holder: {name}").format(name=person.name) + (f" ({link.role})" if link.role else ""))
    if rec.place.locality or rec.place.latitude is not None:
        coords = (
            f" ({rec.place.latitude}, {rec.place.longitude})"
            if rec.place.latitude is not None
            else ""
        )
        out(_("Place: {value}").format(value=rec.place.locality + coords))
    if rec.summary:
        out("")
        out(rec.summary)
    if rec.description:
        out("")
        out(rec.description)
    for use in rec.uses:
        parts = [x for x in (use.part, use.preparation, use.purpose, use.season) if x]
        out(_("Use: {value}").format(value=" · ".join(parts)))
    for item in cat.list_media(record_id=rec.id):
        out(
            _("Media: {name} ({kind}, {size} bytes)").format(
                name=item.file_name, kind=item.kind.value, size=item.size
            )
        )
    if rec.modified:
        out(
            _("Version {version}, changed {when}").format(
                version=rec.version, when=format_datetime(rec.modified)
            )
        )


def cmd_show(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        if args.json:
            rec = cat.get_record(args.id)
            data = to_jsonable(rec)
            data["taxa"] = [to_jsonable(cat.get_taxon(t)) for t in rec.taxon_ids]
            data["media_files"] = [to_jsonable(m) for m in cat.list_media(record_id=rec.id)]
            data["in_trash"] = cat.is_trashed(rec.id)
            print_json(data)
            return EXIT_OK
        _show_text(cat, args.id)
    return EXIT_OK
