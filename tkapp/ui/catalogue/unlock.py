"""The unlock screen: the passphrase for one catalogue file.

The key is derived and the file opened on the serial worker (never the GUI thread). A failed
attempt changes nothing in the file (the services contract); the typed error is shown in plain
words under the field and the field is cleared for the next try.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.ui.access.who import PersonChooser
from tkapp.ui.common.dialogs import bad_color, error_text, set_text_color
from tkapp.ui.common.passphrase_widgets import PassphraseEdit
from tkapp.ui.common.worker import Runner


def _open(path: Path, passphrase: str, person: str | None = None) -> Any:
    from tkapp.services.catalogue import open_catalogue

    return open_catalogue(path, passphrase, person=person)


class UnlockScreen(QWidget):
    """Asks for the passphrase of :attr:`path` and opens it through the runner."""

    #: The catalogue is open on the worker (the Catalogue object, for its id/community).
    unlocked = Signal(object)
    #: The user wants the start screen instead.
    back_requested = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock-screen")
        self.runner = runner
        self.path: Path | None = None
        self._busy = False

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)
        self.name_label = QLabel(self)
        bold = self.name_label.font()
        bold.setBold(True)
        self.name_label.setFont(bold)
        self.path_label = QLabel(self)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long path must not widen the form: it is clipped, the tooltip has all of it.
        self.path_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.passphrase = PassphraseEdit(_("Passphrase"), self)
        self.passphrase.setMinimumWidth(320)
        self.passphrase.returnPressed.connect(self.unlock)
        self.passphrase.textChanged.connect(self._update_buttons)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(_("Why the catalogue did not open"))
        set_text_color(self.error, bad_color(self.palette()))
        self.error.setVisible(False)
        self.status = QLabel(self)

        self.unlock_button = QPushButton(_("Unlock"), self)
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName(_("Unlock the catalogue"))
        self.unlock_button.clicked.connect(self.unlock)
        self.back_button = QPushButton(_("Choose another catalogue"), self)
        self.back_button.setAccessibleName(_("Back to the start screen"))
        self.back_button.clicked.connect(self.back_requested)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Catalogue:"), self.name_label)
        # "Who are you" (issue 13): shown only when several people use the catalogue.
        self.who = PersonChooser(self)
        self.who_label = QLabel(_("Who are you:"), self)
        self.who_label.setBuddy(self.who)
        self.who.currentIndexChanged.connect(self._update_buttons)
        form.addRow(self.who_label, self.who)
        pass_label = QLabel(_("Passphrase:"), self)
        pass_label.setBuddy(self.passphrase.edit)
        form.addRow(pass_label, self.passphrase)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.unlock_button)

        column = QVBoxLayout()
        column.addWidget(self.heading)
        column.addWidget(self.explain)
        column.addSpacing(12)
        column.addLayout(form)
        # Wrapped text goes below the form at full width (a form row would squeeze it).
        column.addWidget(self.hint)
        column.addWidget(self.error)
        column.addLayout(buttons)
        column.addSpacing(16)
        column.addWidget(self.path_label)
        # Keep the form a readable width in the middle of a wide window.
        frame = QWidget(self)
        frame.setLayout(column)
        frame.setMaximumWidth(680)
        frame.setMinimumWidth(min(560, frame.fontMetrics().averageCharWidth() * 90))
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(frame, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.set_catalogue(None)

    def set_catalogue(
        self, path: Path | None, *, hint: str = "", locked: bool = False, by_user: bool = False
    ) -> None:
        """Ask for ``path``'s passphrase; ``locked`` says we got here by locking, ``by_user``
        that the custodian locked it (not the idle timer)."""
        self.path = Path(path) if path else None
        self.passphrase.clear()
        self.passphrase.set_visible_text(False)
        self.error.setVisible(False)
        self.status.clear()
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.name_label.setText(self.path.stem if self.path else "")
        self.who.load(self.path)
        self.who_label.setVisible(self.who.asks())
        self.path_label.setText(_("File: {path}").format(path=str(self.path)) if self.path else "")
        self.path_label.setToolTip(str(self.path) if self.path else "")
        if locked and by_user:
            self.heading.setText(_("The catalogue is locked"))
            self.explain.setText(
                _(
                    "You locked it. Type the passphrase to continue; unsaved work in open "
                    "windows is kept."
                )
            )
        elif locked:
            self.heading.setText(_("The catalogue is locked"))
            self.explain.setText(
                _(
                    "It was locked to protect it while nobody was using it. Type the "
                    "passphrase to continue; unsaved work in open windows is kept."
                )
            )
        else:
            self.heading.setText(_("Unlock the catalogue"))
            self.explain.setText(
                _("Choose your name, then type your own passphrase.")
                if self.who.asks()
                else _("Type the passphrase of this catalogue to open it.")
            )
        self._set_busy(False)

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, error: BaseException) -> None:
        self.error.setText(error_text(error))
        self.error.setVisible(True)

    def _update_buttons(self, *_args: object) -> None:
        chosen = not self.who.asks() or self.who.person() is not None
        self.unlock_button.setEnabled(not self._busy and chosen and bool(self.passphrase.text()))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.passphrase.setEnabled(not busy)
        self.who.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.status.setText(_("Opening…") if busy else "")
        self._update_buttons()

    def unlock(self) -> None:
        """Open the catalogue with the typed passphrase (on the worker)."""
        if self._busy or self.path is None or not self.passphrase.text():
            return
        person = self.who.person()
        if self.who.asks() and person is None:
            return
        path, passphrase = self.path, self.passphrase.text()
        self.error.setVisible(False)
        self._set_busy(True)
        self.runner.open(
            lambda: _open(path, passphrase, person), self._opened, self._failed, context=self
        )

    def _opened(self, catalogue: Any) -> None:
        self.passphrase.clear()
        self._set_busy(False)
        self.unlocked.emit(catalogue)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.show_error(error)
        self.focus_passphrase()
