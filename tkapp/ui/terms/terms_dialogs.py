"""The small dialogs of the terms editor: change grid cells, start terms from a template."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import N_, _, ngettext, translate
from tkapp.licensing import text as lt
from tkapp.licensing.templates import TEMPLATES, template_info
from tkapp.licensing.terms import Duty, Rule
from tkapp.licensing.vocab import DutyKind, Outcome
from tkapp.ui.common.dates import use_app_date_format
from tkapp.ui.common.dialogs import set_text_color, warning_color, window_title
from tkapp.ui.records.record_editor_widgets import hint
from tkapp.ui.terms.terms_models import (
    OUTCOME_SYMBOL,
)

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
