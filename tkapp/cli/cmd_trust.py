"""``tkapp trust list|show|add|remove``: the community keys this user trusts.

A trusted key is identified by its whole public key (shown as a fingerprint: hex groups and
words to read aloud); the community name and catalogue id are labels. Needs no catalogue.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, err, out, print_json
from tkapp.errors import NotFound, UsageError
from tkapp.i18n import _, ngettext, translate
from tkapp.services import keys as keys_service
from tkapp.services import trust_text
from tkapp.services.types import TrustedKey
from tkapp.services.verifying import load_trust_key

EXIT_NOT_FOUND = 3


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "trust",
        description=_(
            "The community keys you trust. A key is known by its fingerprint; the community "
            "name and catalogue are labels, so two communities with the same name are two "
            "keys."
        ),
    )
    sub = p.add_subparsers(dest="trust_command", metavar=_("ACTION"))
    sub.required = True

    ls = sub.add_parser("list", help=_("list trusted keys"))
    ls.add_argument("--json", action="store_true", help=_("print a machine-readable list"))
    ls.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help=_("show one trusted key or several"))
    show.add_argument(
        "ref",
        metavar=_("KEY"),
        help=_("fingerprint (or its first 8+ digits), key id, catalogue id or community name"),
    )
    show.add_argument("--json", action="store_true", help=_("print a machine-readable report"))
    show.set_defaults(handler=cmd_show)

    add = sub.add_parser("add", help=_("trust a community's public key file"))
    add.add_argument("keyfile", type=Path, metavar=_("KEYFILE"), help=_("minisign .pub file"))
    add.add_argument(
        "--community", required=True, metavar=_("NAME"), help=_("the community's name")
    )
    add.add_argument(
        "--catalogue", default="", metavar=_("URN"), help=_("the catalogue id, if known")
    )
    add.add_argument(
        "--in-person",
        action="store_true",
        help=_("you compared the fingerprint words with the community in person"),
    )
    add.add_argument(
        "--replace",
        action="store_true",
        help=_("stop trusting the other key of this catalogue (after an in-person check)"),
    )
    add.set_defaults(handler=cmd_add)

    rm = sub.add_parser("remove", help=_("stop trusting one key"))
    rm.add_argument(
        "ref", metavar=_("KEY"), help=_("fingerprint (or its first 8+ digits) or key id")
    )
    rm.set_defaults(handler=cmd_remove)


def _json(entry: TrustedKey) -> dict[str, Any]:
    return {
        "community": entry.community,
        "catalogue_id": entry.catalogue_id,
        "key_id": entry.key_id,
        "fingerprint": entry.fingerprint,
        "public_key": entry.public_key,
        "how": entry.how,
        "first_seen": entry.first_seen,
        "last_sequence": entry.last_sequence,
        "replaced_by": entry.replaced_by,
    }


def cmd_list(args: argparse.Namespace) -> int:
    entries = keys_service.trusted_keys()
    if args.json:
        print_json([_json(e) for e in entries])
        return EXIT_OK
    if not entries:
        out(_("You trust no community key yet."))
        return EXIT_OK
    out(ngettext("{n} trusted key:", "{n} trusted keys:", len(entries)).format(n=len(entries)))
    for e in entries:
        out(
            _("{fingerprint}  {community}  ({how})").format(
                fingerprint=" ".join(trust_text.fingerprint_line(e.fingerprint).split()[:4]),
                community=trust_text.shown_name(e.community),
                how=translate(trust_text.HOW_TEXT.get(e.how, e.how)),
            )
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    found = keys_service.find_trusted(args.ref)
    if args.json:
        print_json([_json(e) for e in found])
    else:
        for number, entry in enumerate(found):
            if number:
                out("")
            for line in trust_text.entry_lines(entry):
                out(line)
    if not found:
        raise NotFound(_("no trusted key matches {ref}").format(ref=args.ref[:80]))
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    if args.replace and not args.catalogue:
        raise UsageError(_("--replace needs --catalogue"))
    key = load_trust_key(args.keyfile)
    assert key is not None
    for line in trust_text.warning_lines(
        keys_service.trust_warnings(key, args.community, args.catalogue)
    ):
        err(line)
    entry = keys_service.trust_key_file(
        args.keyfile,
        args.community,
        "in_person" if args.in_person else "file",
        catalogue_id=args.catalogue,
        replace=args.replace,
    )
    out(_("Trusted:"))
    for line in trust_text.entry_lines(entry):
        out("  " + line)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    if not keys_service.untrust(args.ref):
        raise NotFound(_("no trusted key matches {ref}").format(ref=args.ref[:80]))
    out(_("The key is no longer trusted."))
    return EXIT_OK
