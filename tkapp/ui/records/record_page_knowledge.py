"""The record editor's Knowledge tab (title, text, language, category...) and Uses tab."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import (
    Category,
    KnowledgeRecord,
    RecordStatus,
    Use,
)
from tkapp.i18n import LANGUAGES, _, names
from tkapp.ui.records.entity_models import (
    UseColumn,
    UseTableModel,
)
from tkapp.ui.records.record_editor_widgets import (
    EnumCombo,
    hint,
    with_error,
)
from tkapp.ui.records.record_page_base import EditorData, Page, language_label

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

    def state(self) -> tuple[object, ...]:
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

    def state(self) -> tuple[object, ...]:
        return (
            tuple((u.part, u.preparation, u.purpose, u.season) for u in self.model.items()),
            *super().state(),
        )
