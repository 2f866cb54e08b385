"""Thin Qt models for the Terms & labels section: the rule grid, terms versions, labels.

Each model adapts plain service results (``Terms`` rules, ``TermsInfo``, ``LabelInfo``) and
holds no catalogue access of its own: the section loads the data on the worker and hands it
over. Columns are enums, extra roles are module constants (napari, Anki).

The rule grid shows words as well as colours (a symbol and a short outcome name on the first
line, the number of duties on the second), so nobody has to tell colours apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from tkapp.i18n import N_, _, format_date, format_datetime, names, ngettext, translate
from tkapp.licensing import text as lt
from tkapp.licensing.labels import LabelCategory, LabelKind
from tkapp.licensing.terms import Rule, Terms, resolve_duty
from tkapp.licensing.text import terms_name
from tkapp.licensing.vocab import Outcome, Purpose, UserClass
from tkapp.services.terms import LabelInfo, TermsInfo
from tkapp.ui.common.table_model import ObjectTableModel
from tkapp.ui.terms.labels_widgets import label_icon

Index = QModelIndex | QPersistentModelIndex

#: The Rule of a grid cell.
RULE_ROLE = Qt.ItemDataRole.UserRole + 40
#: The Outcome of a grid cell.
OUTCOME_ROLE = Qt.ItemDataRole.UserRole + 41
#: The (UserClass, Purpose) of a grid cell.
CELL_ROLE = Qt.ItemDataRole.UserRole + 42
#: The TermsInfo of a versions row.
TERMS_INFO_ROLE = Qt.ItemDataRole.UserRole + 43
#: The label code of a labels row.
LABEL_CODE_ROLE = Qt.ItemDataRole.UserRole + 44

USER_CLASSES: tuple[UserClass, ...] = tuple(UserClass)
PURPOSES: tuple[Purpose, ...] = tuple(Purpose)

# Short outcome words for a grid cell; the legend and tooltips give the full sentence.
_SHORT_OUTCOME: dict[Outcome, str] = {
    # Translators: short word in a small grid cell: the use is allowed.
    Outcome.ALLOWED: N_("Allowed"),
    # Translators: short words in a small grid cell: allowed if the user fulfils duties.
    Outcome.ALLOWED_WITH_DUTIES: N_("With duties"),
    # Translators: short words in a small grid cell: only after an agreement with the community.
    Outcome.NEEDS_AGREEMENT: N_("By agreement"),
    # Translators: short words in a small grid cell: the use is not allowed.
    Outcome.NOT_ALLOWED: N_("Not allowed"),
}

#: A symbol per outcome so the grid reads without colour.
OUTCOME_SYMBOL: dict[Outcome, str] = {
    Outcome.ALLOWED: "✔",
    Outcome.ALLOWED_WITH_DUTIES: "✔",
    Outcome.NEEDS_AGREEMENT: "?",
    Outcome.NOT_ALLOWED: "✘",
}

# Light backgrounds with dark text (the text colour is set too, so a dark theme stays
# readable).
_OUTCOME_BACKGROUND: dict[Outcome, str] = {
    Outcome.ALLOWED: "#cfeccf",
    Outcome.ALLOWED_WITH_DUTIES: "#e6f2c4",
    Outcome.NEEDS_AGREEMENT: "#ffe2a8",
    Outcome.NOT_ALLOWED: "#f5c9c9",
}
_CELL_TEXT = "#1a1a1a"


def short_outcome(outcome: Outcome) -> str:
    """A short, translated outcome word for a grid cell."""
    return translate(_SHORT_OUTCOME[Outcome(outcome)])


def outcome_background(outcome: Outcome) -> QColor:
    return QColor(_OUTCOME_BACKGROUND[Outcome(outcome)])


def wrap_header(text: str, width: int = 14, lines: int = 4) -> str:
    """Break a long header into at most ``lines`` lines of about ``width`` characters, at
    spaces (any language), so columns stay narrow; the full name is in the tooltip."""
    if len(text) <= width or " " not in text:
        return text
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width and len(out) < lines - 1:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return "\n".join(out)


class RuleGridModel(QAbstractTableModel):
    """The rule table: rows are user classes, columns purposes, each cell a Rule."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rules: dict[tuple[UserClass, Purpose], Rule] = {}
        self._terms: Terms | None = None

    # -- data in and out -----------------------------------------------------------------

    def set_terms(self, terms: Terms | None) -> None:
        """Show the rules of ``terms`` (None: an empty grid)."""
        self.beginResetModel()
        self._terms = terms
        self._rules = dict(terms.rules) if terms is not None else {}
        self.endResetModel()

    def rules(self) -> dict[tuple[UserClass, Purpose], Rule]:
        """The (edited) rule table."""
        return dict(self._rules)

    def set_attribution_source(self, terms: Terms | None) -> None:
        """Terms whose attribution and benefits fill duty texts in tooltips (the draft)."""
        self._terms = terms

    def cell(self, index: Index) -> tuple[UserClass, Purpose]:
        return USER_CLASSES[index.row()], PURPOSES[index.column()]

    def rule_at(self, index: Index) -> Rule | None:
        if not index.isValid():
            return None
        return self._rules.get(self.cell(index))

    def set_rule(self, index: Index, rule: Rule) -> None:
        """Change one cell (the view's selection can be changed cell by cell)."""
        if not index.isValid() or not self._rules:
            return
        self._rules[self.cell(index)] = rule
        self.dataChanged.emit(index, index)

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self._rules else len(USER_CLASSES)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PURPOSES)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rule = self.rule_at(index)
        if rule is None:
            return None
        outcome = rule.outcome
        if role == Qt.ItemDataRole.DisplayRole:
            first = OUTCOME_SYMBOL[outcome] + " " + short_outcome(outcome)
            if not rule.duties:
                return first
            count = len(rule.duties)
            return first + "\n" + ngettext("{n} duty", "{n} duties", count).format(n=count)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index, rule)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._tooltip(index, rule)
        if role == Qt.ItemDataRole.BackgroundRole:
            return outcome_background(outcome)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(_CELL_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == RULE_ROLE:
            return rule
        if role == OUTCOME_ROLE:
            return outcome
        if role == CELL_ROLE:
            return self.cell(index)
        return None

    def _tooltip(self, index: Index, rule: Rule) -> str:
        user_class, purpose = self.cell(index)
        lines = [
            _("{who}, for {use}: {outcome}").format(
                who=lt.user_class_name(user_class),
                use=lt.purpose_name(purpose),
                outcome=lt.describe_outcome(rule.outcome),
            )
        ]
        for duty in rule.duties:
            shown = resolve_duty(duty, self._terms) if self._terms is not None else duty
            lines.append("• " + lt.describe_duty(shown))
        return "\n".join(lines)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(PURPOSES):
                return None
            purpose = PURPOSES[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return wrap_header(names.purpose_name(purpose.value))
            if role == Qt.ItemDataRole.ToolTipRole:
                return lt.purpose_name(purpose)
            return None
        if not 0 <= section < len(USER_CLASSES):
            return None
        user_class = USER_CLASSES[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return wrap_header(names.user_class_name(user_class.value), 18)
        if role == Qt.ItemDataRole.ToolTipRole:
            return lt.user_class_name(user_class)
        return None


# --- terms versions -------------------------------------------------------------------------


class VersionColumn(IntEnum):
    VERSION = 0
    NAME = 1
    TEMPLATE = 2
    CREATED = 3
    USED = 4
    DEFAULT = 5
    RECORDS = 6


VERSION_HEADERS: dict[VersionColumn, str] = {
    VersionColumn.VERSION: N_("Version"),
    VersionColumn.NAME: N_("Name"),
    VersionColumn.TEMPLATE: N_("Template"),
    VersionColumn.CREATED: N_("Created"),
    # Translators: column header: whether an export (a shared bundle) used this terms version.
    VersionColumn.USED: N_("Used in an export"),
    VersionColumn.DEFAULT: N_("Default"),
    VersionColumn.RECORDS: N_("Records with these terms"),
}


def _created_text(iso: str) -> str:
    try:
        return format_datetime(datetime.fromisoformat(iso), "short")
    except ValueError:
        return iso


class TermsVersionsModel(ObjectTableModel[TermsInfo]):
    """Every terms version, oldest first (``list_terms``)."""

    Column = VersionColumn
    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((), parent)

    def set_versions(self, rows: Sequence[TermsInfo]) -> None:
        self.set_items(rows)

    def info(self, row: int) -> TermsInfo:
        return self.item(row)

    def versions(self) -> list[TermsInfo]:
        return self.items()

    def header(self, column: IntEnum) -> str:
        return translate(VERSION_HEADERS[VersionColumn(column)])

    def tooltip(self, item: TermsInfo, column: IntEnum) -> str | None:
        if column is VersionColumn.USED and item.used:
            return _("Used in an export: this version can no longer change.")
        return None

    def role_data(self, item: TermsInfo, column: IntEnum, role: int) -> Any:
        return item if role == TERMS_INFO_ROLE else None

    def display(self, item: TermsInfo, column: IntEnum) -> str:
        info = item
        if column is VersionColumn.VERSION:
            return str(info.version)
        if column is VersionColumn.NAME:
            return terms_name(info.name)
        if column is VersionColumn.TEMPLATE:
            return lt.template_name(info.template)
        if column is VersionColumn.CREATED:
            return _created_text(info.created)
        if column is VersionColumn.USED:
            return _("Yes") if info.used else _("No")
        if column is VersionColumn.DEFAULT:
            return "✔ " + _("Default") if info.is_default else ""
        return str(info.records)


def version_title(info: TermsInfo) -> str:
    """One line naming a terms version, e.g. "Our terms — version 2 (default, used)"."""
    title = _("{name} — version {version}").format(name=terms_name(info.name), version=info.version)
    notes = []
    if info.is_default:
        notes.append(_("default"))
    if info.used:
        notes.append(_("used in an export"))
    if notes:
        # Translators: e.g. "(default, used in an export)" after a terms version's name.
        title += " " + _("({notes})").format(notes=", ".join(notes))
    return title


# --- labels ---------------------------------------------------------------------------------


class LabelColumn(IntEnum):
    LABEL = 0
    CATEGORY = 1
    WORDING = 2
    APPROVED = 3


LABEL_HEADERS: dict[LabelColumn, str] = {
    LabelColumn.LABEL: N_("Label"),
    LabelColumn.CATEGORY: N_("Kind"),
    # Translators: column header: whether the community wrote its own text for the label.
    LabelColumn.WORDING: N_("Community's own text"),
    LabelColumn.APPROVED: N_("Approved"),
}

_CATEGORY_NAMES: dict[LabelCategory, str] = {
    LabelCategory.PROVENANCE: N_("Provenance"),
    LabelCategory.PROTOCOL: N_("Protocol"),
    LabelCategory.PERMISSION: N_("Permission"),
}


def category_name(kind: LabelKind, category: LabelCategory) -> str:
    # Translators: e.g. "TK · Protocol": the label family and its category.
    return _("{family} · {category}").format(
        family=kind.value.upper(), category=translate(_CATEGORY_NAMES[category])
    )


class LabelsModel(ObjectTableModel[LabelInfo]):
    """The 30 Local Contexts labels with the community's wording, if any (``list_labels``)."""

    Column = LabelColumn
    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((), parent)

    def set_labels(self, rows: Iterable[LabelInfo]) -> None:
        self.set_items(list(rows))

    def info(self, row: int) -> LabelInfo:
        return self.item(row)

    def key(self, item: LabelInfo) -> str:
        return item.label.code

    def header(self, column: IntEnum) -> str:
        return translate(LABEL_HEADERS[LabelColumn(column)])

    def tooltip(self, item: LabelInfo, column: IntEnum) -> str | None:
        own = item.customisation
        code = item.label.code
        return lt.label_text(code, customisations={code: own} if own else None)

    def role_data(self, item: LabelInfo, column: IntEnum, role: int) -> Any:
        if role == LABEL_CODE_ROLE:
            return item.label.code
        if role == Qt.ItemDataRole.DecorationRole and column is LabelColumn.LABEL:
            return label_icon(item.label.code)
        return None

    def display(self, item: LabelInfo, column: IntEnum) -> str:
        label = item.label
        own = item.customisation
        if column is LabelColumn.LABEL:
            return lt.label_name(label.code)
        if column is LabelColumn.CATEGORY:
            return category_name(label.kind, label.category)
        if column is LabelColumn.WORDING:
            has_text = own is not None and bool(own.text or any(own.translations.values()))
            return _("Yes") if has_text else _("No (default text)")
        if own is None or not (own.approved_by or own.approved_on):
            return ""
        when = format_date(own.approved_on) if own.approved_on else ""
        return ", ".join(part for part in (own.approved_by, when) if part)


def rules_equal(a: Mapping[Any, Rule], b: Mapping[Any, Rule]) -> bool:
    """Same rule table (for "unsaved changes")."""
    return dict(a) == dict(b)
