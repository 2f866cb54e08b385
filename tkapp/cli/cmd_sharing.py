"""Sharing commands: ``export`` (plan, confirm, write a signed bundle), ``import-bundle`` and
``received`` (researcher side), ``recipients list|add`` (address book), ``ledger`` and
``follow-up`` (who has what of ours, and what came back)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_bundle_key_options,
    add_passphrase_option,
    open_from_args,
    out,
    print_json,
    progress_printer,
    read_approver_passphrase,
)
from tkapp.core.model import Recipient
from tkapp.errors import ConfirmationRequired, UsageError
from tkapp.i18n import _, current_language, ngettext
from tkapp.licensing.gate import ConsentOverride
from tkapp.licensing.plan import RecordPlan
from tkapp.licensing.release_text import describe_release
from tkapp.licensing.text import (
    describe_duty,
    purpose_name,
    user_class_name,
)
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import approvals, grants, verifying
from tkapp.services import received as received_service
from tkapp.services import sharing as sharing_service


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a date (YYYY-MM-DD): {text}").format(text=text)
        ) from None


def _class_option(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument(
        "--as",
        dest="user_class",
        required=required,
        choices=[u.value for u in UserClass],
        metavar=_("CLASS"),
        help=_("the recipient's kind: {choices}").format(
            choices=", ".join(u.value for u in UserClass)
        ),
    )


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "export",
        description=_(
            "Shows which records may go to this recipient for this purpose (and which stay, "
            "and why), then writes a signed bundle and records it in the sharing ledger."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("out", type=Path, metavar=_("OUT.tkb"))
    p.add_argument("--recipient-name", required=True, metavar=_("NAME"))
    p.add_argument("--organisation", default=None, metavar=_("ORG"))
    _class_option(p, required=False)
    p.add_argument(
        "--purpose",
        required=True,
        choices=[x.value for x in Purpose],
        metavar=_("PURPOSE"),
        help=_("what for: {choices}").format(choices=", ".join(x.value for x in Purpose)),
    )
    p.add_argument(
        "--record",
        action="append",
        default=None,
        metavar=_("ID"),
        help=_("a record to consider (repeat; default: every record)"),
    )
    p.add_argument("--expires", type=_day, metavar=_("DATE"), help=_("the bundle's last day"))
    p.add_argument(
        "--encrypt-to",
        action="append",
        default=[],
        metavar="age1...",
        help=_("encrypt the bundle to this age recipient (repeat for several)"),
    )
    p.add_argument(
        "--release-without-consent",
        action="append",
        default=[],
        metavar=_("ID"),
        help=_(
            "release this record although no consent record covers it (repeat; needs "
            "--override-by and --override-why; written to the audit log and the ledger)"
        ),
    )
    p.add_argument("--override-by", default="", metavar=_("NAME"), help=_("who decides it"))
    p.add_argument("--override-why", default="", metavar=_("TEXT"), help=_("why"))
    p.add_argument(
        "--confirm-media",
        action="append",
        default=[],
        metavar=_("ID"),
        help=_("send this media file as it is although its metadata cannot be removed (repeat)"),
    )
    p.add_argument("--yes", action="store_true", help=_("write without asking"))
    p.add_argument(
        "--confirm-sensitive",
        action="store_true",
        help=_("confirm sharing records marked culturally sensitive (with --yes)"),
    )
    p.add_argument(
        "--approve-as",
        action="append",
        default=[],
        metavar=_("NAME"),
        help=_(
            "another custodian approves this export with their own passphrase (repeat; "
            "needed when the community asks for more than one approval)"
        ),
    )
    p.add_argument(
        "--approver-passphrase-file",
        action="append",
        type=Path,
        default=[],
        metavar=_("FILE"),
        help=_(
            "the passphrase of each --approve-as person, in the same order (otherwise "
            "TKAPP_APPROVER_PASSPHRASE_1, _2..., or asked)"
        ),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output (codes)"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_export)

    p = add_command(
        subparsers,
        "import-bundle",
        description=_(
            "Checks the bundle fully first; then stores its records, media and terms in the "
            "catalogue's received area in one step. Importing the same bundle again does "
            "nothing."
        ),
    )
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("bundle", type=Path, metavar=_("BUNDLE"))
    add_bundle_key_options(p)
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_import_bundle)

    p = add_command(subparsers, "received")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument(
        "bundle_id", nargs="?", metavar=_("BUNDLE_ID"), help=_("show this bundle's records")
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_received)

    rec = add_command(subparsers, "recipients")
    rsub = rec.add_subparsers(dest="recipients_command", metavar=_("ACTION"))
    rec.set_defaults(handler=lambda args: (rec.print_help(), EXIT_USAGE)[1])
    p = rsub.add_parser("list", help=_("list recipients"))
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_recipients_list)
    p = rsub.add_parser("add", help=_("add a recipient"))
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("name", metavar=_("NAME"))
    p.add_argument("--organisation", default="", metavar=_("ORG"))
    _class_option(p, required=True)
    p.add_argument("--contact", default="", metavar=_("CONTACT"))
    p.add_argument("--age", default="", metavar="age1...", help=_("their age public key"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_recipients_add)

    p = add_command(subparsers, "ledger")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument(
        "--overdue-days",
        type=int,
        default=None,
        metavar=_("DAYS"),
        help=_("list only duties still open this many days after the export"),
    )
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_ledger)

    p = add_command(subparsers, "follow-up")
    p.add_argument("catalogue", type=Path, metavar=_("CATALOGUE"))
    p.add_argument("bundle_id", metavar=_("BUNDLE_ID"))
    p.add_argument("--kind", required=True, choices=sharing_service.FOLLOW_UP_KINDS)
    p.add_argument("--date", type=_day, default=None, metavar=_("DATE"))
    p.add_argument("--note", default="", metavar=_("TEXT"))
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_follow_up)


# --- export -------------------------------------------------------------------------------


def _print_plan(plan: sharing_service.SharingPlan) -> None:
    r = plan.recipient
    out(
        _("Recipient: {name} ({organisation}), {user_class}, for {purpose}").format(
            name=r.name,
            organisation=r.organisation,
            user_class=user_class_name(UserClass(r.user_class)),
            purpose=purpose_name(Purpose(plan.purpose)),
        )
    )
    out(
        ngettext("{n} record goes:", "{n} records go:", len(plan.included)).format(
            n=len(plan.included)
        )
    )
    for item in plan.included:
        out("  + " + plan.title(item.record_id) + "  (" + item.record_id + ")")
        for line in describe_release(item):
            out("      " + line.text)
    out(
        ngettext("{n} record stays:", "{n} records stay:", len(plan.excluded)).format(
            n=len(plan.excluded)
        )
    )
    for item in plan.excluded:
        out("  - " + plan.title(item.record_id) + "  (" + item.record_id + ")")
        for line in describe_release(item):
            out("      " + line.text)
    duties = {d for item in plan.included if item.decision for d in item.decision.duties}
    if duties:
        out(_("The recipient's duties:"))
        for duty in sorted(duties, key=lambda d: d.sort_key()):
            out("  * " + describe_duty(duty))


def _plan_json(plan: sharing_service.SharingPlan) -> dict[str, Any]:
    def item(p: RecordPlan) -> dict[str, Any]:
        cover = p.consent
        return {
            "id": p.record_id,
            "title": plan.title(p.record_id),
            "included": p.included,
            "reasons": [r.to_json() for r in p.reasons],
            "decision": None if p.decision is None else p.decision.to_json(),
            "withheld_fields": list(p.withheld_fields),
            "fields": [
                {
                    "name": f.name,
                    "disposition": f.disposition.value,
                    "text": f.text,
                    "reasons": [r.to_json() for r in f.reasons],
                }
                for f in p.fields
            ],
            "media": [
                {
                    "id": m.media.id,
                    "file_name": m.media.file_name,
                    "disposition": m.disposition.value,
                    "removed": list(m.removed),
                    "confirmed": m.confirmed,
                    "warnings": list(m.warnings),
                    "reasons": [r.to_json() for r in m.reasons],
                }
                for m in p.media
            ],
            "consent": None
            if cover is None
            else {
                "consent_id": cover.consent_id,
                "granted_by": cover.granted_by,
                "status": cover.status,
                "expires": None if cover.expires is None else cover.expires.isoformat(),
                "override": None if cover.override is None else cover.override.to_json(),
            },
            "warnings": [r.to_json() for r in p.warnings],
            "place": None
            if p.place is None
            else {
                "dataGeneralizations": p.place.data_generalizations,
                "informationWithheld": p.place.information_withheld,
            },
            "needs_confirmation": p.needs_confirmation,
        }

    return {
        "recipient": {
            "name": plan.recipient.name,
            "organisation": plan.recipient.organisation,
            "user_class": plan.recipient.user_class,
        },
        "purpose": plan.purpose,
        "included": [item(p) for p in plan.included],
        "excluded": [item(p) for p in plan.excluded],
        "reason_counts": plan.reason_counts(),
        "terms_ids": list(plan.terms_ids),
    }


def _overrides(args: argparse.Namespace) -> dict[str, ConsentOverride]:
    ids = list(dict.fromkeys(args.release_without_consent))
    if not ids:
        return {}
    if not args.override_by.strip() or not args.override_why.strip():
        raise UsageError(
            _("--release-without-consent needs --override-by (who) and --override-why (why)")
        )
    when = datetime.now(UTC).replace(microsecond=0)
    return {rid: ConsentOverride(args.override_by, when, args.override_why) for rid in ids}


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError(_("not confirmed: add --yes to write the bundle"))
    try:
        answer = input(question + " ")
    except EOFError:
        return False
    return answer.strip().lower() in {_("y"), _("yes"), "y", "yes"}


def cmd_export(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        known = sharing_service.find_recipient(cat, args.recipient_name)
        recipient = known or Recipient(args.recipient_name)
        if args.organisation is not None:
            recipient.organisation = args.organisation
        if args.user_class is not None:
            recipient.user_class = args.user_class
        elif known is None:
            raise UsageError(_("say who the recipient is with --as"))
        plan = sharing_service.plan_export(
            cat,
            args.record,
            recipient,
            args.purpose,
            overrides=_overrides(args),
            confirmed_media=args.confirm_media,
        )
        if not args.json:
            _print_plan(plan)
        if plan.needs_confirmation and not (args.yes and args.confirm_sensitive):
            if args.json:
                print_json({"plan": _plan_json(plan), "written": None})
            raise ConfirmationRequired("culturally sensitive", records=len(plan.needs_confirmation))
        if plan.included and not args.yes and not _confirm(_("Write the bundle? [y/N]")):
            out(_("Nothing was written."))
            return EXIT_OK
        # An approval already stored for this plan (an earlier run stopped by another
        # approver's typo) still counts: that person is not asked again.
        already = {a.name.casefold() for a in approvals.valid_approvals(cat, plan)}
        for n, name in enumerate(args.approve_as, start=1):
            if name.strip().casefold() in already:
                continue
            approval = approvals.approve(cat, plan, name, read_approver_passphrase(args, n, name))
            if not args.json:
                out(_("{name} approved this export.").format(name=approval.name))
        result = sharing_service.export(
            cat,
            plan,
            args.out,
            expires=args.expires,
            encrypt_to=args.encrypt_to,
            progress=None if args.json else progress_printer(_("Writing")),
            confirmed_sensitive=args.confirm_sensitive,
        )
    if args.json:
        print_json({"plan": _plan_json(plan), "written": result})
        return EXIT_OK
    out(_("Bundle written: {path}").format(path=result.path))
    out(
        _("Bundle {bundle_id}, number {sequence}, SHA-256 {sha256}").format(
            bundle_id=result.bundle_id, sequence=result.sequence, sha256=result.sha256
        )
    )
    out(_("Recorded in the sharing ledger."))
    return EXIT_OK


# --- researcher side ----------------------------------------------------------------------


def cmd_import_bundle(args: argparse.Namespace) -> int:
    identities = verifying.load_identities(args.identity or ())
    with open_from_args(args) as cat:
        statements = verifying.load_statements(args.revocations, args.rotation)
        summary = received_service.import_bundle(
            cat,
            args.bundle,
            trust_key=args.trust,
            tofu=args.tofu,
            identities=identities,
            progress=None if args.json else progress_printer(_("Importing")),
            revocations=statements.revocations,
            rotations=statements.rotations,
        )
    if args.json:
        print_json(summary)
        return EXIT_OK
    if summary.already_imported:
        out(_("This bundle was already imported; nothing changed."))
    else:
        out(
            _("Imported bundle {bundle_id} from {community}.").format(
                bundle_id=summary.bundle_id, community=summary.community
            )
        )
    out(
        ngettext("{n} record", "{n} records", summary.records).format(n=summary.records)
        + ", "
        + ngettext("{n} media file", "{n} media files", summary.media).format(n=summary.media)
    )
    if summary.revoked_in_received:
        n = len(summary.revoked_in_received)
        out(
            ngettext(
                "{n} bundle already received is now marked revoked:",
                "{n} bundles already received are now marked revoked:",
                n,
            ).format(n=n)
        )
        for bundle_id in summary.revoked_in_received:
            out("  - " + bundle_id)
    return EXIT_OK


def cmd_received(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        if args.bundle_id:
            bundle = received_service.get_received(cat, args.bundle_id)
            records = received_service.received_records(cat, args.bundle_id)
            if args.json:
                print_json(
                    {
                        "bundle_id": bundle.bundle_id,
                        "community": bundle.community,
                        "terms": bundle.terms.to_json(),
                        "records": [{"id": r.id, "data": r.data} for r in records],
                    }
                )
                return EXIT_OK
            _print_bundle(bundle)
            for record in records:
                out("  - " + record.title + "  (" + record.id + ")")
            return EXIT_OK
        bundles = received_service.list_received(cat)
    if args.json:
        print_json(
            [
                {
                    "bundle_id": b.bundle_id,
                    "community": b.community,
                    "key_id": b.key_id,
                    "fingerprint": b.fingerprint,
                    "trust": b.trust,
                    "sequence": b.sequence,
                    "created": b.created,
                    "expires": b.expires,
                    "verified_at": b.verified_at,
                    "records": b.records,
                    "terms_id": b.terms.id,
                    "revoked": None
                    if b.revoked is None
                    else {"reason": b.revoked.reason, "date": b.revoked.revoked},
                }
                for b in bundles
            ]
        )
        return EXIT_OK
    if not bundles:
        out(_("No bundles received yet."))
    for bundle in bundles:
        _print_bundle(bundle)
    return EXIT_OK


def _print_bundle(bundle: received_service.ReceivedBundle) -> None:
    out(
        _("{bundle_id} from {community} (key {key_id}), number {sequence}").format(
            bundle_id=bundle.bundle_id,
            community=bundle.community,
            key_id=bundle.key_id,
            sequence=bundle.sequence,
        )
    )
    out(
        "    "
        + ngettext("{n} record", "{n} records", bundle.records).format(n=bundle.records)
        + "; "
        + _("terms: {name}, version {version}").format(
            name=bundle.terms.name, version=bundle.terms.version
        )
    )
    out(
        "    "
        + (_("expires {date}").format(date=bundle.expires) if bundle.expires else _("no expiry"))
    )
    if bundle.revoked is not None:
        out(
            "    "
            + _("REVOKED by the community on {date}: {reason}").format(
                date=bundle.revoked.revoked[:10], reason=bundle.revoked.reason
            )
        )


# --- address book and ledger --------------------------------------------------------------


def cmd_recipients_list(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        items = sharing_service.list_recipients(cat)
    if args.json:
        print_json(items)
        return EXIT_OK
    for r in items:
        line = r.name + (" (" + r.organisation + ")" if r.organisation else "")
        out(line + ", " + user_class_name(UserClass(r.user_class)) + "  [" + r.id + "]")
        if r.age_recipient:
            out("    " + r.age_recipient)
    return EXIT_OK


def cmd_recipients_add(args: argparse.Namespace) -> int:
    recipient = Recipient(
        name=args.name,
        organisation=args.organisation,
        user_class=args.user_class,
        contact=args.contact,
        age_recipient=args.age,
    )
    with open_from_args(args) as cat:
        saved = sharing_service.add_recipient(cat, recipient)
    if args.json:
        print_json(saved)
    else:
        out(_("Recipient added: {name} [{id}]").format(name=saved.name, id=saved.id))
    return EXIT_OK


def cmd_ledger(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        if args.overdue_days is not None:
            overdue = sharing_service.overdue_duties(cat, after_days=args.overdue_days)
            if args.json:
                print_json(
                    [
                        {
                            "bundle_id": o.entry.bundle_id,
                            "recipient": o.entry.recipient.name,
                            "duty": o.duty.value,
                            "follow_up": o.follow_up,
                            "days": o.days,
                        }
                        for o in overdue
                    ]
                )
                return EXIT_OK
            for o in overdue:
                out(
                    _("{recipient}: {follow_up} still open after {days} days ({bundle_id})").format(
                        recipient=o.entry.recipient.name,
                        follow_up=o.follow_up,
                        days=o.days,
                        bundle_id=o.entry.bundle_id,
                    )
                )
            return EXIT_OK
        entries = sharing_service.list_exports(cat)
        revoked = grants.revocations(cat)
    if args.json:
        print_json(entries)
        return EXIT_OK
    lang = current_language()
    for e in entries:
        out(
            _("#{sequence} {created}: {name} ({organisation}), {user_class}, for {purpose}").format(
                sequence=e.sequence,
                created=e.created.date().isoformat(),
                name=e.recipient.name,
                organisation=e.recipient.organisation,
                user_class=user_class_name(UserClass(e.user_class), lang),
                purpose=purpose_name(Purpose(e.purpose), lang),
            )
        )
        if e.bundle_id in revoked:
            out(
                "    "
                + _("REVOKED on {date}: {reason}").format(
                    date=revoked[e.bundle_id].revoked, reason=revoked[e.bundle_id].reason
                )
            )
        out(
            "    "
            + ngettext("{n} record", "{n} records", len(e.records)).format(n=len(e.records))
            + "; "
            + _("terms {terms_id}; bundle {bundle_id}").format(
                terms_id=e.terms_id, bundle_id=e.bundle_id
            )
        )
        if len(e.approvers) > 1:  # shared approval: who approved, besides the exporter
            names = ", ".join(a.name for a in e.approvers)
            out("    " + _("approved by {names}").format(names=names))
        for f in e.follow_ups:
            out("    " + f.kind + " " + f.date.isoformat() + (": " + f.note if f.note else ""))
    if not entries:
        out(_("Nothing shared yet."))
    return EXIT_OK


def cmd_follow_up(args: argparse.Namespace) -> int:
    with open_from_args(args) as cat:
        sharing_service.add_follow_up(
            cat, args.bundle_id, args.kind, args.date or date.today(), args.note
        )
    out(_("Noted."))
    return EXIT_OK
