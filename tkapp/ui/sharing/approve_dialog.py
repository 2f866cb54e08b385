"""Another custodian approves an export on this laptop with their own passphrase (shared
approval, k of n). The dialog only collects the answer; the export wizard's plan page runs
:func:`tkapp.services.approvals.approve` on the worker and shows any error here."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.ui.common.dialogs import window_title


class ApproveDialog(QDialog):
    """Choose the custodian who approves, and let them type their own passphrase."""

    def __init__(self, candidates: Sequence[str], needed: int, have: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("Approve this export")))
        intro = QLabel(
            _(
                "This export needs the approval of {needed} custodians and has {have}. Another "
                "custodian can approve it here with their own passphrase; you stay signed in."
            ).format(needed=needed, have=have),
            self,
        )
        intro.setWordWrap(True)
        self.person = QComboBox(self)
        self.person.setAccessibleName(_("Custodian who approves"))
        self.person.addItems(list(candidates))
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Their passphrase"))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(_("Approve"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Custodian:"), self.person)
        form.addRow(_("Their passphrase:"), self.passphrase)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self.passphrase.textChanged.connect(lambda _t: self._update())
        self._update()
        self.resize(520, 220)

    def _update(self) -> None:
        self.ok.setEnabled(self.person.count() > 0 and bool(self.passphrase.text()))

    def answer(self) -> tuple[str, str]:
        """(who, their passphrase)."""
        return self.person.currentText(), self.passphrase.text()

    def show_error(self, text: str) -> None:
        """The approval failed (wrong passphrase...): say so and let them try again."""
        self.passphrase.clear()
        self.error.setText(text)
        self.error.show()
