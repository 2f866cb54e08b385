"""The "Who may do what" tab of the terms editor: the rule grid (rows: kinds of user, columns:
uses), its colour legend, and the dialog that changes the selected cells."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.licensing import text as lt
from tkapp.licensing.vocab import Outcome
from tkapp.ui.records.record_editor_widgets import hint
from tkapp.ui.terms.terms_dialogs import RuleDialog
from tkapp.ui.terms.terms_models import OUTCOME_SYMBOL, RuleGridModel, outcome_background


class _Legend(QWidget):
    """Colour chips with symbols and the full outcome sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for outcome in Outcome:
            chip = QLabel(OUTCOME_SYMBOL[outcome] + " " + lt.describe_outcome(outcome), self)
            colour = outcome_background(outcome).name()
            chip.setStyleSheet(
                f"background: {colour}; color: #1a1a1a; padding: 3px 6px; border-radius: 3px;"
            )
            row.addWidget(chip)
        row.addStretch(1)


class RuleGridPage(QWidget):
    """The grid of rules; ``problem`` carries a sentence for the editor's message line."""

    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule_dialog: RuleDialog | None = None
        self.model = RuleGridModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Who may do what"))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setWordWrap(True)
        self.view.setCornerButtonEnabled(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setMinimumSectionSize(70)
        self.view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        # Rows share the height: big targets, and a third line fits when a word wraps.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setMinimumSectionSize(
            self.view.fontMetrics().lineSpacing() * 2 + 8
        )
        self.view.activated.connect(lambda _index: self.edit_selected_cells())
        self.view.doubleClicked.connect(lambda _index: self.edit_selected_cells())
        self.change_button = QPushButton(_("Change the selected cells…"), self)
        self.change_button.clicked.connect(self.edit_selected_cells)
        row = QHBoxLayout()
        row.addWidget(_Legend(self), 1)
        row.addWidget(self.change_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                _(
                    "Each row is a kind of user, each column a use. Double-click a cell, or "
                    "select several and press “Change the selected cells”. Point at a cell to "
                    "read its duties."
                )
            )
        )
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

    def edit_selected_cells(self) -> RuleDialog | None:
        """Open the cell dialog for the selected cells (non-blocking; returned for tests)."""
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes:
            current = self.view.currentIndex()
            indexes = [current] if current.isValid() else []
        if not indexes:
            self.problem.emit(_("Select one or more cells of the table first."))
            return None
        rule = self.model.rule_at(indexes[0])
        if rule is None:
            return None
        dialog = RuleDialog(rule, len(indexes), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        persistent = [QModelIndex(index) for index in indexes]

        def apply() -> None:
            chosen = dialog.rule()
            for index in persistent:
                self.model.set_rule(index, chosen)

        dialog.accepted.connect(apply)
        self.rule_dialog = dialog
        dialog.open()
        return dialog
