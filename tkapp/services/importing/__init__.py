"""The one importer (issue 15): field data as communities really collect it.

Formats: CSV (UTF-8, UTF-8 with BOM, Windows cp1252; comma, semicolon or tab), XLSX, JSON
(lists, KoboToolbox's API ``{"results": [...]}``, nested groups), ODK Central's CSV and its
ZIP, and the CSV exchange folder/ZIP of ``tkapp export-csv``; photos and recordings from a
KoboToolbox attachments ZIP, the ODK ZIP's ``media/`` or a folder.

Layers inside: :mod:`.readers`, :mod:`.archive`, :mod:`.sciname` and :mod:`.columns` only parse
(no catalogue); :mod:`.rows`, :mod:`.media` and :mod:`.service` are the use case.
"""

from tkapp.services.importing.service import (
    FORMATS,
    ImportResult,
    MissingMedia,
    RowProblem,
    column_reason,
    iter_column_lines,
    load_mapping,
    parse_map_options,
    remembered_mapping,
    run_import,
    target_label,
)

__all__ = [
    "FORMATS",
    "ImportResult",
    "MissingMedia",
    "RowProblem",
    "column_reason",
    "iter_column_lines",
    "load_mapping",
    "parse_map_options",
    "remembered_mapping",
    "run_import",
    "target_label",
]
