"""Composition root: argv -> GUI or command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # No arguments, or a bundle path from a double-click: the desktop app. The import is
    # deferred so the command line never loads Qt.
    if not args or (len(args) == 1 and args[0].endswith((".tkb", ".tkb.age"))):
        from tkapp.ui.app.main import run_gui

        return run_gui(args)
    from tkapp.cli.main import run_cli

    return run_cli(args)
