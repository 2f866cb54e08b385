"""Catalogue commands: init, info, check, passwd, backup, restore, key."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import (
    EXIT_INTEGRITY,
    EXIT_OK,
    actor_name,
    add_passphrase_option,
    open_from_args,
    out,
    print_json,
    progress_printer,
    read_creation_passphrase,
    read_new_passphrase,
    read_passphrase,
)
from tkapp.core.model import Community
from tkapp.errors import CatalogueExists, UsageError
from tkapp.i18n import _, ngettext
from tkapp.services import keys as keys_service
from tkapp.services.catalogue import create_catalogue, restore_backup


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "init")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("--community", required=True, metavar=_("NAME"), help=_("community name"))
    p.add_argument(
        "--language",
        action="append",
        metavar=_("LANG"),
        help=_("a language the community uses (BCP 47, e.g. es, qu); repeat for several"),
    )
    p.add_argument("--country", default="", help=_("country"))
    p.add_argument("--region", default="", help=_("region"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_init)

    p = add_command(subparsers, "info")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_info)

    p = add_command(subparsers, "check")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_check)

    p = add_command(subparsers, "passwd")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    add_passphrase_option(p)
    p.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar=_("FILE"),
        help=_(
            "read the new passphrase from FILE (otherwise TKAPP_NEW_PASSPHRASE, or asked twice)"
        ),
    )
    p.set_defaults(handler=cmd_passwd)

    p = add_command(subparsers, "backup")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("dest", type=Path, metavar=_("DEST"))
    p.add_argument("--overwrite", action="store_true", help=_("replace an existing DEST"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_backup)

    p = add_command(subparsers, "restore")
    p.add_argument("backup", type=Path, metavar=_("BACKUP"))
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("--overwrite", action="store_true", help=_("replace an existing CATALOGUE"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_restore)

    p = add_command(subparsers, "key")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument(
        "--public-out",
        type=Path,
        metavar=_("FILE"),
        help=_("write the public key (minisign format) to FILE"),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_key)


def cmd_init(args: argparse.Namespace) -> int:
    if args.catalogue.exists():
        raise CatalogueExists(str(args.catalogue), path=str(args.catalogue))
    community = Community(
        name=args.community,
        languages=args.language or ["es"],
        country=args.country,
        region=args.region,
    )
    passphrase = read_creation_passphrase(args)
    with create_catalogue(args.catalogue, passphrase, community, actor=actor_name()) as cat:
        fingerprint = keys_service.fingerprint(cat)
    out(
        _("Created catalogue {path} for {community}.").format(
            path=args.catalogue, community=community.name
        )
    )
    out(_("Community key fingerprint:"))
    out(fingerprint.hex_groups())
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        stats = cat.stats()
        community = cat.community
        catalogue_id = cat.id
    if args.json:
        print_json({"id": catalogue_id, "community": community, "stats": stats})
        return EXIT_OK
    out(_("Catalogue: {path}").format(path=args.catalogue))
    out(_("Community: {name}").format(name=community.name))
    out(ngettext("{n} record", "{n} records", stats.records).format(n=stats.records))
    out(
        ngettext("{n} record in the trash", "{n} records in the trash", stats.in_trash).format(
            n=stats.in_trash
        )
    )
    out(ngettext("{n} taxon", "{n} taxa", stats.taxa).format(n=stats.taxa))
    out(ngettext("{n} person", "{n} persons", stats.persons).format(n=stats.persons))
    out(ngettext("{n} media file", "{n} media files", stats.media).format(n=stats.media))
    out(
        ngettext("{n} consent record", "{n} consent records", stats.consents).format(
            n=stats.consents
        )
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        report = cat.check(progress=progress_printer(_("Checking")))
    if args.json:
        print_json(report)
        return EXIT_OK if report.ok else EXIT_INTEGRITY
    if report.ok:
        out(
            ngettext(
                "The catalogue is sound; the audit log's {n} entry is intact.",
                "The catalogue is sound; the audit log's {n} entries are intact.",
                report.audit.entries,
            ).format(n=report.audit.entries)
        )
        return EXIT_OK
    out(_("PROBLEMS FOUND. Keep this file and restore a backup into a new file."))
    for line in report.integrity:
        out(_("Database: {problem}").format(problem=line))
    for line in report.cipher_integrity:
        out(_("Encryption: {problem}").format(problem=line))
    for line in report.audit.problems:
        out(_("Audit log: {problem}").format(problem=line))
    return EXIT_INTEGRITY


def cmd_passwd(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        new = read_new_passphrase(args)
        cat.change_passphrase(new)
    out(_("The passphrase was changed. Old backups still open with the old passphrase."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        cat.backup(args.dest, progress=progress_printer(_("Backup")), overwrite=args.overwrite)
    out(
        _("Encrypted backup written to {path}. It opens with the same passphrase.").format(
            path=args.dest
        )
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    restore_backup(
        args.backup,
        args.catalogue,
        read_passphrase(args),
        progress=progress_printer(_("Restore")),
        overwrite=args.overwrite,
    )
    out(_("Backup checked and restored to {path}.").format(path=args.catalogue))
    return EXIT_OK


def cmd_key(args: argparse.Namespace) -> int:
    if args.public_out is not None and args.public_out.exists():
        raise UsageError(_("{path} already exists").format(path=args.public_out))
    with open_from_args(args) as cat:
        community = cat.community.name
        key_id = keys_service.key_id(cat)
        fingerprint = keys_service.fingerprint(cat)
        public_hex = keys_service.public_key(cat).public.hex()
        if args.public_out is not None:
            keys_service.export_public_key(cat, args.public_out)
    if args.json:
        print_json(
            {
                "community": community,
                "key_id": key_id,
                "fingerprint": fingerprint.hex,
                "words": fingerprint.words(),
                "public_key": public_hex,
            }
        )
        return EXIT_OK
    out(_("Community: {name}").format(name=community))
    out(_("Key id: {key_id}").format(key_id=key_id))
    out(_("Fingerprint:"))
    out(fingerprint.hex_groups())
    out(_("Words to read aloud:"))
    out(fingerprint.words_text())
    if args.public_out is not None:
        out(_("Public key written to {path}.").format(path=args.public_out))
    return EXIT_OK
