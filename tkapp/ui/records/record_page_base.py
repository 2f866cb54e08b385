"""What every tab of the record editor shares, and the data the editor loads for them.

Each page fills itself from a record (``load``), writes its fields back into a record
(``collect``, which may raise ``ValidationError`` for text that is not a number), gives a
comparable snapshot of its widgets (``state``) for the unsaved-changes check, and owns the
inline error labels of its fields (``errors``: field name -> :class:`FieldError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QWidget,
)

from tkapp.core.model import (
    ConsentRecord,
    KnowledgeRecord,
    Person,
    Taxon,
)
from tkapp.i18n import names
from tkapp.ui.records.record_editor_widgets import (
    ConfidentialToggle,
    FieldError,
)


@dataclass
class EditorData:
    """Everything the editor needs, fetched in one worker call."""

    record: KnowledgeRecord | None
    taxa: list[Taxon] = field(default_factory=list)  # the record's taxa
    persons: list[Person] = field(default_factory=list)  # everyone, for pickers
    consents: list[ConsentRecord] = field(default_factory=list)  # every consent record
    languages: list[str] = field(default_factory=list)  # the community's languages
    terms: list[Any] = field(default_factory=list)  # tkapp.services.terms.TermsInfo, newest first


def language_label(code: str) -> str:
    """The language's name for people ("Español", "Kichwa"); never a bare code when known."""
    return names.language_name(code)


class Page(QWidget):
    """Base of a tab page."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, FieldError] = {}
        self.toggles: dict[str, ConfidentialToggle] = {}

    def toggle(self, field_name: str) -> ConfidentialToggle:
        button = ConfidentialToggle(field_name)
        button.toggled.connect(lambda _on: self.changed.emit())
        self.toggles[field_name] = button
        return button

    def error(self, field_name: str) -> FieldError:
        label = FieldError()
        self.errors[field_name] = label
        return label

    def emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    def load_confidential(self, confidential: set[str]) -> None:
        for name, button in self.toggles.items():
            button.blockSignals(True)
            button.setChecked(name in confidential)
            button.blockSignals(False)

    def confidential(self) -> set[str]:
        return {name for name, button in self.toggles.items() if button.isChecked()}

    # For subclasses.
    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        raise NotImplementedError

    def collect(self, rec: KnowledgeRecord) -> None:
        raise NotImplementedError

    def state(self) -> tuple[object, ...]:
        return (tuple(sorted(self.confidential())),)
