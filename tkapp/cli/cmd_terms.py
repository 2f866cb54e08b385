"""Terms and labels commands: ``terms list|show|new|set-default|assign``, ``labels list``,
``ask`` (may this user do this with this record?)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, add_passphrase_option, open_from_args, out, print_json
from tkapp.i18n import _, current_language, ngettext
from tkapp.licensing.labels import LABELS
from tkapp.licensing.templates import TEMPLATES
from tkapp.licensing.terms import from_template
from tkapp.licensing.text import (
    describe_duty,
    describe_outcome,
    describe_reason,
    label_name,
    label_text,
    purpose_name,
    render_terms_text,
    template_name,
    user_class_name,
)
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import terms as terms_service


def _catalogue_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))


def register(subparsers: Any) -> None:
    terms = add_command(
        subparsers,
        "terms",
        description=_(
            "Terms say who may do what with the community's knowledge. A version used in an "
            "export never changes: editing it makes a new version."
        ),
    )
    sub = terms.add_subparsers(dest="terms_command", metavar=_("ACTION"))
    terms.set_defaults(handler=lambda args: (terms.print_help(), 4)[1])

    p = sub.add_parser("list", help=_("list the terms versions"))
    _catalogue_arg(p)
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_terms_list)

    p = sub.add_parser("show", help=_("show one terms version in words"))
    _catalogue_arg(p)
    p.add_argument(
        "terms_id", nargs="?", metavar=_("TERMS_ID"), help=_("default: the default terms")
    )
    p.add_argument("--in", dest="in_lang", metavar=_("LANG"), help=_("language of the text"))
    p.add_argument("--json", action="store_true", help=_("print terms.json"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_terms_show)

    p = sub.add_parser("new", help=_("create a new terms set from a template"))
    _catalogue_arg(p)
    p.add_argument("--template", choices=sorted(TEMPLATES), required=True)
    p.add_argument("--name", help=_("the terms' name (default: the template's)"))
    p.add_argument("--attribution", help=_("how users must credit the community"))
    p.add_argument("--contact", help=_("how to reach the community for agreements"))
    p.add_argument("--default", action="store_true", help=_("make it the default terms"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_terms_new)

    p = sub.add_parser("set-default", help=_("make a terms version the default"))
    _catalogue_arg(p)
    p.add_argument("terms_id", metavar=_("TERMS_ID"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_terms_set_default)

    p = sub.add_parser(
        "assign", help=_("put records under a terms version ('default' to follow the default)")
    )
    _catalogue_arg(p)
    p.add_argument("terms_id", metavar=_("TERMS_ID"))
    p.add_argument("records", nargs="+", metavar=_("RECORD"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_terms_assign)

    labels = add_command(subparsers, "labels")
    lsub = labels.add_subparsers(dest="labels_command", metavar=_("ACTION"))
    labels.set_defaults(handler=lambda args: (labels.print_help(), 4)[1])
    p = lsub.add_parser("list", help=_("list the labels with the community's wording"))
    p.add_argument(
        "catalogue",
        type=Path,
        nargs="?",
        metavar=_("CATALOGUE"),
        help=_("show this catalogue's own wording (default: the shipped texts)"),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_labels_list)

    p = add_command(
        subparsers,
        "ask",
        description=_("Answers from the record's terms, tightened by its labels and access level."),
    )
    _catalogue_arg(p)
    p.add_argument("record", metavar=_("RECORD"))
    p.add_argument(
        "--as",
        dest="user_class",
        required=True,
        choices=[u.value for u in UserClass],
        metavar=_("CLASS"),
        help=_("who asks: {choices}").format(choices=", ".join(u.value for u in UserClass)),
    )
    p.add_argument(
        "--purpose",
        required=True,
        choices=[x.value for x in Purpose],
        metavar=_("PURPOSE"),
        help=_("what for: {choices}").format(choices=", ".join(x.value for x in Purpose)),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output (codes)"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_ask)


def cmd_terms_list(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        items = terms_service.list_terms(cat)
    if args.json:
        print_json(items)
        return EXIT_OK
    for info in items:
        marks = []
        if info.is_default:
            marks.append(_("default"))
        if info.used:
            # Translators: the terms version was used in an export, so it can no longer change.
            marks.append(_("used in an export"))
        out(
            _("{id}  {name}, version {version} ({template})").format(
                id=info.id,
                name=info.name,
                version=info.version,
                template=template_name(info.template),
            )
            + ("  [" + ", ".join(marks) + "]" if marks else "")
        )
        if info.records:
            out(
                "    "
                + ngettext("{n} record assigned", "{n} records assigned", info.records).format(
                    n=info.records
                )
            )
    return EXIT_OK


def cmd_terms_show(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        terms = (
            terms_service.get_terms(cat, args.terms_id)
            if args.terms_id
            else terms_service.default_terms(cat)
        )
        customisations = terms_service.label_customisations(cat)
    if args.json:
        print_json(terms.to_json())
        return EXIT_OK
    sys.stdout.write(
        render_terms_text(terms, args.in_lang or current_language(), (), customisations)
    )
    return EXIT_OK


def cmd_terms_new(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        community = cat.community
        terms = from_template(
            args.template,
            name=args.name,
            attribution=args.attribution if args.attribution is not None else community.name,
            contact=args.contact
            if args.contact is not None
            else (community.contact or community.name),
            languages=list(dict.fromkeys(community.languages)),
        )
        terms_service.save_terms(cat, terms)
        if args.default:
            terms_service.set_default(cat, terms.id)
    if args.json:
        print_json({"id": terms.id, "set_id": terms.set_id, "version": terms.version})
    else:
        out(_("Terms created: {id}").format(id=terms.id))
    return EXIT_OK


def cmd_terms_set_default(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        terms_service.set_default(cat, args.terms_id)
    out(_("Default terms: {id}").format(id=args.terms_id))
    return EXIT_OK


def cmd_terms_assign(args: argparse.Namespace) -> int:
    terms_id = "" if args.terms_id == "default" else args.terms_id
    with open_from_args(args) as cat:
        changed = terms_service.assign(cat, args.records, terms_id)
    out(ngettext("{n} record changed", "{n} records changed", changed).format(n=changed))
    return EXIT_OK


def cmd_labels_list(args: argparse.Namespace) -> int:
    if args.catalogue is not None:
        with open_from_args(args) as cat:
            items = terms_service.list_labels(cat)
    else:
        items = [terms_service.LabelInfo(label, None) for label in LABELS]
    if args.json:
        print_json(
            [
                {
                    "code": i.label.code,
                    "kind": i.label.kind.value,
                    "category": i.label.category.value,
                    "name": i.label.name,
                    "description": i.label.description,
                    "customisation": i.customisation.to_json() if i.customisation else None,
                }
                for i in items
            ]
        )
        return EXIT_OK
    customisations = {i.label.code: i.customisation for i in items if i.customisation}
    for info in items:
        code = info.label.code
        out(code.ljust(5) + " " + label_name(code) + ": " + label_text(code, None, customisations))
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        record = cat.get_record(args.record)
        decision = terms_service.ask(cat, args.record, args.user_class, args.purpose)
        customisations = terms_service.label_customisations(cat)
    if args.json:
        print_json({"record": record.id, **decision.to_json()})
        return EXIT_OK
    out(_("Record: {title}").format(title=record.title))
    out(
        _("{user_class}, for {purpose}: {outcome}").format(
            user_class=user_class_name(UserClass(args.user_class)),
            purpose=purpose_name(Purpose(args.purpose)),
            outcome=describe_outcome(decision.outcome),
        )
    )
    if decision.duties:
        out(_("Duties:"))
        for duty in decision.duties:
            out("  * " + describe_duty(duty, None, customisations))
    if decision.needs_confirmation and decision.permits:
        out(_("The custodian must confirm before this record is shared."))
    out(_("Why:"))
    for reason in decision.reasons:
        out("  - " + describe_reason(reason))
    return EXIT_OK
