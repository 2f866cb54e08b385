"""``tkapp identity new``: a researcher's age identity for receiving encrypted bundles.

Writes an identity file in age's own format (so ``age -d -i FILE`` works too), mode 0600,
atomically, by default into the app's identities folder, and prints the public ``age1...``
recipient to give to the community.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, out
from tkapp.i18n import _

# The logic lives in the keys service (the GUI uses it too); re-exported for callers here.
from tkapp.services.keys import new_identity


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "identity",
        description=_("Your age identity opens bundles a community encrypted for you."),
    )
    sub = p.add_subparsers(dest="identity_command", metavar=_("ACTION"))
    new = sub.add_parser(
        "new",
        help=_("create a new identity and print its public recipient (age1...)"),
        description=_(
            "Creates a secret identity file (keep it private; back it up) and prints the "
            "public recipient to give to the community."
        ),
    )
    new.add_argument(
        "--out",
        type=Path,
        metavar=_("FILE"),
        help=_("where to write the identity (default: the app's identities folder)"),
    )
    new.add_argument("--json", action="store_true", help=_("print a machine-readable result"))
    new.set_defaults(handler=cmd_identity_new)
    p.set_defaults(handler=lambda args: (p.print_help(), 4)[1])


def cmd_identity_new(args: argparse.Namespace) -> int:
    identity, path = new_identity(args.out)
    recipient = str(identity.recipient())
    if args.json:
        print(json.dumps({"recipient": recipient, "identity_file": str(path)}, indent=2))
    else:
        out(_("Identity saved to: {path}").format(path=path))
        out(_("Keep this file private and back it up: without it you cannot open bundles."))
        out(_("Your public recipient (give this to the community):"))
        out(recipient)
    return EXIT_OK
