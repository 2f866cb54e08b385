"""People: knowledge holders and contributors, their roles, consent and the deceased mark."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import PERSON_ROLES, ConsentStatus, Person, new_id
from tkapp.errors import ValidationError
from tkapp.i18n import _, names
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.entity_models import PersonTableModel
from tkapp.ui.records.entity_section import EntitySection, ListOp, SaveOp
from tkapp.ui.records.record_editor_widgets import (
    EnumCombo,
    FieldError,
    hint,
    show_error,
    with_error,
)


class PersonForm(QWidget):
    """The fields of one person."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("Name or pseudonym"))
        self.name_error = FieldError()
        self._id = new_id()
        self.role_boxes: dict[str, QCheckBox] = {}
        roles = QWidget()
        grid = QGridLayout(roles)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, code in enumerate(PERSON_ROLES):
            box = QCheckBox(names.role_name(code))
            self.role_boxes[code] = box
            grid.addWidget(box, i // 3, i % 3)
            box.toggled.connect(lambda _on: self.changed.emit())
        self.community_edit = QLineEdit()
        self.consent_combo = EnumCombo(ConsentStatus, names.consent_status_name)
        self.deceased_box = QCheckBox(_("This person has died"))
        self.deceased_box.setToolTip(
            _("Photos and recordings of this person are then covered by a content warning.")
        )
        self.anonymous_box = QCheckBox(_("Keep anonymous outside the catalogue"))
        self.anonymous_box.setToolTip(
            _("Outside the catalogue this person is shown only as \u201ca knowledge holder\u201d.")
        )
        self.contact_edit = QLineEdit()
        self.contact_edit.setToolTip(_("Private: never exported."))

        form = QFormLayout(self)
        form.addRow(_("Name"), with_error(self.name_edit, self.name_error))
        form.addRow(_("Roles"), roles)
        form.addRow(_("Community or family"), self.community_edit)
        form.addRow(_("Consent"), self.consent_combo)
        form.addRow("", self.deceased_box)
        form.addRow("", self.anonymous_box)
        form.addRow(_("Contact (private)"), self.contact_edit)
        form.addRow(hint(_("The contact is private and never leaves the catalogue.")))

        for edit in (self.name_edit, self.community_edit, self.contact_edit):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.consent_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.deceased_box.toggled.connect(lambda _on: self.changed.emit())
        self.anonymous_box.toggled.connect(lambda _on: self.changed.emit())

    def load(self, person: Person | None) -> None:
        p = person or Person(name="")
        self.name_edit.setText(p.name)
        for code, box in self.role_boxes.items():
            box.setChecked(code in p.roles)
        self.community_edit.setText(p.community)
        self.consent_combo.set_value(p.consent_status)
        self.deceased_box.setChecked(p.deceased)
        self.anonymous_box.setChecked(p.anonymous_outside)
        self.contact_edit.setText(p.contact)
        self._id = p.id

    def collect(self) -> Person:
        return Person(
            name=self.name_edit.text().strip(),
            id=self._id,
            roles=[code for code, box in self.role_boxes.items() if box.isChecked()],
            community=self.community_edit.text().strip(),
            consent_status=self.consent_combo.value(),
            deceased=self.deceased_box.isChecked(),
            anonymous_outside=self.anonymous_box.isChecked(),
            contact=self.contact_edit.text().strip(),
        )

    def state(self) -> tuple[object, ...]:
        p = self.collect()
        return (
            p.name,
            tuple(p.roles),
            p.community,
            p.consent_status,
            p.deceased,
            p.anonymous_outside,
            p.contact,
        )

    def show_validation(self, error: ValidationError) -> bool:
        if error.params.get("field") == "name":
            self.name_error.show_message(names.problem_text(error.detail))
            return True
        return False

    def clear_validation(self) -> None:
        self.name_error.clear_message()


class NewPersonDialog(QDialog):
    """Add a person without leaving the record editor; stored at once with ``add_person``."""

    def __init__(
        self, runner: Runner, parent: QWidget | None = None, *, name_hint: str = ""
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.person: Person | None = None
        self.setWindowTitle(_("New person"))
        self.form = PersonForm()
        self.form.load(Person(name=name_hint))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        self.form.clear_validation()
        person = self.form.collect()
        try:
            person.validate()
        except ValidationError as exc:
            if not self.form.show_validation(exc):
                show_error(self, exc)
            return
        self.buttons.setEnabled(False)
        self._runner.run(
            lambda cat: cat.add_person(person), self._saved, self._failed, context=self
        )

    def _saved(self, person: Person) -> None:
        self.person = person
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc)


class PeopleSection(EntitySection):
    """The list of people with an editor beside it."""

    title_text = ""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        self.title_text = _("Knowledge holders")
        self.new_text = _("New person")
        self.search_text = _("Search people by name")
        super().__init__(runner, parent)

    def make_model(self) -> PersonTableModel:
        return PersonTableModel([], self)

    def make_form(self) -> QWidget:
        self.person_form = PersonForm()
        self.person_form.changed.connect(self.form_changed)
        return self.person_form

    def list_op(self, query: str) -> ListOp:
        return lambda cat: cat.list_persons(query)

    def load_form(self, entry: Any) -> None:
        self.person_form.load(entry)

    def collect(self) -> Person:
        return self.person_form.collect()

    def form_state(self) -> Any:
        return self.person_form.state()

    def save_op(self, entry: Person, is_new: bool) -> SaveOp:
        if is_new:
            return lambda cat: cat.add_person(entry)
        return lambda cat: cat.update_person(entry)

    def show_validation(self, error: ValidationError) -> bool:
        return self.person_form.show_validation(error)

    def clear_validation(self) -> None:
        self.person_form.clear_validation()

    def count_text(self, n: int) -> str:
        from tkapp.i18n import ngettext

        return ngettext("{n} person", "{n} people", n).format(n=n)


__all__ = ["NewPersonDialog", "PeopleSection", "PersonForm"]
