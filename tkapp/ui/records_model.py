"""A lazy table model over the records of a catalogue (stays smooth at 100,000 records).

The model holds only the ordered list of record ids a search returned (``search_ids``). Rows
are fetched as :class:`RecordSummary` pages of :data:`PAGE_SIZE` through the serial worker
when the view first asks for them; until a page arrives ``data()`` answers a placeholder, and
``dataChanged`` repaints the rows when it does (Anki's browser table does the same). A
generation counter drops pages that belong to an older search, and only
:data:`MAX_CACHED_PAGES` pages are kept, least recently used first out.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPixmap

from tkapp.i18n import N_, _, format_date, format_number, names, pgettext, translate
from tkapp.ui.labels_widgets import label_name, label_pixmap
from tkapp.ui.worker import Runner

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_CACHED_PAGES = 100

#: The record's id (str) for any cell of its row.
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The RecordSummary of the row, or None while its page is loading.
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
#: True once the row's page has arrived.
LOADED_ROLE = Qt.ItemDataRole.UserRole + 3

#: Shown in the cells of a row whose page is still on its way.
LOADING_TEXT = "…"


class Column(IntEnum):
    TITLE = 0
    LOCAL_NAMES = 1
    TAXA = 2
    CATEGORY = 3
    ACCESS = 4
    STATUS = 5
    LABELS = 6
    MEDIA = 7
    MODIFIED = 8


HEADERS: dict[Column, str] = {
    Column.TITLE: N_("Title"),
    Column.LOCAL_NAMES: N_("Local names"),
    Column.TAXA: N_("Species"),
    Column.CATEGORY: N_("Category"),
    Column.ACCESS: N_("Access"),
    Column.STATUS: N_("Status"),
    Column.LABELS: N_("Labels"),
    Column.MEDIA: N_("Media"),
    Column.MODIFIED: N_("Changed"),
}


#: Pictogram strips by label set: a page of rows shares a handful of combinations.
_STRIPS: dict[tuple[str, ...], QPixmap] = {}
STRIP_ICON_SIZE = 18


def labels_strip(labels: tuple[str, ...]) -> QPixmap:
    """The records' label pictograms side by side, small enough for a table row."""
    strip = _STRIPS.get(labels)
    if strip is None:
        size, gap = STRIP_ICON_SIZE, 2
        strip = QPixmap(len(labels) * (size + gap), size)
        strip.fill(Qt.GlobalColor.transparent)
        painter = QPainter(strip)
        for n, code in enumerate(labels):
            painter.drawPixmap(n * (size + gap), 0, label_pixmap(code, size))
        painter.end()
        _STRIPS[labels] = strip
    return strip


def _display_row(summary: Any) -> tuple[str, ...]:
    """Format a summary once when its page arrives, not on every paint."""
    modified = summary.modified
    return (
        summary.title,
        summary.local_names,
        summary.taxa,
        names.category_name(summary.category),
        names.access_name(summary.access),
        names.status_name(summary.status),
        ", ".join(summary.labels),
        format_number(summary.media_count) if summary.media_count else "",
        # The day is enough in a table row; the editor's history has the exact time.
        format_date(modified.astimezone().date()) if modified else "",
    )


class RecordsModel(QAbstractTableModel):
    """Rows are records (in search order), columns are :class:`Column`."""

    #: A page of rows arrived (first row, last row).
    rows_loaded = Signal(int, int)

    def __init__(self, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._ids: list[str] = []
        self._pages: OrderedDict[int, list[tuple[Any, tuple[str, ...]] | None]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0

    # -- contents --------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[str]) -> None:
        """Show these records, in this order (a new search result)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._drop_cache()
        self.endResetModel()

    def clear(self) -> None:
        self.set_ids([])

    def reload_rows(self) -> None:
        """Fetch the visible rows again (a record was edited) without changing the order."""
        self._drop_cache()
        if self._ids:
            top = self.index(0, 0)
            bottom = self.index(len(self._ids) - 1, len(Column) - 1)
            self.dataChanged.emit(top, bottom)

    def _drop_cache(self) -> None:
        self._generation += 1
        self._pages.clear()
        self._pending.clear()

    def ids(self) -> list[str]:
        return list(self._ids)

    def record_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, record_id: str) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def is_row_loaded(self, row: int) -> bool:
        page = self._pages.get(row // PAGE_SIZE)
        return page is not None

    def is_loading(self) -> bool:
        return bool(self._pending)

    def cached_pages(self) -> int:
        return len(self._pages)

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                if section == Column.MEDIA:
                    # Translators: a narrow column header counting a record's photos and clips.
                    return pgettext("records table column", "Media")
                return translate(HEADERS[Column(section)])
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1 if 0 <= section < len(self._ids) else None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        row = index.row()
        if role == RECORD_ID_ROLE:
            return self._ids[row]
        entry = self._entry(row)
        if role == LOADED_ROLE:
            return entry is not None
        if role == SUMMARY_ROLE:
            return entry[0] if entry else None
        if index.column() == Column.LABELS and entry is not None:
            labels = entry[0].labels
            if role == Qt.ItemDataRole.DecorationRole:
                return labels_strip(labels) if labels else None
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return ", ".join(label_name(code) for code in labels) or None
            if role == Qt.ItemDataRole.DisplayRole:
                return ""  # the pictograms say it; names are in the tooltip
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if entry is None:
                return LOADING_TEXT if role == Qt.ItemDataRole.DisplayRole else None
            text = entry[1][index.column()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return text or None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == Column.MEDIA:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # -- lazy pages ------------------------------------------------------------------------

    def _entry(self, row: int) -> tuple[Any, tuple[str, ...]] | None:
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            self._request(number)
            return None
        self._pages.move_to_end(number)
        return page[row - number * PAGE_SIZE]

    def ensure_rows(self, first: int, last: int) -> None:
        """Ask for the pages covering rows ``first..last`` (e.g. before the view paints)."""
        last = min(last, len(self._ids) - 1)
        for number in range(max(first, 0) // PAGE_SIZE, last // PAGE_SIZE + 1):
            if number not in self._pages:
                self._request(number)

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        start = number * PAGE_SIZE
        ids = self._ids[start : start + PAGE_SIZE]
        if not ids:
            return
        self._pending.add(number)
        generation = self._generation

        def arrived(summaries: list[Any]) -> None:
            self._page_arrived(generation, number, ids, summaries)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._pending.discard(number)
            # The catalogue was locked under a pending fetch, or a row vanished: the next
            # search reloads; a dialog per page would only flood the user.
            log.warning("records page failed: %s", type(error).__name__)

        self._runner.run(lambda cat: cat.summaries(ids), arrived, failed, context=self)

    def _page_arrived(
        self, generation: int, number: int, ids: list[str], summaries: list[Any]
    ) -> None:
        if generation != self._generation:
            return  # an older search or an edit since: drop it
        self._pending.discard(number)
        by_id = {s.id: s for s in summaries}
        rows: list[tuple[Any, tuple[str, ...]] | None] = []
        for record_id in ids:
            summary = by_id.get(record_id)
            if summary is None:
                # Deleted meanwhile: show a neutral row rather than a wrong one.
                blank = tuple("" for _c in Column)
                rows.append((None, (_("(removed)"), *blank[1:])))
            else:
                rows.append((summary, _display_row(summary)))
        self._pages[number] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        first = number * PAGE_SIZE
        last = first + len(ids) - 1
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        self.rows_loaded.emit(first, last)
