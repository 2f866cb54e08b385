"""``tkapp demo [PATH]``: create the demo catalogue."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tkapp.cli.commands import add_command
from tkapp.cli.common import EXIT_OK, add_passphrase_option, out, read_creation_passphrase
from tkapp.errors import CatalogueExists
from tkapp.i18n import _, ngettext
from tkapp.paths import data_dir
from tkapp.services.catalogue import CATALOGUE_SUFFIX
from tkapp.services.demo import create_demo


def default_demo_path() -> Path:
    return data_dir() / ("demo" + CATALOGUE_SUFFIX)


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "demo",
        description=_(
            "Creates a catalogue of an invented Kichwa community with example records, "
            "people, consent records, photos and a short audio clip, to try the app."
        ),
    )
    p.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar=_("PATH"),
        help=_("where to create it (default: demo.tkc in the app's data folder)"),
    )
    add_passphrase_option(p)
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    path: Path = args.path or default_demo_path()
    if path.exists():
        raise CatalogueExists(str(path), path=str(path))
    passphrase = read_creation_passphrase(args)
    with create_demo(path, passphrase, actor="demo") as cat:
        stats = cat.stats()
    out(_("Demo catalogue created: {path}").format(path=path))
    out(
        ngettext("{n} record", "{n} records", stats.records).format(n=stats.records)
        + ", "
        + ngettext("{n} media file", "{n} media files", stats.media).format(n=stats.media)
    )
    return EXIT_OK
