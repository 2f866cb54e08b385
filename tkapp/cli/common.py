"""Shared pieces of the command line: passphrases, opening catalogues, output, exit codes.

Exit codes (README): 0 ok; 1 integrity or cryptographic failure; 2 refused by policy;
3 malformed input; 4 usage or file I/O; 5 the catalogue cannot be opened or written (wrong
passphrase, not a catalogue, damaged, locked, disk full); 130 cancelled.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from tkapp.errors import DiskFull, FileIOError, TkError, UsageError, ValidationError
from tkapp.i18n import _
from tkapp.i18n.messages import describe_error
from tkapp.safetext import escape_json_text, safe_text

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

EXIT_OK = 0
EXIT_INTEGRITY = 1
EXIT_POLICY = 2
EXIT_INPUT = 3
EXIT_USAGE = 4
EXIT_CATALOGUE = 5
EXIT_CANCELLED = 130

PASSPHRASE_ENV = "TKAPP_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
PERSON_ENV = "TKAPP_PERSON"
NEW_PASSPHRASE_ENV = "TKAPP_NEW_PASSPHRASE"  # noqa: S105


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it (``COLUMNS``, then the
    terminal, then 80), without importing ``shutil`` (and its compression modules) on every
    command's start: argparse imports it for each formatter it makes unless given a width."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class TranslatedHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with its "usage:" in the user's language."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        # argparse's own default, computed without shutil (see _terminal_columns).
        width = _terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        # Translators: starts the usage line of the command line help; keep the final space.
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad command line as :class:`UsageError` (exit 4), not exit 2
    (2 means "refused by policy" in our exit codes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", TranslatedHelpFormatter)
        super().__init__(*args, **kwargs)
        # argparse's own words come from a catalogue nobody installs: use ours. (Its error
        # messages, e.g. "the following arguments are required", stay in English.)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        for action in self._actions:
            if "--help" in action.option_strings:
                action.help = _("show this help message and exit")

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def out(text: str = "", stream: TextIO | None = None) -> None:
    """Print a line for a person: received titles, file names and details may come from
    anyone, so every line is cleaned of terminal escapes and bidi controls here."""
    print(safe_text(text, multiline=True), file=stream or sys.stdout)


def err(text: str) -> None:
    print(safe_text(text, multiline=True), file=sys.stderr)


def print_json(value: Any) -> None:
    """Machine-readable output: never translated, UTF-8 as is (invisible and bidi characters
    escaped as ``\\uXXXX``: the same JSON value, safe in a terminal)."""
    import json  # deferred, like the next: the command line starts fast

    from tkapp.services.catalogue import to_jsonable

    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=2, sort_keys=True)
    print(escape_json_text(text))


def error_from_exception(exc: BaseException) -> TkError | None:
    """The documented error for a failure no layer below typed (None: a real bug).

    The one place the command line maps the operating system's and Python's own failures to
    exit codes: files (missing, unwritable, name too long, already there) are exit 4, a full
    disk is exit 5, input nested beyond what can be read is exit 3.
    """
    if isinstance(exc, TkError):
        return exc
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(str(exc.filename or ""), path=str(exc.filename or ""))
        where = exc.filename if exc.filename is not None else ""
        reason = exc.strerror or type(exc).__name__
        return FileIOError(f"{where}: {reason}" if where else reason, path=str(where))
    if isinstance(exc, RecursionError):
        return ValidationError("input nested too deeply", field="input")
    if isinstance(exc, UnicodeError):
        return ValidationError("text is not valid UTF-8", field="input")
    return None


def report_error(error: TkError) -> int:
    """Print ``error`` as a translated sentence on stderr and return its exit code."""
    err(_("Error: {message}").format(message=describe_error(error)))
    return error.exit_code


# --- passphrases ------------------------------------------------------------------------


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar=_("FILE"),
        help=_(
            "read the passphrase from the first line of FILE (otherwise from the "
            "TKAPP_PASSPHRASE environment variable, or asked without showing it)"
        ),
    )
    parser.add_argument(
        "--person",
        metavar=_("NAME"),
        help=_(
            "who you are, when several people use the catalogue (otherwise from the "
            "TKAPP_PERSON environment variable); the passphrase is then your own"
        ),
    )


def person_from_args(args: argparse.Namespace) -> str | None:
    """Who unlocks: --person, else TKAPP_PERSON, else nobody named (one person only)."""
    return getattr(args, "person", None) or os.environ.get(PERSON_ENV) or None


def _read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(str(exc), path=str(path)) from exc
    # Only the line ending goes: spaces may be part of a passphrase.
    line = text.split("\n", 1)[0]
    return line.removesuffix("\r")


def _prompt(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            _(
                "no passphrase given: set TKAPP_PASSPHRASE, use --passphrase-file, "
                "or run in a terminal"
            )
        )
    try:
        import getpass  # termios; only when a passphrase is asked for

        return getpass.getpass(prompt)
    except EOFError:
        raise UsageError(_("no passphrase given")) from None


def _passphrase(path: Path | None, env: str, *prompts: str) -> str:
    """From a file, else the environment, else hidden prompts (two must match)."""
    if path is not None:
        return _read_secret_file(path)
    value = os.environ.get(env)
    if value is not None:
        return value
    answers = [_prompt(prompt) for prompt in prompts]
    if len(set(answers)) != 1:
        raise UsageError(_("the two passphrases are different"))
    return answers[0]


def read_passphrase(args: argparse.Namespace) -> str:
    """The catalogue passphrase: --passphrase-file, TKAPP_PASSPHRASE, or a hidden prompt."""
    return _passphrase(getattr(args, "passphrase_file", None), PASSPHRASE_ENV, _("Passphrase: "))


def read_approver_passphrase(args: argparse.Namespace, n: int, name: str) -> str:
    """The ``n``-th (from 1) ``--approve-as`` person's own passphrase: the ``n``-th
    --approver-passphrase-file, TKAPP_APPROVER_PASSPHRASE_<n>, or a hidden prompt."""
    files = getattr(args, "approver_passphrase_file", None) or []
    path = files[n - 1] if n <= len(files) else None
    prompt = _("Passphrase of {name} (to approve): ").format(name=name)
    return _passphrase(path, f"TKAPP_APPROVER_PASSPHRASE_{n}", prompt)


def read_new_passphrase(args: argparse.Namespace) -> str:
    """A new passphrase: --new-passphrase-file, TKAPP_NEW_PASSPHRASE, or asked twice."""
    return _passphrase(
        getattr(args, "new_passphrase_file", None),
        NEW_PASSPHRASE_ENV,
        _("New passphrase: "),
        _("New passphrase again: "),
    )


def read_creation_passphrase(args: argparse.Namespace) -> str:
    """For a new catalogue: like :func:`read_passphrase`, but a prompt asks twice."""
    return _passphrase(
        getattr(args, "passphrase_file", None),
        PASSPHRASE_ENV,
        _("Passphrase for the new catalogue: "),
        _("The same passphrase again: "),
    )


def open_from_args(args: argparse.Namespace, attr: str = "catalogue") -> Catalogue:
    """Open the catalogue named by ``args.<attr>`` with the passphrase from the usual places."""
    path = Path(getattr(args, attr))
    from tkapp.services.catalogue import open_catalogue  # deferred: the command line starts fast

    # The audit log names the unlocked person (not the operating system's user).
    return open_catalogue(path, read_passphrase(args), person=person_from_args(args))


def actor_name() -> str:
    """Who the audit log names for command-line changes."""
    try:
        import getpass

        return "cli:" + getpass.getuser()
    except (OSError, KeyError):
        return "cli"


def progress_printer(label: str) -> Any:
    """A (done, total) callback printing a percentage on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent != last[0]:
            last[0] = percent
            sys.stderr.write("\r" + _("{label}: {percent}%").format(label=label, percent=percent))
            sys.stderr.flush()
            if percent >= 100:
                sys.stderr.write("\n")

    return show


def add_bundle_key_options(p: argparse.ArgumentParser) -> None:
    """``--trust`` / ``--tofu`` / ``--identity``: how a command may open and trust a bundle."""
    trust = p.add_mutually_exclusive_group()
    trust.add_argument(
        "--trust",
        type=Path,
        metavar=_("KEYFILE"),
        help=_("trust the community public key in this minisign .pub file"),
    )
    trust.add_argument(
        "--tofu",
        action="store_true",
        help=_("trust the bundle's own key on first use (compare its words with the community)"),
    )
    p.add_argument(
        "--identity",
        type=Path,
        action="append",
        default=[],
        metavar=_("FILE"),
        help=_("age identity file to open an encrypted bundle (default: your saved identities)"),
    )
    p.add_argument(
        "--revocations",
        type=Path,
        action="append",
        default=[],
        metavar=_("FILE.tkr"),
        help=_("a signed revocation list from the community (repeat for several)"),
    )
    p.add_argument(
        "--rotation",
        type=Path,
        action="append",
        default=[],
        metavar=_("FILE.tkrot"),
        help=_("a key change statement signed by the community's old key (repeat for several)"),
    )
