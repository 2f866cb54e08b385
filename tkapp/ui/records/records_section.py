"""The Records section: search as you type, filters, the lazy table, new/edit/delete, trash.

Typing restarts a short timer (:data:`SEARCH_DELAY_MS`); when it fires, the worker fetches the
search's first page of rows with the number of matches, and the model shows them (it fetches
further pages as the table scrolls). A generation number keeps only the latest search: one
the user has typed past is skipped when the worker gets to it, and its result, if already
on its way, is dropped. Each search is bounded (a capped count and one page, a few
milliseconds at 100,000 records), so the pause can be short: the table follows each
keystroke within a tenth of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import AccessLevel, Category, RecordStatus
from tkapp.i18n import _, format_date, format_number, names, ngettext, translate
from tkapp.licensing.labels import LABELS
from tkapp.ui.common.dialogs import confirm, show_error, show_info
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.record_editor import RecordEditorDialog
from tkapp.ui.records.records_model import (
    SUMMARY_ROLE,
    Column,
    Page,
    RecordsModel,
    fetch_page,
)

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

#: Long enough to let a burst of keys through as one search, short enough not to be felt.
SEARCH_DELAY_MS = 40

# Initial column widths in "average characters", so they scale with the font (high DPI).
# The title column takes the remaining width.
_WIDTHS = {
    Column.LOCAL_NAMES: 15,
    Column.TAXA: 16,
    Column.CATEGORY: 20,
    Column.ACCESS: 18,
    Column.STATUS: 15,
    Column.LABELS: 13,
    Column.MEDIA: 6,
    Column.MODIFIED: 10,
}


def label_choices() -> list[tuple[str, str]]:
    """(code, name) of the Local Contexts labels, for the label filter."""
    # The same translated names as in the record editor ("TK Verificado" in Spanish).
    return [(label.code, translate(label.name)) for label in LABELS]


class RecordsSection(QWidget):
    """Search, filter and manage the records of the open catalogue."""

    #: (records shown, search text) after every search.
    searched = Signal(int, str)
    #: Records were added, changed, deleted or restored: counts may have changed.
    changed = Signal()
    #: A short message for the status bar.
    message = Signal(str)
    #: The empty state's buttons: import records, open the help book.
    import_requested = Signal()
    help_requested = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("records-section")
        self.runner = runner
        self._generation = 0
        # Open editors with the record each one shows (None: a new record not saved yet).
        self._editors: list[tuple[QDialog, str | None]] = []
        self.searching = False

        # -- search and filters ------------------------------------------------------------
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search titles, names, species, uses, holders… (Ctrl+F)"))
        self.search.setAccessibleName(_("Search records"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.schedule_search)
        self.search.returnPressed.connect(self.refresh)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

        self.category = self._combo(
            _("Category filter"),
            _("Any category"),
            [(c, names.category_name(c)) for c in Category],
        )
        self.access = self._combo(
            _("Access level filter"),
            _("Any access"),
            [(a, names.access_name(a)) for a in AccessLevel],
        )
        self.label = self._combo(_("Label filter"), _("Any label"), label_choices())
        self.status_filter = self._combo(
            _("Status filter"),
            _("Any status"),
            [(s, names.status_name(s)) for s in RecordStatus],
        )
        self.media = self._combo(
            _("Media filter"),
            _("With or without media"),
            [(True, _("With media")), (False, _("Without media"))],
        )
        self.trash = QPushButton(_("Trash"), self)
        self.trash.setCheckable(True)
        self.trash.setAccessibleName(_("Show the trash"))
        self.trash.setToolTip(_("Show deleted records, to restore them"))
        self.trash.toggled.connect(self._trash_toggled)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        for widget in (self.category, self.access, self.label, self.status_filter, self.media):
            filters.addWidget(widget, 1)
        filters.addWidget(self.trash)

        # -- table -------------------------------------------------------------------------
        self.model = RecordsModel(runner, self)
        self.model.count_changed.connect(self._count_changed)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Records"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # the order is the search's (relevance or date)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        char = self.table.fontMetrics().averageCharWidth()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(4 * char)
        # Columns of fixed words fit their longest translated word ("Verificado por la
        # comunidad" in Spanish) and the date column its longest month ("Sep 28, 2000" in
        # English), so nothing is cut at 1366x768.
        cell = self.table.fontMetrics()
        contents = {
            Column.CATEGORY: [names.category_name(c) for c in Category],
            Column.ACCESS: [names.access_name(a) for a in AccessLevel],
            Column.STATUS: [names.status_name(s) for s in RecordStatus],
            Column.MODIFIED: [format_date(date(2000, month, 28)) for month in range(1, 13)],
        }
        for column, width in _WIDTHS.items():
            # Never narrower than the translated header text.
            label = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widest = max(
                [header.fontMetrics().horizontalAdvance(label)]
                + [cell.horizontalAdvance(text) for text in contents.get(column, [])]
            )
            header.resizeSection(column, max(width * char, widest + 24))
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.activated.connect(lambda _index: self.edit_selected())
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self._delete_key)

        # -- buttons -----------------------------------------------------------------------
        self.new_button = self._button(_("New record"), _("Add a new record (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        self.edit_button = self._button(_("Open"), _("Open the selected record"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = self._button(_("Delete"), _("Move the selected records to the trash"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.restore_button = self._button(
            _("Restore"), _("Take the selected records out of the trash")
        )
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = self._button(
            _("Delete for ever…"), _("Delete the selected records for ever")
        )
        self.purge_button.clicked.connect(self.purge_selected)
        self.share_button = self._button(
            _("Share selected…"), _("Share the selected records as a signed bundle")
        )
        self.share_button.clicked.connect(self.share_selected)
        self.result = QLabel(self)
        self.result.setAccessibleName(_("Search result"))
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.share_button,
            self.restore_button,
            self.purge_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.result)

        self.trash_note = QLabel(
            _("Trash: deleted records wait here. Select one and press Restore to bring it back."),
            self,
        )
        self.trash_note.setWordWrap(True)
        self.trash_note.setVisible(False)

        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        box.addWidget(self.search)
        box.addLayout(filters)
        box.addWidget(self.trash_note)
        self.empty = self._empty_state()
        self.table_stack = QStackedWidget(self)
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)
        box.addWidget(self.table_stack, 1)
        box.addLayout(buttons)
        self._trash_toggled(False)

    def _empty_state(self) -> QWidget:
        """What an empty catalogue shows instead of a blank table: the next things to do."""
        panel = QWidget(self)
        title = QLabel(_("This catalogue has no records yet"), panel)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            _(
                "A record keeps one piece of knowledge: a plant's use, a remedy, a seed, a "
                "story about a place, with the people who hold it, photos and recordings."
            ),
            panel,
        )
        text.setWordWrap(True)
        self.empty_new = QPushButton(_("Write the first record"), panel)
        self.empty_new.clicked.connect(self.new_record)
        self.empty_import = QPushButton(_("Import records from a spreadsheet…"), panel)
        self.empty_import.clicked.connect(lambda: self.import_requested.emit())  # noqa: PLW0108
        self.empty_help = QPushButton(_("Read the help"), panel)
        self.empty_help.clicked.connect(lambda: self.help_requested.emit())  # noqa: PLW0108
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.empty_new, self.empty_import, self.empty_help):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(panel)
        layout.addStretch(1)
        for widget in (title, text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return panel

    def _filtered(self) -> bool:
        combos = (self.category, self.access, self.label, self.status_filter, self.media)
        return any(combo.currentIndex() > 0 for combo in combos)

    # -- small builders --------------------------------------------------------------------

    def _combo(self, name: str, any_text: str, items: list[tuple[Any, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.addItem(any_text, None)
        for value, text in items:
            combo.addItem(text, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.currentIndexChanged.connect(self.refresh)
        return combo

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(tip)
        return button

    # -- searching -------------------------------------------------------------------------

    def in_trash(self) -> bool:
        return self.trash.isChecked()

    def current_filter(self) -> Any:
        from tkapp.services.catalogue import RecordFilter

        def value(combo: QComboBox, kind: Any) -> Any:
            # Qt hands enum members back as plain strings: rebuild the enum.
            data = combo.currentData()
            return None if data is None else kind(data)

        return RecordFilter(
            category=value(self.category, Category),
            access=value(self.access, AccessLevel),
            label=value(self.label, str),
            status=value(self.status_filter, RecordStatus),
            has_media=value(self.media, bool),
            in_trash=self.in_trash(),
        )

    def schedule_search(self, *_args: object) -> None:
        """Search after the user paused typing for a moment."""
        self._timer.start()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self, *_args: object) -> None:
        """Run the search now (section shown, filter changed, records changed)."""
        self._timer.stop()
        if not self.runner.is_open():
            self.model.clear()
            return
        self._generation += 1
        generation = self._generation
        query = self.search.text().strip()
        filters = self.current_filter()
        self.searching = True

        def search(cat: Catalogue) -> Page | None:
            # Read on the worker thread: a plain int, written only by the GUI thread.
            if generation != self._generation:
                return None  # typed past before the worker got to it: not worth running
            return fetch_page(cat, query, filters)

        def done(first: Page | None) -> None:
            if first is None or generation != self._generation:
                return  # the user typed on meanwhile
            self.searching = False
            self.model.show(query, filters, first)
            self._show_result(first.total, query, first.capped)
            self._update_buttons()
            self.searched.emit(first.total, query)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.searching = False
                show_error(self, error, _("Search"))

        self.runner.run(search, done, failed, context=self)

    def _count_changed(self, count: int, capped: bool) -> None:
        """The table was scrolled to its capped end and counted further."""
        query = self.search.text().strip()
        self._show_result(count, query, capped)
        self.searched.emit(count, query)

    def _show_result(self, count: int, query: str, capped: bool = False) -> None:
        empty = count == 0 and not query and not self.in_trash() and not self._filtered()
        self.table_stack.setCurrentWidget(self.empty if empty else self.table)
        if count == 0 and query:
            text = _("Nothing found for “{query}”.").format(query=query)
        elif count == 0 and self.in_trash():
            text = _("The trash is empty.")
        elif count == 0:
            text = _("No records to show.")
        elif capped:
            # The count stopped there (a one-letter search in a big catalogue): more match.
            text = ngettext("More than {n} record", "More than {n} records", count).format(
                n=format_number(count)
            )
        else:
            text = ngettext("{n} record", "{n} records", count).format(n=format_number(count))
        self.result.setText(text)

    def clear(self) -> None:
        """Forget what is shown (the catalogue was locked or closed)."""
        self._generation += 1
        self._timer.stop()
        self.model.clear()
        self.result.clear()

    # -- selection and buttons -------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        # Rows whose page has not arrived yet have no id here (a selection reaching far past
        # what was scrolled through): they are left out.
        ids = (self.model.record_id(row) for row in rows if row < self.model.rowCount())
        return [record_id for record_id in ids if record_id]

    def share_selected(self) -> Any:
        """Open the export wizard for the selected records."""
        from tkapp.ui.sharing.export_wizard import ExportWizard

        wizard = ExportWizard(self.runner, self.selected_ids() or None, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def select_id(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row < 0:
            return False
        self.table.selectionModel().select(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _trash_toggled(self, on: bool) -> None:
        for button in (self.new_button, self.edit_button, self.delete_button, self.share_button):
            button.setVisible(not on)
        for button in (self.restore_button, self.purge_button):
            button.setVisible(on)
        self.trash_note.setVisible(on)
        self.trash.setAccessibleName(_("Back to the records") if on else _("Show the trash"))
        self.trash.setText(_("Back to the records") if on else _("Trash"))
        self.refresh()

    def _update_buttons(self, *_args: object) -> None:
        has = bool(self.table.selectionModel().selectedRows())
        for button in (
            self.edit_button,
            self.delete_button,
            self.share_button,
            self.restore_button,
            self.purge_button,
        ):
            button.setEnabled(has)

    # -- editing ---------------------------------------------------------------------------

    def editors(self) -> list[QDialog]:
        """The record editors open now (the main window hides them when it locks)."""
        return [dialog for dialog, _rid in self._live_editors()]

    def _live_editors(self) -> list[tuple[QDialog, str | None]]:
        import shiboken6

        self._editors = [(d, rid) for d, rid in self._editors if shiboken6.isValid(d)]
        return list(self._editors)

    def _forget(self, dialog: QDialog) -> None:
        self._editors = [(d, rid) for d, rid in self._editors if d is not dialog]

    def open_record_ids(self) -> set[str]:
        return {rid for _d, rid in self._live_editors() if rid}

    def new_record(self) -> QDialog | None:
        if self.in_trash() or not self.runner.is_open():
            return None
        return self._open_editor(None)

    def edit_selected(self) -> QDialog | None:
        ids = self.selected_ids()
        if not ids or self.in_trash():
            return None
        return self._open_editor(ids[0])

    def edit_record(self, record_id: str) -> QDialog:
        return self._open_editor(record_id)

    def _open_editor(self, record_id: str | None) -> QDialog:
        row = self.model.row_of(record_id) if record_id is not None else -1
        summary = self.model.data(self.model.index(row, 0), SUMMARY_ROLE) if row >= 0 else None
        if summary is not None and not summary.readable:
            # A sealed record the person may not read: its placeholder, never an editor.
            text = _(
                "{title}\n\nOnly people in this group can open it. If you should be one of "
                "them, ask a custodian to add you."
            ).format(title=summary.title)
            return show_info(self.window(), text, _("Protected record"))
        if record_id is not None:
            for dialog, open_id in self._live_editors():
                if open_id == record_id:
                    dialog.show()
                    dialog.raise_()
                    dialog.activateWindow()
                    return dialog
        dialog = RecordEditorDialog(self.runner, record_id, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda rid, d=dialog: self._saved(d, rid))
        # Hiding (the lock does it) keeps an editor; closing it ends it.
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self._editors.append((dialog, record_id))
        dialog.show()
        return dialog

    def _saved(self, dialog: QDialog, record_id: str) -> None:
        # A new record has an id from its first save on.
        self._editors = [(d, record_id if d is dialog else rid) for d, rid in self._editors]
        self.message.emit(_("Record saved."))
        self.changed.emit()
        if self.model.row_of(record_id) >= 0:
            self.model.reload_rows()
        else:
            self.refresh()

    # -- delete, restore, purge ------------------------------------------------------------

    def _delete_key(self) -> None:
        if self.in_trash():
            self.purge_selected()
        else:
            self.delete_selected()

    def _mutate(self, ids: list[str], op: Callable[[Any, str], None], message: str) -> None:
        if not ids:
            return

        def work(cat: Catalogue) -> int:
            for record_id in ids:
                op(cat, record_id)
            return len(ids)

        def done(count: int) -> None:
            self.message.emit(message.format(n=format_number(count)))
            self.changed.emit()
            self.refresh()

        self.runner.run(work, done, lambda e: show_error(self, e), context=self)

    def delete_selected(self) -> None:
        """Move the selected records to the trash (they can be restored)."""
        self.delete_ids(self.selected_ids())

    def delete_ids(self, ids: list[str]) -> None:
        open_ids = self.open_record_ids()
        if any(i in open_ids for i in ids):
            # Deleting a record under an open editor would lose or resurrect its edits.
            show_info(self, _("Close the record's window first, then delete it."), _("Delete"))
            ids = [i for i in ids if i not in open_ids]
        self._mutate(
            ids,
            lambda cat, rid: cat.delete_record(rid),
            ngettext(
                "{n} record moved to the trash. You can restore it from the Trash.",
                "{n} records moved to the trash. You can restore them from the Trash.",
                len(ids),
            ),
        )

    def restore_selected(self) -> None:
        self.restore_ids(self.selected_ids())

    def restore_ids(self, ids: list[str]) -> None:
        self._mutate(
            ids,
            lambda cat, rid: cat.restore_record(rid),
            ngettext("{n} record restored.", "{n} records restored.", len(ids)),
        )

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.in_trash():
            return
        question = ngettext(
            "Delete {n} record for ever, with its media? This cannot be undone.",
            "Delete {n} records for ever, with their media? This cannot be undone.",
            len(ids),
        ).format(n=len(ids))
        if confirm(self, question, _("Delete for ever"), yes=_("Delete for ever")):
            self.purge_ids(ids)

    def purge_ids(self, ids: list[str]) -> None:
        self._mutate(
            ids,
            lambda cat, rid: cat.purge_record(rid),
            ngettext("{n} record deleted for ever.", "{n} records deleted for ever.", len(ids)),
        )
