"""The ``tkapp`` command line (never imports Qt).

Each command group is a module with ``register(subparsers) -> None`` that adds its commands
with ``set_defaults(handler=function)``; a handler takes the parsed arguments and returns the
exit code. Add a command to the table in :mod:`tkapp.cli.commands`: only the module of the
command being run is imported (the others are listed in the help from the table alone).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from tkapp import __version__
from tkapp.cli.commands import COMMANDS, module_of
from tkapp.cli.common import (
    EXIT_CANCELLED,
    EXIT_USAGE,
    ArgumentParser,
    err,
    error_from_exception,
    report_error,
)
from tkapp.errors import TkError, UsageError
from tkapp.i18n import _, set_language, system_language, translate


def _command_name(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs: its first word that is not an option."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with the full options of ``command`` (None: every command in full)."""
    parser = ArgumentParser(
        prog="tkapp",
        description=_(
            "TK Commons: keep traditional knowledge in an encrypted community catalogue. "
            "Run without arguments to open the desktop app."
        ),
        epilog=_(
            "Exit codes: 0 ok, 1 integrity or cryptographic failure, 2 refused by policy, "
            "3 malformed input, 4 usage or file error, 5 catalogue cannot be opened or "
            "written, 130 cancelled."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version="tkapp " + __version__,
        help=_("show the program's version number and exit"),
    )
    parser.add_argument("--lang", metavar=_("LANG"), help=_("language of messages (en, es, qu_EC)"))
    parser.add_argument(
        "--debug", action="store_true", help=_("show the full error report of a crash")
    )
    subparsers = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    wanted = module_of(command) if command is not None else None
    registered: set[str] = set()
    for entry in COMMANDS:
        if command is None or entry.module == wanted:
            if entry.module not in registered:
                importlib.import_module(entry.module).register(subparsers)
                registered.add(entry.module)
        else:
            # Listed for the help only: its module is imported when it is run.
            _list_only(subparsers, entry.name, translate(entry.help))
    return parser


def _list_only(subparsers: Any, name: str, help_text: str) -> None:
    """Show command ``name`` in the help without building a parser for it.

    argparse builds a whole parser for each ``add_parser`` (about a millisecond each, with
    file look-ups for argparse's own catalogue): for 31 commands, most of ``tkapp --help``'s
    own time. The help lists a command through its choices entry alone, so only that is
    added (argparse's ``_ChoicesPseudoAction``, what ``add_parser(help=...)`` adds). The name
    also goes into the choices, so a mistyped command's "invalid choice" message still names
    every command; it is never parsed with, because the command being run is always built in
    full (:func:`build_parser`), and the stand-in parser only refuses.
    """
    subparsers._choices_actions.append(subparsers._ChoicesPseudoAction(name, (), help_text))
    subparsers._name_parser_map[name] = _not_built(subparsers)


def _not_built(subparsers: Any) -> argparse.ArgumentParser:
    parser = getattr(subparsers, "_tkapp_not_built", None)
    if parser is None:
        parser = ArgumentParser(prog="tkapp", add_help=False)
        parser.set_defaults(handler=None)
        subparsers._tkapp_not_built = parser
    return parser


def _global_options(argv: Sequence[str]) -> tuple[list[str], str | None, bool]:
    """Take ``--lang`` and ``--debug`` out of ``argv`` wherever they are (before or after the
    command), so help texts are translated too and ``tkapp search C Q --lang es`` works."""
    rest: list[str] = []
    lang: str | None = None
    debug = False
    items = iter(argv)
    for arg in items:
        if arg == "--":
            rest.append(arg)
            rest.extend(items)
            break
        if arg == "--lang":
            lang = next(items, None)
            if lang is None:
                raise UsageError(_("--lang needs a language code"))
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        elif arg == "--debug":
            debug = True
        else:
            rest.append(arg)
    return rest, lang, debug


def run_cli(argv: list[str]) -> int:
    """Run one command; returns the process exit code (never raises for user errors)."""
    debug = "--debug" in argv
    try:
        set_language(system_language())  # until --lang is read: its own errors are translated
        rest, lang, debug = _global_options(argv)
        set_language(lang or system_language())
        # Only the module of the command being run is imported; "--help" alone imports none.
        parser = build_parser(_command_name(rest) or "")
        args = parser.parse_args(rest)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return EXIT_USAGE
        return int(handler(args))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except UsageError as exc:
        err(_("Error: {message}").format(message=exc.detail or exc.code))
        err(_("Run 'tkapp --help' for the list of commands."))
        return exc.exit_code
    except TkError as exc:
        return report_error(exc)
    except KeyboardInterrupt:
        err(_("Cancelled."))
        return EXIT_CANCELLED
    except BrokenPipeError:
        # The reader went away (`tkapp search ... | head`): stop quietly, as Unix tools do.
        # Point stdout at /dev/null so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if debug:
            raise
        mapped = error_from_exception(exc)
        if mapped is not None:
            return report_error(mapped)
        err(
            _(
                "Unexpected error ({kind}). Nothing more was done. Run again with --debug to see "
                "the details."
            ).format(kind=type(exc).__name__)
        )
        return 1


def main() -> None:  # pragma: no cover - console entry for tests that want it
    sys.exit(run_cli(sys.argv[1:]))
