"""The one way the GUI shows a list of service results as a table.

:class:`ObjectTableModel` holds a plain ``list[T]`` (a service's dataclasses) and answers Qt's
questions about it; nothing here talks to the catalogue. A subclass gives its columns as an
``IntEnum`` and says, per column, the header and the text (and optionally a tooltip or any
other role); rows are found by a key (the item's ``id`` unless the subclass says otherwise).

Three tables are deliberately something else: the records table pages rows in lazily from the
catalogue (``records_model``), the terms rule grid is a user-class x purpose matrix, not a list
(``terms_models.RuleGridModel``), and the two editing grids with widgets in their cells (local
names of a species, the import preview's column choices) stay ``QTableWidget``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

#: The dataclass behind a row.
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
#: The row's key (``str``, the entity id unless the model says otherwise).
ID_ROLE = Qt.ItemDataRole.UserRole + 2

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex


class ObjectTableModel(QAbstractTableModel, Generic[T]):
    """A table over ``list[T]``; subclasses say what each column shows."""

    Column: type[IntEnum]
    #: Number the rows in the vertical header (for views that show it).
    numbered_rows = True

    def __init__(self, items: Sequence[T] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[T] = list(items)

    # -- the list --------------------------------------------------------------------------

    def items(self) -> list[T]:
        """A copy of the rows, in order."""
        return list(self._items)

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> T:
        return self._items[row]

    def append(self, item: T) -> None:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(item)
        self.endInsertRows()

    def remove_row(self, row: int) -> T:
        self.beginRemoveRows(QModelIndex(), row, row)
        item = self._items.pop(row)
        self.endRemoveRows()
        return item

    def replace(self, row: int, item: T) -> None:
        self._items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def key(self, item: T) -> str | None:
        """The key that finds a row (the item's ``id``)."""
        value = getattr(item, "id", None)
        return value if isinstance(value, str) else None

    def row_of(self, wanted: str | Callable[[T], bool]) -> int:
        """The first row whose key is ``wanted`` (or whose item matches it), or -1."""
        for row, item in enumerate(self._items):
            if wanted(item) if callable(wanted) else self.key(item) == wanted:
                return row
        return -1

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.Column):
            return self.header(self.Column(section))
        if orientation == Qt.Orientation.Vertical and self.numbered_rows:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._items)):
            return None
        if not (0 <= index.column() < len(self.Column)):
            return None
        item = self._items[index.row()]
        if role == ITEM_ROLE:
            return item
        if role == ID_ROLE:
            return self.key(item)
        column = self.Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, column)
        return self.role_data(item, column, role)

    # -- for subclasses --------------------------------------------------------------------

    def header(self, column: IntEnum) -> str:
        raise NotImplementedError

    def display(self, item: T, column: IntEnum) -> str:
        raise NotImplementedError

    def tooltip(self, item: T, column: IntEnum) -> str | None:
        return None

    def role_data(self, item: T, column: IntEnum, role: int) -> Any:
        """Any other role (a colour, an icon, a model's own role); None by default."""
        return None
