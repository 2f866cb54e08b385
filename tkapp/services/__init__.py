"""Use cases both front ends (CLI and GUI) call; see services-api.md.

The catalogue API lives in :mod:`tkapp.services.catalogue`; importing from this package is a
shortcut for the most used names. The shortcut loads the catalogue module on first use only,
so that a light service (``tkapp.services.verifying`` for ``tkapp verify --selftest``) does
not pull in the store.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("tkapp.services.catalogue"), name)
    globals()[name] = value
    return value
