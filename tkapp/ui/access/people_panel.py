"""The People & access section: who uses the catalogue, their role and protocol groups.

Everyone sees the list; custodians add people, change roles and groups and remove people
(the services decide, :mod:`tkapp.services.permissions`; buttons only mirror it). Everyone
changes their own passphrase here. Every change runs on the serial worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.users import CUSTODIANS_GROUP, Role, User
from tkapp.i18n import _
from tkapp.ui.common.dialogs import bad_color, error_text, set_text_color, window_title
from tkapp.ui.common.passphrase_widgets import PassphraseEdit
from tkapp.ui.common.worker import Runner

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue


def role_text(role: Role) -> str:
    return {
        Role.CUSTODIAN: _("Custodian"),
        Role.MEMBER: _("Member"),
        Role.VIEWER: _("Viewer"),
    }[Role(role)]


def groups_from_text(text: str) -> list[str]:
    return [g.strip() for g in text.split(",") if g.strip()]


@dataclass(frozen=True)
class AccessInfo:
    me: User | None
    people: list[User]


def group_label(group: str) -> str:
    """A protocol group as people read it: the custodians' own group in their language."""
    # Translators: the protocol group of all custodians (who hold secret/sacred material).
    return _("custodians") if group == CUSTODIANS_GROUP else group


def load_access(cat: Catalogue) -> AccessInfo:
    return AccessInfo(cat.user, cat.people().everyone() if cat.user is not None else [])


class PersonDialog(QDialog):
    """Add a person (name, role, groups, their passphrase twice) or change role and groups."""

    def __init__(self, parent: QWidget | None, person: User | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("person-dialog")
        adding = person is None
        self.setWindowTitle(window_title(_("Add a person") if adding else _("Role and groups")))
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("A name or a pseudonym"))
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(role_text(role), str(role))
        self.groups = QLineEdit(self)
        self.groups.setPlaceholderText(_("for example: midwives, healers"))
        self.passphrase = PassphraseEdit(_("Their passphrase"), self)
        self.again = PassphraseEdit(_("Their passphrase again"), self)
        explain = QLabel(
            _(
                "Custodians do everything (terms, sharing, people). Members read what their "
                "groups allow and add and edit drafts. Viewers read what their groups allow. "
                "The name is shown to everyone who opens the catalogue, and is visible in "
                "its keys file: a pseudonym is fine."
            ),
            self,
        )
        explain.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_text_color(self.error, bad_color(self.palette()))
        self.error.setVisible(False)
        form = QFormLayout()
        if adding:
            form.addRow(_("Name:"), self.name)
        form.addRow(_("Role:"), self.role)
        form.addRow(_("Protocol groups:"), self.groups)
        if adding:
            form.addRow(_("Passphrase:"), self.passphrase)
            form.addRow(_("Again:"), self.again)
        else:
            self.passphrase.setVisible(False)
            self.again.setVisible(False)
            self.name.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            _("Add") if adding else _("Save")
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(explain)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(buttons)
        if person is not None:
            self.role.setCurrentIndex(self.role.findData(str(person.role)))
            self.groups.setText(
                ", ".join(sorted(g for g in person.groups if g != CUSTODIANS_GROUP))
            )
        self.setMinimumWidth(520)

    def chosen_role(self) -> Role:
        return Role(str(self.role.currentData()))

    def _check(self) -> None:
        self.error.setVisible(False)
        if self.name.isVisible() and not self.name.text().strip():
            self._say(_("Type the person's name."))
        elif self.passphrase.isVisible() and not self.passphrase.text():
            self._say(_("Type their passphrase (they may type it themselves)."))
        elif self.passphrase.isVisible() and self.passphrase.text() != self.again.text():
            self._say(_("The two passphrases are different."))
        else:
            self.accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)


class PassphraseDialog(QDialog):
    """Change my own passphrase (typed twice); only my key slot changes."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("my-passphrase-dialog")
        self.setWindowTitle(window_title(_("Change my passphrase")))
        self.passphrase = PassphraseEdit(_("New passphrase"), self)
        self.again = PassphraseEdit(_("New passphrase again"), self)
        explain = QLabel(
            _(
                "Only your own passphrase changes; everyone else keeps theirs. Old backups "
                "still open with your old passphrase."
            ),
            self,
        )
        explain.setWordWrap(True)
        self.error = QLabel(self)
        set_text_color(self.error, bad_color(self.palette()))
        self.error.setVisible(False)
        form = QFormLayout()
        form.addRow(_("New passphrase:"), self.passphrase)
        form.addRow(_("Again:"), self.again)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(explain)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(buttons)
        self.setMinimumWidth(480)

    def _check(self) -> None:
        if not self.passphrase.text() or self.passphrase.text() != self.again.text():
            self.error.setText(_("The two passphrases are different."))
            self.error.setVisible(True)
        else:
            self.accept()


class AccessSection(QWidget):
    """People & access: the list, and the changes the unlocked person may make."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("access-section")
        self.runner = runner
        self.info = AccessInfo(None, [])
        heading = QLabel(_("People & access"), self)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        heading.setFont(font)
        self.me = QLabel(self)
        self.me.setWordWrap(True)
        explain = QLabel(
            _(
                "Each person opens the catalogue with their own passphrase. Records restricted "
                "to a protocol group can be read only by that group's members; what is secret "
                "or sacred, only by custodians. This protects against someone who copies the "
                "file, not against a member who copies what they may read."
            ),
            self,
        )
        explain.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("Name"), _("Role"), _("Protocol groups")])
        self.table.setAccessibleName(_("People who use this catalogue"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(_("Add a person…"), self)
        self.add_button.clicked.connect(self.add_person)
        self.edit_button = QPushButton(_("Role and groups…"), self)
        self.edit_button.clicked.connect(self.edit_person)
        self.remove_button = QPushButton(_("Remove…"), self)
        self.remove_button.clicked.connect(self.remove_person)
        self.passwd_button = QPushButton(_("Change my passphrase…"), self)
        self.passwd_button.clicked.connect(self.change_my_passphrase)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.passwd_button)
        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addWidget(self.me)
        column.addWidget(explain)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        column.addWidget(self.status)
        self._update_buttons()

    # --- data -------------------------------------------------------------------------

    def refresh(self) -> None:
        self.runner.run(load_access, self._show, self._failed, context=self)

    def _show(self, info: AccessInfo) -> None:
        self.info = info
        me = info.me
        self.me.setText(
            _("You are {name} ({role}).").format(name=me.name, role=role_text(me.role))
            if me is not None
            else ""
        )
        self.table.setRowCount(len(info.people))
        for row, person in enumerate(info.people):
            groups = ", ".join(sorted(group_label(g) for g in person.groups)) or _("(no groups)")
            for col, text in enumerate((person.name, role_text(person.role), groups)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                self.table.setItem(row, col, item)
        self._update_buttons()

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        if item is None:
            return None
        person_id = item.data(Qt.ItemDataRole.UserRole)
        return next((p for p in self.info.people if p.id == person_id), None)

    def _is_custodian(self) -> bool:
        return self.info.me is not None and self.info.me.role == Role.CUSTODIAN

    def _update_buttons(self) -> None:
        custodian = self._is_custodian()
        chosen = self.selected() is not None
        self.add_button.setEnabled(custodian)
        self.edit_button.setEnabled(custodian and chosen)
        self.remove_button.setEnabled(custodian and chosen)
        self.passwd_button.setEnabled(self.info.me is not None)

    # --- changes ----------------------------------------------------------------------

    def _change(self, op: Any, done: str) -> None:
        def finished(_result: object) -> None:
            self.status.setText(done)
            self.refresh()

        self.status.setText(_("Saving…"))
        self.runner.run(op, finished, self._failed, context=self)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def add_person(self) -> None:
        dialog = PersonDialog(self)
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self._add_from(dialog))
        dialog.open()

    def _add_from(self, dialog: PersonDialog) -> None:
        name, role = dialog.name.text().strip(), dialog.chosen_role()
        groups, passphrase = groups_from_text(dialog.groups.text()), dialog.passphrase.text()
        self._change(
            lambda cat: cat.people().add(name, role, groups, passphrase),
            _("{name} was added.").format(name=name),
        )

    def edit_person(self) -> None:
        person = self.selected()
        if person is None:
            return
        dialog = PersonDialog(self, person)
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self._edit_from(dialog, person))
        dialog.open()

    def _edit_from(self, dialog: PersonDialog, person: User) -> None:
        role, groups = dialog.chosen_role(), groups_from_text(dialog.groups.text())

        def op(cat: Catalogue) -> None:
            people = cat.people()
            people.set_role(person.id, role)
            people.set_groups(person.id, groups)

        self._change(op, _("{name} was changed.").format(name=person.name))

    def remove_person(self) -> None:
        person = self.selected()
        if person is None:
            return
        dialog = RemoveDialog(self, person)
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self._remove(person, dialog.rotate.isChecked()))
        dialog.open()

    def _remove(self, person: User, rotate: bool) -> None:
        def op(cat: Catalogue) -> None:
            people = cat.people()
            people.remove(person.id)
            if rotate:
                people.rotate_database_key()

        self._change(op, _("{name} was removed.").format(name=person.name))

    def change_my_passphrase(self) -> None:
        dialog = PassphraseDialog(self)
        dialog.setModal(True)
        dialog.accepted.connect(lambda: self._passwd(dialog.passphrase.text()))
        dialog.open()

    def _passwd(self, new: str) -> None:
        self._change(lambda cat: cat.change_passphrase(new), _("Your passphrase was changed."))


class RemoveDialog(QDialog):
    """Confirm a removal; offers to change the database key too (recommended)."""

    def __init__(self, parent: QWidget | None, person: User) -> None:
        super().__init__(parent)
        self.setObjectName("remove-person-dialog")
        self.setWindowTitle(window_title(_("Remove a person")))
        text = QLabel(
            _(
                "Remove {name}? They will no longer open this catalogue, and each protocol "
                "group they were in gets a new key."
            ).format(name=person.name),
            self,
        )
        text.setWordWrap(True)
        self.rotate = QCheckBox(
            _("Also change the catalogue's database key (if they may have a copy of it)"), self
        )
        self.rotate.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Remove"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(text)
        column.addWidget(self.rotate)
        column.addWidget(buttons)
        self.setMinimumWidth(480)
