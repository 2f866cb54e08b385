"""The export wizard's last pages: expiry and destination, writing the bundle (cancellable),
and the result with the key fingerprint and the text to send."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from tkapp.errors import Cancelled
from tkapp.i18n import _, ngettext
from tkapp.services.keys import PUBLIC_KEY_FILE_NAME
from tkapp.ui.common.dates import use_app_date_format
from tkapp.ui.common.dialogs import error_text, set_text_color, warning_color, window_title
from tkapp.ui.common.progress import JobProgressBar
from tkapp.ui.common.worker import Job
from tkapp.ui.sharing.export_jobs import ExportChoices, ExportOutcome, write_bundle
from tkapp.ui.sharing.export_pages_base import mono_font, title_font
from tkapp.ui.sharing.export_texts import verify_text

if TYPE_CHECKING:
    from tkapp.ui.sharing.export_wizard import ExportWizard


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
                file=PUBLIC_KEY_FILE_NAME
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
        self.bar = JobProgressBar(self)
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
        choices = ExportChoices(
            plan=view.plan,
            dest=dest_page.destination(),
            expires=dest_page.expiry_date(),
            encrypt=dest_page.encrypt.isChecked(),
            with_key=dest_page.with_key.isChecked(),
            confirmed_sensitive=self.wiz.confirm_page.check.isChecked(),
            save_recipient=self.wiz.recipient if self.wiz.save_recipient else None,
        )
        self.outcome = None
        self.failure = None
        self.retry.hide()
        self.stop.setEnabled(True)
        self.stop.show()
        self.bar.setRange(0, 0)
        self.label.setText(_("Signing and writing the bundle…"))

        self.job = self.wiz.runner.run_job(
            lambda cat, job: write_bundle(cat, job, choices),
            self._done,
            self._failed,
            context=self,
            on_progress=self.bar.set_progress,
        )
        self.bar.track(self.job)
        self.completeChanged.emit()

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
        self.bar.finish(completed=True)
        self.stop.hide()
        self.completeChanged.emit()
        self.wiz.exported.emit(outcome.result)
        self.wiz.next()

    def _failed(self, error: BaseException) -> None:
        self.job = None
        self.failure = error
        self.bar.finish(completed=False)
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
        self.words.setFont(title_font(self))
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAccessibleName(_("Key fingerprint in words"))
        self.hex = QLabel(self)
        self.hex.setFont(mono_font(self))
        self.hex.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hex.setAccessibleName(_("Key fingerprint"))
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(mono_font(self))
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
