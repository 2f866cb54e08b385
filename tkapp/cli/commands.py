"""The table of top-level commands: name, the module that implements it, its help line.

``tkapp --help`` lists every command from this table alone, and running a command imports
only the module that implements it (:func:`tkapp.cli.main.build_parser`), so the command line
starts fast. Command modules add their commands with :func:`add_command`, which takes the
help line from here: it is written once.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tkapp.i18n import N_, translate


class Command(NamedTuple):
    name: str
    module: str  # has ``register(subparsers)``, which adds this command
    help: str  # marked with N_, translated when shown


#: Top-level commands in help order; a module's commands are listed together, in the order its
#: ``register`` adds them.
COMMANDS: tuple[Command, ...] = (
    Command("init", "tkapp.cli.cmd_catalogue", N_("create a new, empty catalogue")),
    Command("info", "tkapp.cli.cmd_catalogue", N_("show what a catalogue holds")),
    Command(
        "check",
        "tkapp.cli.cmd_catalogue",
        N_("check the catalogue file and its audit log for damage or tampering"),
    ),
    Command("passwd", "tkapp.cli.cmd_catalogue", N_("change the catalogue passphrase")),
    Command("backup", "tkapp.cli.cmd_catalogue", N_("write an encrypted backup copy")),
    Command(
        "restore",
        "tkapp.cli.cmd_catalogue",
        N_("check a backup and restore it as a catalogue file"),
    ),
    Command("key", "tkapp.cli.cmd_catalogue", N_("show the community signing key's fingerprint")),
    Command(
        "people",
        "tkapp.cli.cmd_people",
        N_("who uses the catalogue: add, list, remove, roles, groups, passphrases"),
    ),
    Command(
        "import",
        "tkapp.cli.cmd_records",
        N_(
            "import records from KoboToolbox, ODK or spreadsheet exports (CSV, XLSX, JSON, "
            "ZIP), with their photos and recordings"
        ),
    ),
    Command("search", "tkapp.cli.cmd_records", N_("search records (accents and case ignored)")),
    Command("show", "tkapp.cli.cmd_records", N_("show one record")),
    Command(
        "demo", "tkapp.cli.cmd_demo", N_("create a demo catalogue with about 30 example records")
    ),
    Command(
        "verify",
        "tkapp.cli.cmd_verify",
        N_("check a signed bundle (.tkb or .tkb.age) and what it allows"),
    ),
    Command("trust", "tkapp.cli.cmd_trust", N_("list, show, add or remove trusted community keys")),
    Command(
        "identity",
        "tkapp.cli.cmd_identity",
        N_("manage your age identity for receiving encrypted bundles"),
    ),
    Command(
        "terms", "tkapp.cli.cmd_terms", N_("list, show, create and assign the community's terms")
    ),
    Command("labels", "tkapp.cli.cmd_terms", N_("the Local Contexts TK and BC labels")),
    Command(
        "ask",
        "tkapp.cli.cmd_terms",
        N_("may this kind of user do this with a record? (decision and duties)"),
    ),
    Command(
        "export",
        "tkapp.cli.cmd_sharing",
        N_("share records with a recipient as a signed bundle (.tkb)"),
    ),
    Command(
        "import-bundle",
        "tkapp.cli.cmd_sharing",
        N_("verify a bundle and keep it, read-only, in your catalogue"),
    ),
    Command("received", "tkapp.cli.cmd_sharing", N_("list bundles received from communities")),
    Command("recipients", "tkapp.cli.cmd_sharing", N_("the address book of recipients")),
    Command(
        "ledger",
        "tkapp.cli.cmd_sharing",
        N_("the sharing ledger: who has what of ours, under which terms"),
    ),
    Command(
        "follow-up",
        "tkapp.cli.cmd_sharing",
        N_("note results returned, a publication notified or benefits received"),
    ),
    Command(
        "revoke",
        "tkapp.cli.cmd_grants",
        N_("revoke a bundle you shared, or every grant to a recipient"),
    ),
    Command(
        "rotate-key",
        "tkapp.cli.cmd_grants",
        N_("make a new community signing key, vouched for by the old one"),
    ),
    Command(
        "export-dwca",
        "tkapp.cli.cmd_opendata",
        N_("publish open records as a Darwin Core Archive (GBIF, herbaria)"),
    ),
    Command(
        "export-geojson",
        "tkapp.cli.cmd_opendata",
        N_("write the generalised places of open records as GeoJSON (QGIS, maps)"),
    ),
    Command(
        "export-csv",
        "tkapp.cli.cmd_opendata",
        N_("export records, taxa, names, people and uses as CSV files (folder or .zip)"),
    ),
    Command(
        "import-csv",
        "tkapp.cli.cmd_opendata",
        N_("import CSV exchange files (folder or .zip): preview, then confirm"),
    ),
    Command(
        "localcontexts",
        "tkapp.cli.cmd_localcontexts",
        N_("link Local Contexts Hub projects (Labels and Notices) to records"),
    ),
)

_BY_NAME = {command.name: command for command in COMMANDS}


def module_of(name: str) -> str | None:
    """The module implementing command ``name``, or None for an unknown name."""
    command = _BY_NAME.get(name)
    return command.module if command is not None else None


def add_command(subparsers: Any, name: str, **kwargs: Any) -> Any:
    """Add top-level command ``name`` (listed in :data:`COMMANDS`) with its help line."""
    return subparsers.add_parser(name, help=translate(_BY_NAME[name].help), **kwargs)
