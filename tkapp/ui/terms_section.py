"""The "Terms & labels" section: the community's terms, their versions, and its labels.

Terms tab: pick a version, edit its rule table as a grid (rows: kinds of user, columns:
purposes; each cell an outcome with duties, changed in a small dialog), the benefit-sharing
figures, credit, contact and validity; preview the readable text in each catalogue language;
see the version history. A version an export used never changes: saving it makes the next
version (``services.terms.edit_terms``), and the section says so in plain words.

Labels tab: the 30 Local Contexts labels with our pictograms, and the community's own wording
of each (text, translations, who approved it and when, Local Contexts Hub project id).

Every catalogue call goes through the worker; prompts are non-blocking dialogs (``open()``)
so tests drive them directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import TkError, ValidationError
from tkapp.i18n import N_, _, names, ngettext, translate
from tkapp.licensing import text as lt
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.templates import TEMPLATES, template_info
from tkapp.licensing.terms import BenefitSharing, Duty, Fee, Rule, Terms, from_template
from tkapp.licensing.text import terms_name
from tkapp.licensing.vocab import DutyKind, NonMonetaryBenefit, Outcome
from tkapp.services import terms as terms_service
from tkapp.services.terms import LabelInfo, TermsInfo
from tkapp.ui.dates import use_app_date_format
from tkapp.ui.dialogs import confirm, error_text, set_text_color, warning_color, window_title
from tkapp.ui.labels_widgets import label_pixmap
from tkapp.ui.record_editor_widgets import DateField, heading, hint
from tkapp.ui.terms_models import (
    OUTCOME_SYMBOL,
    LabelColumn,
    LabelsModel,
    RuleGridModel,
    TermsVersionsModel,
    VersionColumn,
    outcome_background,
    version_title,
)
from tkapp.ui.worker import Runner

# Short names of duties for check boxes (the preview gives the full sentences).
DUTY_NAMES: dict[DutyKind, str] = {
    DutyKind.ATTRIBUTE: N_("Credit the community"),
    DutyKind.SHARE_RESULTS: N_("Share the results with the community"),
    DutyKind.NOTIFY_BEFORE_PUBLICATION: N_("Tell the community before publishing"),
    DutyKind.NO_IP_CLAIMS: N_("No patents or other rights claimed"),
    DutyKind.NO_REDISTRIBUTION: N_("Do not pass it on to others"),
    DutyKind.BENEFIT_SHARE: N_("Share benefits (see Benefits and details)"),
    DutyKind.RESPECT_PROTOCOLS: N_("Follow the community's protocols"),
    DutyKind.EXPIRES: N_("The permission ends on a date"),
}


# Terms fields a validation error may name, in words.
_TERMS_FIELDS: dict[str, str] = {
    "name": N_("Name of the terms"),
    "attribution": N_("How to credit the community"),
    "contact": N_("Contact for agreements"),
    "valid_until": N_("Valid until"),
    "valid_from": N_("Valid from"),
    "benefit_sharing.fee.amount": N_("Fee"),
    "benefit_sharing.fee.currency": N_("Currency"),
    "benefit_sharing.royalty_basis_points": N_("Royalty"),
    "benefit_sharing.note": N_("Note on benefits"),
    "duties": N_("Duties"),
}

CURRENCIES = ("USD", "EUR", "PEN", "COP", "BOB", "BRL", "MXN", "GBP")


def language_name(code: str) -> str:
    """A language's name in the interface language (one rule: :func:`names.language_name`)."""
    return names.language_name(code)


def terms_problem(error: BaseException) -> str:
    """A plain sentence for a problem with the terms being edited."""
    if isinstance(error, ValidationError):
        field = str(error.params.get("field", ""))
        where = _TERMS_FIELDS.get(field)
        if where is None and field.startswith("rules."):
            where = N_("Duties")
        if error.detail in ("required", "missing_key") and field == "attribution":
            return _(
                "Write how users must credit the community: some cells ask users to credit it."
            )
        if error.detail == "required" and field == "contact":
            return _(
                "Write a contact for agreements: some cells say “only with an agreement”, so "
                "users need to know whom to ask."
            )
        if error.detail == "before_valid_from":
            return _("The end date is before the start date.")
        if error.detail in ("bad_amount",):
            return _("Write the fee as a number, for example 500 or 500.50.")
        if error.detail in ("bad_currency",):
            return _("Write the currency as three capital letters, for example USD.")
        if where is not None:
            return _("{field}: this value is not accepted.").format(field=translate(where))
    return error_text(error)


# --- the cell dialog --------------------------------------------------------------------


class RuleDialog(QDialog):
    """Change the outcome and duties of one or several grid cells."""

    def __init__(self, rule: Rule, cells: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("What may they do?")))
        intro = QLabel(
            ngettext(
                "This changes {n} cell of the table.",
                "This changes {n} cells of the table: they all get the same answer.",
                cells,
            ).format(n=cells),
            self,
        )
        intro.setWordWrap(True)
        self.outcomes: dict[Outcome, QRadioButton] = {}
        self.group = QButtonGroup(self)
        outcome_box = QGroupBox(_("The answer"), self)
        outcome_layout = QVBoxLayout(outcome_box)
        for number, outcome in enumerate(Outcome):
            button = QRadioButton(OUTCOME_SYMBOL[outcome] + " " + lt.describe_outcome(outcome))
            self.outcomes[outcome] = button
            self.group.addButton(button, number)
            outcome_layout.addWidget(button)
        self.duties: dict[DutyKind, QCheckBox] = {}
        duty_box = QGroupBox(_("Duties of the user"), self)
        duty_layout = QGridLayout(duty_box)
        self.days = QSpinBox(self)
        self.days.setRange(0, 3650)
        self.days.setSpecialValueText(_("no number of days"))
        self.days.setSuffix(" " + _("days"))
        self.days.setAccessibleName(_("Days before publishing"))
        self.protocol = QLineEdit(self)
        self.protocol.setPlaceholderText(_("Which protocol, in a few words (optional)"))
        self.protocol.setAccessibleName(_("Protocol"))
        self.ends = QDateEdit(self)
        self.ends.setCalendarPopup(True)
        use_app_date_format(self.ends)
        self.ends.setAccessibleName(_("End date"))
        extras: dict[DutyKind, QWidget] = {
            DutyKind.NOTIFY_BEFORE_PUBLICATION: self.days,
            DutyKind.RESPECT_PROTOCOLS: self.protocol,
            DutyKind.EXPIRES: self.ends,
        }
        for row, kind in enumerate(DutyKind):
            box = QCheckBox(translate(DUTY_NAMES[kind]), self)
            self.duties[kind] = box
            duty_layout.addWidget(box, row, 0)
            if kind in extras:
                duty_layout.addWidget(extras[kind], row, 1)
                box.toggled.connect(extras[kind].setEnabled)
                extras[kind].setEnabled(False)
            box.toggled.connect(lambda _on: self._update())
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        set_text_color(self.note, warning_color(self.palette()))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.duty_box = duty_box
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(outcome_box)
        layout.addWidget(duty_box)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.group.idToggled.connect(lambda _id, _on: self._update())
        self.set_rule(rule)

    def set_rule(self, rule: Rule) -> None:
        self.outcomes[rule.outcome].setChecked(True)
        params: dict[DutyKind, dict[str, str]] = {d.kind: dict(d.params) for d in rule.duties}
        for kind, box in self.duties.items():
            box.setChecked(kind in params)
        notify = params.get(DutyKind.NOTIFY_BEFORE_PUBLICATION, {})
        self.days.setValue(int(notify["days"]) if notify.get("days", "").isdigit() else 0)
        self.protocol.setText(params.get(DutyKind.RESPECT_PROTOCOLS, {}).get("text", ""))
        ends = params.get(DutyKind.EXPIRES, {}).get("date")
        day = date.fromisoformat(ends) if ends else date.today().replace(month=12, day=31)
        from PySide6.QtCore import QDate

        self.ends.setDate(QDate(day.year, day.month, day.day))
        self._update()

    def outcome(self) -> Outcome:
        for outcome, button in self.outcomes.items():
            if button.isChecked():
                return outcome
        return Outcome.NOT_ALLOWED

    def set_outcome(self, outcome: Outcome) -> None:
        self.outcomes[outcome].setChecked(True)

    def _update(self) -> None:
        outcome = self.outcome()
        takes_duties = outcome in (Outcome.ALLOWED_WITH_DUTIES, Outcome.NEEDS_AGREEMENT)
        self.duty_box.setEnabled(takes_duties)
        chosen = any(box.isChecked() for box in self.duties.values())
        problem = ""
        if outcome is Outcome.ALLOWED_WITH_DUTIES and not chosen:
            problem = _("Choose at least one duty, or choose “Allowed”.")
        elif outcome is Outcome.NEEDS_AGREEMENT:
            problem = _("The duties you tick are where an agreement would start from.")
        elif not takes_duties and chosen:
            problem = _("This answer carries no duties: the ticked duties are not kept.")
        self.note.setText(problem)
        self.note.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not (outcome is Outcome.ALLOWED_WITH_DUTIES and not chosen))

    def rule(self) -> Rule:
        """The rule as chosen (duties dropped for answers that take none)."""
        outcome = self.outcome()
        duties: list[Duty] = []
        if outcome in (Outcome.ALLOWED_WITH_DUTIES, Outcome.NEEDS_AGREEMENT):
            for kind, box in self.duties.items():
                if not box.isChecked():
                    continue
                params: dict[str, str] = {}
                if kind is DutyKind.NOTIFY_BEFORE_PUBLICATION and self.days.value():
                    params["days"] = str(self.days.value())
                if kind is DutyKind.RESPECT_PROTOCOLS and self.protocol.text().strip():
                    params["text"] = self.protocol.text().strip()
                if kind is DutyKind.EXPIRES:
                    qd = self.ends.date()
                    params["date"] = date(qd.year(), qd.month(), qd.day()).isoformat()
                duties.append(Duty(kind, params))
        return Rule(outcome, tuple(duties))


class NewTermsDialog(QDialog):
    """Start a new set of terms from a built-in template."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("New terms from a template")))
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                _(
                    "Choose where to start. You can change every cell afterwards. Your current "
                    "terms stay as they are."
                )
            )
        )
        self.choices: dict[str, QRadioButton] = {}
        for number, code in enumerate(TEMPLATES):
            button = QRadioButton(lt.template_name(code), self)
            summary = QLabel(translate(template_info(code).summary), self)
            summary.setWordWrap(True)
            summary.setIndent(24)
            self.group.addButton(button, number)
            self.choices[code] = button
            layout.addWidget(button)
            layout.addWidget(summary)
        self.choices[TEMPLATES[0]].setChecked(True)
        self.name = QLineEdit(self)
        self.name.setAccessibleName(_("Name of the new terms"))
        self.name.setPlaceholderText(_("For example: Terms of our assembly, 2026"))
        form = QFormLayout()
        form.addRow(_("Name of the new terms:"), self.name)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def template(self) -> str:
        for code, button in self.choices.items():
            if button.isChecked():
                return code
        return TEMPLATES[0]

    def terms_name(self) -> str:
        return self.name.text().strip() or lt.template_name(self.template())


# --- the section ------------------------------------------------------------------------


class _Legend(QWidget):
    """Colour chips with symbols and the full outcome sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for outcome in Outcome:
            chip = QLabel(OUTCOME_SYMBOL[outcome] + " " + lt.describe_outcome(outcome), self)
            colour = outcome_background(outcome).name()
            chip.setStyleSheet(
                f"background: {colour}; color: #1a1a1a; padding: 3px 6px; border-radius: 3px;"
            )
            row.addWidget(chip)
        row.addStretch(1)


class TermsSection(QWidget):
    """The community's terms (rule grid, benefits, preview, history) and its labels."""

    #: A short message for the status bar.
    message = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("terms-section")
        self.loaded: Terms | None = None
        self.community_languages: list[str] = []
        self.community_name = ""
        self.community_contact = ""
        self._infos: list[TermsInfo] = []
        self._loading = False
        self._generation = 0
        self.busy = False
        #: Asks before throwing away unsaved edits (replaced in tests; blocking by default).
        self.ask_discard: Callable[[], bool] = self._ask_discard
        self.rule_dialog: RuleDialog | None = None
        self.new_dialog: NewTermsDialog | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._terms_page(), _("Terms"))
        self.tabs.addTab(self._labels_page(), _("Labels"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        title = QLabel(_("Terms & labels"), self)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.update_preview)

    # -- building the pages ------------------------------------------------------------------

    def _terms_page(self) -> QWidget:
        page = QWidget(self)
        self.version_combo = QComboBox(page)
        self.version_combo.setAccessibleName(_("Terms version"))
        self.version_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.version_combo.activated.connect(self._version_chosen)
        self.new_button = QPushButton(_("New from template…"), page)
        self.new_button.setToolTip(_("Start new terms from one of the built-in templates"))
        self.new_button.clicked.connect(self.new_from_template)
        self.default_button = QPushButton(_("Set as default"), page)
        self.default_button.setToolTip(
            _("Records without terms of their own fall under the default terms")
        )
        self.default_button.clicked.connect(self.set_as_default)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Terms version:"), page))
        top.addWidget(self.version_combo, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.default_button)
        self.state = QLabel(page)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(_("About this version"))

        self.editor_tabs = QTabWidget(page)
        self.editor_tabs.addTab(self._grid_page(), _("Who may do what"))
        self.editor_tabs.addTab(self._details_page(), _("Benefits and details"))
        self.editor_tabs.addTab(self._preview_page(), _("Preview"))
        self.editor_tabs.addTab(self._history_page(), _("Version history"))
        self.editor_tabs.currentChanged.connect(lambda _i: self.schedule_preview())

        self.feedback = QLabel(page)
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName(_("Message"))
        self.revert_button = QPushButton(_("Undo my changes"), page)
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(_("Save"), page)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.editor_tabs, 1)
        layout.addLayout(bottom)
        return page

    def _grid_page(self) -> QWidget:
        page = QWidget(self)
        self.grid_model = RuleGridModel(self)
        self.grid = QTableView(page)
        self.grid.setModel(self.grid_model)
        self.grid.setAccessibleName(_("Who may do what"))
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setWordWrap(True)
        self.grid.setCornerButtonEnabled(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.horizontalHeader().setMinimumSectionSize(70)
        self.grid.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        # Rows share the height: big targets, and a third line fits when a word wraps.
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setMinimumSectionSize(
            self.grid.fontMetrics().lineSpacing() * 2 + 8
        )
        self.grid.activated.connect(lambda _index: self.edit_selected_cells())
        self.grid.doubleClicked.connect(lambda _index: self.edit_selected_cells())
        self.grid_model.dataChanged.connect(lambda *_a: self._edited())
        self.change_button = QPushButton(_("Change the selected cells…"), page)
        self.change_button.clicked.connect(self.edit_selected_cells)
        row = QHBoxLayout()
        row.addWidget(_Legend(page), 1)
        row.addWidget(self.change_button)
        layout = QVBoxLayout(page)
        layout.addWidget(
            hint(
                _(
                    "Each row is a kind of user, each column a use. Double-click a cell, or "
                    "select several and press “Change the selected cells”. Point at a cell to "
                    "read its duties."
                )
            )
        )
        layout.addWidget(self.grid, 1)
        layout.addLayout(row)
        return page

    def _details_page(self) -> QWidget:
        page = QWidget(self)
        self.name_edit = QLineEdit(page)
        self.name_edit.setAccessibleName(_("Name of the terms"))
        self.attribution_edit = QLineEdit(page)
        self.attribution_edit.setAccessibleName(_("How to credit the community"))
        self.attribution_edit.setPlaceholderText(_("For example: Comunidad Sacha Yaku, Napo"))
        self.contact_edit = QLineEdit(page)
        self.contact_edit.setAccessibleName(_("Contact for agreements"))
        self.valid_from = DateField(page, known_text=_("Starts on"))
        self.valid_until = DateField(page, known_text=_("Ends on"))
        general = QFormLayout()
        general.addRow(_("Name of the terms:"), self.name_edit)
        general.addRow(_("How to credit the community:"), self.attribution_edit)
        general.addRow(_("Contact for agreements:"), self.contact_edit)
        general.addRow(_("Valid from:"), self.valid_from)
        general.addRow(_("Valid until:"), self.valid_until)
        left = QWidget(page)
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
        self.notes_tabs = QTabWidget(page)
        self.notes_tabs.setAccessibleName(_("The community's own words"))
        self.note_edits: dict[str, QPlainTextEdit] = {}
        left_layout.addWidget(self.notes_tabs, 1)

        self.royalty = QDoubleSpinBox(page)
        self.royalty.setRange(0, 100)
        self.royalty.setDecimals(2)
        self.royalty.setSuffix(" %")
        self.royalty.setAccessibleName(_("Royalty"))
        self.fee_amount = QLineEdit(page)
        self.fee_amount.setPlaceholderText(_("No fee"))
        self.fee_amount.setAccessibleName(_("Fee"))
        self.currency = QComboBox(page)
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setAccessibleName(_("Currency"))
        fee_row = QHBoxLayout()
        fee_row.addWidget(self.fee_amount, 1)
        fee_row.addWidget(self.currency)
        self.benefit_note = QLineEdit(page)
        self.benefit_note.setAccessibleName(_("Note on benefits"))
        money = QFormLayout()
        money.addRow(_("Royalty on income:"), self.royalty)
        money.addRow(_("Fee:"), fee_row)
        money.addRow(_("Note:"), self.benefit_note)
        self.benefits: dict[NonMonetaryBenefit, QCheckBox] = {}
        benefit_grid = QGridLayout()
        for number, item in enumerate(NonMonetaryBenefit):
            text = translate(lt.BENEFIT_NAMES[item])
            box = QCheckBox(text[:1].upper() + text[1:], page)
            self.benefits[item] = box
            # One column: the Spanish names are long, two columns overflow a 1366 px screen.
            benefit_grid.addWidget(box, number, 0)
            box.toggled.connect(lambda _on: self._edited())
        right = QWidget(page)
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
        right_layout.addWidget(QLabel(_("Other benefits (not money):"), page))
        right_layout.addLayout(benefit_grid)
        right_layout.addStretch(1)

        for edit in (
            self.name_edit,
            self.attribution_edit,
            self.contact_edit,
            self.fee_amount,
            self.benefit_note,
        ):
            edit.textEdited.connect(lambda _t: self._edited())
        self.currency.currentTextChanged.connect(lambda _t: self._edited())
        self.royalty.valueChanged.connect(lambda _v: self._edited())
        self.valid_from.changed.connect(self._edited)
        self.valid_until.changed.connect(self._edited)

        content = QWidget(page)
        columns = QHBoxLayout(content)
        columns.addWidget(left, 1)
        line = QFrame(content)
        line.setFrameShape(QFrame.Shape.VLine)
        columns.addWidget(line)
        columns.addWidget(right, 1)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget(self)
        self.preview_tabs = QTabWidget(page)
        self.preview_tabs.setAccessibleName(_("Preview in each language"))
        self.preview_note = hint(
            _(
                "This is the text a researcher receives with the records, in each language of "
                "the catalogue. It follows your changes before you save them."
            )
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.preview_note)
        layout.addWidget(self.preview_tabs, 1)
        self.previews: dict[str, QPlainTextEdit] = {}
        return page

    def _history_page(self) -> QWidget:
        page = QWidget(self)
        self.versions_model = TermsVersionsModel(self)
        self.history = QTableView(page)
        self.history.setModel(self.versions_model)
        self.history.setAccessibleName(_("Version history"))
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.verticalHeader().hide()
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(int(VersionColumn.NAME), QHeaderView.ResizeMode.Stretch)
        self.history.doubleClicked.connect(lambda index: self.open_version(index.row()))
        self.open_button = QPushButton(_("Open this version"), page)
        self.open_button.clicked.connect(self._open_selected_version)
        row = QHBoxLayout()
        row.addWidget(
            hint(
                _(
                    "Each time terms used in an export are changed, a new version is made; the "
                    "old one stays as it was, because bundles carry it."
                )
            ),
            1,
        )
        row.addWidget(self.open_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.history, 1)
        layout.addLayout(row)
        return page

    def _labels_page(self) -> QWidget:
        page = QWidget(self)
        self.labels_model = LabelsModel(self)
        self.labels_view = QTableView(page)
        self.labels_view.setModel(self.labels_model)
        self.labels_view.setAccessibleName(_("Labels"))
        self.labels_view.setIconSize(QSize(24, 24))
        self.labels_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.labels_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.labels_view.verticalHeader().hide()
        self.labels_view.verticalHeader().setDefaultSectionSize(30)
        header = self.labels_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(int(LabelColumn.APPROVED), QHeaderView.ResizeMode.Stretch)
        self.labels_view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._label_chosen(current)
        )

        editor = QWidget(page)
        self.label_picture = QLabel(editor)
        self.label_picture.setFixedSize(64, 64)
        self.label_title = QLabel(editor)
        font = self.label_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.label_title.setFont(font)
        self.label_default = hint("")
        title_box = QVBoxLayout()
        title_box.addWidget(self.label_title)
        title_box.addWidget(self.label_default)
        title_row = QHBoxLayout()
        title_row.addWidget(self.label_picture, 0, Qt.AlignmentFlag.AlignTop)
        title_row.addLayout(title_box, 1)
        self.label_text = QPlainTextEdit(editor)
        self.label_text.setAccessibleName(_("The community's text for this label"))
        self.label_text.setPlaceholderText(_("Empty: the default text above is used"))
        self.label_text.setMaximumHeight(90)
        self.translations_form = QFormLayout()
        self.translation_edits: dict[str, QPlainTextEdit] = {}
        self.approved_by = QLineEdit(editor)
        self.approved_by.setAccessibleName(_("Approved by"))
        self.approved_by.setPlaceholderText(_("For example: community assembly"))
        self.approved_on = DateField(editor, known_text=_("Approved on"))
        self.hub_id = QLineEdit(editor)
        self.hub_id.setAccessibleName(_("Local Contexts Hub project id"))
        self.hub_id.setPlaceholderText(_("Optional, to link later when online"))
        meta = QFormLayout()
        meta.addRow(_("Approved by:"), self.approved_by)
        meta.addRow(_("Date:"), self.approved_on)
        meta.addRow(_("Local Contexts Hub project:"), self.hub_id)
        self.label_save = QPushButton(_("Save the wording"), editor)
        self.label_save.clicked.connect(self.save_label)
        self.label_reset = QPushButton(_("Back to the default text"), editor)
        self.label_reset.clicked.connect(self.reset_label)
        self.label_feedback = QLabel(editor)
        self.label_feedback.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.label_feedback, 1)
        buttons.addWidget(self.label_reset)
        buttons.addWidget(self.label_save)
        edit_layout = QVBoxLayout(editor)
        edit_layout.addLayout(title_row)
        edit_layout.addWidget(heading(_("The community's own text")))
        edit_layout.addWidget(self.label_text)
        edit_layout.addLayout(self.translations_form)
        edit_layout.addWidget(heading(_("Approval")))
        edit_layout.addLayout(meta)
        edit_layout.addStretch(1)
        edit_layout.addLayout(buttons)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(editor)

        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        splitter.addWidget(self.labels_view)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 560])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(
            hint(
                _(
                    "Local Contexts labels tell others how the community wants its knowledge "
                    "treated. Write them in the community's own words and languages."
                )
            )
        )
        layout.addWidget(splitter, 1)
        self._label_code = ""
        return page

    # -- loading -------------------------------------------------------------------------------

    def refresh(self, select_id: str | None = None) -> None:
        """Load versions, the chosen (or default) terms and the labels from the catalogue."""
        if not self.runner.is_open():
            return
        wanted = select_id or (self.loaded.id if self.loaded is not None else None)
        self._loading = True
        self._generation += 1
        generation = self._generation

        def op(cat: Any) -> tuple[Any, ...]:
            infos = terms_service.list_terms(cat)
            ids = {info.id for info in infos}
            chosen = wanted if wanted in ids else next(i.id for i in infos if i.is_default)
            terms = terms_service.get_terms(cat, chosen)
            community = cat.community
            return (
                infos,
                terms,
                list(community.languages),
                community.name,
                community.contact,
                terms_service.list_labels(cat),
            )

        def done(result: tuple[Any, ...]) -> None:
            if generation == self._generation:  # else a newer refresh is on its way
                self._loaded_all(result)

        self.runner.run(op, done, self._failed, context=self)

    def _loaded_all(self, result: tuple[Any, ...]) -> None:
        infos, terms, languages, name, contact, labels = result
        self.community_languages = languages or ["en"]
        self.community_name = name
        self.community_contact = contact
        self._set_versions(infos)
        self._set_labels(labels)
        self._show_terms(terms)
        self._loading = False

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.busy = False
        self.feedback.setText(terms_problem(error))

    def loading(self) -> bool:
        return self._loading

    def _set_versions(self, infos: Sequence[TermsInfo]) -> None:
        self._infos = list(infos)
        self.versions_model.set_versions(infos)
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        for info in infos:
            self.version_combo.addItem(version_title(info), info.id)
        self.version_combo.blockSignals(False)

    def _show_notes(self, terms: Terms) -> None:
        """One text box per language of the terms, holding the community's own words."""
        self.notes_tabs.clear()
        self.note_edits = {}
        for lang in terms.languages:
            edit = QPlainTextEdit(self.notes_tabs)
            edit.setAccessibleName(
                _("The community's own words in {language}").format(language=language_name(lang))
            )
            edit.setPlainText(terms.notes.get(lang, ""))
            edit.textChanged.connect(self._edited)
            self.note_edits[lang] = edit
            self.notes_tabs.addTab(edit, language_name(lang))

    def info_for(self, terms_id: str) -> TermsInfo | None:
        return next((info for info in self._infos if info.id == terms_id), None)

    def _stored_name(self, shown: str) -> str:
        """The name to save: the template's key when the shown (translated) name is unchanged,
        otherwise the community's own words."""
        loaded = self.loaded
        if loaded is not None and shown == terms_name(loaded.name):
            return loaded.name
        return shown

    def _show_terms(self, terms: Terms) -> None:
        self.loaded = terms
        self.grid_model.set_terms(terms)
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
        row = self.version_combo.findData(terms.id)
        self.version_combo.setCurrentIndex(row)
        history_row = self.versions_model.row_of(terms.id)
        if history_row >= 0:
            self.history.selectRow(history_row)
        self._build_previews(terms)
        self._update_state()
        self.schedule_preview()

    def _update_state(self) -> None:
        terms = self.loaded
        info = self.info_for(terms.id) if terms is not None else None
        if terms is None or info is None:
            self.state.clear()
            return
        template = lt.template_name(terms.template)
        if info.used:
            text = _(
                "Based on “{template}”. Version {version} was used in an export, so it can no "
                "longer change: if you save changes, they become version {next}, and version "
                "{version} stays as it was for the bundles that carry it."
            ).format(template=template, version=terms.version, next=self._next_version(terms))
        else:
            text = _(
                "Based on “{template}”. No export has used version {version} yet: saving "
                "changes it."
            ).format(template=template, version=terms.version)
        if info.is_default:
            text += " " + _("These are the default terms of the catalogue.")
        self.state.setText(text)
        self.default_button.setEnabled(not info.is_default)
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty and not self.busy)
        self.revert_button.setEnabled(dirty and not self.busy)

    def _next_version(self, terms: Terms) -> int:
        same_set = [i.version for i in self._infos if i.set_id == terms.set_id]
        return max([terms.version, *same_set]) + 1

    def _set_labels(self, labels: Sequence[LabelInfo]) -> None:
        current = self._label_code
        self.labels_model.set_labels(labels)
        self._build_translation_edits()
        row = self.labels_model.row_of(current) if current else 0
        if row >= 0 and self.labels_model.rowCount():
            self.labels_view.selectRow(row)
            self._label_chosen(self.labels_model.index(row, 0))

    # -- editing the terms -----------------------------------------------------------------------

    def _edited(self) -> None:
        if self.loaded is None:
            return
        self.feedback.clear()
        self._update_state()
        self.schedule_preview()

    def collect(self) -> dict[str, Any]:
        """The values in the editor as Terms fields.

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
            "rules": self.grid_model.rules(),
            "notes": {
                lang: edit.toPlainText().strip()
                for lang, edit in self.note_edits.items()
                if edit.toPlainText().strip()
            },
        }

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from the loaded version (raises ValidationError)."""
        if self.loaded is None:
            return {}
        values = self.collect()
        out: dict[str, Any] = {}
        for name, value in values.items():
            old = getattr(self.loaded, name)
            if name in ("rules", "notes"):
                if dict(old) != dict(value):
                    out[name] = value
            elif old != value:
                out[name] = value
        return out

    def has_unsaved_changes(self) -> bool:
        try:
            return bool(self.changes())
        except (ValidationError, TkError):
            return True

    def draft(self) -> Terms:
        """The terms as edited (not saved). Raises ValidationError."""
        assert self.loaded is not None
        return dataclasses.replace(self.loaded, **self.changes())

    def revert(self) -> None:
        if self.loaded is not None:
            self._show_terms(self.loaded)
            self.feedback.setText(_("Your changes were undone."))

    def save(self) -> None:
        """Save the edits: in place for an unused version, else as the next version."""
        if self.loaded is None or self.busy:
            return
        try:
            changes = self.changes()
            if not changes:
                self.feedback.setText(_("Nothing has changed."))
                return
            self.draft()  # check everything here, with a plain message, before the worker
        except (ValidationError, TkError) as exc:
            self.feedback.setText(terms_problem(exc))
            return
        old = self.loaded
        info = self.info_for(old.id)
        was_default = info is not None and info.is_default
        self.busy = True
        self._update_state()
        self.feedback.setText(_("Saving…"))

        def done(saved: Terms) -> None:
            self.busy = False
            if saved.id != old.id:
                text = _(
                    "Version {old} was already used in an export, so your changes were saved "
                    "as version {new}. Version {old} stays as it was, for the bundles that "
                    "carry it."
                ).format(old=old.version, new=saved.version)
                if was_default:
                    text += " " + _("Version {new} is now the default.").format(new=saved.version)
            else:
                text = _("Saved.")
            self.loaded = saved
            self.refresh(saved.id)
            self.feedback.setText(text)
            self.message.emit(text)

        def failed(error: BaseException) -> None:
            self.busy = False
            self._update_state()
            self.feedback.setText(terms_problem(error))

        terms_id = old.id
        self.runner.run(
            lambda cat: terms_service.edit_terms(cat, terms_id, **changes),
            done,
            failed,
            context=self,
        )

    def edit_selected_cells(self) -> RuleDialog | None:
        """Open the cell dialog for the selected cells (non-blocking; returned for tests)."""
        indexes = self.grid.selectionModel().selectedIndexes()
        if not indexes:
            current = self.grid.currentIndex()
            indexes = [current] if current.isValid() else []
        if not indexes:
            self.feedback.setText(_("Select one or more cells of the table first."))
            return None
        rule = self.grid_model.rule_at(indexes[0])
        if rule is None:
            return None
        dialog = RuleDialog(rule, len(indexes), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        persistent = [QModelIndex(index) for index in indexes]

        def apply() -> None:
            chosen = dialog.rule()
            for index in persistent:
                self.grid_model.set_rule(index, chosen)

        dialog.accepted.connect(apply)
        self.rule_dialog = dialog
        dialog.open()
        return dialog

    # -- versions ------------------------------------------------------------------------------

    def _ask_discard(self) -> bool:
        return confirm(
            self,
            _("Your changes to these terms are not saved. Throw them away?"),
            _("Unsaved changes"),
            yes=_("Throw away my changes"),
        )

    def _version_chosen(self, row: int) -> None:
        terms_id = self.version_combo.itemData(row)
        if terms_id:
            self.open_version_id(str(terms_id))

    def _open_selected_version(self) -> None:
        rows = self.history.selectionModel().selectedRows()
        if rows:
            self.open_version(rows[0].row())

    def open_version(self, row: int) -> None:
        if 0 <= row < self.versions_model.rowCount():
            self.open_version_id(self.versions_model.info(row).id)

    def open_version_id(self, terms_id: str) -> None:
        if self.loaded is not None and terms_id == self.loaded.id:
            return
        if self.has_unsaved_changes() and not self.ask_discard():
            if self.loaded is not None:
                self.version_combo.setCurrentIndex(self.version_combo.findData(self.loaded.id))
            return
        self._loading = True

        def done(terms: Terms) -> None:
            self._loading = False
            self._show_terms(terms)

        self.runner.run(
            lambda cat: terms_service.get_terms(cat, terms_id), done, self._failed, context=self
        )

    def set_as_default(self) -> None:
        if self.loaded is None:
            return
        terms = self.loaded

        def done(_result: Any) -> None:
            text = _(
                "“{name}” version {version} is now the default: records without terms of their "
                "own fall under it."
            ).format(name=terms_name(terms.name), version=terms.version)
            self.refresh(terms.id)
            self.feedback.setText(text)

        self.runner.run(
            lambda cat: terms_service.set_default(cat, terms.id), done, self._failed, context=self
        )

    def new_from_template(self) -> NewTermsDialog:
        """Open the template chooser (non-blocking; returned for tests)."""
        dialog = NewTermsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.create_terms(dialog.template(), dialog.terms_name()))
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def create_terms(self, template: str, name: str) -> None:
        base = self.loaded
        attribution = (base.attribution if base else "") or self.community_name
        contact = (base.contact if base else "") or self.community_contact or self.community_name
        languages = list(dict.fromkeys(self.community_languages)) or ["en"]
        try:
            terms = from_template(
                template, attribution=attribution, contact=contact, name=name, languages=languages
            )
        except (ValidationError, TkError) as exc:
            self.feedback.setText(terms_problem(exc))
            return

        def done(saved: Terms) -> None:
            self.refresh(saved.id)
            self.feedback.setText(
                _(
                    "New terms “{name}” were made. They apply to records only after you press "
                    "“Set as default”."
                ).format(name=saved.name)
            )

        self.runner.run(
            lambda cat: terms_service.save_terms(cat, terms), done, self._failed, context=self
        )

    # -- preview -------------------------------------------------------------------------------

    def _preview_languages(self, terms: Terms) -> list[str]:
        return list(dict.fromkeys([*self.community_languages, *terms.languages]))

    def _build_previews(self, terms: Terms) -> None:
        languages = self._preview_languages(terms)
        if list(self.previews) == languages:
            return
        self.preview_tabs.clear()
        for edit in self.previews.values():
            edit.deleteLater()
        self.previews = {}
        for lang in languages:
            edit = QPlainTextEdit(self.preview_tabs)
            edit.setReadOnly(True)
            edit.setAccessibleName(_("Preview in {language}").format(language=language_name(lang)))
            self.previews[lang] = edit
            self.preview_tabs.addTab(edit, language_name(lang))

    def schedule_preview(self) -> None:
        self._preview_timer.start()

    def update_preview(self) -> None:
        """Render the draft's readable text in every catalogue language."""
        if self.loaded is None:
            return
        try:
            draft = self.draft()
        except (ValidationError, TkError) as exc:
            problem = terms_problem(exc)
            for edit in self.previews.values():
                edit.setPlainText(problem)
            return
        self.grid_model.set_attribution_source(draft)
        for lang, edit in self.previews.items():
            try:
                text = lt.render_terms_text(draft, lang)
            except (ValueError, KeyError, NameError, TkError):
                # A problem in one language's text must not break the editor.
                text = _("This preview could not be made.")
            if edit.toPlainText() != text:
                edit.setPlainText(text)

    # -- labels --------------------------------------------------------------------------------

    def _build_translation_edits(self) -> None:
        languages = list(dict.fromkeys(self.community_languages))
        if list(self.translation_edits) == languages:
            return
        while self.translations_form.rowCount():
            self.translations_form.removeRow(0)
        self.translation_edits = {}
        for lang in languages:
            edit = QPlainTextEdit()
            edit.setMaximumHeight(64)
            edit.setAccessibleName(_("The text in {language}").format(language=language_name(lang)))
            self.translation_edits[lang] = edit
            self.translations_form.addRow(
                _("In {language}:").format(language=language_name(lang)), edit
            )

    def _label_chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        info = self.labels_model.info(index.row())
        label = info.label
        own = info.customisation
        self._label_code = label.code
        self.label_picture.setPixmap(label_pixmap(label.code, 64))
        self.label_title.setText(lt.label_name(label.code))
        self.label_default.setText(
            _("Default text: {text}").format(text=translate(label.description))
        )
        self.label_text.setPlainText(own.text if own else "")
        for lang, edit in self.translation_edits.items():
            edit.setPlainText(own.translations.get(lang, "") if own else "")
        self.approved_by.setText(own.approved_by if own else "")
        self.approved_on.set_value(own.approved_on if own else None)
        self.hub_id.setText(own.hub_project_id if own else "")
        self.label_reset.setEnabled(own is not None)
        self.label_feedback.clear()

    def select_label(self, code: str) -> bool:
        row = self.labels_model.row_of(code)
        if row < 0:
            return False
        self.labels_view.selectRow(row)
        self._label_chosen(self.labels_model.index(row, 0))
        return True

    def label_customisation(self) -> LabelCustomisation:
        """The wording in the editor. Raises ValidationError."""
        return LabelCustomisation(
            code=self._label_code,
            text=self.label_text.toPlainText().strip(),
            translations={
                lang: edit.toPlainText().strip()
                for lang, edit in self.translation_edits.items()
                if edit.toPlainText().strip()
            },
            approved_by=self.approved_by.text().strip(),
            approved_on=self.approved_on.value(),
            hub_project_id=self.hub_id.text().strip(),
        )

    def save_label(self) -> None:
        if not self._label_code:
            return
        try:
            wording = self.label_customisation()
        except (ValidationError, TkError) as exc:
            self.label_feedback.setText(error_text(exc))
            return
        code = self._label_code

        def done(labels: list[LabelInfo]) -> None:
            self._set_labels(labels)
            self.select_label(code)
            self.label_feedback.setText(_("The wording was saved."))

        def op(cat: Any) -> list[LabelInfo]:
            terms_service.set_label_customisation(cat, wording)
            return terms_service.list_labels(cat)

        self.runner.run(op, done, self._label_failed, context=self)

    def reset_label(self) -> None:
        code = self._label_code
        if not code:
            return

        def done(labels: list[LabelInfo]) -> None:
            self._set_labels(labels)
            self.select_label(code)
            self.label_feedback.setText(_("The default text is used again."))

        def op(cat: Any) -> list[LabelInfo]:
            terms_service.remove_label_customisation(cat, code)
            return terms_service.list_labels(cat)

        self.runner.run(op, done, self._label_failed, context=self)

    def _label_failed(self, error: BaseException) -> None:
        self.label_feedback.setText(error_text(error))
