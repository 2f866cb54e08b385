"""The shape shared by the People, Species and Consent sections: a list and an editor.

Left: a search box, the table of entries and "New". Right: the editor of the selected entry
with "Save" and "Undo changes". Every catalogue call goes through the serial runner; a
selection change with unsaved edits asks first (:meth:`EntitySection.ask_unsaved` is a method
so tests can answer it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import ValidationError
from tkapp.i18n import _
from tkapp.ui.common.table_model import ObjectTableModel
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.record_editor_widgets import heading, show_error

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

#: A worker op listing the entries that match a search.
ListOp = Callable[["Catalogue"], list[Any]]
#: A worker op storing one entry; returns the stored entry.
SaveOp = Callable[["Catalogue"], Any]


class EntitySection(QWidget):
    """Base class: subclasses provide the model, the form and the catalogue calls."""

    #: The list finished loading.
    refreshed = Signal()
    #: An entry was saved (its id).
    saved = Signal(str)

    title_text = ""
    new_text = ""
    search_text = ""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._current: Any = None  # the stored entry shown in the form, None for a new one
        self._editing = False  # the form shows something (a stored entry or a new one)
        self._baseline: Any = None
        self._loading_form = False
        self._saving = False

        self.model: ObjectTableModel[Any] = self.make_model()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.search_text or _("Search"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.search_text or _("Search"))
        self.table = QTableView()
        self.table.setAccessibleName(self.title_text)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.new_button = QPushButton(self.new_text or _("New"))
        self.count_label = QLabel()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(heading(self.title_text))
        top.addStretch(1)
        top.addWidget(self.new_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)

        self.form = self.make_form()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(_("Undo changes"))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        self.editor = QWidget()
        right_layout = QVBoxLayout(self.editor)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.new_button.clicked.connect(self.new_entry)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self._show_entry(None, editing=False)

    # -- for subclasses --------------------------------------------------------------------

    def make_model(self) -> ObjectTableModel[Any]:
        raise NotImplementedError

    def make_form(self) -> QWidget:
        raise NotImplementedError

    def list_op(self, query: str) -> ListOp:
        """A worker op returning the entries matching ``query``."""
        raise NotImplementedError

    def load_form(self, entry: Any) -> None:
        """Fill the form from ``entry`` (None: an empty new entry)."""
        raise NotImplementedError

    def collect(self) -> Any:
        """The entry as edited (may raise ValidationError before anything is sent)."""
        raise NotImplementedError

    def save_op(self, entry: Any, is_new: bool) -> SaveOp:
        """A worker op storing ``entry``; returns the stored entry."""
        raise NotImplementedError

    def form_state(self) -> Any:
        """A comparable snapshot of the form's widgets."""
        raise NotImplementedError

    def show_validation(self, error: ValidationError) -> bool:
        """Show the problem inline; False if no field matches (a box is shown instead)."""
        return False

    def clear_validation(self) -> None:
        """Hide every inline problem."""

    def after_save(self, entry: Any, done: Callable[[], None]) -> None:
        """Extra work after the entry itself is stored (e.g. evidence media); call done()."""
        done()

    # -- list ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list from the catalogue, keeping the selected entry."""
        self._timer.stop()
        query = self.search_edit.text().strip()
        self._runner.run(self.list_op(query), self._on_listed, self._on_error, context=self)

    def _on_listed(self, items: list[Any]) -> None:
        keep = getattr(self._current, "id", None)
        self.table.selectionModel().blockSignals(True)
        self.model.set_items(items)
        row = self.model.row_of(lambda item: item.id == keep) if keep else -1
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.table.selectionModel().blockSignals(False)
        self.count_label.setText(self.count_text(len(items)))
        self.refreshed.emit()

    def count_text(self, n: int) -> str:
        from tkapp.i18n import ngettext

        return ngettext("{n} entry", "{n} entries", n).format(n=n)

    def _on_error(self, exc: BaseException) -> None:
        self._saving = False
        self._update_buttons()
        show_error(self, exc)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _on_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        entry = self.model.item(current.row())
        if self._current is not None and getattr(entry, "id", None) == self._current.id:
            return
        if not self._confirm_leave():
            # Go back to the row being edited, without asking again.
            self.table.selectionModel().blockSignals(True)
            if previous.isValid():
                self.table.selectRow(previous.row())
            else:
                self.table.clearSelection()
            self.table.selectionModel().blockSignals(False)
            return
        self._show_entry(entry, editing=True)

    # -- editing ---------------------------------------------------------------------------

    def new_entry(self) -> None:
        if not self._confirm_leave():
            return
        self.table.selectionModel().blockSignals(True)
        self.table.clearSelection()
        self.table.selectionModel().blockSignals(False)
        self._show_entry(None, editing=True)

    def _show_entry(self, entry: Any, *, editing: bool) -> None:
        self._current = entry
        self._editing = editing
        self._loading_form = True
        try:
            self.clear_validation()
            self.load_form(entry)
        finally:
            self._loading_form = False
        self.form.setEnabled(editing)
        self._baseline = self.form_state()
        self.status_label.setText(
            "" if editing else _("Choose an entry on the left, or press New.")
        )
        self._update_buttons()

    def current_entry(self) -> Any:
        return self._current

    def has_unsaved_changes(self) -> bool:
        return self._editing and self.form_state() != self._baseline

    def form_changed(self) -> None:
        """Subclasses connect their widgets' change signals here."""
        if not self._loading_form:
            self.status_label.setText("")
            self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(self._editing and not self._saving)
        self.revert_button.setEnabled(dirty and not self._saving)

    def revert(self) -> None:
        self._show_entry(self._current, editing=self._editing)

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Ask what to do with unsaved edits: Save, Discard or Cancel."""
        return QMessageBox.question(
            self,
            _("Unsaved changes"),
            _("This entry has changes that are not saved. Save them now?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def _confirm_leave(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            # Saving is asynchronous: stay on this entry; the custodian moves on after.
            self.save()
            return False
        return answer == QMessageBox.StandardButton.Discard

    def save(self) -> None:
        if not self._editing or self._saving:
            return
        self.clear_validation()
        try:
            entry = self.collect()
            entry.validate()
        except ValidationError as exc:
            if not self.show_validation(exc):
                show_error(self, exc)
            return
        is_new = self._current is None
        self._saving = True
        self._update_buttons()
        self.status_label.setText(_("Saving…"))
        self._runner.run(
            self.save_op(entry, is_new), self._on_saved, self._on_save_error, context=self
        )

    def _on_save_error(self, exc: BaseException) -> None:
        self._saving = False
        self.status_label.setText("")
        self._update_buttons()
        if isinstance(exc, ValidationError) and self.show_validation(exc):
            return
        show_error(self, exc)

    def _on_saved(self, entry: Any) -> None:
        def done() -> None:
            self._saving = False
            self._show_entry(entry, editing=True)
            self.status_label.setText(_("Saved."))
            self.saved.emit(entry.id)
            self.refresh()

        self._current = entry
        self.after_save(entry, done)
