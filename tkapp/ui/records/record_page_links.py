"""The record editor's Species and People tabs: the taxa and the knowledge holders a record
links to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import (
    PERSON_ROLES,
    HolderLink,
    KnowledgeRecord,
    Person,
    Taxon,
)
from tkapp.i18n import _, names
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.entity_models import (
    HolderColumn,
    HolderTableModel,
    TaxonColumn,
    TaxonTableModel,
)
from tkapp.ui.records.record_editor_widgets import (
    DateField,
    with_error,
)
from tkapp.ui.records.record_page_base import EditorData, Page
from tkapp.ui.records.taxon_picker import TaxonPicker

if TYPE_CHECKING:
    from tkapp.ui.records.holders_section import NewPersonDialog

AnyIndex = QModelIndex | QPersistentModelIndex

# -- Species --------------------------------------------------------------------------------


class SpeciesPage(Page):
    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TaxonTableModel([], self)
        self.table = QTableView()
        self.table.setAccessibleName(_("Species"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            TaxonColumn.LOCAL_NAMES, QHeaderView.ResizeMode.Stretch
        )
        self.table.horizontalHeader().setSectionResizeMode(
            TaxonColumn.SCIENTIFIC_NAME, QHeaderView.ResizeMode.ResizeToContents
        )
        self.remove_button = QPushButton(_("Remove from this record"))
        self.picker = TaxonPicker(runner)

        chosen = QGroupBox(_("Species in this record"))
        chosen_layout = QVBoxLayout(chosen)
        chosen_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(QLabel(_("Local names:")))
        row.addWidget(self.toggle("local_names"))
        chosen_layout.addLayout(row)
        chosen_layout.addWidget(self.error("taxon_ids"))
        find = QGroupBox(_("Find or add a species"))
        find_layout = QVBoxLayout(find)
        find_layout.addWidget(self.picker)

        layout = QHBoxLayout(self)
        layout.addWidget(chosen, 1)
        layout.addWidget(find, 1)

        self.picker.taxon_chosen.connect(self.add_taxon)
        self.remove_button.clicked.connect(self.remove_selected)
        self.model.rowsInserted.connect(self.emit_changed)
        self.model.rowsRemoved.connect(self.emit_changed)

    def add_taxon(self, taxon: Taxon) -> None:
        if self.model.row_of(lambda t: t.id == taxon.id) >= 0:
            return
        self.model.append(taxon)

    def remove_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.picker.language = rec.language
        self.picker.search()  # show the catalogue's species before anything is typed
        by_id = {t.id: t for t in data.taxa}
        self.model.set_items([by_id[i] for i in rec.taxon_ids if i in by_id])
        # Links to taxa this catalogue no longer has are kept, not silently dropped.
        self._missing = [i for i in rec.taxon_ids if i not in by_id]

    def collect(self, rec: KnowledgeRecord) -> None:
        rec.taxon_ids = [t.id for t in self.model.items()] + list(getattr(self, "_missing", []))

    def state(self) -> tuple[object, ...]:
        return (tuple(t.id for t in self.model.items()), *super().state())


# -- People ---------------------------------------------------------------------------------


class RoleDelegate(QStyledItemDelegate):
    """A combo of person roles for the holders table's role column."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem("", "")
        for code in PERSON_ROLES:
            combo.addItem(names.role_name(code), code)
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(0, found))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PeoplePage(Page):
    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.people: list[Person] = []
        self.model = HolderTableModel([], self)
        self.table = QTableView()
        self.table.setAccessibleName(_("Knowledge holders"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(HolderColumn.ROLE, RoleDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self.person_combo = QComboBox()
        self.person_combo.setMinimumWidth(220)
        self.role_combo = QComboBox()
        for code in PERSON_ROLES:
            self.role_combo.addItem(names.role_name(code), code)
        self.add_button = QPushButton(_("Add holder"))
        self.new_person_button = QPushButton(_("New person…"))
        self.remove_button = QPushButton(_("Remove the selected holder"))

        holders = QGroupBox(_("Knowledge holders"))
        holders_layout = QVBoxLayout(holders)
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel(_("Person")))
        add_row.addWidget(self.person_combo, 1)
        add_row.addWidget(QLabel(_("Role")))
        add_row.addWidget(self.role_combo)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.new_person_button)
        holders_layout.addLayout(add_row)
        holders_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.toggle("holders"))
        holders_layout.addLayout(bottom)
        holders_layout.addWidget(self.error("holders"))

        self.recorded_by_combo = QComboBox()
        self.recorded_date = DateField()
        recorded = QGroupBox(_("Recording"))
        recorded_form = QFormLayout(recorded)
        recorded_form.addRow(
            _("Recorded by"),
            with_error(
                self.recorded_by_combo, self.error("recorded_by"), self.toggle("recorded_by")
            ),
        )
        recorded_form.addRow(_("Recorded on"), self.recorded_date)

        layout = QVBoxLayout(self)
        layout.addWidget(holders, 1)
        layout.addWidget(recorded)

        self.add_button.clicked.connect(self._add_from_combo)
        self.new_person_button.clicked.connect(self.new_person)
        self.remove_button.clicked.connect(self.remove_selected)
        self.model.dataChanged.connect(self.emit_changed)
        self.model.rowsInserted.connect(self.emit_changed)
        self.model.rowsRemoved.connect(self.emit_changed)
        self.recorded_by_combo.currentIndexChanged.connect(self.emit_changed)
        self.recorded_date.changed.connect(self.emit_changed)

    def set_people(self, people: Sequence[Person]) -> None:
        self.people = sorted(people, key=lambda p: p.name.casefold())
        self.model.set_people(self.people)
        keep_holder = self.person_combo.currentData()
        keep_by = self.recorded_by_combo.currentData()
        for combo in (self.person_combo, self.recorded_by_combo):
            combo.blockSignals(True)
            combo.clear()
        self.recorded_by_combo.addItem(_("(nobody chosen)"), "")
        for person in self.people:
            label = person.name
            if person.deceased:
                label = _("{name} (deceased)").format(name=person.name)
            self.person_combo.addItem(label, person.id)
            self.recorded_by_combo.addItem(label, person.id)
        for combo, keep in ((self.person_combo, keep_holder), (self.recorded_by_combo, keep_by)):
            index = combo.findData(keep) if keep is not None else -1
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self.add_button.setEnabled(bool(self.people))

    def add_holder(self, person_id: str, role: str = "") -> None:
        if self.model.row_of(lambda h: h.person_id == person_id) >= 0:
            return
        self.model.append(HolderLink(person_id=person_id, role=role))

    def _add_from_combo(self) -> None:
        person_id = self.person_combo.currentData()
        if person_id:
            self.add_holder(person_id, self.role_combo.currentData())

    def remove_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def new_person_dialog(self) -> NewPersonDialog:
        from tkapp.ui.records.holders_section import NewPersonDialog

        return NewPersonDialog(self._runner, self)

    def new_person(self) -> NewPersonDialog:
        """Open "New person" (window-modal); the person becomes a holder when saved."""
        dialog = self.new_person_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.person_created(dialog.person))
        dialog.open()
        return dialog

    def person_created(self, person: Person | None) -> None:
        if person is None:
            return
        self.set_people([*self.people, person])
        self.add_holder(person.id, self.role_combo.currentData())
        self.person_combo.setCurrentIndex(self.person_combo.findData(person.id))

    def holder_ids(self) -> list[str]:
        return [h.person_id for h in self.model.items()]

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.set_people(data.persons)
        self.model.set_items([HolderLink(h.person_id, h.role) for h in rec.holders])
        index = self.recorded_by_combo.findData(rec.recorded_by)
        self.recorded_by_combo.setCurrentIndex(max(0, index))
        self.recorded_date.set_value(rec.recorded_date)

    def collect(self, rec: KnowledgeRecord) -> None:
        self.table.setCurrentIndex(QModelIndex())
        rec.holders = [HolderLink(h.person_id, h.role) for h in self.model.items()]
        rec.recorded_by = self.recorded_by_combo.currentData() or ""
        rec.recorded_date = self.recorded_date.value()

    def state(self) -> tuple[object, ...]:
        return (
            tuple((h.person_id, h.role) for h in self.model.items()),
            self.recorded_by_combo.currentData(),
            self.recorded_date.value(),
            *super().state(),
        )
