"""Stand-ins for sections and windows that later issues bring (sharing, keys, verify...)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.ui.dialogs import show_error, show_info, window_title


class PlaceholderSection(QWidget):
    """A sidebar section whose real content comes with a later version."""

    def __init__(self, title: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholder-section")
        heading = QLabel(title, self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        body = QLabel(text or _("This part of TK Commons is coming in a later version."), self)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        body.setAccessibleName(title)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 24, 24, 24)
        box.addWidget(heading)
        box.addWidget(body)
        box.addStretch(1)

    def refresh(self) -> None:
        """Sections are refreshed when shown; a placeholder has nothing to load."""


def show_coming_soon(parent: QWidget | None, what: str) -> QMessageBox:
    """Tell the user plainly that a feature is not in this version yet."""
    return show_info(
        parent,
        _("{what} is coming in a later version of TK Commons.").format(what=what),
        what,
    )


class BasicRecordDialog(QDialog):
    """A minimal record editor used only until the full editor (issue 5, part 2) is present.

    Same interface as ``RecordEditorDialog``: ``(runner, record_id, parent)``, the
    ``saved(str)`` signal and ``has_unsaved_changes()``.
    """

    saved = Signal(str)

    def __init__(self, runner: Any, record_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.record_id = record_id
        self._record: Any = None
        self._clean: tuple[str, str, str] = ("", "", "")
        self.setWindowTitle(window_title(_("Record")))
        self.title = QLineEdit(self)
        self.title.setAccessibleName(_("Title"))
        self.summary = QLineEdit(self)
        self.summary.setAccessibleName(_("Summary"))
        self.description = QPlainTextEdit(self)
        self.description.setAccessibleName(_("Description"))
        form = QFormLayout()
        form.addRow(_("Title:"), self.title)
        form.addRow(_("Summary:"), self.summary)
        form.addRow(_("Description:"), self.description)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName(_("Save the record"))
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAccessibleName(_("Close"))
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)
        self.resize(560, 420)
        if record_id:
            runner.run(
                lambda cat: cat.get_record(record_id), self._loaded, self._failed, context=self
            )

    def _values(self) -> tuple[str, str, str]:
        return (self.title.text(), self.summary.text(), self.description.toPlainText())

    def has_unsaved_changes(self) -> bool:
        return self._values() != self._clean

    def _loaded(self, record: Any) -> None:
        self._record = record
        self.title.setText(record.title)
        self.summary.setText(record.summary)
        self.description.setPlainText(record.description)
        self._clean = self._values()

    def _failed(self, error: BaseException) -> None:
        show_error(self, error)

    def save(self) -> None:
        from dataclasses import replace

        from tkapp.core.model import KnowledgeRecord

        title, summary, description = self._values()
        if self._record is None:
            record = KnowledgeRecord(title=title, summary=summary, description=description)
            op = lambda cat: cat.add_record(record)  # noqa: E731
        else:
            record = replace(self._record, title=title, summary=summary, description=description)
            op = lambda cat: cat.update_record(record)  # noqa: E731
        self.runner.run(op, self._saved, self._failed, context=self)

    def _saved(self, record: Any) -> None:
        self._record = record
        self.record_id = record.id
        self._clean = self._values()
        self.saved.emit(record.id)
