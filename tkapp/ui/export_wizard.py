"""The export wizard: share chosen records with one recipient as a signed bundle (issue 6).

Pages, in order: which records -> who receives them and what for -> the plan in plain words
(what goes, what stays and why, what is withheld, how places are shown, the duties the
recipient takes on) -> an explicit confirmation, only when culturally sensitive records would
go -> expiry and destination -> progress (cancellable) -> the result, with the community key's
fingerprint, the bundle's checksum and a short "how to verify" text to send with it.

Every catalogue call runs on the serial worker (:class:`~tkapp.ui.worker.Runner`); the plan
is computed there and shown as it came back. Nothing here blocks in a modal loop except the
optional "Choose…" file dialog, which tests never press: the destination is a line edit.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from tkapp.core.model import Recipient
from tkapp.crypto.age import AgeRecipient
from tkapp.crypto.fingerprint import Fingerprint
from tkapp.errors import Cancelled, KeyFormatError, TkError, ValidationError
from tkapp.i18n import _, names, ngettext
from tkapp.licensing import release_text
from tkapp.licensing import text as lt
from tkapp.licensing.gate import ConsentOverride
from tkapp.licensing.plan import RecordPlan
from tkapp.licensing.terms import Duty
from tkapp.licensing.text import terms_name
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import sharing
from tkapp.services.sharing import ExportResult, SharingPlan
from tkapp.ui import settings as keys
from tkapp.ui.dates import use_app_date_format
from tkapp.ui.dialogs import error_text, set_text_color, warning_color, window_title
from tkapp.ui.release_decisions import (
    OverrideDialog,
    ReleaseActions,
    SendAsIsDialog,
    with_override,
)
from tkapp.ui.worker import Job, Runner

#: Name of the community's public key file written next to a bundle.
PUBLIC_KEY_NAME = "community.pub"
PUBLIC_KEY_TEXT_NAME = "community"


class Page(IntEnum):
    RECORDS = 0
    RECIPIENT = 1
    PLAN = 2
    CONFIRM = 3
    DESTINATION = 4
    PROGRESS = 5
    RESULT = 6


class Scope(IntEnum):
    SELECTED = 0
    SEARCH = 1
    ALL = 2


# --- what the worker hands back ---------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    """The plan and what the preview needs to describe it."""

    plan: SharingPlan
    terms_title: str = ""
    community: str = ""
    actor: str = ""  # who unlocked the catalogue, if known (prefills "who decides")


@dataclass(frozen=True)
class ExportOutcome:
    """What the export job produced."""

    result: ExportResult
    fingerprint: Fingerprint
    public_key: Path | None
    community: str


def compute_plan(
    cat: Any,
    record_ids: Sequence[str] | None,
    recipient: Recipient,
    purpose: str,
    *,
    overrides: Mapping[str, ConsentOverride] | None = None,
    confirmed_media: Iterable[str] = (),
) -> PlanView:
    """Worker thread: the sharing plan (the release gate's answers) and the terms' name.

    ``overrides`` and ``confirmed_media`` are the custodian's explicit decisions, passed to
    the same service call as the CLI's ``--release-without-consent`` and ``--confirm-media``.
    """
    from tkapp.services import terms as terms_service

    plan = sharing.plan_export(
        cat, record_ids, recipient, purpose, overrides=overrides, confirmed_media=confirmed_media
    )
    title = ""
    if len(plan.terms_ids) == 1:
        info = terms_service.get_terms_info(cat, plan.terms_ids[0])
        title = _("“{name}”, version {version}").format(
            name=terms_name(info.name), version=info.version
        )
    return PlanView(plan, title, cat.community.name, str(getattr(cat, "actor", "") or ""))


# --- plain words ------------------------------------------------------------------------


def stay_reasons(item: RecordPlan) -> list[str]:
    """The reasons a record stays home, translated (the rule that decided first)."""
    return release_text.stay_reasons(item)


def record_lines_html(item: RecordPlan) -> str:
    """A record's plan lines (the same lines ``tkapp export`` prints) as an HTML list."""
    lines = release_text.describe_release(item)
    if not lines:
        return ""
    styles = {
        "withheld": "color:#8a1f11",
        "media_withheld": "color:#8a1f11",
        "warning": "color:#8a5a00",
    }
    items = [
        '<li style="{style}">{text}</li>'.format(
            style=styles.get(line.kind, ""), text=html.escape(line.text)
        )
        for line in lines
    ]
    return "<ul>" + "".join(items) + "</ul>"


def all_duties(plan: SharingPlan) -> list[Duty]:
    """The duties of every included record, each once, in a stable order."""
    seen: dict[Duty, None] = {}
    for item in plan.included:
        for duty in item.decision.duties if item.decision else ():
            seen.setdefault(duty, None)
    return sorted(seen, key=Duty.sort_key)


def _duties(item: RecordPlan) -> tuple[Duty, ...]:
    return item.decision.duties if item.decision is not None else ()


def common_duties(plan: SharingPlan) -> list[Duty]:
    """The duties every included record carries (the rest are named with their record)."""
    if not plan.included:
        return []
    common = set(_duties(plan.included[0]))
    for item in plan.included[1:]:
        common &= set(_duties(item))
    return sorted(common, key=Duty.sort_key)


def plan_summary(view: PlanView) -> str:
    plan = view.plan
    total = len(plan.included) + len(plan.excluded)
    going = len(plan.included)
    who = plan.recipient.name
    use = lt.purpose_name(Purpose(plan.purpose))
    if not going:
        return _(
            "None of the {total} records can go to {name} for {use}. Go back to choose other "
            "records or another purpose, or agree terms with them first."
        ).format(total=total, name=who, use=use)
    return ngettext(
        "{n} of {total} record can go to {name} for {use}.",
        "{n} of {total} records can go to {name} for {use}.",
        total,
    ).format(n=going, total=total, name=who, use=use)


def plan_html(view: PlanView) -> str:
    """The plan in plain words as simple HTML (titles escaped: they are the user's text)."""
    plan = view.plan
    esc = html.escape
    parts: list[str] = []
    if len(plan.terms_ids) > 1:
        parts.append(
            "<p><b>"
            + esc(
                _(
                    "These records are under different versions of your terms, and a bundle "
                    "carries only one. Go back and choose records under one version, or put "
                    "them under the same terms first."
                )
            )
            + "</b></p>"
        )
    if plan.included:
        parts.append(
            "<h3>"
            + esc(_("What goes ({n})").format(n=len(plan.included)))
            + "</h3>"
            + "<p>"
            + esc(_("Under the terms {terms}.").format(terms=view.terms_title))
            + "</p><ul>"
        )
        common = common_duties(plan)
        for item in plan.included:
            notes = []
            for duty in _duties(item):
                if duty not in common:
                    notes.append(_("Also: {duty}").format(duty=lt.describe_duty(duty)))
            # (Culturally sensitive records say so among the gate's own warning lines.)
            parts.append(
                "<li><b>"
                + esc(plan.title(item.record_id))
                + "</b>"
                + record_lines_html(item)
                + (esc(" ".join(notes)) if notes else "")
                + "</li>"
            )
        parts.append("</ul>")
        duties = all_duties(plan)
        parts.append(
            "<h3>" + esc(_("What {name} agrees to do").format(name=plan.recipient.name)) + "</h3>"
        )
        if common:
            parts.append("<p>" + esc(_("For every record that goes:")) + "</p><ul>")
            parts += ["<li>" + esc(lt.describe_duty(d)) + "</li>" for d in common]
            parts.append("</ul>")
        if len(duties) > len(common):
            parts.append(
                "<p>" + esc(_("Some records ask for more: see “Also” next to them.")) + "</p>"
            )
        if not duties:
            parts.append("<p>" + esc(_("The terms ask nothing more for this use.")) + "</p>")
    if plan.excluded:
        parts.append(
            "<h3>"
            + esc(_("What stays in the catalogue, and why ({n})").format(n=len(plan.excluded)))
            + "</h3><ul>"
        )
        for item in plan.excluded:
            parts.append(
                "<li><b>"
                + esc(plan.title(item.record_id))
                + "</b>"
                + record_lines_html(item)
                + "</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


def default_file_name(recipient: str, day: date, encrypted: bool) -> str:
    """``<recipient>-<date>.tkb`` (``.tkb.age`` when encrypted), safe on every system."""
    stem = re.sub(r"[^\w]+", "-", recipient, flags=re.UNICODE).strip("-_")[:60] or "bundle"
    return f"{stem}-{day.isoformat()}" + (".tkb.age" if encrypted else ".tkb")


def with_extension(path: str, encrypted: bool) -> str:
    """``path`` with the bundle extension matching ``encrypted``."""
    base = path
    for ext in (".tkb.age", ".tkb"):
        if base.lower().endswith(ext):
            base = base[: -len(ext)]
            break
    return base + (".tkb.age" if encrypted else ".tkb")


def bundle_folder(result: ExportResult) -> str:
    """The bundle's single top-level folder inside the ZIP (its UUID)."""
    return result.bundle_id.removeprefix("urn:uuid:")


def verify_text(outcome: ExportOutcome, recipient: str) -> str:
    """The short text a custodian sends with the bundle so the recipient can check it."""
    result = outcome.result
    fp = outcome.fingerprint
    name = result.path.name
    plain = name[: -len(".age")] if result.encrypted else name
    key = outcome.public_key.name if outcome.public_key else PUBLIC_KEY_NAME
    lines = [
        _("How to check the bundle “{file}” from {community}").format(
            file=name, community=outcome.community
        ),
        "",
        _(
            "Before you use it, check that it really comes from us and that nothing in it was "
            "changed. Compare the key fingerprint below with the one we gave you in person or "
            "by phone; if it differs, do not use the bundle and tell us."
        ),
        "",
        _("Key fingerprint (words): {words}").format(words=" ".join(fp.words())),
        _("Key fingerprint (hex): {hex}").format(hex=" ".join(fp.groups())),
        _("SHA-256 of the file {file}: {sha}").format(file=name, sha=result.sha256),
        "",
    ]
    step = 1
    if result.encrypted:
        lines += [
            _(
                "{step}. The bundle is encrypted for you ({name}). Open it with your age key:"
            ).format(step=step, name=recipient),
            f"   age -d -i YOUR-KEY.txt -o {plain} {name}",
        ]
        step += 1
    lines += [
        _("{step}. With TK Commons (checks the signature, every file and the terms):").format(
            step=step
        ),
        f"   tkapp verify {plain} --trust {key}",
        _("{step}. Or with minisign alone (checks the signature on the list of contents):").format(
            step=step + 1
        ),
        f"   unzip {plain}",
        f"   minisign -Vm {bundle_folder(result)}/tkb/manifest.json -p {key}",
        "",
        _("The terms are inside the bundle, in data/terms/ (one text per language)."),
    ]
    return "\n".join(lines) + "\n"


# --- pages ------------------------------------------------------------------------------


def _title_font(widget: QWidget) -> QFont:
    font = widget.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    return font


def _mono(widget: QWidget) -> QFont:
    font = QFont("Monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(widget.font().pointSizeF())
    return font


class RecordsPage(QWizardPage):
    """Which records: the selection, the result of a search, or every record."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Which records to share"))
        self.setSubTitle(
            _(
                "Choose the records to consider. The next pages show which of them may go "
                "to the recipient under your terms; the others stay in the catalogue."
            )
        )
        selected = list(wizard.record_ids or [])
        self.selected = QRadioButton(
            ngettext(
                "The {n} record you selected", "The {n} records you selected", len(selected)
            ).format(n=len(selected)),
            self,
        )
        self.search = QRadioButton(_("Records found by a search:"), self)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(_("Words to look for, e.g. a plant or a use"))
        self.query.setAccessibleName(_("Search words"))
        self.every = QRadioButton(_("Every record in the catalogue"), self)
        self.group = QButtonGroup(self)
        for scope, button in (
            (Scope.SELECTED, self.selected),
            (Scope.SEARCH, self.search),
            (Scope.ALL, self.every),
        ):
            self.group.addButton(button, int(scope))
        self.count = QLabel(self)
        self.count.setWordWrap(True)
        self.count.setAccessibleName(_("How many records"))
        self._ids: list[str] | None = None
        self._known = False
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._count)

        box = QVBoxLayout(self)
        box.addWidget(self.selected)
        row = QHBoxLayout()
        row.addWidget(self.search)
        row.addWidget(self.query, 1)
        box.addLayout(row)
        box.addWidget(self.every)
        box.addSpacing(12)
        box.addWidget(self.count)
        box.addStretch(1)

        self.selected.setVisible(bool(selected))
        (self.selected if selected else self.every).setChecked(True)
        self.group.idToggled.connect(lambda _id, on: on and self._changed())
        self.query.textChanged.connect(self._query_edited)

    def scope(self) -> Scope:
        return Scope(self.group.checkedId())

    def initializePage(self) -> None:
        self._changed()

    def _query_edited(self, _text: str) -> None:
        if not self.search.isChecked():
            self.search.setChecked(True)  # toggles -> _changed
        else:
            self._changed()

    def _changed(self) -> None:
        self._known = False
        self.count.setText(_("Counting…"))
        self.completeChanged.emit()
        self._timer.start(0 if self.scope() is not Scope.SEARCH else 300)

    def _count(self) -> None:
        scope = self.scope()
        self._generation += 1
        generation = self._generation
        if scope is Scope.SELECTED:
            self._ids = list(self.wiz.record_ids or [])
            self._show_count(len(self._ids))
            return
        query = self.query.text().strip() if scope is Scope.SEARCH else ""

        def done(ids: list[str]) -> None:
            if generation != self._generation:
                return
            self._ids = ids if scope is Scope.SEARCH else None
            self._show_count(len(ids))

        self.wiz.runner.run(lambda cat: cat.search_ids(query), done, self.wiz.failed, context=self)

    def _show_count(self, n: int) -> None:
        self._known = n > 0
        if n:
            self.count.setText(
                ngettext(
                    "{n} record will be considered.", "{n} records will be considered.", n
                ).format(n=n)
            )
        else:
            self.count.setText(_("No record matches. Choose other records."))
        self.completeChanged.emit()

    def record_ids(self) -> list[str] | None:
        """The chosen ids (None: every record)."""
        return None if self.scope() is Scope.ALL else list(self._ids or [])

    def isComplete(self) -> bool:
        return self._known and not self._timer.isActive()


class RecipientPage(QWizardPage):
    """Who receives the bundle (address book or someone new) and what for."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Who receives the records, and what for"))
        self.setSubTitle(
            _(
                "Your terms say what each kind of user may do. Choose the recipient carefully: "
                "the plan on the next page depends on it."
            )
        )
        self.book_choice = QRadioButton(_("Someone in your address book:"), self)
        self.book = QComboBox(self)
        self.book.setAccessibleName(_("Address book"))
        self.book_class = QLabel(self)
        self.book_class.setWordWrap(True)
        self.new_choice = QRadioButton(_("Someone new:"), self)
        self.group = QButtonGroup(self)
        self.group.addButton(self.book_choice, 0)
        self.group.addButton(self.new_choice, 1)

        self.name = QLineEdit(self)
        self.name.setAccessibleName(_("Name"))
        self.organisation = QLineEdit(self)
        self.organisation.setAccessibleName(_("Organisation"))
        self.user_class = QComboBox(self)
        self.user_class.setAccessibleName(_("Kind of user"))
        for member in UserClass:
            self.user_class.addItem(names.user_class_name(member.value), member.value)
        self.user_class.setCurrentIndex(list(UserClass).index(UserClass.PUBLIC_RESEARCH))
        self.contact = QLineEdit(self)
        self.contact.setAccessibleName(_("Contact"))
        self.age_key = QLineEdit(self)
        self.age_key.setPlaceholderText("age1…")
        self.age_key.setAccessibleName(_("age public key (optional)"))
        self.save = QCheckBox(_("Save in the address book"), self)
        self.save.setChecked(True)
        self.new_form = QWidget(self)
        form = QFormLayout(self.new_form)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow(_("Name:"), self.name)
        form.addRow(_("Organisation:"), self.organisation)
        form.addRow(_("Kind of user:"), self.user_class)
        form.addRow(_("Contact:"), self.contact)
        form.addRow(_("age public key (optional):"), self.age_key)
        form.addRow("", self.save)

        self.purpose = QComboBox(self)
        self.purpose.setAccessibleName(_("Purpose"))
        for member in Purpose:
            self.purpose.addItem(names.purpose_name(member.value), member.value)
        self.purpose.setCurrentIndex(list(Purpose).index(Purpose.RESEARCH))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_text_color(self.error, warning_color(self.palette()))
        self.error.hide()

        box = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.book_choice)
        row.addWidget(self.book, 1)
        box.addLayout(row)
        box.addWidget(self.book_class)
        box.addWidget(self.new_choice)
        box.addWidget(self.new_form)
        purpose_row = QFormLayout()
        purpose_row.addRow(_("What will they use the records for?"), self.purpose)
        box.addSpacing(8)
        box.addLayout(purpose_row)
        box.addWidget(self.error)
        box.addStretch(1)

        self._recipients: list[Recipient] = []
        self.new_choice.setChecked(True)
        self.group.idToggled.connect(lambda _id, _on: self._update())
        self.name.textChanged.connect(lambda _t: self._update())
        self.book.currentIndexChanged.connect(lambda _i: self._update())
        self._loaded = False
        self._got = False

    def initializePage(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        self.wiz.runner.run(
            sharing.list_recipients, self._got_recipients, self.wiz.failed, context=self
        )
        self._update()

    def _got_recipients(self, recipients: list[Recipient]) -> None:
        self._got = True
        self._recipients = sorted(recipients, key=lambda r: r.name.casefold())
        self.book.clear()
        for recipient in self._recipients:
            text = recipient.name
            if recipient.organisation:
                text = _("{name} ({organisation})").format(
                    name=recipient.name, organisation=recipient.organisation
                )
            self.book.addItem(text, recipient.id)
        has = bool(self._recipients)
        self.book_choice.setEnabled(has)
        self.book.setEnabled(has)
        if has:
            self.book_choice.setChecked(True)
        self._update()

    def use_address_book(self, name: str) -> bool:
        """Choose the address-book entry called ``name`` (tests, and the ledger's "again")."""
        for index, recipient in enumerate(self._recipients):
            if recipient.name == name:
                self.book_choice.setChecked(True)
                self.book.setCurrentIndex(index)
                return True
        return False

    def loaded(self) -> bool:
        """True once the address book arrived from the worker."""
        return self._got

    def _update(self) -> None:
        from_book = self.book_choice.isChecked()
        self.book.setEnabled(from_book and bool(self._recipients))
        self.new_form.setEnabled(not from_book)
        chosen = self._book_recipient()
        if from_book and chosen is not None:
            self.book_class.setText(
                _("Kind of user: {kind}").format(kind=names.user_class_name(chosen.user_class))
            )
            self.book_class.show()
        else:
            self.book_class.hide()
        self.error.hide()
        self.completeChanged.emit()

    def _book_recipient(self) -> Recipient | None:
        index = self.book.currentIndex()
        return self._recipients[index] if 0 <= index < len(self._recipients) else None

    def isComplete(self) -> bool:
        if self.book_choice.isChecked():
            return self._book_recipient() is not None
        return bool(self.name.text().strip())

    def recipient(self) -> Recipient:
        """The chosen or new recipient (not yet checked)."""
        if self.book_choice.isChecked():
            chosen = self._book_recipient()
            assert chosen is not None
            return chosen
        return Recipient(
            name=self.name.text().strip(),
            organisation=self.organisation.text().strip(),
            user_class=str(self.user_class.currentData()),
            contact=self.contact.text().strip(),
            age_recipient=self.age_key.text().strip(),
        )

    def purpose_code(self) -> str:
        return str(self.purpose.currentData())

    def save_new(self) -> bool:
        return self.new_choice.isChecked() and self.save.isChecked()

    def validatePage(self) -> bool:
        recipient = self.recipient()
        try:
            recipient.validate()
            if recipient.age_recipient:
                AgeRecipient.from_string(recipient.age_recipient)
        except (ValidationError, KeyFormatError, ValueError) as exc:
            field_name = getattr(exc, "params", {}).get("field", "")
            if field_name == "age_recipient" or isinstance(exc, KeyFormatError | ValueError):
                text = _(
                    "This age public key is not right: it starts with age1 and has 62 "
                    "letters and digits. Leave it empty to send the bundle unencrypted."
                )
            else:
                text = _("Write the recipient's name.")
            self.error.setText(text)
            self.error.show()
            return False
        self.wiz.recipient = recipient
        self.wiz.purpose = self.purpose_code()
        self.wiz.save_recipient = self.save_new()
        return True


class PlanPage(QWizardPage):
    """The plan, computed on the worker and shown in plain words."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("What goes, and what stays"))
        self.setSubTitle(_("Read this carefully: it is exactly what the bundle will hold."))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setFont(_title_font(self))
        self.summary.setAccessibleName(_("Summary of the plan"))
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Working out the plan"))
        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)
        self.details.setAccessibleName(_("The plan in detail"))
        # The custodian's explicit decisions the gate's answer allows (issue 12).
        self.actions = ReleaseActions(self)
        self.actions.release_requested.connect(self.ask_release)
        self.actions.send_as_is_requested.connect(self.ask_send_as_is)
        self.actions.undo_release.connect(lambda rid: self._set_override(rid, None))
        self.actions.undo_send_as_is.connect(lambda mid: self._set_confirmed(mid, False))
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.busy)
        box.addWidget(self.details, 1)
        box.addWidget(self.actions)
        self.view: PlanView | None = None
        self._generation = 0
        #: Record id -> release without a consent record; media ids sent as they are.
        self.overrides: dict[str, ConsentOverride] = {}
        self.confirmed_media: set[str] = set()
        #: The open decision dialog, if any (tests answer it).
        self.dialog: OverrideDialog | SendAsIsDialog | None = None

    def initializePage(self) -> None:
        # Decisions are made for one recipient and purpose: a new plan starts without them.
        self.overrides = {}
        self.confirmed_media = set()
        self.replan()

    def replan(self) -> None:
        """Ask the gate again (on the worker) with the custodian's current decisions."""
        self.view = None
        self.wiz.plan_view = None
        self.actions.set_busy(True)
        self._generation += 1
        generation = self._generation
        self.summary.setText(_("Working out which records may go…"))
        self.details.clear()
        self.busy.show()
        self.completeChanged.emit()
        ids = self.wiz.records_page.record_ids()
        recipient = self.wiz.recipient
        purpose = self.wiz.purpose
        overrides = dict(self.overrides)
        confirmed = frozenset(self.confirmed_media)
        assert recipient is not None

        def done(view: PlanView) -> None:
            if generation != self._generation:
                return
            self.show_plan(view)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self.busy.hide()
            self.summary.setText(error_text(error))

        self.wiz.runner.run(
            lambda cat: compute_plan(
                cat, ids, recipient, purpose, overrides=overrides, confirmed_media=confirmed
            ),
            done,
            failed,
            context=self,
        )

    def show_plan(self, view: PlanView) -> None:
        self.view = view
        self.wiz.plan_view = view
        self.busy.hide()
        self.summary.setText(plan_summary(view))
        self.details.setHtml(plan_html(view))
        self.actions.show_plan(view.plan)
        self.actions.set_busy(False)
        self.completeChanged.emit()

    def ask_release(self, record_id: str) -> None:
        """The "Release without consent…" action: who decides and why, then plan again."""
        view = self.view
        if view is None:
            return
        item = next((p for p in view.plan.excluded if p.record_id == record_id), None)
        if item is None:
            return
        dialog = OverrideDialog(item, view.plan.title(record_id), view.actor, self)
        dialog.accepted.connect(lambda: self._set_override(record_id, dialog.override()))
        self._open(dialog)

    def ask_send_as_is(self, media_id: str) -> None:
        """The "Send as it is…" action: an explicit confirmation, then plan again."""
        view = self.view
        if view is None:
            return
        found = [m for p in view.plan.included for m in p.media if m.media.id == media_id]
        if not found:
            return
        dialog = SendAsIsDialog(found[0], self)
        dialog.accepted.connect(lambda: self._set_confirmed(media_id, True))
        self._open(dialog)

    def _open(self, dialog: OverrideDialog | SendAsIsDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def _set_override(self, record_id: str, override: ConsentOverride | None) -> None:
        self.overrides = with_override(self.overrides, record_id, override)
        self.replan()

    def _set_confirmed(self, media_id: str, confirmed: bool) -> None:
        if confirmed:
            self.confirmed_media.add(media_id)
        else:
            self.confirmed_media.discard(media_id)
        self.replan()

    def isComplete(self) -> bool:
        view = self.view
        return view is not None and bool(view.plan.included) and len(view.plan.terms_ids) == 1

    def nextId(self) -> int:
        view = self.view
        if view is not None and view.plan.needs_confirmation:
            return int(Page.CONFIRM)
        return int(Page.DESTINATION)


class ConfirmPage(QWizardPage):
    """Culturally sensitive records go only after the custodian ticks the box."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Culturally sensitive records"))
        self.setSubTitle(
            _(
                "The community marked these records TK Culturally Sensitive: each time they "
                "are shared, a custodian must confirm that it is right to share them."
            )
        )
        self.records = QListWidget(self)
        self.records.setAccessibleName(_("Culturally sensitive records"))
        self.check = QCheckBox(self)
        self.check.setAccessibleName(_("Confirm sharing the culturally sensitive records"))
        self.note = QLabel(
            _(
                "If you are not sure, press Back and choose other records: these will then "
                "stay in the catalogue."
            ),
            self,
        )
        self.note.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.records, 1)
        box.addWidget(self.check)
        box.addWidget(self.note)
        self.check.toggled.connect(lambda _on: self.completeChanged.emit())

    def initializePage(self) -> None:
        view = self.wiz.plan_view
        assert view is not None
        sensitive = view.plan.needs_confirmation
        self.records.clear()
        for item in sensitive:
            self.records.addItem("⚠ " + view.plan.title(item.record_id))
        self.check.setChecked(False)
        self.check.setText(
            ngettext(
                "I confirm that the community agrees to share this record with {name}.",
                "I confirm that the community agrees to share these {n} records with {name}.",
                len(sensitive),
            ).format(n=len(sensitive), name=view.plan.recipient.name)
        )

    def isComplete(self) -> bool:
        return self.check.isChecked()


class DestinationPage(QWizardPage):
    """How long the bundle is valid, whether it is encrypted, and where it is written."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Validity and where to save the bundle"))
        self.setSubTitle(
            _("The bundle is signed with the community's key; after this step it is written.")
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create the bundle"))

        self.expires = QCheckBox(_("The bundle stops being valid on:"), self)
        self.expires.setChecked(True)
        self.expiry = QDateEdit(self)
        self.expiry.setCalendarPopup(True)
        use_app_date_format(self.expiry)
        self.expiry.setAccessibleName(_("Expiry date"))
        self.expires.toggled.connect(self.expiry.setEnabled)
        expiry_note = QLabel(
            _(
                "After that day the recipient's software refuses the bundle. Without a date "
                "it stays valid as long as your terms do."
            ),
            self,
        )
        expiry_note.setWordWrap(True)

        self.encrypt = QCheckBox(self)
        self.encrypt_note = QLabel(self)
        self.encrypt_note.setWordWrap(True)
        self.path = QLineEdit(self)
        self.path.setAccessibleName(_("File of the bundle"))
        self.browse = QPushButton(_("Choose…"), self)
        self.browse.setAccessibleName(_("Choose where to save the bundle"))
        self.browse.clicked.connect(self.choose_file)
        self.with_key = QCheckBox(
            _("Also save the community's public key next to it ({file}), to send with it").format(
                file=PUBLIC_KEY_NAME
            ),
            self,
        )
        self.with_key.setChecked(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_text_color(self.error, warning_color(self.palette()))
        self.error.hide()

        box = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.expires)
        row.addWidget(self.expiry)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(expiry_note)
        box.addSpacing(12)
        box.addWidget(self.encrypt)
        box.addWidget(self.encrypt_note)
        box.addSpacing(12)
        box.addWidget(QLabel(_("Save the bundle as:"), self))
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        box.addLayout(file_row)
        box.addWidget(self.with_key)
        box.addWidget(self.error)
        box.addStretch(1)
        self.encrypt.toggled.connect(self._encrypt_toggled)
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())

    def initializePage(self) -> None:
        recipient = self.wiz.recipient
        assert recipient is not None
        today = date.today()
        later = today + timedelta(days=365)
        self.expiry.setMinimumDate(QDate.currentDate().addDays(1))
        self.expiry.setDate(QDate(later.year, later.month, later.day))
        has_key = bool(recipient.age_recipient)
        self.encrypt.setText(
            _("Encrypt it so that only {name} can open it").format(name=recipient.name)
        )
        self.encrypt.setEnabled(has_key)
        self.encrypt.blockSignals(True)
        self.encrypt.setChecked(has_key)
        self.encrypt.blockSignals(False)
        self.encrypt_note.setText(
            _("It is encrypted with their age public key; sending it by e-mail or USB is safe.")
            if has_key
            else _(
                "To encrypt, the recipient needs an age public key (age1…). Without it, send "
                "the bundle only by a safe way, such as in person."
            )
        )
        folder = Path(self.wiz.settings_folder() or Path.home())
        self.path.setText(str(folder / default_file_name(recipient.name, today, has_key)))
        self.error.hide()

    def _encrypt_toggled(self, on: bool) -> None:
        text = self.path.text().strip()
        if text:
            self.path.setText(with_extension(text, on))

    def choose_file(self) -> None:
        pattern = "*.tkb.age" if self.encrypt.isChecked() else "*.tkb"
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            window_title(_("Save the bundle")),
            self.path.text(),
            _("TK Commons bundles ({patterns})").format(patterns=pattern),
        )
        if chosen:
            self.path.setText(with_extension(chosen, self.encrypt.isChecked()))

    def expiry_date(self) -> date | None:
        if not self.expires.isChecked():
            return None
        qd = self.expiry.date()
        return date(qd.year(), qd.month(), qd.day())

    def destination(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def _problem(self) -> str:
        dest = self.destination()
        if not dest.parent.is_dir():
            return _("This folder does not exist. Choose another place.")
        if dest.exists():
            return _("A file with this name is already there. Choose another name.")
        expiry = self.expiry_date()
        if expiry is not None and expiry <= date.today():
            return _("Choose a day after today, or no end date.")
        return ""

    def validatePage(self) -> bool:
        self.path.setText(with_extension(self.path.text().strip(), self.encrypt.isChecked()))
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return False
        self.error.hide()
        self.wiz.remember_folder(self.destination().parent)
        return True


class ProgressPage(QWizardPage):
    """Writes the bundle on the worker, with a Stop button."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("Creating the bundle"))
        self.setSubTitle(_("The records are signed and written. This can take a while."))
        self.label = QLabel(_("Signing and writing the bundle…"), self)
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName(_("Progress"))
        self.stop = QPushButton(_("Stop"), self)
        self.stop.setAccessibleName(_("Stop creating the bundle"))
        self.stop.clicked.connect(self.request_stop)
        self.retry = QPushButton(_("Try again"), self)
        self.retry.clicked.connect(self.start)
        self.retry.hide()
        box = QVBoxLayout(self)
        box.addWidget(self.label)
        box.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.retry)
        row.addWidget(self.stop)
        box.addLayout(row)
        box.addStretch(1)
        self.job: Job | None = None
        self.outcome: ExportOutcome | None = None
        self.failure: BaseException | None = None

    def initializePage(self) -> None:
        self.start()

    def start(self) -> None:
        view = self.wiz.plan_view
        assert view is not None and self.wiz.recipient is not None
        dest_page = self.wiz.destination_page
        plan = view.plan
        dest = dest_page.destination()
        expires = dest_page.expiry_date()
        encrypt = dest_page.encrypt.isChecked() and bool(plan.recipient.age_recipient)
        with_key = dest_page.with_key.isChecked()
        confirmed = self.wiz.confirm_page.check.isChecked()
        save_recipient = self.wiz.save_recipient
        recipient = self.wiz.recipient
        self.outcome = None
        self.failure = None
        self.retry.hide()
        self.stop.setEnabled(True)
        self.stop.show()
        self.bar.setRange(0, 0)
        self.label.setText(_("Signing and writing the bundle…"))

        def op(cat: Any, job: Job) -> ExportOutcome:
            from tkapp.services import keys as keys_service

            if save_recipient:
                sharing.add_recipient(cat, recipient)
            result = sharing.export(
                cat,
                plan,
                dest,
                expires=expires,
                encrypt_to=[plan.recipient.age_recipient] if encrypt else [],
                progress=job.report,
                cancel=job.is_cancelled,
                confirmed_sensitive=confirmed,
            )
            public = write_public_key(cat, keys_service, dest.parent) if with_key else None
            return ExportOutcome(result, keys_service.fingerprint(cat), public, cat.community.name)

        self.job = self.wiz.runner.run_job(
            op, self._done, self._failed, context=self, on_progress=self.set_progress
        )
        self.completeChanged.emit()

    def set_progress(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * min(done, total) / total))

    def request_stop(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.stop.setEnabled(False)
        self.label.setText(_("Stopping safely…"))

    def running(self) -> bool:
        return self.job is not None

    def _done(self, outcome: ExportOutcome) -> None:
        self.job = None
        self.outcome = outcome
        self.wiz.outcome = outcome
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        self.stop.hide()
        self.completeChanged.emit()
        self.wiz.exported.emit(outcome.result)
        self.wiz.next()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.failure = error
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.stop.hide()
        self.retry.show()
        if isinstance(error, Cancelled):
            self.label.setText(
                _(
                    "Stopped. No bundle was written and nothing was recorded. You can try "
                    "again or close this window."
                )
            )
        else:
            self.label.setText(error_text(error))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.outcome is not None


def write_public_key(cat: Any, keys_service: Any, folder: Path) -> Path:
    """Worker thread: put the community's public key in ``folder`` as ``community.pub``;
    an existing file with the same key is reused, a different one is never replaced."""
    text = keys_service.public_key_file_text(cat)
    for number in range(100):
        name = PUBLIC_KEY_NAME if number == 0 else f"{PUBLIC_KEY_TEXT_NAME}-{number}.pub"
        path = folder / name
        if path.exists():
            try:
                if path.read_text("ascii") == text:
                    return path
            except (OSError, UnicodeDecodeError):
                pass
            continue
        return Path(keys_service.export_public_key(cat, path))
    raise TkError("too many key files")


class ResultPage(QWizardPage):
    """The bundle's file, fingerprint, checksum and the "how to verify" text."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(_("The bundle is ready"))
        self.setSubTitle(
            _("Send the bundle, the community's public key and the text below to the recipient.")
        )
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words = QLabel(self)
        self.words.setFont(_title_font(self))
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAccessibleName(_("Key fingerprint in words"))
        self.hex = QLabel(self)
        self.hex.setFont(_mono(self))
        self.hex.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hex.setAccessibleName(_("Key fingerprint"))
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(_mono(self))
        self.text.setAccessibleName(_("How to check the bundle"))
        self.copy = QPushButton(_("Copy the text"), self)
        self.copy.setAccessibleName(_("Copy the text for the recipient"))
        self.copy.clicked.connect(self.copy_text)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(
            QLabel(_("Community key fingerprint (read the words to the recipient):"), self)
        )
        box.addWidget(self.words)
        box.addWidget(self.hex)
        box.addWidget(QLabel(_("Text to send with the bundle:"), self))
        box.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy)
        box.addLayout(row)

    def initializePage(self) -> None:
        outcome = self.wiz.outcome
        assert outcome is not None and self.wiz.recipient is not None
        result = outcome.result
        lines = [
            # Each count gets its own plural form ("1 archivo multimedia").
            _("{records} and {media}, signed by {community}.").format(
                records=ngettext("{n} record", "{n} records", result.records).format(
                    n=result.records
                ),
                media=ngettext("{n} media file", "{n} media files", result.media).format(
                    n=result.media
                ),
                community=outcome.community,
            ),
            _("Bundle: {path}").format(path=str(result.path)),
        ]
        if outcome.public_key is not None:
            lines.append(_("Public key: {path}").format(path=str(outcome.public_key)))
        lines.append(_("SHA-256 of the bundle: {sha}").format(sha=result.sha256))
        if result.encrypted:
            lines.append(_("Encrypted for {name}.").format(name=self.wiz.recipient.name))
        self.summary.setText("\n".join(lines))
        self.words.setText(" ".join(outcome.fingerprint.words()))
        self.hex.setText(outcome.fingerprint.hex_groups())
        self.text.setPlainText(verify_text(outcome, self.wiz.recipient.name))

    def copy_text(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.text.toPlainText())
        self.copy.setText(_("Copied"))


# --- the wizard -------------------------------------------------------------------------


class ExportWizard(QWizard):
    """Share records with one recipient as a signed bundle.

    Args:
        runner: the catalogue's worker.
        record_ids: the records selected in the records table, or None.
    """

    #: The ExportResult, once the bundle was written and recorded.
    exported = Signal(object)

    def __init__(
        self, runner: Runner, record_ids: list[str] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.record_ids = list(record_ids) if record_ids else None
        self.recipient: Recipient | None = None
        self.purpose = Purpose.RESEARCH.value
        self.save_recipient = False
        self.plan_view: PlanView | None = None
        self.outcome: ExportOutcome | None = None
        self.setObjectName("export-wizard")
        self.setWindowTitle(window_title(_("Share records")))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.records_page = RecordsPage(self)
        self.recipient_page = RecipientPage(self)
        self.plan_page = PlanPage(self)
        self.confirm_page = ConfirmPage(self)
        self.destination_page = DestinationPage(self)
        self.progress_page = ProgressPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in (
            (Page.RECORDS, self.records_page),
            (Page.RECIPIENT, self.recipient_page),
            (Page.PLAN, self.plan_page),
            (Page.CONFIRM, self.confirm_page),
            (Page.DESTINATION, self.destination_page),
            (Page.PROGRESS, self.progress_page),
            (Page.RESULT, self.result_page),
        ):
            self.setPage(int(page_id), page)
        self.setStartId(int(Page.RECORDS))
        self.resize(920, 660)

    def settings_folder(self) -> str:
        try:
            return keys.Settings().get(keys.LAST_FOLDER)
        except (OSError, ValueError, TkError):
            return ""

    def remember_folder(self, folder: Path) -> None:
        # Only a convenience: a settings problem must not stop the export.
        with contextlib.suppress(OSError, ValueError, TkError):
            keys.Settings().set(keys.LAST_FOLDER, str(folder))

    def failed(self, error: BaseException) -> None:
        from tkapp.ui.dialogs import show_error

        show_error(self, error, _("Share records"))

    def reject(self) -> None:
        # Closing while the bundle is written stops it safely first (nothing half-written).
        if self.progress_page.running():
            self.progress_page.request_stop()
        super().reject()
