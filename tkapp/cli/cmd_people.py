"""``tkapp people``: who uses the catalogue, their roles and protocol groups, passphrases.

Every action opens the catalogue as ``--person`` (or ``TKAPP_PERSON``) with that person's own
passphrase; changing people needs a custodian. A new person's passphrase is asked twice, or
read from ``--new-passphrase-file`` / ``TKAPP_NEW_PASSPHRASE``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_passphrase_option,
    open_from_args,
    out,
    read_new_passphrase,
)
from tkapp.core.users import Role
from tkapp.i18n import _
from tkapp.services import approvals

_ROLES = [str(r) for r in Role]


def _groups(text: str | None) -> list[str]:
    return [g for g in (text or "").split(",") if g.strip()]


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "people",
        description=_(
            "People who use this catalogue, each with their own passphrase. Custodians do "
            "everything; members read what their groups allow and add and edit drafts; "
            "viewers read what their groups allow."
        ),
    )
    sub = p.add_subparsers(dest="people_command", metavar=_("ACTION"))

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        a.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
        add_passphrase_option(a)
        a.set_defaults(handler=handler)
        return a

    a = action("list", _("list the people, their roles and groups"), cmd_list)
    a.add_argument("--json", action="store_true", help=_("machine-readable output"))

    a = action("add", _("add a person with their own passphrase"), cmd_add)
    a.add_argument("name", metavar=_("NAME"), help=_("shown when unlocking: may be a pseudonym"))
    a.add_argument(
        "--role", choices=_ROLES, default="member", help=_("custodian, member or viewer")
    )
    a.add_argument("--groups", metavar=_("GROUPS"), help=_("protocol groups, comma separated"))
    _new_passphrase_option(a)

    a = action("remove", _("remove a person (and offer to rotate the database key)"), cmd_remove)
    a.add_argument("name", metavar=_("NAME"))
    a.add_argument(
        "--rotate",
        action="store_true",
        help=_(
            "also re-encrypt the catalogue under a new database key, so a copy of the old "
            "keys file no longer opens it"
        ),
    )

    a = action("set-role", _("change a person's role"), cmd_set_role)
    a.add_argument("name", metavar=_("NAME"))
    a.add_argument("role", choices=_ROLES)

    a = action("set-groups", _("set a person's protocol groups"), cmd_set_groups)
    a.add_argument("name", metavar=_("NAME"))
    a.add_argument("groups", metavar=_("GROUPS"), help=_("comma separated; empty for none"))

    a = action("passwd", _("change your own passphrase (only your key slot changes)"), cmd_passwd)
    _new_passphrase_option(a)

    a = action(
        "approvals",
        _("how many custodians must approve an export (show, or set with the options)"),
        cmd_approvals,
    )
    a.add_argument("--required", type=int, metavar=_("N"), help=_("approvals every export needs"))
    a.add_argument(
        "--sensitive",
        type=int,
        metavar=_("N"),
        help=_("approvals an export of restricted or culturally sensitive records needs"),
    )

    action(
        "rotate-key",
        _("re-encrypt the catalogue under a new database key (everyone keeps their passphrase)"),
        cmd_rotate,
    )
    p.set_defaults(handler=lambda args: (p.print_help(), EXIT_USAGE)[1])


def _new_passphrase_option(a: argparse.ArgumentParser) -> None:
    a.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar=_("FILE"),
        help=_(
            "read the new passphrase from FILE (otherwise TKAPP_NEW_PASSPHRASE, or asked twice)"
        ),
    )


def cmd_list(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        users = cat.people().everyone()
    if args.json:
        data = [
            {"id": u.id, "name": u.name, "role": str(u.role), "groups": sorted(u.groups)}
            for u in users
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    for u in users:
        groups = ", ".join(sorted(u.groups)) or _("(no groups)")
        out(_("{name}: {role}; groups: {groups}").format(name=u.name, role=u.role, groups=groups))
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        people = cat.people()
        new = read_new_passphrase(args)
        user = people.add(args.name, Role(args.role), _groups(args.groups), new)
    out(_("{name} was added as {role}.").format(name=user.name, role=user.role))
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        people = cat.people()
        people.remove(args.name)
        if args.rotate:
            people.rotate_database_key()
    out(_("{name} was removed.").format(name=args.name))
    if args.rotate:
        out(_("The catalogue now has a new database key."))
    else:
        out(
            _(
                "If {name} may have a copy of the catalogue and its keys file, run "
                "'tkapp people rotate-key' so that copy no longer opens newer versions."
            ).format(name=args.name)
        )
    return EXIT_OK


def cmd_set_role(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        user = cat.people().set_role(args.name, Role(args.role))
    out(_("{name} is now {role}.").format(name=user.name, role=user.role))
    return EXIT_OK


def cmd_set_groups(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        user = cat.people().set_groups(args.name, _groups(args.groups))
    groups = ", ".join(sorted(user.groups)) or _("(no groups)")
    out(_("{name}'s groups: {groups}").format(name=user.name, groups=groups))
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        new = read_new_passphrase(args)
        cat.change_passphrase(new)
    out(_("Your passphrase was changed. Nobody else's changed."))
    return EXIT_OK


def cmd_rotate(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        cat.people().rotate_database_key()
    out(_("The catalogue now has a new database key; everyone keeps their passphrase."))
    return EXIT_OK


def cmd_approvals(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        policy = approvals.approval_policy(cat)
        if args.required is not None or args.sensitive is not None:
            policy = approvals.set_approval_policy(
                cat,
                policy.required if args.required is None else args.required,
                policy.sensitive if args.sensitive is None else args.sensitive,
            )
    out(
        _(
            "Approvals an export needs: {required}; with restricted or culturally "
            "sensitive records: {sensitive}. The exporting custodian counts as one."
        ).format(required=policy.required, sensitive=policy.sensitive)
    )
    return EXIT_OK
