"""The export wizard's first pages: which records, and who receives them for what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from tkapp.core.model import Recipient
from tkapp.errors import KeyFormatError, ValidationError
from tkapp.i18n import _, names, ngettext
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import sharing
from tkapp.services.types import AgeRecipient
from tkapp.ui.common.dialogs import set_text_color, warning_color
from tkapp.ui.sharing.export_pages_base import Scope

if TYPE_CHECKING:
    from tkapp.ui.sharing.export_wizard import ExportWizard


class RecordsPage(QWizardPage):
    """Which records: the selection, the result of a search, or every record."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Which records to share"))
        self.setSubTitle(
            _(
                "Choose the records to consider. The next pages show which of them may go "
                "to the recipient under your terms; the others stay in the catalogue."
            )
        )
        selected = list(wizard.record_ids or [])
        self.selected = QRadioButton(
            ngettext(
                "The {n} record you selected", "The {n} records you selected", len(selected)
            ).format(n=len(selected)),
            self,
        )
        self.search = QRadioButton(_("Records found by a search:"), self)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(_("Words to look for, e.g. a plant or a use"))
        self.query.setAccessibleName(_("Search words"))
        self.every = QRadioButton(_("Every record in the catalogue"), self)
        self.group = QButtonGroup(self)
        for scope, button in (
            (Scope.SELECTED, self.selected),
            (Scope.SEARCH, self.search),
            (Scope.ALL, self.every),
        ):
            self.group.addButton(button, int(scope))
        self.count = QLabel(self)
        self.count.setWordWrap(True)
        self.count.setAccessibleName(_("How many records"))
        self._ids: list[str] | None = None
        self._known = False
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._count)

        box = QVBoxLayout(self)
        box.addWidget(self.selected)
        row = QHBoxLayout()
        row.addWidget(self.search)
        row.addWidget(self.query, 1)
        box.addLayout(row)
        box.addWidget(self.every)
        box.addSpacing(12)
        box.addWidget(self.count)
        box.addStretch(1)

        self.selected.setVisible(bool(selected))
        (self.selected if selected else self.every).setChecked(True)
        self.group.idToggled.connect(self._scope_toggled)
        self.query.textChanged.connect(self._query_edited)

    def scope(self) -> Scope:
        return Scope(self.group.checkedId())

    def initializePage(self) -> None:
        self._changed()

    def _query_edited(self, _text: str) -> None:
        if not self.search.isChecked():
            self.search.setChecked(True)  # toggles -> _changed
        else:
            self._changed()

    def _scope_toggled(self, _id: int, on: bool) -> None:
        if on:
            self._changed()

    def _changed(self) -> None:
        self._known = False
        self.count.setText(_("Counting…"))
        self.completeChanged.emit()
        self._timer.start(0 if self.scope() is not Scope.SEARCH else 300)

    def _count(self) -> None:
        scope = self.scope()
        self._generation += 1
        generation = self._generation
        if scope is Scope.SELECTED:
            self._ids = list(self.wiz.record_ids or [])
            self._show_count(len(self._ids))
            return
        query = self.query.text().strip() if scope is Scope.SEARCH else ""

        def done(ids: list[str]) -> None:
            if generation != self._generation:
                return
            self._ids = ids if scope is Scope.SEARCH else None
            self._show_count(len(ids))

        self.wiz.runner.run(lambda cat: cat.search_ids(query), done, self.wiz.failed, context=self)

    def _show_count(self, n: int) -> None:
        self._known = n > 0
        if n:
            self.count.setText(
                ngettext(
                    "{n} record will be considered.", "{n} records will be considered.", n
                ).format(n=n)
            )
        else:
            self.count.setText(_("No record matches. Choose other records."))
        self.completeChanged.emit()

    def record_ids(self) -> list[str] | None:
        """The chosen ids (None: every record)."""
        return None if self.scope() is Scope.ALL else list(self._ids or [])

    def isComplete(self) -> bool:
        return self._known and not self._timer.isActive()


class RecipientPage(QWizardPage):
    """Who receives the bundle (address book or someone new) and what for."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Who receives the records, and what for"))
        self.setSubTitle(
            _(
                "Your terms say what each kind of user may do. Choose the recipient carefully: "
                "the plan on the next page depends on it."
            )
        )
        self.book_choice = QRadioButton(_("Someone in your address book:"), self)
        self.book = QComboBox(self)
        self.book.setAccessibleName(_("Address book"))
        self.book_class = QLabel(self)
        self.book_class.setWordWrap(True)
        self.new_choice = QRadioButton(_("Someone new:"), self)
        self.group = QButtonGroup(self)
        self.group.addButton(self.book_choice, 0)
        self.group.addButton(self.new_choice, 1)

        self.name = QLineEdit(self)
        self.name.setAccessibleName(_("Name"))
        self.organisation = QLineEdit(self)
        self.organisation.setAccessibleName(_("Organisation"))
        self.user_class = QComboBox(self)
        self.user_class.setAccessibleName(_("Kind of user"))
        for member in UserClass:
            self.user_class.addItem(names.user_class_name(member.value), member.value)
        self.user_class.setCurrentIndex(list(UserClass).index(UserClass.PUBLIC_RESEARCH))
        self.contact = QLineEdit(self)
        self.contact.setAccessibleName(_("Contact"))
        self.age_key = QLineEdit(self)
        self.age_key.setPlaceholderText("age1…")
        self.age_key.setAccessibleName(_("age public key (optional)"))
        self.save = QCheckBox(_("Save in the address book"), self)
        self.save.setChecked(True)
        self.new_form = QWidget(self)
        form = QFormLayout(self.new_form)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow(_("Name:"), self.name)
        form.addRow(_("Organisation:"), self.organisation)
        form.addRow(_("Kind of user:"), self.user_class)
        form.addRow(_("Contact:"), self.contact)
        form.addRow(_("age public key (optional):"), self.age_key)
        form.addRow("", self.save)

        self.purpose = QComboBox(self)
        self.purpose.setAccessibleName(_("Purpose"))
        for purpose in Purpose:
            self.purpose.addItem(names.purpose_name(purpose.value), purpose.value)
        self.purpose.setCurrentIndex(list(Purpose).index(Purpose.RESEARCH))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_text_color(self.error, warning_color(self.palette()))
        self.error.hide()

        box = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.book_choice)
        row.addWidget(self.book, 1)
        box.addLayout(row)
        box.addWidget(self.book_class)
        box.addWidget(self.new_choice)
        box.addWidget(self.new_form)
        purpose_row = QFormLayout()
        purpose_row.addRow(_("What will they use the records for?"), self.purpose)
        box.addSpacing(8)
        box.addLayout(purpose_row)
        box.addWidget(self.error)
        box.addStretch(1)

        self._recipients: list[Recipient] = []
        self.new_choice.setChecked(True)
        self.group.idToggled.connect(lambda _id, _on: self._update())
        self.name.textChanged.connect(lambda _t: self._update())
        self.book.currentIndexChanged.connect(lambda _i: self._update())
        self._loaded = False
        self._got = False

    def initializePage(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        self.wiz.runner.run(
            sharing.list_recipients, self._got_recipients, self.wiz.failed, context=self
        )
        self._update()

    def _got_recipients(self, recipients: list[Recipient]) -> None:
        self._got = True
        self._recipients = sorted(recipients, key=lambda r: r.name.casefold())
        self.book.clear()
        for recipient in self._recipients:
            text = recipient.name
            if recipient.organisation:
                text = _("{name} ({organisation})").format(
                    name=recipient.name, organisation=recipient.organisation
                )
            self.book.addItem(text, recipient.id)
        has = bool(self._recipients)
        self.book_choice.setEnabled(has)
        self.book.setEnabled(has)
        if has:
            self.book_choice.setChecked(True)
        self._update()

    def use_address_book(self, name: str) -> bool:
        """Choose the address-book entry called ``name`` (tests, and the ledger's "again")."""
        for index, recipient in enumerate(self._recipients):
            if recipient.name == name:
                self.book_choice.setChecked(True)
                self.book.setCurrentIndex(index)
                return True
        return False

    def loaded(self) -> bool:
        """True once the address book arrived from the worker."""
        return self._got

    def _update(self) -> None:
        from_book = self.book_choice.isChecked()
        self.book.setEnabled(from_book and bool(self._recipients))
        self.new_form.setEnabled(not from_book)
        chosen = self._book_recipient()
        if from_book and chosen is not None:
            self.book_class.setText(
                _("Kind of user: {kind}").format(kind=names.user_class_name(chosen.user_class))
            )
            self.book_class.show()
        else:
            self.book_class.hide()
        self.error.hide()
        self.completeChanged.emit()

    def _book_recipient(self) -> Recipient | None:
        index = self.book.currentIndex()
        return self._recipients[index] if 0 <= index < len(self._recipients) else None

    def isComplete(self) -> bool:
        if self.book_choice.isChecked():
            return self._book_recipient() is not None
        return bool(self.name.text().strip())

    def recipient(self) -> Recipient:
        """The chosen or new recipient (not yet checked)."""
        if self.book_choice.isChecked():
            chosen = self._book_recipient()
            assert chosen is not None
            return chosen
        return Recipient(
            name=self.name.text().strip(),
            organisation=self.organisation.text().strip(),
            user_class=str(self.user_class.currentData()),
            contact=self.contact.text().strip(),
            age_recipient=self.age_key.text().strip(),
        )

    def purpose_code(self) -> str:
        return str(self.purpose.currentData())

    def save_new(self) -> bool:
        return self.new_choice.isChecked() and self.save.isChecked()

    def validatePage(self) -> bool:
        recipient = self.recipient()
        try:
            recipient.validate()
            if recipient.age_recipient:
                AgeRecipient.from_string(recipient.age_recipient)
        except (ValidationError, KeyFormatError, ValueError) as exc:
            field_name = getattr(exc, "params", {}).get("field", "")
            if field_name == "age_recipient" or isinstance(exc, KeyFormatError | ValueError):
                text = _(
                    "This age public key is not right: it starts with age1 and has 62 "
                    "letters and digits. Leave it empty to send the bundle unencrypted."
                )
            else:
                text = _("Write the recipient's name.")
            self.error.setText(text)
            self.error.show()
            return False
        self.wiz.recipient = recipient
        self.wiz.purpose = self.purpose_code()
        self.wiz.save_recipient = self.save_new()
        return True
