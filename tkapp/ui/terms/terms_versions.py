"""The "Version history" tab of the terms editor: every version of the terms, and a way to
open an older one (bundles carry the version they were made under)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.ui.records.record_editor_widgets import hint
from tkapp.ui.terms.terms_models import TermsVersionsModel, VersionColumn


class VersionHistoryPage(QWidget):
    """The versions table; ``open_requested`` carries the row the user wants to open."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TermsVersionsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Version history"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(int(VersionColumn.NAME), QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))
        self.open_button = QPushButton(_("Open this version"), self)
        self.open_button.clicked.connect(self._open_selected)
        row = QHBoxLayout()
        row.addWidget(
            hint(
                _(
                    "Each time terms used in an export are changed, a new version is made; the "
                    "old one stays as it was, because bundles carry it."
                )
            ),
            1,
        )
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

    def select_version(self, terms_id: str) -> None:
        row = self.model.row_of(terms_id)
        if row >= 0:
            self.view.selectRow(row)

    def _open_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.open_requested.emit(rows[0].row())
