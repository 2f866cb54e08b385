"""Small form pieces shared by the record editor and the People/Species/Consent sections.

Inline validation messages, the per-field confidentiality toggle, an optional date field,
combo boxes over the model's enums, and locale-aware number parsing (Spanish writes
``-0,95`` where English writes ``-0.95``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from babel import numbers as _bnumbers
from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import ValidationError
from tkapp.i18n import _, babel_locale, names
from tkapp.ui.common.dates import use_app_date_format

ERROR_COLOUR = "#b00020"


# -- numbers --------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_decimal_text(text: str, field: str) -> float | None:
    """Read a decimal number typed in either convention (``-0.95`` or ``-0,95``).

    Coordinates have no thousands separators, so a single comma or dot is always the decimal
    mark, whatever the language: a custodian on a Spanish laptop may still type a dot.

    Raises:
        ValidationError: ``not_a_number`` naming ``field``.
    """
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        raise ValidationError("not_a_number", field=field)
    try:
        return float(Decimal(cleaned.replace(",", ".")))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already checked it
        raise ValidationError("not_a_number", field=field) from exc


def parse_int_text(text: str, field: str) -> int | None:
    """Read a whole number (no sign, no separators); empty text is ``None``."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValidationError("not_a_number", field=field)
    return int(cleaned)


def format_decimal_text(value: float | None, places: int = 6) -> str:
    """A coordinate in the current language's notation, without grouping."""
    if value is None:
        return ""
    pattern = "0." + "#" * places
    return _bnumbers.format_decimal(
        value, format=pattern, locale=babel_locale(), group_separator=False
    )


def validation_message(error: ValidationError) -> str:
    """The inline sentence for a validation error."""
    return names.problem_text(error.detail or "")


# -- inline errors --------------------------------------------------------------------------


class FieldError(QLabel):
    """A red sentence under a field; hidden while the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.setAccessibleName(_("Problem"))
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


def with_error(field: QWidget, error: FieldError, extra: QWidget | None = None) -> QWidget:
    """Wrap a field and its error label (and an optional widget on its right) in one cell."""
    box = QWidget()
    outer = QVBoxLayout(box)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(2)
    if extra is None:
        outer.addWidget(field)
    else:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        row.addWidget(extra)
        outer.addLayout(row)
    outer.addWidget(error)
    return box


def warning_icon(size: int = 16) -> QIcon:
    """A small red dot with "!" for tabs that hold a problem (theme-independent)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(ERROR_COLOUR))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(int(size * 0.8))
    painter.setFont(font)
    painter.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return QIcon(pix)


class TabMarker:
    """Puts a warning icon on the tabs that hold a field with a problem."""

    def __init__(self, tabs: QTabWidget) -> None:
        self._tabs = tabs
        self._icon = warning_icon()

    def clear(self) -> None:
        for i in range(self._tabs.count()):
            self._tabs.setTabIcon(i, QIcon())
            self._tabs.setTabToolTip(i, "")

    def mark(self, page: QWidget) -> None:
        index = self._tabs.indexOf(page)
        if index >= 0:
            self._tabs.setTabIcon(index, self._icon)
            self._tabs.setTabToolTip(index, _("Something on this page needs attention."))

    def is_marked(self, page: QWidget) -> bool:
        index = self._tabs.indexOf(page)
        return index >= 0 and not self._tabs.tabIcon(index).isNull()


# -- confidentiality ------------------------------------------------------------------------


def lock_icon(size: int = 16, colour: str = "#5a3e00") -> QIcon:
    """A plain padlock drawn with QPainter (no theme icon needed offline)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = painter.pen()
    pen.setColor(QColor(colour))
    pen.setWidthF(size / 9)
    painter.setPen(pen)
    painter.drawArc(
        int(size * 0.28), int(size * 0.08), int(size * 0.44), int(size * 0.5), 0, 180 * 16
    )
    painter.drawLine(int(size * 0.28), int(size * 0.33), int(size * 0.28), int(size * 0.45))
    painter.drawLine(int(size * 0.72), int(size * 0.33), int(size * 0.72), int(size * 0.45))
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(
        int(size * 0.15), int(size * 0.45), int(size * 0.7), int(size * 0.5), 2, 2
    )
    painter.end()
    return QIcon(pix)


class ConfidentialToggle(QToolButton):
    """A checkable "Confidential" button beside the field it protects.

    A confidential field is left out of every export, whatever the terms say
    (``KnowledgeRecord.confidential``).
    """

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setCheckable(True)
        self.setIcon(lock_icon())
        self.setIconSize(QSize(14, 14))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setText(_("Confidential"))
        self.setToolTip(_("Never leaves the catalogue, whatever the terms say"))
        self.setAccessibleName(
            _("Keep {field} confidential").format(field=names.confidential_field_name(field))
        )
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(
            "QToolButton { padding: 2px 6px; }"
            "QToolButton:checked { background: #ffe3a3; border: 1px solid #b07a00;"
            " border-radius: 3px; font-weight: bold; }"
        )


# -- dates ----------------------------------------------------------------------------------


class DateField(QWidget):
    """A date that may be unknown: a "Known" tick box and a calendar field."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, known_text: str | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.known = QCheckBox(known_text or _("Known"))
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        use_app_date_format(self.edit)
        self.edit.setDate(QDate.currentDate())
        self.edit.setEnabled(False)
        layout.addWidget(self.known)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.known.toggled.connect(self.edit.setEnabled)
        self.known.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> date | None:
        if not self.known.isChecked():
            return None
        qd = self.edit.date()
        return date(qd.year(), qd.month(), qd.day())

    def set_value(self, value: date | None) -> None:
        self.known.setChecked(value is not None)
        self.edit.setDate(
            QDate(value.year, value.month, value.day) if value else QDate.currentDate()
        )


# -- enum combos ----------------------------------------------------------------------------


class EnumCombo(QComboBox):
    """A combo over an enum's members with translated names; ``value()`` is the member.

    The members are kept in Python: Qt would turn a ``StrEnum`` item data into a plain str.
    """

    def __init__(
        self,
        members: Iterable[Enum],
        namer: Callable[[Any], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._members = list(members)
        for member in self._members:
            self.addItem(namer(member), member.value)

    def value(self) -> Any:
        index = self.currentIndex()
        return self._members[index] if index >= 0 else None

    def set_value(self, member: Any) -> None:
        for index, candidate in enumerate(self._members):
            if candidate == member:
                self.setCurrentIndex(index)
                return


class LanguageCombo(QComboBox):
    """A language chosen by its name ("Español", "Kichwa"); ``value()`` is its code.

    Offers the usual languages of our communities; a stored code not among them is added
    (shown by name) rather than lost.
    """

    COMMON = ("es", "qu", "en")

    def __init__(self, *, allow_none: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if allow_none:
            self.addItem(_("(not said)"), "")
        for code in self.COMMON:
            self.addItem(names.language_name(code), code)

    def value(self) -> str:
        return str(self.currentData() or "")

    def set_value(self, code: str) -> None:
        code = (code or "").strip()
        index = self.findData(code)
        if index < 0:
            self.addItem(names.language_name(code), code)
            index = self.count() - 1
        self.setCurrentIndex(index)


def heading(text: str) -> QLabel:
    """A bold section heading inside a form."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str) -> QLabel:
    """A grey explanatory sentence under a field."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


def show_error(parent: QWidget, exc: BaseException) -> None:
    """Tell the custodian an operation failed, in plain words (non-blocking box)."""
    from tkapp.ui.common.dialogs import show_error as _show

    _show(parent, exc)


def error_text(exc: BaseException) -> str:
    """A plain sentence for an error (inline validation wording for ValidationError)."""
    if isinstance(exc, ValidationError):
        return validation_message(exc)
    from tkapp.ui.common.dialogs import error_text as _text

    return _text(exc)
