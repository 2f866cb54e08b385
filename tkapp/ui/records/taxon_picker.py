"""Find a species by its scientific or local name, or write down a new one on the spot.

Searching runs ``cat.list_taxa(query)`` on the catalogue worker as the custodian types (after
a short pause, so typing stays smooth); a new species is stored at once with
``cat.add_taxon`` because it is an entry of its own that other records will link too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Taxon, VernacularName
from tkapp.errors import ValidationError
from tkapp.i18n import _, names, pgettext
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.entity_models import TaxonColumn, TaxonTableModel
from tkapp.ui.records.record_editor_widgets import (
    FieldError,
    LanguageCombo,
    hint,
    show_error,
    with_error,
)

SEARCH_DELAY_MS = 250

RANKS: tuple[str, ...] = ("species", "subspecies", "variety", "genus", "family")


def rank_name(rank: str) -> str:
    # A rank is one level ("Especie"), not the Species section ("Especies").
    return {
        "species": pgettext("taxonomic rank", "Species"),
        "subspecies": pgettext("taxonomic rank", "Subspecies"),
        "variety": pgettext("taxonomic rank", "Variety"),
        "genus": pgettext("taxonomic rank", "Genus"),
        "family": pgettext("taxonomic rank", "Family"),
    }.get(rank, rank)


class NewTaxonDialog(QDialog):
    """Write down a new species: scientific name and, optionally, its local name."""

    def __init__(
        self,
        runner: Runner,
        *,
        name_hint: str = "",
        language: str = "es",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.taxon: Taxon | None = None
        self.setWindowTitle(_("New species"))
        self.setMinimumWidth(460)
        self.scientific_edit = QLineEdit()
        self.scientific_edit.setPlaceholderText(_("e.g. Ilex guayusa"))
        self.authorship_edit = QLineEdit()
        self.authorship_edit.setPlaceholderText(_("e.g. Loes."))
        self.rank_combo = QComboBox()
        for rank in RANKS:
            self.rank_combo.addItem(rank_name(rank), rank)
        self.family_edit = QLineEdit()
        self.local_edit = QLineEdit()
        self.local_edit.setPlaceholderText(_("e.g. guayusa, wayusa"))
        self.local_language_edit = LanguageCombo(allow_none=False)
        self.local_language_edit.set_value(language or "es")
        self.local_language_edit.setAccessibleName(_("Language of the local name"))
        self.scientific_error = FieldError()
        self.local_error = FieldError()
        # A typed search that looks like a Latin binomial goes to the scientific name,
        # anything else is more likely a local name.
        if name_hint and name_hint[:1].isupper() and " " in name_hint.strip():
            self.scientific_edit.setText(name_hint.strip())
        elif name_hint:
            self.local_edit.setText(name_hint.strip())

        local_row = QWidget()
        row = QHBoxLayout(local_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.local_edit, 1)
        row.addWidget(self.local_language_edit)

        form = QFormLayout()
        form.addRow(_("Scientific name"), with_error(self.scientific_edit, self.scientific_error))
        form.addRow(_("Authorship"), self.authorship_edit)
        form.addRow(_("Rank"), self.rank_combo)
        form.addRow(_("Family"), self.family_edit)
        form.addRow(_("Local name and language"), with_error(local_row, self.local_error))
        form.addRow(
            hint(
                _(
                    "If nobody knows the scientific name yet, write the best guess (for "
                    "example the genus) and correct it later in Species."
                )
            )
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def collect(self) -> Taxon:
        taxon = Taxon(
            scientific_name=self.scientific_edit.text().strip(),
            authorship=self.authorship_edit.text().strip(),
            rank=self.rank_combo.currentData(),
            family=self.family_edit.text().strip(),
        )
        parts = taxon.scientific_name.split()
        if parts and taxon.rank in ("species", "subspecies", "variety"):
            taxon.genus = parts[0]
        local = self.local_edit.text().strip()
        if local:
            language = self.local_language_edit.value()
            for name in (n.strip() for n in local.split(",")):
                if name:
                    taxon.vernacular_names.append(VernacularName(name=name, language=language))
        return taxon

    def save(self) -> None:
        self.scientific_error.clear_message()
        self.local_error.clear_message()
        taxon = self.collect()
        try:
            taxon.validate()
        except ValidationError as exc:
            target = (
                self.local_error
                if exc.params.get("field") == "vernacular_names"
                else self.scientific_error
            )
            target.show_message(names.problem_text(exc.detail))
            return
        self.buttons.setEnabled(False)
        self._runner.run(lambda cat: cat.add_taxon(taxon), self._saved, self._failed, context=self)

    def _saved(self, taxon: Taxon) -> None:
        self.taxon = taxon
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc)


class TaxonPicker(QWidget):
    """A search box over the catalogue's species with "Add" and "New species…"."""

    #: The custodian picked (or just created) this taxon.
    taxon_chosen = Signal(object)
    #: A search finished (for tests and busy indicators).
    searched = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.language = "es"
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Search by scientific or local name"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(_("Search species"))
        self.model = TaxonTableModel([], self)
        self.results = QTableView()
        self.results.setAccessibleName(_("Species found"))
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setSectionResizeMode(
            TaxonColumn.LOCAL_NAMES, QHeaderView.ResizeMode.Stretch
        )
        self.results.horizontalHeader().setSectionResizeMode(
            TaxonColumn.SCIENTIFIC_NAME, QHeaderView.ResizeMode.ResizeToContents
        )
        self.add_button = QPushButton(_("Add to this record"))
        self.new_button = QPushButton(_("New species…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.search_edit.returnPressed.connect(self.search)
        self.add_button.clicked.connect(self.choose_current)
        self.results.doubleClicked.connect(lambda _i: self.choose_current())
        self.new_button.clicked.connect(self.create_new)
        self.results.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    def search(self) -> None:
        self._timer.stop()
        query = self.search_edit.text().strip()
        self._runner.run(
            lambda cat: cat.list_taxa(query), self._on_results, self._on_error, context=self
        )

    def _on_results(self, taxa: list[Taxon]) -> None:
        self.model.set_items(taxa)
        if taxa:
            self.results.selectRow(0)
        self._update_buttons()
        self.searched.emit()

    def _on_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.results.currentIndex().isValid())

    def choose_current(self) -> None:
        index = self.results.currentIndex()
        if index.isValid():
            self.taxon_chosen.emit(self.model.item(index.row()))

    def new_taxon_dialog(self) -> NewTaxonDialog:
        """The dialog "New species…" opens (separate so tests can drive it)."""
        return NewTaxonDialog(
            self._runner, name_hint=self.search_edit.text(), language=self.language, parent=self
        )

    def create_new(self) -> NewTaxonDialog:
        """Open "New species" (window-modal); the new taxon is chosen when it is saved."""
        dialog = self.new_taxon_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._created(dialog.taxon))
        dialog.open()
        return dialog

    def _created(self, taxon: Taxon | None) -> None:
        if taxon is not None:
            self.taxon_chosen.emit(taxon)
            self.search()
