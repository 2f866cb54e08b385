"""The "Benefits and details" tab of the terms editor: name, credit, contact, validity, the
community's own words, and the benefit-sharing figures."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import ValidationError
from tkapp.i18n import _, names, translate
from tkapp.licensing import text as lt
from tkapp.licensing.terms import BenefitSharing, Fee, Terms
from tkapp.licensing.text import terms_name
from tkapp.licensing.vocab import NonMonetaryBenefit
from tkapp.ui.records.record_editor_widgets import DateField, heading, hint

CURRENCIES = ("USD", "EUR", "PEN", "COP", "BOB", "BRL", "MXN", "GBP")


class TermsDetailsPage(QWidget):
    """Every field of the terms outside the rule grid; ``edited`` fires on each change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded: Terms | None = None
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(_("Name of the terms"))
        self.attribution_edit = QLineEdit(self)
        self.attribution_edit.setAccessibleName(_("How to credit the community"))
        self.attribution_edit.setPlaceholderText(_("For example: Comunidad Sacha Yaku, Napo"))
        self.contact_edit = QLineEdit(self)
        self.contact_edit.setAccessibleName(_("Contact for agreements"))
        self.valid_from = DateField(self, known_text=_("Starts on"))
        self.valid_until = DateField(self, known_text=_("Ends on"))
        general = QFormLayout()
        general.addRow(_("Name of the terms:"), self.name_edit)
        general.addRow(_("How to credit the community:"), self.attribution_edit)
        general.addRow(_("Contact for agreements:"), self.contact_edit)
        general.addRow(_("Valid from:"), self.valid_from)
        general.addRow(_("Valid until:"), self.valid_until)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(heading(_("Credit, contact and validity")))
        left_layout.addLayout(general)
        left_layout.addWidget(
            hint(
                _(
                    "Without dates the terms apply from now on, with no end. After the end "
                    "date nothing can be shared under them until you renew them."
                )
            )
        )
        left_layout.addWidget(heading(_("In the community's own words")))
        left_layout.addWidget(
            hint(
                _(
                    "Optional: a message to whoever reads these terms, in each language. It "
                    "is printed at the top of the readable terms."
                )
            )
        )
        self.notes_tabs = QTabWidget(self)
        self.notes_tabs.setAccessibleName(_("The community's own words"))
        self.note_edits: dict[str, QPlainTextEdit] = {}
        left_layout.addWidget(self.notes_tabs, 1)

        self.royalty = QDoubleSpinBox(self)
        self.royalty.setRange(0, 100)
        self.royalty.setDecimals(2)
        self.royalty.setSuffix(" %")
        self.royalty.setAccessibleName(_("Royalty"))
        self.fee_amount = QLineEdit(self)
        self.fee_amount.setPlaceholderText(_("No fee"))
        self.fee_amount.setAccessibleName(_("Fee"))
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setAccessibleName(_("Currency"))
        fee_row = QHBoxLayout()
        fee_row.addWidget(self.fee_amount, 1)
        fee_row.addWidget(self.currency)
        self.benefit_note = QLineEdit(self)
        self.benefit_note.setAccessibleName(_("Note on benefits"))
        money = QFormLayout()
        money.addRow(_("Royalty on income:"), self.royalty)
        money.addRow(_("Fee:"), fee_row)
        money.addRow(_("Note:"), self.benefit_note)
        self.benefits: dict[NonMonetaryBenefit, QCheckBox] = {}
        benefit_grid = QGridLayout()
        for number, item in enumerate(NonMonetaryBenefit):
            text = translate(lt.BENEFIT_NAMES[item])
            box = QCheckBox(text[:1].upper() + text[1:], self)
            self.benefits[item] = box
            # One column: the Spanish names are long, two columns overflow a 1366 px screen.
            benefit_grid.addWidget(box, number, 0)
            box.toggled.connect(lambda _on: self.edited.emit())
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(heading(_("Benefit sharing")))
        right_layout.addWidget(
            hint(
                _(
                    "What for-profit users who contribute back give to the community (the cells "
                    "with “Share benefits”)."
                )
            )
        )
        right_layout.addLayout(money)
        right_layout.addWidget(QLabel(_("Other benefits (not money):"), self))
        right_layout.addLayout(benefit_grid)
        right_layout.addStretch(1)

        for edit in (
            self.name_edit,
            self.attribution_edit,
            self.contact_edit,
            self.fee_amount,
            self.benefit_note,
        ):
            edit.textEdited.connect(lambda _t: self.edited.emit())
        self.currency.currentTextChanged.connect(lambda _t: self.edited.emit())
        self.royalty.valueChanged.connect(lambda _v: self.edited.emit())
        self.valid_from.changed.connect(self.edited.emit)
        self.valid_until.changed.connect(self.edited.emit)

        content = QWidget(self)
        columns = QHBoxLayout(content)
        columns.addWidget(left, 1)
        line = QFrame(content)
        line.setFrameShape(QFrame.Shape.VLine)
        columns.addWidget(line)
        columns.addWidget(right, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def show_terms(self, terms: Terms) -> None:
        """Fill the fields from ``terms`` without firing ``edited``."""
        self.loaded = terms
        # A template's name is shown in the user's language; left as shown, the stored key
        # (the template's own name) is kept when saving (see _stored_name).
        self.name_edit.setText(terms_name(terms.name))
        self.attribution_edit.setText(terms.attribution)
        self.contact_edit.setText(terms.contact)
        self._show_notes(terms)
        for field_widget, value in (
            (self.valid_from, terms.valid_from),
            (self.valid_until, terms.valid_until),
        ):
            field_widget.blockSignals(True)
            field_widget.set_value(value)
            field_widget.blockSignals(False)
        benefit = terms.benefit_sharing
        self.royalty.blockSignals(True)
        self.royalty.setValue(benefit.royalty_basis_points / 100)
        self.royalty.blockSignals(False)
        self.fee_amount.setText(benefit.fee.amount if benefit.fee else "")
        self.currency.blockSignals(True)
        self.currency.setCurrentText(benefit.fee.currency if benefit.fee else "USD")
        self.currency.blockSignals(False)
        self.benefit_note.setText(benefit.note)
        for item, box in self.benefits.items():
            box.blockSignals(True)
            box.setChecked(item in benefit.non_monetary)
            box.blockSignals(False)

    def _show_notes(self, terms: Terms) -> None:
        """One text box per language of the terms, holding the community's own words."""
        self.notes_tabs.clear()
        self.note_edits = {}
        for lang in terms.languages:
            edit = QPlainTextEdit(self.notes_tabs)
            edit.setAccessibleName(
                _("The community's own words in {language}").format(
                    language=names.language_name(lang)
                )
            )
            edit.setPlainText(terms.notes.get(lang, ""))
            edit.textChanged.connect(self.edited.emit)
            self.note_edits[lang] = edit
            self.notes_tabs.addTab(edit, names.language_name(lang))

    def _stored_name(self, shown: str) -> str:
        """The name to save: the template's key when the shown (translated) name is unchanged,
        otherwise the community's own words."""
        loaded = self.loaded
        if loaded is not None and shown == terms_name(loaded.name):
            return loaded.name
        return shown

    def values(self) -> dict[str, Any]:
        """The values in the fields as Terms fields (all but the rules).

        Raises:
            ValidationError: a benefit figure is not acceptable.
        """
        amount = self.fee_amount.text().strip().replace(",", ".")
        fee = None
        if amount:
            try:
                Decimal(amount)
            except InvalidOperation:
                raise ValidationError("bad_amount", field="benefit_sharing.fee.amount") from None
            fee = Fee(amount, self.currency.currentText().strip().upper())
        benefit = BenefitSharing(
            royalty_basis_points=round(self.royalty.value() * 100),
            fee=fee,
            non_monetary=tuple(item for item, box in self.benefits.items() if box.isChecked()),
            note=self.benefit_note.text().strip(),
        )
        return {
            "name": self._stored_name(self.name_edit.text().strip()),
            "attribution": self.attribution_edit.text().strip(),
            "contact": self.contact_edit.text().strip(),
            "valid_from": self.valid_from.value(),
            "valid_until": self.valid_until.value(),
            "benefit_sharing": benefit,
            "notes": {
                lang: edit.toPlainText().strip()
                for lang, edit in self.note_edits.items()
                if edit.toPlainText().strip()
            },
        }
