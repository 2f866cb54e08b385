"""``tkapp verify BUNDLE``: check a signed bundle and say what it allows; ``--selftest``.

Needs no catalogue. Prints who signed the bundle (community, fingerprint as hex groups and as
words to read aloud), whether and how the key is trusted, the recipient, expiry, records, the
terms in words and the decision for the stated use. ``--json`` prints a stable report with
codes instead of sentences. Exit codes: 0 valid, 1 integrity/crypto failure, 2 refused by
policy, 3 malformed input or limit, 4 usage or file error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, add_bundle_key_options, err, out, report_error
from tkapp.errors import BundleError, TkError, UsageError
from tkapp.i18n import _, current_language, format_number, ngettext, translate
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.safetext import escape_json_text, safe_text

if TYPE_CHECKING:
    from tkapp.services.types import Fingerprint, VerifyReport

EXIT_SELFTEST_FAILED = 1


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "verify",
        description=_(
            "Checks a bundle's signature, contents and terms without opening any catalogue, "
            "and says what the stated use may do. Exit codes: 0 valid, 1 altered or forged, "
            "2 refused (untrusted key, expired, older bundle, not for you), 3 malformed, "
            "4 usage or file error."
        ),
    )
    p.add_argument("bundle", nargs="?", type=Path, metavar=_("BUNDLE"), help=_("the bundle file"))
    add_bundle_key_options(p)
    p.add_argument(
        "--as",
        dest="user_class",
        choices=[u.value for u in UserClass],
        metavar=_("CLASS"),
        help=_("who you are: {choices}").format(choices=", ".join(u.value for u in UserClass)),
    )
    p.add_argument(
        "--purpose",
        choices=[x.value for x in Purpose],
        metavar=_("PURPOSE"),
        help=_("what you want to do: {choices}").format(
            choices=", ".join(x.value for x in Purpose)
        ),
    )
    p.add_argument(
        "--qr", action="store_true", help=_("also draw the key fingerprint as a QR code")
    )
    p.add_argument("--json", action="store_true", help=_("print a machine-readable report"))
    p.add_argument(
        "--selftest",
        action="store_true",
        help=_("run the known-answer tests of the cryptography and exit"),
    )
    p.set_defaults(handler=cmd_verify)


def _print_json(value: Any) -> None:
    import json  # only for --json: the command line starts fast

    print(escape_json_text(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)))


def _printable(text: str, limit: int = 300) -> str:
    """Text from a bundle, made safe for a terminal (no escape sequences, bounded length)."""
    return safe_text(text, limit=limit)


def run_selftest_command(as_json: bool) -> int:
    # The light service: nothing of the verifier, the trust store or the dataclasses module.
    from tkapp.services.diagnostics import selftest

    report = selftest()
    if as_json:
        _print_json(report.to_json())
    else:
        for result in report.results:
            status = _("ok") if result.ok else _("FAILED")
            out(_("{check}: {status}").format(check=result.name, status=status))
        out(
            _("Cryptography self-test passed.")
            if report.ok
            else _("The cryptography self-test FAILED. Do not trust this installation.")
        )
    return EXIT_OK if report.ok else EXIT_SELFTEST_FAILED


def cmd_verify(args: argparse.Namespace) -> int:
    if args.selftest:
        return run_selftest_command(args.json)
    if args.bundle is None:
        raise UsageError(_("name the bundle to verify, or use --selftest"))
    if (args.user_class is None) != (args.purpose is None):
        raise UsageError(_("--as and --purpose go together"))
    intended = (args.user_class, args.purpose) if args.user_class else None

    # Imported here, not at the top: ``verify --help`` and ``--selftest`` stay fast.
    from tkapp.services import verifying

    try:
        identities = verifying.load_identities(args.identity or ())
        trust_key = verifying.load_trust_key(args.trust)
        statements = verifying.load_statements(args.revocations, args.rotation)
        report = verifying.verify_file(
            args.bundle,
            trust_key=trust_key,
            tofu=args.tofu,
            identities=identities,
            intended=intended,
            revocations=statements.revocations,
            rotations=statements.rotations,
        )
    except BundleError as exc:
        if args.json:
            _print_json(verifying.error_json(exc))
            return exc.exit_code
        code = report_error(exc)
        _explain_untrusted(exc)
        return code
    except TkError as exc:
        if args.json:
            _print_json({"valid": False, "error": {"code": exc.code, "exit_code": exc.exit_code}})
            return exc.exit_code
        raise
    with report:
        if args.json:
            _print_json(report.to_json())
        else:
            _print_report(report, args.qr)
    return EXIT_OK


def _explain_untrusted(exc: BundleError) -> None:
    from tkapp.services import trust_text
    from tkapp.services.types import TrustWarning

    words = exc.params.get("words")
    if exc.code == "untrusted_key" and words:
        err(_("Key fingerprint words: {words}").format(words=words))
        if exc.params.get("trusted_fingerprint"):
            for line in trust_text.warning_lines(
                (TrustWarning("lookalike_name", dict(exc.params)),)
            ):
                err(line)
        err(
            _(
                "If the community confirms these words, run again with --tofu, or with "
                "--trust and the community's public key file."
            )
        )
    for line in trust_text.error_lines(exc.code, exc.params):
        err(line)


def _print_report(report: VerifyReport, show_qr: bool) -> None:

    from tkapp.licensing.labels import LABEL_CODES, get_label
    from tkapp.licensing.notices import NOTICES
    from tkapp.licensing.text import (
        describe_duty,
        describe_outcome,
        describe_reason,
        purpose_name,
        render_terms_text,
        user_class_name,
    )
    from tkapp.services import trust_text

    m = report.manifest
    lang = current_language()
    fp: Fingerprint = report.fingerprint
    out(_("Bundle: {path}").format(path=report.source))
    out(_("Signed by: {community}").format(community=trust_text.shown_name(report.community)))
    out(_("Key id: {key_id}").format(key_id=report.key_id))
    if report.approved_by:
        # Custodians whose approval signatures over the plan check (data/approvals.json).
        out(
            _("Approved by: {names}").format(
                names=", ".join(_printable(name) for name in report.approved_by)
            )
        )
    out(_("Fingerprint:"))
    for line in fp.hex_groups().splitlines():
        out("  " + line)
    out(_("Words to read aloud: {words}").format(words=" ".join(fp.words())))
    if show_qr:
        out(fp.qr_terminal())
    out(
        _("Trust: {status}").format(
            status=translate(trust_text.HOW_TEXT.get(report.trust, report.trust))
        )
    )
    for line in trust_text.warning_lines(report.trust_warnings):
        out(line)
    if report.newly_trusted:
        out(
            _("This key is now saved as trusted for {community}.").format(
                community=_printable(report.community)
            )
        )
    if report.already_seen:
        out(_("You have already accepted this exact bundle; nothing new."))
    newer = trust_text.sequence_line(
        report.sequence_status, report.manifest.sequence, report.newest_seen
    )
    if newer is not None:
        out(newer)
    recipient = m.recipient
    out(
        _("Recipient: {name} ({organisation}), {user_class}, for {purpose}").format(
            name=_printable(recipient.name),
            organisation=_printable(recipient.organisation),
            user_class=user_class_name(UserClass(recipient.user_class), lang),
            purpose=purpose_name(Purpose(recipient.purpose), lang),
        )
    )
    if report.encrypted:
        out(_("Encrypted for: {recipient}").format(recipient=report.decrypted_by))
    out(
        _("Bundle {bundle_id}, number {sequence}, made {created}").format(
            bundle_id=m.bundle_id, sequence=m.sequence, created=m.created
        )
    )
    out(_("Expires: {date}").format(date=m.expires) if m.expires else _("Expires: never"))
    count = report.record_count
    out(ngettext("{n} record:", "{n} records:", count).format(n=count))
    for record in report.records:
        out("  - " + _printable(record.title or record.record_id))
    if report.records_not_listed:
        # Every record was checked; a report lists some (memory stays bounded): the first
        # ones, and every one the intended use may not touch (bundle.decide).
        more = report.records_not_listed
        out("  " + ngettext("… and {n} more record", "… and {n} more records", more).format(n=more))
    total = sum(entry.size for entry in report.media)
    out(
        ngettext(
            "{n} media file, {size} bytes", "{n} media files, {size} bytes", len(report.media)
        ).format(n=len(report.media), size=format_number(total))
    )
    out(
        ngettext("{n} consent record", "{n} consent records", len(report.consent_ids)).format(
            n=len(report.consent_ids)
        )
    )
    for project in report.local_contexts:
        out(
            _("Local Contexts Hub project: {title}").format(
                title=_printable(project.title or project.hub_id)
            )
        )
        if project.page_url:
            out("  " + _printable(project.page_url))
        for code in project.notices:
            if code in NOTICES:
                out("  " + translate(NOTICES[code].name))
        for code in project.labels:
            if code in LABEL_CODES:
                out("  " + translate(get_label(code).name) + f" ({code})")
    out("")
    out(_("Terms:"))
    out(render_terms_text(report.terms, lang))
    if report.decision is not None and report.intended is not None:
        decision = report.decision
        out(
            _("Decision for {user_class}, {purpose}: {outcome}").format(
                user_class=user_class_name(UserClass(report.intended[0]), lang),
                purpose=purpose_name(Purpose(report.intended[1]), lang),
                outcome=describe_outcome(decision.outcome, lang),
            )
        )
        for duty in decision.duties:
            out("  * " + describe_duty(duty, lang))
        for reason in decision.reasons:
            out("  - " + describe_reason(reason, lang))
    out(_("Result: the bundle is valid."))


def main_for_tests(argv: list[str]) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="tkapp")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except TkError as exc:
        return report_error(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main_for_tests(sys.argv[1:]))
