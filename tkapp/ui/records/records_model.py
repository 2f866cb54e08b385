"""A lazy table model over the records of a catalogue (stays smooth at 100,000 records).

The model holds the search (query and filters), its number of matches and the pages of rows
fetched so far: it asks the catalogue only for what the view shows. A search arrives with its
first page (:func:`fetch_page`); further pages of :data:`PAGE_SIZE` rows are fetched through
the serial worker when the view first asks for them, passing the known total back so the
count is not run again. The count stops at :data:`~tkapp.store.records.COUNT_CAP` ("more
than 10,000"): the table then has that many rows, and when it is scrolled down to them the
page fetched there counts again up to ten times further and the table grows
(:attr:`RecordsModel.count_changed`). Until a page arrives ``data()`` answers a placeholder, and
``dataChanged`` repaints the rows when it does (Anki's browser table does the same). A
generation counter drops pages that belong to an older search, and only
:data:`MAX_CACHED_PAGES` pages are kept, least recently used first out.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from dataclasses import dataclass
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
from PySide6.QtGui import QFont, QPainter, QPixmap

from tkapp.i18n import (
    N_,
    _,
    current_language,
    format_date,
    format_number,
    names,
    pgettext,
    translate,
)
from tkapp.ui.common.worker import Runner
from tkapp.ui.terms.labels_widgets import label_name, label_pixmap

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_CACHED_PAGES = 100

#: The record's id (str) for any cell of its row.
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The RecordSummary of the row, or None while its page is loading.
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
#: True once the row's page has arrived.
LOADED_ROLE = Qt.ItemDataRole.UserRole + 3

# The roles :meth:`RecordsModel.data` answers, as plain ints (cheap to test on every call).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ANSWERED_ROLES = frozenset(
    {
        RECORD_ID_ROLE,
        SUMMARY_ROLE,
        LOADED_ROLE,
        _DISPLAY,
        _TOOLTIP,
        _FONT,
        _DECORATION,
        _ACCESSIBLE,
        _ALIGNMENT,
    }
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

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


@functools.cache
def _placeholder_font() -> QFont:
    """Italic: a placeholder row reads as a stand-in, not a record's own title."""
    font = QFont()
    font.setItalic(True)
    return font


@functools.lru_cache(maxsize=4096)
def _cell_text(kind: str, value: Any, language: str) -> str:
    """The text of a cell that many rows share (a day, a category...): Babel takes about
    0.15 ms to format a date, 30 ms for a page of 200 rows, while a page holds a handful of
    days (issue 19: the table follows each keystroke). ``language`` is part of the key."""
    if kind == "date":
        return format_date(value)
    if kind == "category":
        return names.category_name(value)
    if kind == "access":
        return names.access_name(value)
    if kind == "status":
        return names.status_name(value)
    return format_number(value)


def _display_row(summary: Any) -> tuple[str, ...]:
    """Format a summary once when its page arrives, not on every paint."""
    modified = summary.modified
    language = current_language()
    return (
        summary.title,
        summary.local_names,
        summary.taxa,
        _cell_text("category", summary.category, language),
        _cell_text("access", summary.access, language),
        _cell_text("status", summary.status, language),
        ", ".join(summary.labels),
        _cell_text("number", summary.media_count, language) if summary.media_count else "",
        # The day is enough in a table row; the editor's history has the exact time.
        _cell_text("date", modified.astimezone().date(), language) if modified else "",
    )


@dataclass(frozen=True)
class Page:
    """One page of a search's rows, as the worker fetched it."""

    number: int
    ids: list[str]
    total: int  # matches of the whole search (or where the count stopped: capped)
    summaries: list[Any]
    capped: bool = False  # more than ``total`` match


#: How much further the count goes each time the table is scrolled to its capped end.
COUNT_GROWTH = 10


def fetch_page(
    cat: Any,
    query: str,
    filters: Any,
    number: int = 0,
    total: int | None = None,
    *,
    count_to: int | None = None,
) -> Page:
    """Runs on the worker: page ``number`` of a search with its table rows (one statement),
    counted up to ``count_to`` (None: the store's cap) unless the ``total`` is known."""
    page = cat.search_page(
        query,
        filters,
        offset=number * PAGE_SIZE,
        limit=PAGE_SIZE,
        total=total,
        count_to=count_to,
        with_rows=True,
    )
    return Page(number, page.ids, page.total, page.rows, page.capped)


class RecordsModel(QAbstractTableModel):
    """Rows are records (in search order), columns are :class:`Column`."""

    #: A page of rows arrived (first row, last row).
    rows_loaded = Signal(int, int)
    #: The count went further (scrolled to the capped end): (total, still capped).
    count_changed = Signal(int, bool)

    def __init__(self, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._query = ""
        self._filters: Any = None
        self._total = 0
        self._capped = False
        self._pages: OrderedDict[int, list[tuple[Any, tuple[str, ...]] | None]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0

    # -- contents --------------------------------------------------------------------------

    def show(self, query: str, filters: Any, first: Page) -> None:
        """Show a new search, starting from its first page (from :func:`fetch_page`)."""
        self.beginResetModel()
        self._query, self._filters, self._total = query, filters, first.total
        self._capped = first.capped
        self._drop_cache()
        self._install(first)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._query, self._filters, self._total = "", None, 0
        self._capped = False
        self._drop_cache()
        self.endResetModel()

    def reload_rows(self) -> None:
        """Fetch the visible rows again (a record was edited) without changing the order."""
        self._drop_cache()
        if self._total:
            top = self.index(0, 0)
            bottom = self.index(self._total - 1, len(Column) - 1)
            self.dataChanged.emit(top, bottom)

    def _drop_cache(self) -> None:
        self._generation += 1
        self._pages.clear()
        self._pending.clear()

    def total(self) -> int:
        return self._total

    def capped(self) -> bool:
        """True: more records match than the table has rows (yet)."""
        return self._capped

    def ids(self) -> list[str]:
        """The ids of the rows fetched so far, in row order."""
        return [
            entry[0].id
            for _number, page in sorted(self._pages.items())
            for entry in page
            if entry is not None and entry[0] is not None
        ]

    def record_id(self, row: int) -> str | None:
        """The record of ``row``, or None while its page is on its way."""
        page = self._pages.get(row // PAGE_SIZE)
        if page is None:
            return None
        entry = page[row % PAGE_SIZE]
        return entry[0].id if entry is not None and entry[0] is not None else None

    def row_of(self, record_id: str) -> int:
        """The row showing ``record_id`` among the fetched pages, or -1."""
        for number, page in self._pages.items():
            for offset, entry in enumerate(page):
                if entry is not None and entry[0] is not None and entry[0].id == record_id:
                    return number * PAGE_SIZE + offset
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
        return 0 if parent.isValid() else self._total

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
            return section + 1 if 0 <= section < self._total else None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # A repaint asks each visible cell for about ten roles (2,000 calls for a screenful):
        # most are answered None at once, and roles are compared as plain ints (reading a Qt
        # enum attribute costs more than the rest of the call).
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row = index.row()
        if row >= self._total:
            return None
        entry = self._entry(row)
        column = index.column()
        if role == _DISPLAY:
            if entry is None:
                return LOADING_TEXT
            # The labels column: the pictograms say it; names are in the tooltip.
            return "" if column == Column.LABELS else entry[1][column]
        if role == RECORD_ID_ROLE:
            return entry[0].id if entry is not None and entry[0] is not None else None
        if role == LOADED_ROLE:
            return entry is not None
        if role == SUMMARY_ROLE:
            return entry[0] if entry else None
        if entry is None:
            return None
        summary = entry[0]
        if role == _FONT:
            # A sealed record the person may not read.
            return _placeholder_font() if summary is not None and not summary.readable else None
        if column == Column.LABELS and summary is not None:
            labels = summary.labels
            if role == _DECORATION:
                return labels_strip(labels) if labels else None
            if role in (_TOOLTIP, _ACCESSIBLE):
                return ", ".join(label_name(code) for code in labels) or None
        if role == _TOOLTIP:
            return entry[1][column] or None
        if role == _ALIGNMENT and column == Column.MEDIA:
            return _RIGHT
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
        last = min(last, self._total - 1)
        for number in range(max(first, 0) // PAGE_SIZE, last // PAGE_SIZE + 1):
            if number not in self._pages:
                self._request(number)

    def _request(self, number: int) -> None:
        if number in self._pending or not 0 <= number * PAGE_SIZE < self._total:
            return
        self._pending.add(number)
        generation = self._generation
        query, filters = self._query, self._filters
        total: int | None = self._total
        count_to = None
        if self._capped and (number + 1) * PAGE_SIZE >= self._total:
            # The capped end of the table: this page counts again, further (still bounded).
            total, count_to = None, self._total * COUNT_GROWTH

        def arrived(page: Page) -> None:
            if generation != self._generation:
                return  # an older search or an edit since: drop it
            self._pending.discard(number)
            if count_to is not None:
                self._grow(page)
            self._install(page)
            first = number * PAGE_SIZE
            last = min(first + PAGE_SIZE, self._total) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
            self.rows_loaded.emit(first, last)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._pending.discard(number)
            # The catalogue was locked under a pending fetch, or a row vanished: the next
            # search reloads; a dialog per page would only flood the user.
            log.warning("records page failed: %s", type(error).__name__)

        self._runner.run(
            lambda cat: fetch_page(cat, query, filters, number, total, count_to=count_to),
            arrived,
            failed,
            context=self,
        )

    def _grow(self, page: Page) -> None:
        """Take a further count: more rows (never fewer: rows removed meanwhile show as
        removed until the next search)."""
        if page.total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, page.total - 1)
            self._total = page.total
            self._capped = page.capped
            self.endInsertRows()
        else:
            self._capped = False
        self.count_changed.emit(self._total, self._capped)

    def _install(self, page: Page) -> None:
        """Keep a page's rows; rows that vanished since the count show as removed."""
        by_id = {s.id: s for s in page.summaries}
        rows: list[tuple[Any, tuple[str, ...]] | None] = []
        for record_id in page.ids:
            summary = by_id.get(record_id)
            if summary is not None:
                rows.append((summary, _display_row(summary)))
        expected = max(0, min(PAGE_SIZE, self._total - page.number * PAGE_SIZE))
        blank = tuple("" for _c in Column)
        while len(rows) < expected:
            # Deleted (or changed to no longer match) since the search counted: a neutral
            # row rather than a wrong one, until the next search.
            rows.append((None, (_("(removed)"), *blank[1:])))
        self._pages[page.number] = rows[:expected]
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
