"""``tkapp revoke``: withdraw grants (bundles shared) and write a signed revocation list.

The list (``.tkr`` plus ``.tkr.minisig``) carries every revocation so far; give it to the
researchers (``tkapp verify --revocations FILE``, ``tkapp import-bundle --revocations FILE``)
and anyone can check it with ``minisign -Vm FILE.tkr -p community.pub``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, add_passphrase_option, open_from_args, out, print_json
from tkapp.i18n import _, ngettext
from tkapp.services import grants
from tkapp.services import keys as keys_service
from tkapp.services.types import Fingerprint


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "revoke",
        description=_(
            "Records the revocation in the sharing ledger and writes a signed revocation "
            "list for the researchers. The list holds every revocation so far."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument(
        "--bundle",
        action="append",
        default=[],
        metavar=_("ID"),
        help=_("the bundle to revoke (repeat for several)"),
    )
    p.add_argument("--recipient", metavar=_("NAME"), help=_("revoke every grant to this recipient"))
    p.add_argument("--reason", required=True, metavar=_("TEXT"), help=_("why, in a few words"))
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar=_("FILE.tkr"),
        help=_("where to write the signed revocation list"),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_revoke)

    p = add_command(
        subparsers,
        "rotate-key",
        description=_(
            "Makes a new signing key for the catalogue. The old key signs a key change "
            "statement: give it, with the new public key, to everyone who trusts the old "
            "key. A lost or stolen key cannot be changed this way: see the README."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar=_("FILE.tkrot"),
        help=_("where to write the signed key change statement"),
    )
    p.add_argument(
        "--public-out", type=Path, metavar=_("FILE.pub"), help=_("also save the new public key")
    )
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_rotate_key)


def cmd_revoke(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        result = grants.revoke(
            cat,
            bundle_ids=args.bundle,
            recipient=args.recipient,
            reason=args.reason,
            dest=args.out,
        )
    if args.json:
        print_json(
            {
                "revoked": list(result.newly_revoked),
                "list": str(result.list_path),
                "total": result.total,
            }
        )
        return EXIT_OK
    n = len(result.newly_revoked)
    out(ngettext("{n} grant revoked.", "{n} grants revoked.", n).format(n=n))
    out(
        _("Signed revocation list ({total} in all): {path}").format(
            total=result.total, path=result.list_path
        )
    )
    out(_("Check it with: minisign -Vm {path} -p COMMUNITY.pub").format(path=result.list_path))
    return EXIT_OK


def cmd_rotate_key(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        new, path = keys_service.rotate_signing_key(cat, args.out)
        if args.public_out is not None:
            keys_service.export_public_key(cat, args.public_out)
    fp = Fingerprint.of_public_key(new.public)
    out(_("New signing key: {fingerprint}").format(fingerprint=" ".join(fp.groups())))
    out(_("Words to read aloud: {words}").format(words=" ".join(fp.words())))
    out(_("Key change statement, signed by the old key: {path}").format(path=path))
    return EXIT_OK
