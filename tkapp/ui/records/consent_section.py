"""Consent: prior informed consent records (PIC/MAT) with their evidence media.

A consent record says who granted what, when, how (assembly minutes, a signed form, an oral
recording), for which records, purposes and users, until when. The evidence (a photo of the
signed *acta*, the recording of the assembly) is stored encrypted with the consent record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import ConsentMethod, ConsentRecord, ConsentStatus, Person, new_id
from tkapp.errors import ValidationError
from tkapp.i18n import _, names, ngettext
from tkapp.ui.common.help import with_help
from tkapp.ui.common.table_model import ID_ROLE
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.entity_models import ConsentTableModel
from tkapp.ui.records.entity_section import EntitySection, ListOp, SaveOp
from tkapp.ui.records.media_list import MediaListWidget
from tkapp.ui.records.record_editor_widgets import (
    ConfidentialToggle,
    DateField,
    EnumCombo,
    FieldError,
    hint,
    show_error,
    with_error,
)

#: Most records listed for linking in one consent record's editor.
MAX_RECORD_CHOICES = 2000

#: Consent fields that may be kept confidential (never exported).
CONSENT_CONFIDENTIAL_FIELDS: tuple[str, ...] = ("person_ids", "notes")


def _checklist(height: int = 110) -> QListWidget:
    box = QListWidget()
    box.setMaximumHeight(height)
    return box


def _fill_checklist(box: QListWidget, choices: list[tuple[str, str]], checked: set[str]) -> None:
    box.blockSignals(True)
    box.clear()
    for key, text in choices:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
        box.addItem(item)
    box.blockSignals(False)


def _checked(box: QListWidget) -> list[str]:
    return [
        box.item(i).data(ID_ROLE)
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked
    ]


class ConsentForm(QWidget):
    """Every field of one consent record, and its evidence media."""

    def __init__(
        self, runner: Runner, on_change: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._id = new_id()
        self._people: list[Person] = []
        self._records: list[tuple[str, str]] = []
        self.granted_by_edit = QLineEdit()
        self.granted_by_edit.setPlaceholderText(_("e.g. Community assembly of Sarayaku"))
        self.granted_by_error = FieldError()
        self.granted_on = DateField()
        self.method_combo = EnumCombo(ConsentMethod, names.consent_method_name)
        self.status_combo = EnumCombo(ConsentStatus, names.consent_status_name)
        self.people_list = _checklist()
        self.records_list = _checklist(130)
        self.records_error = FieldError()
        self.purpose_boxes: dict[str, QCheckBox] = {}
        self.class_boxes: dict[str, QCheckBox] = {}
        purposes = QGroupBox(_("Purposes consented to"))
        grid = QGridLayout(purposes)
        for i, code in enumerate(names.PURPOSE_CODES):
            box = QCheckBox(names.purpose_name(code))
            self.purpose_boxes[code] = box
            grid.addWidget(box, i // 3, i % 3)
        classes = QGroupBox(_("Who may use it"))
        grid = QGridLayout(classes)
        for i, code in enumerate(names.USER_CLASS_CODES):
            box = QCheckBox(names.user_class_name(code))
            self.class_boxes[code] = box
            grid.addWidget(box, i // 2, i % 2)
        self.terms_combo = QComboBox()
        self.expires = DateField(known_text=_("Has an end date"))
        self.expires_error = FieldError()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(80)
        self.toggles = {name: ConfidentialToggle(name) for name in CONSENT_CONFIDENTIAL_FIELDS}
        self.evidence = MediaListWidget(runner)
        self.evidence.setMinimumHeight(260)

        form = QFormLayout()
        form.addRow(
            _("Granted by"),
            with_help(with_error(self.granted_by_edit, self.granted_by_error), "consent"),
        )
        form.addRow(_("Date"), self.granted_on)
        form.addRow(_("How"), self.method_combo)
        form.addRow(_("Consent status"), self.status_combo)
        form.addRow(
            _("People who gave consent"),
            with_error(self.people_list, FieldError(), self.toggles["person_ids"]),
        )
        form.addRow(_("Records covered"), with_error(self.records_list, self.records_error))
        form.addRow(_("Agreed terms"), with_help(self.terms_combo, "terms"))
        form.addRow(_("Ends on"), with_error(self.expires, self.expires_error))
        form.addRow(_("Notes"), with_error(self.notes_edit, FieldError(), self.toggles["notes"]))
        evidence = QGroupBox(_("Evidence: photo of the signed acta, recording of the assembly…"))
        evidence_layout = QVBoxLayout(evidence)
        evidence_layout.addWidget(self.evidence)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(purposes)
        layout.addWidget(classes)
        layout.addWidget(evidence, 1)
        layout.addWidget(hint(_("Evidence files are stored encrypted inside the catalogue.")))

        self.granted_by_edit.textChanged.connect(lambda _t: on_change())
        self.granted_on.changed.connect(on_change)
        self.expires.changed.connect(on_change)
        self.method_combo.currentIndexChanged.connect(lambda _i: on_change())
        self.status_combo.currentIndexChanged.connect(lambda _i: on_change())
        self.people_list.itemChanged.connect(lambda _i: on_change())
        self.records_list.itemChanged.connect(lambda _i: on_change())
        self.terms_combo.currentIndexChanged.connect(lambda _i: on_change())
        self.notes_edit.textChanged.connect(on_change)
        boxes: list[QAbstractButton] = [
            *self.purpose_boxes.values(),
            *self.class_boxes.values(),
            *self.toggles.values(),
        ]
        for button in boxes:
            button.toggled.connect(lambda _on: on_change())
        self.evidence.changed.connect(on_change)

    def set_choices(self, people: list[Person], records: list[tuple[str, str]]) -> None:
        self._people = people
        self._records = records
        self.evidence.set_people(people)

    def load(self, consent: ConsentRecord | None) -> None:
        c = consent or ConsentRecord(granted_by="")
        self._id = c.id
        self.granted_by_edit.setText(c.granted_by)
        self.granted_on.set_value(c.granted_on)
        self.method_combo.set_value(c.method)
        self.status_combo.set_value(c.status)
        people = [(p.id, p.name) for p in self._people]
        known = {key for key, _t in people}
        people += [(pid, _("(unknown person)")) for pid in c.person_ids if pid not in known]
        _fill_checklist(self.people_list, people, set(c.person_ids))
        records = list(self._records)
        known = {key for key, _t in records}
        records += [(rid, _("(record not listed)")) for rid in c.record_ids if rid not in known]
        _fill_checklist(self.records_list, records, set(c.record_ids))
        for code, box in self.purpose_boxes.items():
            box.setChecked(code in c.purposes)
        for code, box in self.class_boxes.items():
            box.setChecked(code in c.user_classes)
        self.terms_combo.blockSignals(True)
        self.terms_combo.clear()
        self.terms_combo.addItem(_("Catalogue default"), "")
        if c.terms_id:
            self.terms_combo.addItem(_("Terms version {id}").format(id=c.terms_id[:8]), c.terms_id)
        self.terms_combo.setCurrentIndex(self.terms_combo.findData(c.terms_id))
        self.terms_combo.blockSignals(False)
        self.expires.set_value(c.expires)
        self.notes_edit.setPlainText(c.notes)
        for name, toggle in self.toggles.items():
            toggle.setChecked(name in c.confidential)
        self.evidence.set_default_person_ids(c.person_ids)
        self.evidence.load(consent_id=c.id if consent is not None else "")

    def collect(self) -> ConsentRecord:
        return ConsentRecord(
            granted_by=self.granted_by_edit.text().strip(),
            id=self._id,
            record_ids=_checked(self.records_list),
            person_ids=_checked(self.people_list),
            granted_on=self.granted_on.value(),
            method=self.method_combo.value(),
            status=self.status_combo.value(),
            purposes=[c for c, b in self.purpose_boxes.items() if b.isChecked()],
            user_classes=[c for c, b in self.class_boxes.items() if b.isChecked()],
            terms_id=self.terms_combo.currentData() or "",
            expires=self.expires.value(),
            confidential={n for n, t in self.toggles.items() if t.isChecked()},
            notes=self.notes_edit.toPlainText().strip(),
        )


class ConsentSection(EntitySection):
    """The list of consent records with an editor beside it."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        self.title_text = _("Consent")
        self.new_text = _("New consent record")
        self.search_text = _("Search by who granted it")
        super().__init__(runner, parent)

    def make_model(self) -> ConsentTableModel:
        return ConsentTableModel([], self)

    def make_form(self) -> QWidget:
        self.consent_form = ConsentForm(self._runner, self.form_changed)
        return self.consent_form

    def list_op(self, query: str) -> ListOp:
        folded = query.casefold()

        def op(cat: Catalogue) -> list[ConsentRecord]:
            consents = cat.list_consents(None)
            if folded:
                consents = [c for c in consents if folded in c.granted_by.casefold()]
            return consents

        return op

    def refresh(self) -> None:
        """Reload the people and records to choose from, then the list."""

        def choices(cat: Catalogue) -> tuple[list[Person], list[tuple[str, str]]]:
            ids = cat.search_ids("")[:MAX_RECORD_CHOICES]
            summaries = cat.summaries(ids)
            return cat.list_persons(""), [(s.id, s.title) for s in summaries]

        def got(result: tuple[list[Person], list[tuple[str, str]]]) -> None:
            self.consent_form.set_choices(*result)
            if not self.has_unsaved_changes():
                self._show_entry(self._current, editing=self._editing)
            EntitySection.refresh(self)

        self._runner.run(choices, got, lambda exc: show_error(self, exc), context=self)

    def load_form(self, entry: Any) -> None:
        self.consent_form.load(entry)

    def collect(self) -> ConsentRecord:
        return self.consent_form.collect()

    def form_state(self) -> Any:
        c = self.consent_form.collect()
        return (
            c.granted_by,
            tuple(c.record_ids),
            tuple(c.person_ids),
            c.granted_on,
            c.method,
            c.status,
            tuple(c.purposes),
            tuple(c.user_classes),
            c.terms_id,
            c.expires,
            tuple(sorted(c.confidential)),
            c.notes,
            # Not the list itself: it arrives after the form, and its arrival is no edit.
            self.consent_form.evidence.has_changes(),
            self.consent_form.evidence.state_key()
            if self.consent_form.evidence.has_changes()
            else (),
        )

    def save_op(self, entry: ConsentRecord, is_new: bool) -> SaveOp:
        if is_new:
            return lambda cat: cat.add_consent(entry)
        return lambda cat: cat.update_consent(entry)

    def after_save(self, entry: ConsentRecord, done: Callable[[], None]) -> None:
        evidence = self.consent_form.evidence
        if not evidence.has_changes():
            done()
            return
        self.status_label.setText(_("Storing the evidence files…"))

        def failed(exc: BaseException) -> None:
            show_error(self, exc)
            done()

        evidence.apply(consent_id=entry.id, on_done=lambda _m: done(), on_error=failed)

    def show_validation(self, error: ValidationError) -> bool:
        name = error.params.get("field")
        target = {
            "granted_by": self.consent_form.granted_by_error,
            "expires": self.consent_form.expires_error,
            "record_ids": self.consent_form.records_error,
        }.get(str(name))
        if target is None:
            return False
        target.show_message(names.problem_text(error.detail))
        return True

    def clear_validation(self) -> None:
        for label in (
            self.consent_form.granted_by_error,
            self.consent_form.expires_error,
            self.consent_form.records_error,
        ):
            label.clear_message()

    def count_text(self, n: int) -> str:
        return ngettext("{n} consent record", "{n} consent records", n).format(n=n)
