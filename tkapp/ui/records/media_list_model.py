"""The Qt model of a media list: rows of :class:`MediaEntry`, thumbnails as decoration,
covered while a warning applies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPixmap

from tkapp.i18n import _, names
from tkapp.ui.records.entity_models import ID_ROLE, ITEM_ROLE, size_text
from tkapp.ui.records.media_entries import MediaEntry
from tkapp.ui.records.media_thumbnails import covered_image, placeholder_image

#: The warning text of a row ("" when none).
WARNING_ROLE = Qt.ItemDataRole.UserRole + 10
#: True while a warned row is still covered.
COVERED_ROLE = Qt.ItemDataRole.UserRole + 11
#: True for a file picked but not yet saved into the catalogue.
PENDING_ROLE = Qt.ItemDataRole.UserRole + 12

AnyIndex = QModelIndex | QPersistentModelIndex


class MediaListModel(QAbstractListModel):
    """Rows of :class:`MediaEntry`; decoration is the thumbnail, covered when warned."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[MediaEntry] = []
        self._warning: Callable[[MediaEntry], str] = lambda e: e.media.content_warning
        self._pixmaps: dict[tuple[int, bool], QPixmap] = {}

    def set_warning_rule(self, rule: Callable[[MediaEntry], str]) -> None:
        self._warning = rule
        self._pixmaps.clear()
        if self._entries:
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1))

    def warning(self, entry: MediaEntry) -> str:
        return self._warning(entry)

    def entries(self) -> list[MediaEntry]:
        return list(self._entries)

    def entry(self, row: int) -> MediaEntry:
        return self._entries[row]

    def set_entries(self, entries: Sequence[MediaEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._pixmaps.clear()
        self.endResetModel()

    def append(self, entry: MediaEntry) -> None:
        row = len(self._entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self.endInsertRows()

    def remove(self, row: int) -> MediaEntry:
        self.beginRemoveRows(QModelIndex(), row, row)
        entry = self._entries.pop(row)
        self.endRemoveRows()
        self._pixmaps.clear()
        return entry

    def entry_changed(self, entry: MediaEntry) -> None:
        for row, candidate in enumerate(self._entries):
            if candidate is entry:
                self._pixmaps.pop((id(entry), True), None)
                self._pixmaps.pop((id(entry), False), None)
                index = self.index(row)
                self.dataChanged.emit(index, index)
                return

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self._entries))
            or index.column() != 0
        ):
            return None
        entry = self._entries[index.row()]
        media = entry.media
        warning = self._warning(entry)
        covered = bool(warning) and not entry.revealed
        if role == Qt.ItemDataRole.DisplayRole:
            text = media.caption or media.file_name
            if entry.pending:
                # Translators: a file added to a record but not yet written into the catalogue.
                return _("{name} (not saved yet)").format(name=text)
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            return self._pixmap(entry, covered)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [names.media_kind_name(media.kind), media.file_name, size_text(media.size)]
            if warning:
                parts.append(warning)
            return "\n".join(parts)
        if role == ITEM_ROLE:
            return entry
        if role == ID_ROLE:
            return media.id
        if role == WARNING_ROLE:
            return warning
        if role == COVERED_ROLE:
            return covered
        if role == PENDING_ROLE:
            return entry.pending
        return None

    def _pixmap(self, entry: MediaEntry, covered: bool) -> QPixmap:
        key = (id(entry), covered)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            if covered:
                image = covered_image(entry.thumbnail, entry.media.kind)
            else:
                image = entry.thumbnail or placeholder_image(entry.media.kind)
            pixmap = QPixmap.fromImage(image)
            self._pixmaps[key] = pixmap
        return pixmap
