"""The pages of the verify window: who signed and for whom, the terms, "may I…?".

Each page only shows what :class:`~tkapp.ui.verify_window.VerifyWindow` hands it (a verified
report, already read on the worker); none of them touches files, keys or the catalogue.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tkapp.bundle.verifier import VerifyReport
from tkapp.i18n import _, current_language, format_date, names, ngettext
from tkapp.licensing.evaluate import Decision
from tkapp.licensing.text import (
    describe_duty,
    describe_outcome,
    describe_reason,
    purpose_name,
    render_terms_text,
    user_class_name,
)
from tkapp.licensing.vocab import Outcome, Purpose, UserClass
from tkapp.ui.bundle_widgets import INVALID, NONE, TRUSTED, UNTRUSTED, VerdictBanner
from tkapp.ui.entity_models import size_text
from tkapp.ui.fingerprint_widgets import FingerprintPanel


def moment_text(value: str | None) -> str:
    """An RFC 3339 time from a manifest as a date in the UI language (as is if odd)."""
    if not value:
        return ""
    try:
        return format_date(datetime.fromisoformat(value.replace("Z", "+00:00")).date())
    except ValueError:
        return value


def trust_how_text(how: str) -> str:
    """How a trusted key came to be trusted, in words."""
    if how == "in_person":
        return _("You trust this key: its words were compared with the community in person.")
    if how == "file":
        return _("You trust this key: it came from a key file you chose.")
    return _(
        "You trust this key because you accepted it the first time you received a bundle; "
        "its words were not compared in person."
    )


def _label(text: str = "", *, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _code_name(convert, value: str) -> str:
    try:
        return convert(value)
    except (ValueError, KeyError):
        return value


class SummaryPage(QScrollArea):
    """Signer, trust and fingerprint on the left; recipient, purpose and dates on the right."""

    trust_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        self.community = _label(bold=True)
        font = self.community.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.25)
        self.community.setFont(font)
        self.key_id = _label()
        self.trust_text = _label()
        self.trust_button = QPushButton(_("Trust this key…"))
        self.trust_button.setToolTip(
            _("Compare the words with the community in person, then trust the key.")
        )
        self.trust_button.clicked.connect(self.trust_requested)
        self.fingerprint = FingerprintPanel(qr_scale=4)

        signer_box = QGroupBox(_("Who signed it"))
        signer = QVBoxLayout(signer_box)
        signer.addWidget(self.community)
        signer.addWidget(self.key_id)
        signer.addWidget(self.trust_text)
        row = QHBoxLayout()
        row.addWidget(self.trust_button)
        row.addStretch(1)
        signer.addLayout(row)
        signer.addWidget(self.fingerprint)
        signer.addStretch(1)

        self.recipient = _label()
        self.user_class = _label()
        self.purpose = _label()
        self.created = _label()
        self.expires = _label()
        self.contents = _label()
        self.encrypted = _label()
        recipient_box = QGroupBox(_("For whom and for what"))
        form = QFormLayout(recipient_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_("Made for:"), self.recipient)
        form.addRow(_("As:"), self.user_class)
        form.addRow(_("Purpose:"), self.purpose)
        form.addRow(_("Made on:"), self.created)
        form.addRow(_("Valid until:"), self.expires)
        form.addRow(_("Contents:"), self.contents)
        form.addRow(_("Encryption:"), self.encrypted)

        layout = QHBoxLayout(inner)
        layout.addWidget(signer_box, 3)
        layout.addWidget(recipient_box, 2)
        self.setWidget(inner)

    def show_report(self, report: VerifyReport, state: str) -> None:
        m = report.manifest
        self.community.setText(report.community)
        self.key_id.setText(_("Key {key_id}").format(key_id=report.key_id))
        if state == UNTRUSTED:
            self.trust_text.setText(
                _(
                    "You have not trusted this key yet. The signature is correct for this "
                    "key, but only the community can tell you that the key is really theirs."
                )
            )
        else:
            self.trust_text.setText(trust_how_text(report.trust))
        self.trust_button.setVisible(state == UNTRUSTED)
        self.fingerprint.set_fingerprint(report.fingerprint)
        r = m.recipient
        who = r.name + (" — " + r.organisation if r.organisation else "")
        self.recipient.setText(who)
        self.user_class.setText(_code_name(lambda v: user_class_name(UserClass(v)), r.user_class))
        self.purpose.setText(_code_name(names.purpose_name, r.purpose))
        self.created.setText(moment_text(m.created))
        self.expires.setText(moment_text(m.expires) if m.expires else _("No end date"))
        media_bytes = sum(e.size for e in report.media)
        records = ngettext("{n} record", "{n} records", len(report.records)).format(
            n=len(report.records)
        )
        media = ngettext(
            "{n} photo or recording", "{n} photos or recordings", len(report.media)
        ).format(n=len(report.media))
        if media_bytes:
            media += " (" + size_text(media_bytes) + ")"
        # Translators: "3 records, 2 photos or recordings (1.2 MB)"
        self.contents.setText(_("{records}, {media}").format(records=records, media=media))
        if report.encrypted:
            self.encrypted.setText(
                _("Encrypted; opened with your key {recipient}").format(
                    recipient=(report.decrypted_by or "")[:20] + "…"
                )
            )
        else:
            self.encrypted.setText(_("Not encrypted"))


class TermsPage(QWidget):
    """The bundle's terms as a page in the UI language (generated from the signed terms)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = _label(
            _(
                "These are the community's terms for this bundle, in your language. They were "
                "signed together with the records."
            )
        )
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("Terms of the bundle"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.text, 1)

    def show_report(self, report: VerifyReport) -> None:
        self.text.setPlainText(render_terms_text(report.terms, current_language()))


def outcome_state(outcome: Outcome) -> str:
    """The banner state (and so the icon shape) that matches a decision outcome."""
    if outcome.permits:
        return TRUSTED
    if outcome is Outcome.NEEDS_AGREEMENT:
        return UNTRUSTED
    return INVALID


def decision_text(decision: Decision) -> str:
    """Duties and reasons of a decision as plain lines."""
    lines: list[str] = []
    if decision.duties:
        lines.append(_("What you must do:"))
        lines += ["• " + describe_duty(duty) for duty in decision.duties]
    if decision.reasons:
        if lines:
            lines.append("")
        lines.append(_("Why:"))
        lines += ["• " + describe_reason(reason) for reason in decision.reasons]
    return "\n".join(lines)


class IntendedUsePage(QWidget):
    """ "May I…?": choose who you are and what for; see the decision and the duties."""

    check_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = _label(
            _(
                "Say who you are and what you want to do with this knowledge. TK Commons "
                "answers from the community's terms and each record's labels."
            )
        )
        self.user_class = QComboBox()
        self.user_class.setAccessibleName(_("Who you are"))
        for code in UserClass:
            self.user_class.addItem(user_class_name(code), code.value)
        self.purpose = QComboBox()
        self.purpose.setAccessibleName(_("What for"))
        for code in Purpose:
            self.purpose.addItem(names.purpose_name(code.value), code.value)
        self.check_button = QPushButton(_("Check"))
        form = QFormLayout()
        form.addRow(_("I am:"), self.user_class)
        form.addRow(_("I want to use it for:"), self.purpose)
        for combo in (self.user_class, self.purpose):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row = QHBoxLayout()
        row.addLayout(form)
        row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        self.result = VerdictBanner(self)
        self.records = _label()
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(_("Duties and reasons"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.records)
        layout.addWidget(self.details, 1)
        self.check_button.clicked.connect(
            lambda: self.check_requested.emit(
                str(self.user_class.currentData()), str(self.purpose.currentData())
            )
        )
        self.clear()

    def clear(self) -> None:
        self.result.set_state(NONE, _("Choose and press Check"), "")
        self.records.clear()
        self.details.clear()

    def set_request(self, user_class: str, purpose: str) -> None:
        for combo, value in ((self.user_class, user_class), (self.purpose, purpose)):
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)

    def show_busy(self) -> None:
        self.result.set_state(NONE, _("Checking…"), "")

    def show_decision(self, report: VerifyReport) -> None:
        if report.decision is None or report.intended is None:
            self.clear()
            return
        blocked = sum(1 for r in report.records if r.decision and not r.decision.permits)
        self.show_answer(report.decision, *report.intended, blocked, len(report.records))

    def show_answer(
        self, decision: Decision, user_class: str, purpose: str, blocked: int, total: int
    ) -> None:
        """Show the overall answer for (user class, purpose) and how many records it blocks."""
        who = user_class_name(UserClass(user_class))
        use = purpose_name(Purpose(purpose))
        self.result.set_state(
            outcome_state(decision.outcome),
            describe_outcome(decision.outcome),
            # Translators: the question the answer is for: who asks, and for what use.
            _("Asked for: {who} — {use}.").format(who=who, use=use),
        )
        if blocked:
            self.records.setText(
                ngettext(
                    "{n} of {total} records is not allowed for this use without more: see the "
                    "Records tab.",
                    "{n} of {total} records are not allowed for this use without more: see the "
                    "Records tab.",
                    blocked,
                ).format(n=blocked, total=total)
            )
        else:
            self.records.setText(
                ngettext(
                    "This answer covers the {total} record.",
                    "This answer covers all {total} records.",
                    total,
                ).format(total=total)
            )
        self.details.setPlainText(decision_text(decision))
