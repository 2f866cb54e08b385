"""Open data and interchange commands: export-dwca, export-geojson, export-csv, import-csv."""

from __future__ import annotations

import argparse
import sys
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
from tkapp.errors import NothingToPublish, UsageError
from tkapp.i18n import N_, _, ngettext, translate
from tkapp.licensing.open_licence import describe_open_reason
from tkapp.services.catalogue import Catalogue
from tkapp.services.csv_exchange import PLACE_PRECISION_NOTE, export_csv
from tkapp.services.dwca import DwcaExportReport, export_dwca
from tkapp.services.dwca_check import Finding, check_archive
from tkapp.services.geojson import export_geojson
from tkapp.services.importing import run_import
from tkapp.services.importing.exchange import Changes, CsvImportPreview
from tkapp.services.opendata import ExcludedRecord, OpenExportReport, plan_open_data


def _common(p: argparse.ArgumentParser, out_help: str) -> None:
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("output", type=Path, metavar=_("OUTPUT"), help=out_help)
    p.add_argument("--overwrite", action="store_true", help=_("replace an existing file"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)


def register(subparsers: Any) -> None:
    open_rule = _(
        "Only records the community marked with an open licence (CC0, CC BY 4.0, CC BY-NC "
        "4.0), whose access is public and whose terms and labels allow that licence, are "
        "published; places are generalised and confidential fields withheld."
    )
    p = add_command(
        subparsers,
        "export-dwca",
        description=open_rule,
    )
    _common(p, _("the .zip to write"))
    p.add_argument("--no-media", action="store_true", help=_("leave all media files out"))
    p.add_argument(
        "--media-base-url",
        default="",
        metavar=_("URL"),
        help=_("where the media files will be hosted (written as their access URIs)"),
    )
    p.add_argument("--title", default="", help=_("the dataset title"))
    p.add_argument(
        "--check",
        action="store_true",
        help=_(
            "validate the archive as GBIF would (schemas, term lists, values) and list "
            "what it would reject"
        ),
    )
    p.set_defaults(handler=cmd_export_dwca)

    p = add_command(
        subparsers,
        "export-geojson",
        description=open_rule,
    )
    _common(p, _("the .geojson file to write"))
    p.set_defaults(handler=cmd_export_geojson)

    p = add_command(
        subparsers,
        "export-csv",
        description=_(
            "Writes records.csv, uses.csv, holders.csv, taxa.csv, vernacular_names.csv and "
            "people.csv with stable ids, for spreadsheets and other tools. Secret/sacred and "
            "gender-restricted records, confidential values, private contacts and the names "
            "of people who asked for anonymity are left out. The files are NOT encrypted."
        )
        + " "
        + translate(PLACE_PRECISION_NOTE),
    )
    _common(p, _("a folder, or a file name ending in .zip"))
    p.set_defaults(handler=cmd_export_csv)

    p = add_command(
        subparsers,
        "import-csv",
        description=_(
            "Shows what would be created or updated and every row error. Nothing is written "
            "until you confirm (or pass --yes); then everything is written in one step."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("source", type=Path, metavar=_("INPUT"), help=_("a folder or a .zip"))
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help=_("only show the preview"))
    mode.add_argument("--yes", action="store_true", help=_("import without asking"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_import_csv)


# --- open exports ---------------------------------------------------------------------------


def _print_excluded(excluded: tuple[ExcludedRecord, ...] | list[ExcludedRecord]) -> None:
    if not excluded:
        return
    out(
        ngettext(
            "{n} record marked for open publication was left out:",
            "{n} records marked for open publication were left out:",
            len(excluded),
        ).format(n=len(excluded))
    )
    for item in excluded:
        reasons = "; ".join(dict.fromkeys(describe_open_reason(r) for r in item.reasons))
        out(f"  {item.id}  {item.title}")
        out(f"      {reasons}")


def report_json(report: OpenExportReport) -> dict[str, Any]:
    """An open export report as plain JSON (reasons as code + parameters)."""
    return {
        "path": str(report.path),
        "records": report.records,
        "rows": report.rows,
        "media": report.media,
        "licence": report.licence,
        "not_marked": report.not_marked,
        "excluded": [
            {
                "id": item.id,
                "title": item.title,
                "licence": item.licence,
                "reasons": [reason.to_json() for reason in item.reasons],
            }
            for item in report.excluded
        ],
    }


def _report(report: OpenExportReport, as_json: bool) -> int:
    if as_json:
        print_json(report_json(report))
        return EXIT_OK
    out(
        ngettext(
            "Published {n} record under {licence} to {path}.",
            "Published {n} records under {licence} to {path}.",
            report.records,
        ).format(n=report.records, licence=report.licence, path=report.path)
    )
    if report.media:
        out(ngettext("{n} media file", "{n} media files", report.media).format(n=report.media))
    _print_excluded(report.excluded)
    if report.not_marked:
        out(
            ngettext(
                "{n} record is not marked for open publication.",
                "{n} records are not marked for open publication.",
                report.not_marked,
            ).format(n=report.not_marked)
        )
    return EXIT_OK


def _explain_nothing(cat: Catalogue) -> None:
    """Say why nothing could be published, before the error itself is reported."""
    plan = plan_open_data(cat)
    _print_excluded(plan.excluded)
    if plan.included:
        out(_("Publishable records lack what this format needs (species or coordinates)."))


def cmd_export_dwca(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        try:
            report = export_dwca(
                cat,
                args.output,
                include_media=not args.no_media,
                media_base_url=args.media_base_url,
                title=args.title,
                overwrite=args.overwrite,
                progress=progress_printer(_("Exporting")),
            )
        except NothingToPublish:
            if not args.json:
                _explain_nothing(cat)
            raise
    findings = check_archive(report.path) if args.check else None
    if args.json:
        data = report_json(report)
        data["media_left_out"] = report.media_left_out
        if findings is not None:
            data["check"] = [vars(f) for f in findings]
        print_json(data)
    else:
        _report(report, as_json=False)
        _print_media_left_out(report)
        if findings is not None:
            _print_findings(findings)
    return EXIT_INPUT if findings else EXIT_OK


def _print_media_left_out(report: DwcaExportReport) -> None:
    if not report.media_left_out:
        return
    out(
        ngettext(
            "{n} media file was left out: GBIF shows media only from a web address. Upload "
            "the media folder somewhere public and export again with --media-base-url URL.",
            "{n} media files were left out: GBIF shows media only from a web address. Upload "
            "the media folder somewhere public and export again with --media-base-url URL.",
            report.media_left_out,
        ).format(n=report.media_left_out)
    )


#: What each finding kind means for a GBIF publisher.
_FINDING_TEXT = {
    "xsd": N_("does not follow the standard's schema"),
    "unknown_term": N_("uses a term the standard does not define (or deprecated)"),
    "row_type": N_("has a table type GBIF does not read here"),
    "missing_value": N_("lacks a required value"),
    "duplicate_id": N_("repeats an occurrence id"),
    "bad_country_code": N_("has a country code that is not two letters (ISO 3166)"),
    "bad_coordinate": N_("has a coordinate out of range"),
    "licence": N_("has a licence GBIF does not accept"),
    "relative_media_uri": N_("has a media address that is not a full web address"),
    "no_lxml": N_("could not be checked against the schema: install lxml"),
}


def _print_findings(findings: list[Finding]) -> None:
    if not findings:
        out(_("Check passed: GBIF's schemas, the term lists and the value checks found nothing."))
        return
    out(
        ngettext(
            "GBIF would reject or flag {n} thing:",
            "GBIF would reject or flag {n} things:",
            len(findings),
        ).format(n=len(findings))
    )
    for finding in findings:
        meaning = _FINDING_TEXT.get(finding.kind)
        # Translators: {member} is an archive file and line, {problem} what is wrong there.
        line = _("{member} {problem}: {detail}").format(
            member=finding.member,
            problem=translate(meaning) if meaning else finding.kind,
            detail=finding.detail,
        )
        out("  " + line)


def cmd_export_geojson(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        try:
            report = export_geojson(cat, args.output, overwrite=args.overwrite)
        except NothingToPublish:
            if not args.json:
                _explain_nothing(cat)
            raise
    return _report(report, args.json)


# --- CSV exchange ---------------------------------------------------------------------------


def cmd_export_csv(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        report = export_csv(
            cat, args.output, overwrite=args.overwrite, progress=progress_printer(_("Exporting"))
        )
    if args.json:
        data = dict(vars(report))
        data["path"] = str(report.path)
        print_json(data)
        return EXIT_OK
    out(
        _("Wrote {records} records, {taxa} taxa and {persons} people to {path}.").format(
            records=report.records, taxa=report.taxa, persons=report.persons, path=report.path
        )
    )
    if report.records_left_out:
        out(
            ngettext(
                "{n} secret, sacred or gender-restricted record stayed in the catalogue.",
                "{n} secret, sacred or gender-restricted records stayed in the catalogue.",
                report.records_left_out,
            ).format(n=report.records_left_out)
        )
    out(translate(PLACE_PRECISION_NOTE))
    err(_("Warning: these files are not encrypted. Keep them safe, and delete them after use."))
    return EXIT_OK


def _changes_line(label: str, changes: Changes) -> str:
    # Translators: {what} is "Records", "Taxa" or "People".
    return _("{what}: {created} new, {updated} changed, {unchanged} unchanged").format(
        what=label,
        created=changes.created,
        updated=changes.updated,
        unchanged=changes.unchanged,
    )


def _print_preview(preview: CsvImportPreview) -> None:
    out(_("Files: {files}").format(files=", ".join(preview.files)))
    out(_changes_line(_("Records"), preview.records))
    out(_changes_line(_("Taxa"), preview.taxa))
    out(_changes_line(_("People"), preview.persons))
    if preview.ignored_columns:
        out(_("Columns ignored: {columns}").format(columns=", ".join(preview.ignored_columns)))
    for error in preview.errors:
        err(
            _("{file} row {row} ({field}): {problem}").format(
                file=error.file, row=error.row, field=error.field, problem=error.message
            )
        )
    hidden = preview.error_count - len(preview.errors)
    if hidden > 0:
        err(
            ngettext(
                "...and {n} more problem further down the files.",
                "...and {n} more problems further down the files.",
                hidden,
            ).format(n=hidden)
        )


def _confirm() -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(_("Import these changes? [y/N] ")).strip().lower()
    return answer in ("y", "yes", "s", "si", "sí")


def cmd_import_csv(args: argparse.Namespace) -> int:
    """The exchange format through the one importer (tkapp.services.importing)."""
    with open_from_args(args) as cat:
        result = run_import(cat, args.source, dry_run=True)
        preview = result.exchange
        if preview is None:
            raise UsageError(
                _("{path} is not a folder or ZIP of exchange files: use 'tkapp import'").format(
                    path=args.source
                )
            )
        nothing = preview.ok and preview.change_count == 0
        if args.json and (args.dry_run or not preview.ok or not args.yes or nothing):
            print_json(preview_json(preview))
            return EXIT_INPUT if preview.errors else EXIT_OK
        if not args.json:
            _print_preview(preview)
        if preview.errors:
            err(_("Nothing was imported: correct the rows above and try again."))
            return EXIT_INPUT
        if args.dry_run:
            out(_("Dry run: nothing was written."))
            return EXIT_OK
        if preview.change_count == 0:
            out(_("Nothing to change."))
            return EXIT_OK
        if not args.yes and not _confirm():
            out(_("Nothing was written. Run again with --yes to import."))
            return EXIT_OK
        applied = run_import(cat, args.source, progress=progress_printer(_("Importing")))
    report = applied.exchange_report
    assert report is not None  # the preview had changes and no errors
    if args.json:
        print_json(report)
        return EXIT_OK
    out(
        _("Imported: {records} records, {taxa} taxa, {persons} people written.").format(
            records=report.records_created + report.records_updated,
            taxa=report.taxa_created + report.taxa_updated,
            persons=report.persons_created + report.persons_updated,
        )
    )
    return EXIT_OK


def preview_json(preview: CsvImportPreview) -> dict[str, Any]:
    """The preview as plain JSON: counts, and the first row errors with their total."""
    return {
        "source": str(preview.source),
        "files": preview.files,
        "records": preview.records,
        "taxa": preview.taxa,
        "persons": preview.persons,
        "errors": preview.errors,
        "error_count": preview.error_count,
        "ignored_columns": preview.ignored_columns,
    }
