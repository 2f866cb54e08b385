"""The tabs of the record editor, one class per tab.

Each page fills itself from a record (``load``), writes its fields back into a record
(``collect``, which may raise ``ValidationError`` for text that is not a number), gives a
comparable snapshot of its widgets (``state``) for the unsaved-changes check, and owns the
inline error labels of its fields (``errors``: field name -> :class:`FieldError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import (
    PERSON_ROLES,
    AccessLevel,
    Category,
    ConsentRecord,
    HolderLink,
    KnowledgeRecord,
    Person,
    Place,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
)
from tkapp.i18n import LANGUAGES, N_, _, format_date, names, translate
from tkapp.licensing.text import terms_name
from tkapp.ui.entity_models import (
    ID_ROLE,
    HolderColumn,
    HolderTableModel,
    TaxonColumn,
    TaxonTableModel,
    UseColumn,
    UseTableModel,
)
from tkapp.ui.help import HelpButton, with_help
from tkapp.ui.labels_widgets import LabelPicker
from tkapp.ui.media_list import MediaListWidget
from tkapp.ui.record_editor_widgets import (
    ConfidentialToggle,
    DateField,
    EnumCombo,
    FieldError,
    format_decimal_text,
    heading,
    hint,
    parse_decimal_text,
    parse_int_text,
    with_error,
)
from tkapp.ui.taxon_picker import TaxonPicker


@dataclass
class EditorData:
    """Everything the editor needs, fetched in one worker call."""

    record: KnowledgeRecord | None
    taxa: list[Taxon] = field(default_factory=list)  # the record's taxa
    persons: list[Person] = field(default_factory=list)  # everyone, for pickers
    consents: list[ConsentRecord] = field(default_factory=list)  # every consent record
    languages: list[str] = field(default_factory=list)  # the community's languages
    terms: list[Any] = field(default_factory=list)  # tkapp.services.terms.TermsInfo, newest first


def language_label(code: str) -> str:
    """The language's name for people ("Español", "Kichwa"); never a bare code when known."""
    return names.language_name(code)


class Page(QWidget):
    """Base of a tab page."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, FieldError] = {}
        self.toggles: dict[str, ConfidentialToggle] = {}

    def toggle(self, field_name: str) -> ConfidentialToggle:
        button = ConfidentialToggle(field_name)
        button.toggled.connect(lambda _on: self.changed.emit())
        self.toggles[field_name] = button
        return button

    def error(self, field_name: str) -> FieldError:
        label = FieldError()
        self.errors[field_name] = label
        return label

    def emit_changed(self, *_args) -> None:
        self.changed.emit()

    def load_confidential(self, confidential: set[str]) -> None:
        for name, button in self.toggles.items():
            button.blockSignals(True)
            button.setChecked(name in confidential)
            button.blockSignals(False)

    def confidential(self) -> set[str]:
        return {name for name, button in self.toggles.items() if button.isChecked()}

    # For subclasses.
    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        raise NotImplementedError

    def collect(self, rec: KnowledgeRecord) -> None:
        raise NotImplementedError

    def state(self) -> tuple:
        return (tuple(sorted(self.confidential())),)


# -- Knowledge ------------------------------------------------------------------------------


class KnowledgePage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("e.g. Guayusa tea for the morning"))
        self.title_edit.setAccessibleName(_("Title"))
        self.summary_edit = QLineEdit()
        self.summary_edit.setPlaceholderText(_("One or two sentences"))
        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText(
            _("What the knowledge holder explained, in their words.")
        )
        self.description_edit.setTabChangesFocus(True)
        self.category_combo = EnumCombo(Category, names.category_name)
        self.language_combo = QComboBox()
        self.language_combo.setEditable(True)
        self.status_combo = EnumCombo(RecordStatus, names.status_name)

        form = QFormLayout(self)
        form.addRow(_("Title"), with_error(self.title_edit, self.error("title")))
        form.addRow(_("Summary"), with_error(self.summary_edit, self.error("summary")))
        form.addRow(
            _("Description"),
            with_error(
                self.description_edit, self.error("description"), self.toggle("description")
            ),
        )
        form.addRow(_("Category"), self.category_combo)
        form.addRow(
            _("Language of the record"), with_error(self.language_combo, self.error("language"))
        )
        form.addRow(_("Status"), self.status_combo)

        self.title_edit.textChanged.connect(self.emit_changed)
        self.summary_edit.textChanged.connect(self.emit_changed)
        self.description_edit.textChanged.connect(self.emit_changed)
        self.category_combo.currentIndexChanged.connect(self.emit_changed)
        self.language_combo.currentTextChanged.connect(self.emit_changed)
        self.status_combo.currentIndexChanged.connect(self.emit_changed)

    def set_languages(self, codes: Sequence[str]) -> None:
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        seen: list[str] = []
        for code in [*codes, *(c for c, _n in LANGUAGES)]:
            if code not in seen:
                seen.append(code)
                self.language_combo.addItem(language_label(code), code)
        self.language_combo.blockSignals(False)

    def set_language(self, code: str) -> None:
        index = self.language_combo.findData(code)
        if index < 0:
            self.language_combo.addItem(language_label(code), code)
            index = self.language_combo.count() - 1
        self.language_combo.setCurrentIndex(index)

    def language(self) -> str:
        text = self.language_combo.currentText().strip()
        index = self.language_combo.findText(text)
        if index >= 0:
            return str(self.language_combo.itemData(index))
        return text

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.set_languages(data.languages)
        self.title_edit.setText(rec.title)
        self.summary_edit.setText(rec.summary)
        self.description_edit.setPlainText(rec.description)
        self.category_combo.set_value(rec.category)
        self.set_language(rec.language)
        self.status_combo.set_value(rec.status)

    def collect(self, rec: KnowledgeRecord) -> None:
        rec.title = self.title_edit.text().strip()
        rec.summary = self.summary_edit.text().strip()
        rec.description = self.description_edit.toPlainText()
        rec.category = self.category_combo.value()
        rec.language = self.language()
        rec.status = self.status_combo.value()

    def state(self) -> tuple:
        return (
            self.title_edit.text(),
            self.summary_edit.text(),
            self.description_edit.toPlainText(),
            self.category_combo.value(),
            self.language(),
            self.status_combo.value(),
            *super().state(),
        )


# -- Uses -----------------------------------------------------------------------------------


class UsesPage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = UseTableModel([], self)
        self.table = QTableView()
        self.table.setAccessibleName(_("Uses"))
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName(_("Uses"))
        self.add_button = QPushButton(_("Add a use"))
        self.remove_button = QPushButton(_("Remove the selected use"))

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(_("Uses:")))
        buttons.addWidget(self.toggle("uses"))
        buttons.addWidget(QLabel(_("Preparation:")))
        buttons.addWidget(self.toggle("preparation"))

        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                _(
                    "One row per use: which part of the plant, how it is prepared, what it is "
                    "for and in which season. Double-click a cell to write in it."
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(self.add_use)
        self.remove_button.clicked.connect(self.remove_use)
        self.model.dataChanged.connect(self.emit_changed)
        self.model.rowsInserted.connect(self.emit_changed)
        self.model.rowsRemoved.connect(self.emit_changed)

    def add_use(self, use: Use | None = None) -> int:
        self.model.append(use if isinstance(use, Use) else Use())
        row = self.model.rowCount() - 1
        index = self.model.index(row, UseColumn.PART)
        self.table.setCurrentIndex(index)
        if not isinstance(use, Use):
            self.table.edit(index)
        return row

    def remove_use(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.model.set_items([Use(u.part, u.preparation, u.purpose, u.season) for u in rec.uses])

    def collect(self, rec: KnowledgeRecord) -> None:
        # Commit a cell still being typed in before reading the table.
        self.table.setCurrentIndex(QModelIndex())
        rec.uses = [
            Use(u.part.strip(), u.preparation.strip(), u.purpose.strip(), u.season.strip())
            for u in self.model.items()
            if not u.is_empty()
        ]

    def state(self) -> tuple:
        return (
            tuple((u.part, u.preparation, u.purpose, u.season) for u in self.model.items()),
            *super().state(),
        )


# -- Species --------------------------------------------------------------------------------


class SpeciesPage(Page):
    def __init__(self, runner, parent: QWidget | None = None) -> None:
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

    def state(self) -> tuple:
        return (tuple(t.id for t in self.model.items()), *super().state())


# -- People ---------------------------------------------------------------------------------


class RoleDelegate(QStyledItemDelegate):
    """A combo of person roles for the holders table's role column."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.addItem("", "")
        for code in PERSON_ROLES:
            combo.addItem(names.role_name(code), code)
        return combo

    def setEditorData(self, editor, index) -> None:
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(0, found))

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PeoplePage(Page):
    def __init__(self, runner, parent: QWidget | None = None) -> None:
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

    def new_person_dialog(self):
        from tkapp.ui.people_section import NewPersonDialog

        return NewPersonDialog(self._runner, self)

    def new_person(self):
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

    def state(self) -> tuple:
        return (
            tuple((h.person_id, h.role) for h in self.model.items()),
            self.recorded_by_combo.currentData(),
            self.recorded_date.value(),
            *super().state(),
        )


# -- Place ----------------------------------------------------------------------------------


class PlacePage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.locality_edit = QLineEdit()
        self.locality_edit.setPlaceholderText(_("e.g. near the river, Sarayaku"))
        example = format_decimal_text(-1.4925)
        self.latitude_edit = QLineEdit()
        self.latitude_edit.setPlaceholderText(_("e.g. {example}").format(example=example))
        self.longitude_edit = QLineEdit()
        self.longitude_edit.setPlaceholderText(
            _("e.g. {example}").format(example=format_decimal_text(-77.9321))
        )
        self.uncertainty_edit = QLineEdit()
        self.uncertainty_edit.setPlaceholderText(_("metres, e.g. 50"))
        # Any form people have: degrees-minutes-seconds, or what a phone's GPS app copies.
        self.paste_edit = QLineEdit()
        self.paste_edit.setPlaceholderText(
            _("Type or paste: 1°29'33\"S 77°55'56\"W, or the text of a phone's GPS or map")
        )
        self.paste_edit.setAccessibleName(_("Coordinates in any form"))
        self.paste_result = QLabel()
        self.paste_result.setWordWrap(True)
        self.sensitivity_combo = EnumCombo(
            (
                Sensitivity.WITHHOLD,
                Sensitivity.HIGH,
                Sensitivity.MEDIUM,
                Sensitivity.LOW,
                Sensitivity.NONE,
            ),
            names.sensitivity_name,
        )
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(
            "background: #eef4fb; border: 1px solid #b8cde6; border-radius: 4px; padding: 8px;"
            " color: #1d3550;"
        )

        form = QFormLayout(self)
        form.addRow(
            _("Locality"), with_error(self.locality_edit, self.error("place"), self.toggle("place"))
        )
        form.addRow(_("From GPS or a map"), self.paste_edit)
        form.addRow("", self.paste_result)
        form.addRow(_("Latitude"), with_error(self.latitude_edit, self.error("latitude")))
        form.addRow(_("Longitude"), with_error(self.longitude_edit, self.error("longitude")))
        form.addRow(
            _("Uncertainty (metres)"),
            with_error(self.uncertainty_edit, self.error("uncertainty_m")),
        )
        form.addRow(
            hint(
                _(
                    "Decimal degrees; south and west are negative. A comma or a dot both work. "
                    "Or type the place in any form in “From GPS or a map”."
                )
            )
        )
        form.addRow(heading(_("What leaves the catalogue")))
        form.addRow(_("Sensitivity"), with_help(self.sensitivity_combo, "sensitivity"))
        form.addRow(self.explanation)

        for edit in (
            self.locality_edit,
            self.latitude_edit,
            self.longitude_edit,
            self.uncertainty_edit,
        ):
            edit.textChanged.connect(self.emit_changed)
        self.paste_edit.textChanged.connect(self._read_pasted)
        self.sensitivity_combo.currentIndexChanged.connect(self._explain)
        self.sensitivity_combo.currentIndexChanged.connect(self.emit_changed)
        self._explain()

    def _explain(self, *_args) -> None:
        self.explanation.setText(names.sensitivity_explanation(self.sensitivity_combo.value()))

    def _read_pasted(self, text: str) -> None:
        """Fill latitude and longitude from coordinates typed or pasted in any form."""
        from tkapp.core.coordinates import CoordinatesError, parse_coordinates

        if not text.strip():
            self.paste_result.setText("")
            return
        try:
            latitude, longitude = parse_coordinates(text)
        except CoordinatesError as exc:
            messages = {
                "not_two": _("Not understood yet: a latitude and a longitude are needed."),
                "bad_minutes": _("Minutes and seconds must be less than 60."),
                "two_latitudes": _("Both values are marked N or S; one must be E or W."),
                "two_longitudes": _("Both values are marked E or W; one must be N or S."),
                "latitude_range": _("The latitude must be between -90 and 90."),
                "longitude_range": _("The longitude must be between -180 and 180."),
            }
            self.paste_result.setText(messages.get(exc.code, messages["not_two"]))
            return
        self.latitude_edit.setText(format_decimal_text(latitude))
        self.longitude_edit.setText(format_decimal_text(longitude))
        self.paste_result.setText(
            _("Read as latitude {latitude}, longitude {longitude}.").format(
                latitude=format_decimal_text(latitude), longitude=format_decimal_text(longitude)
            )
        )

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        p = rec.place
        self.locality_edit.setText(p.locality)
        self.latitude_edit.setText(format_decimal_text(p.latitude))
        self.longitude_edit.setText(format_decimal_text(p.longitude))
        self.uncertainty_edit.setText("" if p.uncertainty_m is None else str(p.uncertainty_m))
        self.sensitivity_combo.set_value(p.sensitivity)
        self._explain()

    def collect(self, rec: KnowledgeRecord) -> None:
        rec.place = Place(
            locality=self.locality_edit.text().strip(),
            latitude=parse_decimal_text(self.latitude_edit.text(), "latitude"),
            longitude=parse_decimal_text(self.longitude_edit.text(), "longitude"),
            uncertainty_m=parse_int_text(self.uncertainty_edit.text(), "uncertainty_m"),
            sensitivity=self.sensitivity_combo.value(),
        )

    def parse_errors(self) -> list:
        """Every number that cannot be read, so all of them are shown at once."""
        from tkapp.errors import ValidationError

        problems = []
        for text, name, parse in (
            (self.latitude_edit.text(), "latitude", parse_decimal_text),
            (self.longitude_edit.text(), "longitude", parse_decimal_text),
            (self.uncertainty_edit.text(), "uncertainty_m", parse_int_text),
        ):
            try:
                parse(text, name)
            except ValidationError as exc:
                problems.append(exc)
        return problems

    def state(self) -> tuple:
        return (
            self.locality_edit.text(),
            self.latitude_edit.text(),
            self.longitude_edit.text(),
            self.uncertainty_edit.text(),
            self.sensitivity_combo.value(),
            *super().state(),
        )


# -- Protocols and terms --------------------------------------------------------------------


#: Choices for a record's open licence (``KnowledgeRecord.open_licence``), in order.
OPEN_LICENCE_CHOICES: tuple[tuple[str, str], ...] = (
    ("", N_("Not for open publication")),
    ("CC-BY-4.0", N_("Open, with credit to the community (CC BY 4.0)")),
    ("CC-BY-NC-4.0", N_("Open, non-commercial, with credit (CC BY-NC 4.0)")),
    ("CC0-1.0", N_("Open, no conditions at all (CC0)")),
)


class ProtocolsPage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.access_combo = EnumCombo(AccessLevel, names.access_name)
        self.access_explanation = QLabel()
        self.access_explanation.setWordWrap(True)
        self.secret_note = QLabel(
            _(
                "Secret / sacred: this record never leaves the catalogue. It is left out of "
                "every export and every shared bundle."
            )
        )
        self.secret_note.setWordWrap(True)
        self.secret_note.setStyleSheet(
            "background: #fff1d6; border: 1px solid #c98a1b; border-radius: 4px; padding: 6px;"
            " color: #5a3800; font-weight: bold;"
        )
        self.secret_note.setObjectName("secret_note")
        self.group_edit = QLineEdit()
        self.group_edit.setAccessibleName(_("Restricted to"))
        self.group_edit.setPlaceholderText(_("e.g. women healers, the Gualinga family"))
        self.labels = LabelPicker()
        self.terms_combo = QComboBox()
        self.licence_combo = QComboBox()
        for code, name in OPEN_LICENCE_CHOICES:
            self.licence_combo.addItem(translate(name), code)
        self.licence_combo.setAccessibleName(_("Open publication"))
        self.licence_combo.setToolTip(
            _(
                "Only for knowledge the community wants to publish openly (GBIF, herbaria). "
                "It is published only if the record is public and its terms and labels allow "
                "that licence."
            )
        )
        self.consent_list = QListWidget()
        self.consent_list.setMaximumHeight(72)
        self.consent_list.setWordWrap(True)
        self.consent_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.consent_list.setAccessibleName(_("Consent records"))

        top = QWidget()
        form = QFormLayout(top)
        form.setContentsMargins(0, 0, 0, 0)
        access_row = QWidget()
        access_layout = QHBoxLayout(access_row)
        access_layout.setContentsMargins(0, 0, 0, 0)
        access_layout.addWidget(self.access_combo, 2)
        access_layout.addWidget(QLabel(_("Restricted to")))
        access_layout.addWidget(with_error(self.group_edit, self.error("restricted_group")), 3)
        access_layout.addWidget(HelpButton("access"))
        form.addRow(_("Access"), access_row)
        # The explanation and the secret / sacred note share one place (a stack as tall as
        # the taller of the two), so the label grid below never moves under the mouse when
        # the access level changes.
        self.access_explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.access_stack = QStackedWidget()
        self.access_stack.addWidget(self.access_explanation)
        self.access_stack.addWidget(self.secret_note)
        form.addRow("", self.access_stack)

        bottom = QWidget()
        bottom_row = QHBoxLayout(bottom)
        bottom_row.setContentsMargins(0, 0, 0, 0)
        terms_box = QFormLayout()
        terms_box.addRow(_("Terms"), with_help(self.terms_combo, "terms"))
        terms_box.addRow(_("Open publication"), self.licence_combo)
        bottom_row.addLayout(terms_box, 2)
        consent_box = QFormLayout()
        consent_box.addRow(_("Consent records"), with_help(self.consent_list, "consent"))
        bottom_row.addLayout(consent_box, 3)

        layout = QVBoxLayout(self)
        layout.addWidget(top)
        labels_help = QHBoxLayout()
        labels_help.addStretch(1)
        labels_help.addWidget(QLabel(_("What do the labels mean?")))
        labels_help.addWidget(HelpButton("labels"))
        layout.addLayout(labels_help)
        layout.addWidget(self.labels)
        layout.addWidget(self.error("labels"))
        layout.addWidget(bottom)
        layout.addStretch(1)

        self.access_combo.currentIndexChanged.connect(self._access_changed)
        self.access_combo.currentIndexChanged.connect(self.emit_changed)
        self.group_edit.textChanged.connect(self.emit_changed)
        self.labels.changed.connect(self.emit_changed)
        self.terms_combo.currentIndexChanged.connect(self.emit_changed)
        self.licence_combo.currentIndexChanged.connect(self.emit_changed)
        self.consent_list.itemChanged.connect(self.emit_changed)
        self._access_changed()

    def _access_changed(self, *_args) -> None:
        level = self.access_combo.value()
        self.access_explanation.setText(names.access_explanation(level))
        self.group_edit.setEnabled(level is AccessLevel.RESTRICTED)
        secret = level is AccessLevel.SECRET_SACRED
        self.access_stack.setCurrentWidget(self.secret_note if secret else self.access_explanation)

    def set_terms(self, terms_id: str, versions: Sequence[Any] = ()) -> None:
        self.terms_combo.blockSignals(True)
        self.terms_combo.clear()
        # Translators: the terms set chosen for the whole catalogue applies to this record.
        self.terms_combo.addItem(_("Catalogue default"), "")
        for info in versions:
            text = _("{name}, version {version}").format(
                name=terms_name(info.name), version=info.version
            )
            if info.is_default:
                text = _("{terms} (the default)").format(terms=text)
            self.terms_combo.addItem(text, info.id)
        if terms_id and self.terms_combo.findData(terms_id) < 0:
            # A version this catalogue no longer lists is kept as it is, never silently changed.
            self.terms_combo.addItem(_("Terms version {id}").format(id=terms_id[:8]), terms_id)
        self.terms_combo.setCurrentIndex(self.terms_combo.findData(terms_id))
        self.terms_combo.blockSignals(False)

    def set_consents(
        self, consents: Sequence[ConsentRecord], record_id: str, linked: Sequence[str]
    ) -> None:
        self.consent_list.blockSignals(True)
        self.consent_list.clear()
        for consent in consents:
            when = format_date(consent.granted_on) if consent.granted_on else _("date unknown")
            text = _("{granted_by}, {date} — {method}").format(
                granted_by=consent.granted_by,
                date=when,
                method=names.consent_method_name(consent.method),
            )
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, consent.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = consent.id in linked or (bool(record_id) and record_id in consent.record_ids)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.consent_list.addItem(item)
        if not consents:
            empty = QListWidgetItem(_("No consent records yet. Add them in the Consent section."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.consent_list.addItem(empty)
        self.consent_list.blockSignals(False)

    def consent_ids(self) -> list[str]:
        ids = []
        for i in range(self.consent_list.count()):
            item = self.consent_list.item(i)
            if item.data(ID_ROLE) and item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(ID_ROLE))
        return ids

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.access_combo.set_value(rec.access)
        self.group_edit.setText(rec.restricted_group)
        self.labels.set_labels(rec.labels)
        self.set_terms(rec.terms_id, data.terms)
        self.licence_combo.blockSignals(True)
        self.licence_combo.setCurrentIndex(max(0, self.licence_combo.findData(rec.open_licence)))
        self.licence_combo.blockSignals(False)
        stored = data.record is not None
        self.set_consents(data.consents, rec.id if stored else "", rec.consent_ids)
        self._access_changed()

    def collect(self, rec: KnowledgeRecord) -> None:
        rec.access = self.access_combo.value()
        rec.restricted_group = (
            self.group_edit.text().strip() if rec.access is AccessLevel.RESTRICTED else ""
        )
        rec.labels = self.labels.labels()
        rec.terms_id = self.terms_combo.currentData() or ""
        rec.open_licence = self.licence_combo.currentData() or ""
        rec.consent_ids = self.consent_ids()

    def state(self) -> tuple:
        return (
            self.access_combo.value(),
            self.group_edit.text(),
            tuple(self.labels.labels()),
            self.terms_combo.currentData(),
            self.licence_combo.currentData(),
            tuple(self.consent_ids()),
            *super().state(),
        )


# -- Media ----------------------------------------------------------------------------------


class MediaPage(Page):
    def __init__(self, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media = MediaListWidget(runner)
        row = QHBoxLayout()
        row.addWidget(
            hint(_("Photos, recordings and documents are stored encrypted inside the catalogue.")),
            1,
        )
        row.addWidget(QLabel(_("Media:")))
        row.addWidget(self.toggle("media"))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.media, 1)
        self.media.changed.connect(self.emit_changed)

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.media.set_people(data.persons)
        self.media.set_default_person_ids([h.person_id for h in rec.holders])
        self.media.load(record_id=rec.id if data.record is not None else "")

    def collect(self, rec: KnowledgeRecord) -> None:
        """Media are saved separately (:meth:`MediaListWidget.apply`)."""

    def state(self) -> tuple:
        return (self.media.state_key(), *super().state())
