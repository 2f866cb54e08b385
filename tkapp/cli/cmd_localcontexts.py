"""``tkapp localcontexts``: Local Contexts Hub projects, their Labels and Notices.

``add``, ``list`` and ``remove`` work offline. ``refresh`` is the one command that goes online
(the Hub's public API) and says so in its help.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, add_passphrase_option, open_from_args, out, print_json
from tkapp.core.model import HubProject
from tkapp.i18n import _, ngettext, translate
from tkapp.licensing.labels import get_label
from tkapp.licensing.notices import NOTICES
from tkapp.services import localcontexts
from tkapp.services.catalogue import to_jsonable


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def register(subparsers: Any) -> None:
    group = add_command(
        subparsers,
        "localcontexts",
        description=_(
            "A Local Contexts Hub project names the Labels and Notices that apply to the "
            "community's knowledge. Exports carry its link. Everything works offline; only "
            "'refresh' connects to the Hub."
        ),
    )
    sub = group.add_subparsers(dest="lc_command", metavar=_("ACTION"))
    group.set_defaults(handler=lambda args: (group.print_help(), 4)[1])

    p = sub.add_parser("add", help=_("add or replace a Hub project, typed in by hand"))
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("hub_id", metavar=_("HUB_ID"), help=_("the project id on the Hub"))
    p.add_argument("--title", default="", help=_("the project title"))
    p.add_argument("--url", default="", help=_("the project page (https://...)"))
    p.add_argument("--labels", default="", help=_("label codes, comma-separated (tka,tks)"))
    p.add_argument(
        "--notices",
        default="",
        help=_("notice codes, comma-separated: {codes}").format(codes=", ".join(NOTICES)),
    )
    p.add_argument(
        "--records",
        default="",
        help=_("record ids, comma-separated (default: the whole catalogue)"),
    )
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("list", help=_("list the Hub projects and what they apply"))
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("remove", help=_("remove a Hub project from the catalogue"))
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("project", metavar=_("PROJECT"), help=_("our id or the Hub id"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_remove)

    p = sub.add_parser(
        "refresh",
        help=_("ONLINE: read a project's Labels and Notices from the Local Contexts Hub"),
        description=_(
            "Connects to localcontextshub.org (public API) and updates the project's title, "
            "page, Labels and Notices. Needs a network; nothing else in tkapp does."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("project", metavar=_("PROJECT"), help=_("our id or the Hub id"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_refresh)


def cmd_add(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        existing = [p for p in localcontexts.list_projects(cat) if p.hub_id == args.hub_id]
        project = HubProject(
            args.hub_id,
            title=args.title,
            page_url=args.url,
            labels=_codes(args.labels),
            notices=_codes(args.notices),
            record_ids=_codes(args.records),
        )
        if existing:
            project.id = existing[0].id
        saved = localcontexts.save_project(cat, project)
    out(_("Saved Hub project {hub_id}.").format(hub_id=saved.hub_id))
    return EXIT_OK


def _describe(project: HubProject) -> list[str]:
    lines = [f"{project.hub_id}  {project.title}".rstrip()]
    if project.page_url:
        lines.append("  " + project.page_url)
    for code in project.notices:
        lines.append("  " + translate(NOTICES[code].name))
    for code in project.labels:
        lines.append("  " + translate(get_label(code).name) + f" ({code})")
    if project.whole_catalogue:
        lines.append("  " + _("applies to the whole catalogue"))
    else:
        n = len(project.record_ids)
        lines.append(
            "  " + ngettext("applies to {n} record", "applies to {n} records", n).format(n=n)
        )
    if project.synced_at is None:
        lines.append("  " + _("never synchronised with the Hub"))
    else:
        lines.append("  " + _("synchronised {when}").format(when=project.synced_at.isoformat()))
    return lines


def cmd_list(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        projects = localcontexts.list_projects(cat)
    if args.json:
        print_json([to_jsonable(p) for p in projects])
        return EXIT_OK
    if not projects:
        out(_("No Local Contexts Hub project yet."))
    for project in projects:
        for line in _describe(project):
            out(line)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        project = localcontexts.get_project(cat, args.project)
        localcontexts.remove_project(cat, project.id)
    out(_("Removed Hub project {hub_id}.").format(hub_id=project.hub_id))
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        project = localcontexts.refresh_project(cat, args.project)
    for line in _describe(project):
        out(line)
    return EXIT_OK
