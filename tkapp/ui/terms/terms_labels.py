"""The Labels tab of "Terms & labels": the 30 Local Contexts labels with our pictograms, and
the community's own wording of each (text, translations, who approved it and when, Local
Contexts Hub project id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import TkError, ValidationError
from tkapp.i18n import _, names, translate
from tkapp.licensing import text as lt
from tkapp.licensing.labels import LabelCustomisation
from tkapp.services import terms as terms_service
from tkapp.services.terms import LabelInfo
from tkapp.ui.common.dialogs import error_text
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.record_editor_widgets import DateField, heading, hint
from tkapp.ui.terms.labels_widgets import label_pixmap
from tkapp.ui.terms.terms_models import (
    LabelColumn,
    LabelsModel,
)


class LabelsPage(QWidget):
    """The labels table on the left, the chosen label's wording on the right."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.community_languages: list[str] = []
        self.labels_model = LabelsModel(self)
        self.labels_view = QTableView(self)
        self.labels_view.setModel(self.labels_model)
        self.labels_view.setAccessibleName(_("Labels"))
        self.labels_view.setIconSize(QSize(24, 24))
        self.labels_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.labels_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.labels_view.verticalHeader().hide()
        self.labels_view.verticalHeader().setDefaultSectionSize(30)
        header = self.labels_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(int(LabelColumn.APPROVED), QHeaderView.ResizeMode.Stretch)
        self.labels_view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._label_chosen(current)
        )

        editor = QWidget(self)
        self.label_picture = QLabel(editor)
        self.label_picture.setFixedSize(64, 64)
        self.label_title = QLabel(editor)
        font = self.label_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.label_title.setFont(font)
        self.label_default = hint("")
        title_box = QVBoxLayout()
        title_box.addWidget(self.label_title)
        title_box.addWidget(self.label_default)
        title_row = QHBoxLayout()
        title_row.addWidget(self.label_picture, 0, Qt.AlignmentFlag.AlignTop)
        title_row.addLayout(title_box, 1)
        self.label_text = QPlainTextEdit(editor)
        self.label_text.setAccessibleName(_("The community's text for this label"))
        self.label_text.setPlaceholderText(_("Empty: the default text above is used"))
        self.label_text.setMaximumHeight(90)
        self.translations_form = QFormLayout()
        self.translation_edits: dict[str, QPlainTextEdit] = {}
        self.approved_by = QLineEdit(editor)
        self.approved_by.setAccessibleName(_("Approved by"))
        self.approved_by.setPlaceholderText(_("For example: community assembly"))
        self.approved_on = DateField(editor, known_text=_("Approved on"))
        self.hub_id = QLineEdit(editor)
        self.hub_id.setAccessibleName(_("Local Contexts Hub project id"))
        self.hub_id.setPlaceholderText(_("Optional, to link later when online"))
        meta = QFormLayout()
        meta.addRow(_("Approved by:"), self.approved_by)
        meta.addRow(_("Date:"), self.approved_on)
        meta.addRow(_("Local Contexts Hub project:"), self.hub_id)
        self.label_save = QPushButton(_("Save the wording"), editor)
        self.label_save.clicked.connect(self.save_label)
        self.label_reset = QPushButton(_("Back to the default text"), editor)
        self.label_reset.clicked.connect(self.reset_label)
        self.label_feedback = QLabel(editor)
        self.label_feedback.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.label_feedback, 1)
        buttons.addWidget(self.label_reset)
        buttons.addWidget(self.label_save)
        edit_layout = QVBoxLayout(editor)
        edit_layout.addLayout(title_row)
        edit_layout.addWidget(heading(_("The community's own text")))
        edit_layout.addWidget(self.label_text)
        edit_layout.addLayout(self.translations_form)
        edit_layout.addWidget(heading(_("Approval")))
        edit_layout.addLayout(meta)
        edit_layout.addStretch(1)
        edit_layout.addLayout(buttons)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(editor)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.labels_view)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 560])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(
            hint(
                _(
                    "Local Contexts labels tell others how the community wants its knowledge "
                    "treated. Write them in the community's own words and languages."
                )
            )
        )
        layout.addWidget(splitter, 1)
        self._label_code = ""

    def set_languages(self, languages: Sequence[str]) -> None:
        """The catalogue's languages: one translation box each."""
        self.community_languages = list(languages)

    def set_labels(self, labels: Sequence[LabelInfo]) -> None:
        current = self._label_code
        self.labels_model.set_labels(labels)
        self._build_translation_edits()
        row = self.labels_model.row_of(current) if current else 0
        if row >= 0 and self.labels_model.rowCount():
            self.labels_view.selectRow(row)
            self._label_chosen(self.labels_model.index(row, 0))

    def _build_translation_edits(self) -> None:
        languages = list(dict.fromkeys(self.community_languages))
        if list(self.translation_edits) == languages:
            return
        while self.translations_form.rowCount():
            self.translations_form.removeRow(0)
        self.translation_edits = {}
        for lang in languages:
            edit = QPlainTextEdit()
            edit.setMaximumHeight(64)
            edit.setAccessibleName(
                _("The text in {language}").format(language=names.language_name(lang))
            )
            self.translation_edits[lang] = edit
            self.translations_form.addRow(
                _("In {language}:").format(language=names.language_name(lang)), edit
            )

    def _label_chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        info = self.labels_model.info(index.row())
        label = info.label
        own = info.customisation
        self._label_code = label.code
        self.label_picture.setPixmap(label_pixmap(label.code, 64))
        self.label_title.setText(lt.label_name(label.code))
        self.label_default.setText(
            _("Default text: {text}").format(text=translate(label.description))
        )
        self.label_text.setPlainText(own.text if own else "")
        for lang, edit in self.translation_edits.items():
            edit.setPlainText(own.translations.get(lang, "") if own else "")
        self.approved_by.setText(own.approved_by if own else "")
        self.approved_on.set_value(own.approved_on if own else None)
        self.hub_id.setText(own.hub_project_id if own else "")
        self.label_reset.setEnabled(own is not None)
        self.label_feedback.clear()

    def select_label(self, code: str) -> bool:
        row = self.labels_model.row_of(code)
        if row < 0:
            return False
        self.labels_view.selectRow(row)
        self._label_chosen(self.labels_model.index(row, 0))
        return True

    def label_customisation(self) -> LabelCustomisation:
        """The wording in the editor. Raises ValidationError."""
        return LabelCustomisation(
            code=self._label_code,
            text=self.label_text.toPlainText().strip(),
            translations={
                lang: edit.toPlainText().strip()
                for lang, edit in self.translation_edits.items()
                if edit.toPlainText().strip()
            },
            approved_by=self.approved_by.text().strip(),
            approved_on=self.approved_on.value(),
            hub_project_id=self.hub_id.text().strip(),
        )

    def save_label(self) -> None:
        if not self._label_code:
            return
        try:
            wording = self.label_customisation()
        except (ValidationError, TkError) as exc:
            self.label_feedback.setText(error_text(exc))
            return
        code = self._label_code

        def done(labels: list[LabelInfo]) -> None:
            self.set_labels(labels)
            self.select_label(code)
            self.label_feedback.setText(_("The wording was saved."))

        def op(cat: Any) -> list[LabelInfo]:
            terms_service.set_label_customisation(cat, wording)
            return terms_service.list_labels(cat)

        self.runner.run(op, done, self._label_failed, context=self)

    def reset_label(self) -> None:
        code = self._label_code
        if not code:
            return

        def done(labels: list[LabelInfo]) -> None:
            self.set_labels(labels)
            self.select_label(code)
            self.label_feedback.setText(_("The default text is used again."))

        def op(cat: Any) -> list[LabelInfo]:
            terms_service.remove_label_customisation(cat, code)
            return terms_service.list_labels(cat)

        self.runner.run(op, done, self._label_failed, context=self)

    def _label_failed(self, error: BaseException) -> None:
        self.label_feedback.setText(error_text(error))
