"""The pages of the verify window: who signed and for whom, the terms, "may I…?".

Each page only shows what :class:`~tkapp.ui.verify.verify_window.VerifyWindow` hands it (a verified
report, already read on the worker); none of them touches files, keys or the catalogue.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
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

from tkapp.i18n import _, current_language, format_date, names, ngettext, translate
from tkapp.licensing.evaluate import Decision
from tkapp.licensing.gate import deciding_reasons
from tkapp.licensing.labels import LABEL_CODES
from tkapp.licensing.notices import NOTICES
from tkapp.licensing.terms import Duty, Terms, resolve_duty
from tkapp.licensing.text import (
    describe_duty,
    describe_outcome,
    describe_reason,
    purpose_name,
    render_terms_text,
    user_class_name,
)
from tkapp.licensing.vocab import DutyKind, Outcome, Purpose, UserClass
from tkapp.services import trust_text
from tkapp.services.types import HubProjectSummary, VerifyReport
from tkapp.ui.keys.fingerprint_widgets import FingerprintPanel
from tkapp.ui.records.entity_models import size_text
from tkapp.ui.terms.labels_widgets import label_description, label_name, label_pixmap, notice_pixmap
from tkapp.ui.verify.bundle_widgets import INVALID, NONE, TRUSTED, UNTRUSTED, VerdictBanner


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
    if how == "rotation":
        return _(
            "You trust this key because the community's old key, which you trusted, signed "
            "a key change to it."
        )
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


def _code_name(convert: Callable[[str], str], value: str) -> str:
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
        # Look-alike names, another key for the catalogue, a newer bundle seen: in words.
        self.trust_notes = _label()
        self.trust_notes.setObjectName("trust-notes")
        self.trust_notes.setVisible(False)
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
        signer.addWidget(self.trust_notes)
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
        notes = trust_text.warning_lines(report.trust_warnings)
        newer = trust_text.sequence_line(
            report.sequence_status, report.manifest.sequence, report.newest_seen
        )
        if newer is not None:
            notes.append(newer)
        self.trust_notes.setText("\n".join(notes))
        self.trust_notes.setVisible(bool(notes))
        self.community.setText(trust_text.shown_name(report.community))
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
        records = ngettext("{n} record", "{n} records", report.record_count).format(
            n=report.record_count
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


class LocalContextsBox(QGroupBox):
    """The bundle's Local Contexts Hub projects: their Notices and Labels (our pictograms,
    names, descriptions as tooltips), the project page and when it was last synchronised."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Local Contexts Notices and Labels"), parent)
        self._layout = QVBoxLayout(self)
        self.setVisible(False)

    def show_projects(self, projects: Sequence[HubProjectSummary]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for project in projects:
            self._layout.addWidget(self._project(project))
        self.setVisible(bool(projects))

    def _project(self, project: HubProjectSummary) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 6)
        title = project.title or _("Hub project {id}").format(id=project.hub_id)
        layout.addWidget(_label(title, bold=True))
        marks = QHBoxLayout()
        for code in project.notices:
            if code in NOTICES:
                notice = NOTICES[code]
                marks.addWidget(
                    _mark(
                        notice_pixmap(code, 36),
                        translate(notice.name),
                        translate(notice.description),
                    )
                )
        for code in project.labels:
            if code in LABEL_CODES:
                marks.addWidget(
                    _mark(label_pixmap(code, 36), label_name(code), label_description(code))
                )
        marks.addStretch(1)
        layout.addLayout(marks)
        scope = (
            _("Applies to all of the community's knowledge.")
            if project.whole_catalogue
            else _("Applies to some of the records in this bundle.")
        )
        layout.addWidget(_label(scope))
        if project.page_url:
            link = QLabel(
                '<a href="{url}">{text}</a>'.format(
                    url=html.escape(project.page_url, quote=True),
                    text=html.escape(_("Open the project on the Local Contexts Hub")),
                )
            )
            link.setOpenExternalLinks(True)
            link.setToolTip(project.page_url)
            layout.addWidget(link)
        synced = (
            _("Last synchronised with the Hub: {when}").format(when=moment_text(project.synced_at))
            if project.synced_at
            else _("Typed in by the community; not synchronised with the Hub.")
        )
        layout.addWidget(_label(synced))
        return box


def _mark(pixmap: QPixmap, name: str, description: str) -> QWidget:
    """One Notice or Label: pictogram above its name; the description as tooltip."""
    mark = QWidget()
    layout = QVBoxLayout(mark)
    layout.setContentsMargins(0, 0, 8, 0)
    icon = QLabel()
    icon.setPixmap(pixmap)
    icon.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    icon.setAccessibleName(name)
    text = QLabel(name)
    text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    text.setWordWrap(True)
    text.setMinimumWidth(96)  # "TK Notice" on one line; long names wrap below
    text.setMaximumWidth(140)
    layout.addWidget(icon)
    layout.addWidget(text)
    layout.addStretch(1)
    mark.setToolTip(name + "\n" + description)
    return mark


class TermsPage(QWidget):
    """The bundle's terms as a page in the UI language (generated from the signed terms), with
    the Local Contexts Notices, Labels and Hub projects the bundle names."""

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
        self.local_contexts = LocalContextsBox(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.local_contexts)
        layout.addWidget(self.text, 1)

    def show_report(self, report: VerifyReport) -> None:
        self.text.setPlainText(render_terms_text(report.terms, current_language()))
        self.local_contexts.show_projects(report.local_contexts)


def outcome_state(outcome: Outcome) -> str:
    """The banner state (and so the icon shape) that matches a decision outcome."""
    if outcome.permits:
        return TRUSTED
    if outcome is Outcome.NEEDS_AGREEMENT:
        return UNTRUSTED
    return INVALID


def decision_text(decision: Decision, terms: Terms | None = None) -> str:
    """Duties, what to do for an agreement, and the rules that decided, as plain lines."""
    lines: list[str] = []
    if decision.outcome is Outcome.NEEDS_AGREEMENT and terms is not None:
        # Not a refusal: say how to reach the community and what it asks in return.
        lines.append(_("Ask the community for an agreement:"))
        if terms.contact:
            lines.append("• " + _("Contact: {contact}").format(contact=terms.contact))
        benefits = terms.benefit_sharing
        if not benefits.is_empty:
            lines.append("• " + describe_duty(resolve_duty(Duty(DutyKind.BENEFIT_SHARE), terms)))
        else:
            lines.append("• " + _("Fees or benefit sharing are agreed with the community."))
    if decision.duties:
        if lines:
            lines.append("")
        lines.append(_("What you must do:"))
        lines += ["• " + describe_duty(duty) for duty in decision.duties]
    deciding = deciding_reasons(decision)
    if deciding:
        if lines:
            lines.append("")
        lines.append(_("Why:"))
        lines += ["• " + describe_reason(reason) for reason in deciding]
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
        for purpose in Purpose:
            self.purpose.addItem(names.purpose_name(purpose.value), purpose.value)
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
        self.show_answer(
            report.decision,
            *report.intended,
            report.blocked_count,
            report.record_count,
            terms=report.terms,
            trust=report.trust,
        )

    def show_answer(
        self,
        decision: Decision,
        user_class: str,
        purpose: str,
        blocked: int,
        total: int,
        *,
        terms: Terms | None = None,
        trust: str = "",
    ) -> None:
        """Show the overall answer for (user class, purpose) and how many records it blocks.

        ``trust`` is how the signer's key is known: an answer for a key only accepted on
        first use ("tofu") is provisional, never a green "allowed".
        """
        who = user_class_name(UserClass(user_class))
        use = purpose_name(Purpose(purpose))
        # Translators: the question the answer is for: who asks, and for what use.
        asked = _("Asked for: {who} — {use}.").format(who=who, use=use)
        if decision.permits and trust == "tofu":
            self.result.set_state(
                UNTRUSTED,
                _("Provisional: {outcome}").format(outcome=describe_outcome(decision.outcome)),
                asked
                + " "
                + _(
                    "The community's key was accepted on first use: compare its fingerprint "
                    "with the community before you rely on this answer."
                ),
            )
        else:
            self.result.set_state(
                outcome_state(decision.outcome), describe_outcome(decision.outcome), asked
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
        self.details.setPlainText(decision_text(decision, terms))
