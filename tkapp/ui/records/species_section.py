"""Species: the catalogue's taxa with their scientific and local names."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Taxon, VernacularName, new_id
from tkapp.errors import ValidationError
from tkapp.i18n import _, names, ngettext
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.entity_models import TaxonTableModel
from tkapp.ui.records.entity_section import EntitySection, ListOp, SaveOp
from tkapp.ui.records.record_editor_widgets import FieldError, heading, hint, with_error
from tkapp.ui.records.taxon_picker import RANKS, rank_name


class VernacularTable(QTableWidget):
    """Local names: name, language, and "to be checked by the community"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([_("Local name"), _("Language"), _("To check")])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setMinimumHeight(130)
        self.setAccessibleName(_("Local names"))

    def add_name(self, name: VernacularName | None = None) -> int:
        v = name or VernacularName(name="", language="es")
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(v.name))
        self.setItem(row, 1, QTableWidgetItem(v.language))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        check.setCheckState(
            Qt.CheckState.Checked if v.community_review else Qt.CheckState.Unchecked
        )
        check.setToolTip(_("Spelling or use still to be checked by the community"))
        self.setItem(row, 2, check)
        return row

    def set_names(self, names_: list[VernacularName]) -> None:
        self.setRowCount(0)
        for v in names_:
            self.add_name(v)

    def _cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text().strip() if item is not None else ""

    def names(self) -> list[VernacularName]:
        self.setCurrentIndex(QModelIndex())  # commit a cell being typed in
        result = []
        for row in range(self.rowCount()):
            name = self._cell_text(row, 0)
            language = self._cell_text(row, 1)
            check = self.item(row, 2)  # None while a row is being inserted
            review = check is not None and check.checkState() == Qt.CheckState.Checked
            if name or language:
                result.append(VernacularName(name=name, language=language, community_review=review))
        return result


class TaxonForm(QWidget):
    """Every field of one taxon."""

    def __init__(self, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._id = new_id()
        self.scientific_edit = QLineEdit()
        self.scientific_error = FieldError()
        self.authorship_edit = QLineEdit()
        self.rank_combo = QComboBox()
        for rank in RANKS:
            self.rank_combo.addItem(rank_name(rank), rank)
        self.kingdom_edit = QLineEdit()
        self.kingdom_edit.setPlaceholderText(_("e.g. Plantae"))
        self.family_edit = QLineEdit()
        self.genus_edit = QLineEdit()
        self.vernacular = VernacularTable()
        self.vernacular_error = FieldError()
        self.add_name_button = QPushButton(_("Add a local name"))
        self.remove_name_button = QPushButton(_("Remove the selected name"))
        self.gbif_edit = QLineEdit()
        self.gbif_edit.setPlaceholderText(_("optional"))
        self.col_edit = QLineEdit()
        self.col_edit.setPlaceholderText(_("optional"))

        name_buttons = QHBoxLayout()
        name_buttons.addWidget(self.add_name_button)
        name_buttons.addWidget(self.remove_name_button)
        name_buttons.addStretch(1)

        form = QFormLayout()
        form.addRow(_("Scientific name"), with_error(self.scientific_edit, self.scientific_error))
        form.addRow(_("Authorship"), self.authorship_edit)
        form.addRow(_("Rank"), self.rank_combo)
        form.addRow(_("Kingdom"), self.kingdom_edit)
        form.addRow(_("Family"), self.family_edit)
        form.addRow(_("Genus"), self.genus_edit)
        ids = QFormLayout()
        ids.addRow(_("GBIF taxon key"), self.gbif_edit)
        ids.addRow(_("Catalogue of Life id"), self.col_edit)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(heading(_("Local names")))
        layout.addWidget(self.vernacular)
        layout.addWidget(self.vernacular_error)
        layout.addLayout(name_buttons)
        layout.addWidget(heading(_("Links to other databases")))
        layout.addLayout(ids)
        layout.addWidget(hint(_("These ids help link the species when the catalogue is shared.")))
        layout.addStretch(1)

        for edit in (
            self.scientific_edit,
            self.authorship_edit,
            self.kingdom_edit,
            self.family_edit,
            self.genus_edit,
            self.gbif_edit,
            self.col_edit,
        ):
            edit.textChanged.connect(lambda _t: on_change())
        self.rank_combo.currentIndexChanged.connect(lambda _i: on_change())
        self.vernacular.itemChanged.connect(lambda _i: on_change())
        self.vernacular.model().rowsInserted.connect(lambda *_a: on_change())
        self.vernacular.model().rowsRemoved.connect(lambda *_a: on_change())
        self.add_name_button.clicked.connect(self._add_name)
        self.remove_name_button.clicked.connect(self._remove_name)

    def _add_name(self) -> None:
        row = self.vernacular.add_name()
        self.vernacular.setCurrentCell(row, 0)
        item = self.vernacular.item(row, 0)
        if item is not None:
            self.vernacular.editItem(item)

    def _remove_name(self) -> None:
        row = self.vernacular.currentRow()
        if row >= 0:
            self.vernacular.removeRow(row)

    def load(self, taxon: Taxon | None) -> None:
        t = taxon or Taxon(scientific_name="")
        self._id = t.id
        self.scientific_edit.setText(t.scientific_name)
        self.authorship_edit.setText(t.authorship)
        index = self.rank_combo.findData(t.rank)
        if index < 0:
            self.rank_combo.addItem(t.rank, t.rank)
            index = self.rank_combo.count() - 1
        self.rank_combo.setCurrentIndex(index)
        self.kingdom_edit.setText(t.kingdom)
        self.family_edit.setText(t.family)
        self.genus_edit.setText(t.genus)
        self.vernacular.set_names(t.vernacular_names)
        self.gbif_edit.setText(t.gbif_key)
        self.col_edit.setText(t.col_id)

    def collect(self) -> Taxon:
        return Taxon(
            scientific_name=self.scientific_edit.text().strip(),
            id=self._id,
            authorship=self.authorship_edit.text().strip(),
            rank=self.rank_combo.currentData(),
            kingdom=self.kingdom_edit.text().strip(),
            family=self.family_edit.text().strip(),
            genus=self.genus_edit.text().strip(),
            vernacular_names=self.vernacular.names(),
            gbif_key=self.gbif_edit.text().strip(),
            col_id=self.col_edit.text().strip(),
        )


class SpeciesSection(EntitySection):
    """The list of species with an editor beside it."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        self.title_text = _("Species")
        self.new_text = _("New species")
        self.search_text = _("Search by scientific or local name")
        super().__init__(runner, parent)

    def make_model(self) -> TaxonTableModel:
        return TaxonTableModel([], self)

    def make_form(self) -> QWidget:
        self.taxon_form = TaxonForm(self.form_changed)
        return self.taxon_form

    def list_op(self, query: str) -> ListOp:
        return lambda cat: cat.list_taxa(query)

    def load_form(self, entry: Any) -> None:
        self.taxon_form.load(entry)

    def collect(self) -> Taxon:
        return self.taxon_form.collect()

    def form_state(self) -> Any:
        t = self.taxon_form.collect()
        return (
            t.scientific_name,
            t.authorship,
            t.rank,
            t.kingdom,
            t.family,
            t.genus,
            tuple((v.name, v.language, v.community_review) for v in t.vernacular_names),
            t.gbif_key,
            t.col_id,
        )

    def save_op(self, entry: Taxon, is_new: bool) -> SaveOp:
        if is_new:
            return lambda cat: cat.add_taxon(entry)
        return lambda cat: cat.update_taxon(entry)

    def show_validation(self, error: ValidationError) -> bool:
        name = error.params.get("field")
        if name == "scientific_name":
            self.taxon_form.scientific_error.show_message(names.problem_text(error.detail))
            return True
        if name == "vernacular_names":
            self.taxon_form.vernacular_error.show_message(
                _("Each local name needs a name and a language code such as es or qu.")
            )
            return True
        return False

    def clear_validation(self) -> None:
        self.taxon_form.scientific_error.clear_message()
        self.taxon_form.vernacular_error.clear_message()

    def count_text(self, n: int) -> str:
        return ngettext("{n} species", "{n} species", n).format(n=n)
