"""Table models over lists of the core dataclasses (people, taxa, consent, uses, holders,
media), each an :class:`~tkapp.ui.common.table_model.ObjectTableModel`."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt

from tkapp.core.model import ConsentRecord, HolderLink, Media, Person, Taxon, Use
from tkapp.i18n import _, format_date, format_number, names
from tkapp.ui.common.table_model import ID_ROLE, ITEM_ROLE, AnyIndex, ObjectTableModel

# The generic model lives in table_model; these three names stay importable from here too.
__all__ = ["ID_ROLE", "ITEM_ROLE", "ObjectTableModel"]


# -- people ---------------------------------------------------------------------------------


class PersonColumn(IntEnum):
    NAME = 0
    ROLES = 1
    COMMUNITY = 2
    CONSENT = 3
    DECEASED = 4


class PersonTableModel(ObjectTableModel[Person]):
    Column = PersonColumn

    def header(self, column: IntEnum) -> str:
        return {
            PersonColumn.NAME: _("Name"),
            PersonColumn.ROLES: _("Roles"),
            PersonColumn.COMMUNITY: _("Community or family"),
            PersonColumn.CONSENT: _("Consent"),
            PersonColumn.DECEASED: _("Deceased"),
        }[PersonColumn(column)]

    def display(self, item: Person, column: IntEnum) -> str:
        if column == PersonColumn.NAME:
            return item.name
        if column == PersonColumn.ROLES:
            return ", ".join(names.role_name(r) for r in item.roles)
        if column == PersonColumn.COMMUNITY:
            return item.community
        if column == PersonColumn.CONSENT:
            return names.consent_status_name(item.consent_status)
        return _("Yes") if item.deceased else ""


# -- species --------------------------------------------------------------------------------


class TaxonColumn(IntEnum):
    SCIENTIFIC_NAME = 0
    LOCAL_NAMES = 1
    FAMILY = 2


def local_names_text(taxon: Taxon) -> str:
    """Vernacular names as ``name (lang)``, ``; ``-joined."""
    return "; ".join(
        _("{name} ({language})").format(name=v.name, language=v.language)
        for v in taxon.vernacular_names
    )


def taxon_label(taxon: Taxon) -> str:
    """One line naming a taxon: scientific name, then the local names."""
    local = ", ".join(v.name for v in taxon.vernacular_names)
    if not local:
        return taxon.scientific_name
    return _("{scientific} — {local}").format(scientific=taxon.scientific_name, local=local)


class TaxonTableModel(ObjectTableModel[Taxon]):
    Column = TaxonColumn

    def header(self, column: IntEnum) -> str:
        return {
            TaxonColumn.SCIENTIFIC_NAME: _("Scientific name"),
            TaxonColumn.LOCAL_NAMES: _("Local names"),
            TaxonColumn.FAMILY: _("Family"),
        }[TaxonColumn(column)]

    def display(self, item: Taxon, column: IntEnum) -> str:
        if column == TaxonColumn.SCIENTIFIC_NAME:
            return item.scientific_name
        if column == TaxonColumn.LOCAL_NAMES:
            return local_names_text(item)
        return item.family

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Scientific names are written in italics, as botanists expect.
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and index.column() == TaxonColumn.SCIENTIFIC_NAME
        ):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setItalic(True)
            return font
        return super().data(index, role)


# -- consent records ------------------------------------------------------------------------


class ConsentColumn(IntEnum):
    GRANTED_BY = 0
    DATE = 1
    METHOD = 2
    RECORDS = 3
    EXPIRES = 4


class ConsentTableModel(ObjectTableModel[ConsentRecord]):
    Column = ConsentColumn

    def header(self, column: IntEnum) -> str:
        return {
            ConsentColumn.GRANTED_BY: _("Granted by"),
            ConsentColumn.DATE: _("Date"),
            ConsentColumn.METHOD: _("How"),
            ConsentColumn.RECORDS: _("Records"),
            ConsentColumn.EXPIRES: _("Expires"),
        }[ConsentColumn(column)]

    def display(self, item: ConsentRecord, column: IntEnum) -> str:
        if column == ConsentColumn.GRANTED_BY:
            return item.granted_by
        if column == ConsentColumn.DATE:
            return format_date(item.granted_on) if item.granted_on else ""
        if column == ConsentColumn.METHOD:
            return names.consent_method_name(item.method)
        if column == ConsentColumn.RECORDS:
            return format_number(len(item.record_ids))
        return format_date(item.expires) if item.expires else ""


# -- inside a record: uses and holders (editable) ------------------------------------------


class UseColumn(IntEnum):
    PART = 0
    PREPARATION = 1
    PURPOSE = 2
    SEASON = 3


_USE_ATTR = {
    UseColumn.PART: "part",
    UseColumn.PREPARATION: "preparation",
    UseColumn.PURPOSE: "purpose",
    UseColumn.SEASON: "season",
}


class UseTableModel(ObjectTableModel[Use]):
    """The structured uses of a record; every cell is edited in place."""

    Column = UseColumn

    def header(self, column: IntEnum) -> str:
        return {
            UseColumn.PART: _("Part used"),
            UseColumn.PREPARATION: _("Preparation"),
            UseColumn.PURPOSE: _("Purpose"),
            UseColumn.SEASON: _("Season"),
        }[UseColumn(column)]

    def display(self, item: Use, column: IntEnum) -> str:
        return str(getattr(item, _USE_ATTR[UseColumn(column)]))

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        item = self._items[index.row()]
        attr = _USE_ATTR[UseColumn(index.column())]
        text = str(value if value is not None else "")
        if getattr(item, attr) == text:
            return False
        setattr(item, attr, text)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True


class HolderColumn(IntEnum):
    PERSON = 0
    ROLE = 1


class HolderTableModel(ObjectTableModel[HolderLink]):
    """Knowledge holders of a record with their role for it; the role is editable."""

    Column = HolderColumn

    def __init__(self, items: Sequence[HolderLink] = (), parent: QObject | None = None) -> None:
        super().__init__(items, parent)
        self._people: dict[str, Person] = {}

    def set_people(self, people: Sequence[Person]) -> None:
        """The persons the links point to (for names and the deceased mark)."""
        self._people = {p.id: p for p in people}
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, 1))

    def person(self, person_id: str) -> Person | None:
        return self._people.get(person_id)

    def header(self, column: IntEnum) -> str:
        return {
            HolderColumn.PERSON: _("Person"),
            HolderColumn.ROLE: _("Role for this knowledge"),
        }[HolderColumn(column)]

    def display(self, item: HolderLink, column: IntEnum) -> str:
        if column == HolderColumn.PERSON:
            person = self._people.get(item.person_id)
            if person is None:
                return _("(unknown person)")
            if person.deceased:
                # Translators: a person's name followed by a mark that they have died.
                return _("{name} (deceased)").format(name=person.name)
            return person.name
        return names.role_name(item.role) if item.role else ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.EditRole
            and index.isValid()
            and index.column() == HolderColumn.ROLE
            and 0 <= index.row() < len(self._items)
        ):
            return self._items[index.row()].role  # the code, for the role combo delegate
        if role == ID_ROLE and index.isValid() and 0 <= index.row() < len(self._items):
            return self._items[index.row()].person_id
        return super().data(index, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == HolderColumn.ROLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != HolderColumn.ROLE:
            return False
        if role != Qt.ItemDataRole.EditRole:
            return False
        item = self._items[index.row()]
        code = str(value or "")
        if item.role == code:
            return False
        item.role = code
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True


# -- media ----------------------------------------------------------------------------------


class MediaColumn(IntEnum):
    FILE = 0
    KIND = 1
    CAPTION = 2
    CREATOR = 3
    DATE = 4
    SIZE = 5


def size_text(size: int) -> str:
    """A file size in plain words (KB, MB, GB), in the current language."""
    if size < 1024:
        return _("{n} bytes").format(n=format_number(size))
    if size < 1024 * 1024:
        return _("{n} KB").format(n=format_number(round(size / 1024, 1)))
    if size < 1024**3:
        return _("{n} MB").format(n=format_number(round(size / 1024**2, 1)))
    return _("{n} GB").format(n=format_number(round(size / 1024**3, 2)))


class MediaTableModel(ObjectTableModel[Media]):
    Column = MediaColumn

    def header(self, column: IntEnum) -> str:
        return {
            MediaColumn.FILE: _("File"),
            MediaColumn.KIND: _("Kind"),
            MediaColumn.CAPTION: _("Caption"),
            MediaColumn.CREATOR: _("Creator"),
            MediaColumn.DATE: _("Date"),
            MediaColumn.SIZE: _("Size"),
        }[MediaColumn(column)]

    def display(self, item: Media, column: IntEnum) -> str:
        if column == MediaColumn.FILE:
            return item.file_name
        if column == MediaColumn.KIND:
            return names.media_kind_name(item.kind)
        if column == MediaColumn.CAPTION:
            return item.caption
        if column == MediaColumn.CREATOR:
            return item.creator
        if column == MediaColumn.DATE:
            return format_date(item.created) if item.created else ""
        return size_text(item.size)
