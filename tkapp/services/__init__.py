"""Use cases both front ends (CLI and GUI) call; see services-api.md.

The catalogue API lives in :mod:`tkapp.services.catalogue`; importing from this package is a
shortcut for the most used names.
"""

from tkapp.services.catalogue import (
    Catalogue,
    CatalogueStats,
    CheckReport,
    RecordFilter,
    RecordSummary,
    create_catalogue,
    open_catalogue,
    restore_backup,
)

__all__ = [
    "Catalogue",
    "CatalogueStats",
    "CheckReport",
    "RecordFilter",
    "RecordSummary",
    "create_catalogue",
    "open_catalogue",
    "restore_backup",
]
