""" "Who are you" on the unlock screen: a list of the people who use the catalogue.

The names come from the catalogue's keys file (no decryption needed, nothing written). With
one person (or a catalogue from before people) the question is not asked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QWidget

from tkapp.i18n import _


class PersonChooser(QComboBox):
    """The people of one catalogue; :meth:`person` is the chosen name, or None when the
    catalogue has a single person (no question asked)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("who-are-you")
        self.setAccessibleName(_("Who are you"))
        self.names: list[str] = []

    def load(self, path: Path | None) -> None:
        from tkapp.services.people import people_names  # deferred: opening the app stays fast

        self.set_names(people_names(path) if path is not None else [])

    def set_names(self, names: list[str]) -> None:
        self.names = list(names)
        self.clear()
        if len(self.names) > 1:
            self.addItem(_("Choose your name…"), None)
            for name in self.names:
                self.addItem(name, name)
        self.setVisible(self.asks())

    def asks(self) -> bool:
        return len(self.names) > 1

    def person(self) -> str | None:
        if not self.asks():
            return None
        data = self.currentData()
        return str(data) if data else None
