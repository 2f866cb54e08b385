"""The details of the selected media item: caption, creator, date, language, content warning
and the people shown or heard, with the "Show anyway" choice for covered media."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Media, Person
from tkapp.i18n import _, names
from tkapp.ui.records.entity_models import ID_ROLE, size_text
from tkapp.ui.records.media_entries import MediaEntry
from tkapp.ui.records.record_editor_widgets import DateField, LanguageCombo, heading


class MediaDetailsPanel(QWidget):
    """Shows one :class:`MediaEntry` and writes the custodian's edits back into its media.

    ``edited`` fires after an edit was written into the entry's media (not while showing).
    ``warning_for`` is the list's one rule for why an item is covered.
    """

    edited = Signal()

    def __init__(
        self, warning_for: Callable[[MediaEntry], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._warning_for = warning_for
        self._entry: MediaEntry | None = None
        self._updating = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        layout.addLayout(form)
        layout.addStretch(1)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.caption_edit = QLineEdit()
        self.creator_edit = QLineEdit()
        self.date_field = DateField()
        self.language_edit = LanguageCombo()
        self.language_edit.setAccessibleName(_("Language"))
        self.warning_edit = QLineEdit()
        self.warning_edit.setPlaceholderText(_("e.g. shows a ceremony"))
        self.people_list = QListWidget()
        self.people_list.setMaximumHeight(110)
        self.show_anyway_button = QPushButton(_("Show anyway"))
        self.show_anyway_button.setVisible(False)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        form.addRow(heading(_("Selected file")))
        form.addRow(self.file_label)
        form.addRow(self.warning_label)
        form.addRow(self.show_anyway_button)
        form.addRow(_("Caption"), self.caption_edit)
        form.addRow(_("Creator"), self.creator_edit)
        form.addRow(_("Date"), self.date_field)
        form.addRow(_("Language"), self.language_edit)
        form.addRow(_("Content warning"), self.warning_edit)
        form.addRow(_("People shown or heard"), self.people_list)
        self.setEnabled(False)
        self.setMinimumWidth(300)
        self.setMaximumWidth(380)
        for edit in (self.caption_edit, self.creator_edit, self.warning_edit):
            edit.textEdited.connect(lambda _t: self._edited())
        self.language_edit.activated.connect(lambda _i: self._edited())
        self.date_field.changed.connect(self._edited)
        self.people_list.itemChanged.connect(lambda _i: self._edited())

    def show_entry(self, entry: MediaEntry | None, people: list[Person]) -> None:
        """Show ``entry`` (or nothing); ``people`` may be ticked as shown or heard."""
        self._entry = entry
        self._updating = True
        try:
            self.setEnabled(entry is not None)
            if entry is None:
                self._clear()
                return
            m = entry.media
            self.file_label.setText(
                _("{name} — {kind}, {size}").format(
                    name=m.file_name, kind=names.media_kind_name(m.kind), size=size_text(m.size)
                )
            )
            self.caption_edit.setText(m.caption)
            self.creator_edit.setText(m.creator)
            self.date_field.set_value(m.created)
            self.language_edit.set_value(m.language)
            self.warning_edit.setText(m.content_warning)
            self._show_people(m, people)
            self._show_warning(entry)
        finally:
            self._updating = False

    def _clear(self) -> None:
        self.file_label.setText("")
        for edit in (self.caption_edit, self.creator_edit, self.warning_edit):
            edit.clear()
        self.language_edit.set_value("")
        self.date_field.set_value(None)
        self.people_list.clear()
        self.warning_label.setText("")
        self.show_anyway_button.setVisible(False)

    def _show_people(self, media: Media, people: list[Person]) -> None:
        self.people_list.clear()
        for person in sorted(people, key=lambda p: p.name.casefold()):
            label = person.name
            if person.deceased:
                label = _("{name} (deceased)").format(name=person.name)
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if person.id in media.person_ids else Qt.CheckState.Unchecked
            )
            self.people_list.addItem(item)

    def _show_warning(self, entry: MediaEntry) -> None:
        warning = self._warning_for(entry)
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))
        self.show_anyway_button.setVisible(bool(warning) and not entry.revealed)

    def _edited(self) -> None:
        entry = self._entry
        if self._updating or entry is None:
            return
        m = entry.media
        m.caption = self.caption_edit.text().strip()
        m.creator = self.creator_edit.text().strip()
        m.created = self.date_field.value()
        m.language = self.language_edit.value()
        m.content_warning = self.warning_edit.text().strip()
        m.person_ids = [
            str(self.people_list.item(i).data(ID_ROLE))
            for i in range(self.people_list.count())
            if self.people_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        if not entry.pending:
            entry.dirty = True
        self._show_warning(entry)
        self.edited.emit()
