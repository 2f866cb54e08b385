"""The counts in the main window's status bar: records, species, people, trash, and how many
the search shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from tkapp.i18n import _, format_number, ngettext

if TYPE_CHECKING:
    from tkapp.services.catalogue import CatalogueStats


class StatusCounts(QLabel):
    """Shows the catalogue's counts; ``shown`` adds "N shown" while a search narrows the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Catalogue counts"))
        self.stats: CatalogueStats | None = None

    def set_stats(self, stats: CatalogueStats | None) -> None:
        self.stats = stats
        if stats is None:
            self.clear()

    def show_counts(self, shown: int, *, searching: bool, capped: bool = False) -> None:
        """``capped``: the search's count stopped at ``shown``; more match."""
        stats = self.stats
        if stats is None:
            return
        parts = [
            ngettext("{n} record", "{n} records", stats.records).format(
                n=format_number(stats.records)
            ),
            ngettext("{n} species", "{n} species", stats.taxa).format(n=format_number(stats.taxa)),
            ngettext("{n} person", "{n} people", stats.persons).format(
                n=format_number(stats.persons)
            ),
            ngettext("{n} in the trash", "{n} in the trash", stats.in_trash).format(
                n=format_number(stats.in_trash)
            ),
        ]
        if capped:
            parts.insert(0, _("more than {n} found").format(n=format_number(shown)))
        elif searching or shown != stats.records:
            parts.insert(0, _("{n} shown").format(n=format_number(shown)))
        # Translators: separator between counts in the status bar
        self.setText(_(" · ").join(parts))
