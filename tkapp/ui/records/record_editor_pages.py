"""The tabs of the record editor, one class per tab (index of the record_page_* modules).

Each page fills itself from a record (``load``), writes its fields back into a record
(``collect``, which may raise ``ValidationError`` for text that is not a number), gives a
comparable snapshot of its widgets (``state``) for the unsaved-changes check, and owns the
inline error labels of its fields (``errors``: field name -> :class:`FieldError`).
"""

from __future__ import annotations

from tkapp.ui.records.record_page_base import EditorData, Page, language_label
from tkapp.ui.records.record_page_knowledge import KnowledgePage, UsesPage
from tkapp.ui.records.record_page_links import PeoplePage, RoleDelegate, SpeciesPage
from tkapp.ui.records.record_page_media import MediaPage
from tkapp.ui.records.record_page_place import PlacePage
from tkapp.ui.records.record_page_protocols import ProtocolsPage

#: What the editor takes from here; each tab lives in a module named after it (record_page_*).
__all__ = [
    "EditorData",
    "KnowledgePage",
    "MediaPage",
    "Page",
    "PeoplePage",
    "PlacePage",
    "ProtocolsPage",
    "RoleDelegate",
    "SpeciesPage",
    "UsesPage",
    "language_label",
]
