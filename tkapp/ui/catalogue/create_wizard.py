"""The "Create a catalogue" wizard.

Pages: the community, the default terms, the passphrase (twice, with a strength meter and a
plain warning that a lost passphrase cannot be recovered), where to save, then an offer to
save an encrypted backup. The catalogue is created on the serial worker when the user leaves
the "where to save" page (a commit page: there is no going back after it), and it stays open
in the runner, so the main window can show it straight away.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from tkapp import paths
from tkapp.i18n import N_, _, translate
from tkapp.services.catalogue import CATALOGUE_SUFFIX
from tkapp.ui.common.dialogs import (
    bad_color,
    error_text,
    good_color,
    set_text_color,
    warning_color,
    window_title,
)
from tkapp.ui.common.passphrase_widgets import MIN_LENGTH, MIN_WORDS, PassphraseEdit, StrengthMeter
from tkapp.ui.common.progress import run_with_progress
from tkapp.ui.common.worker import Job, Runner

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

EXTENSION = CATALOGUE_SUFFIX

#: The catalogue languages offered (BCP 47 tag, name in that language).
LANGUAGE_CHOICES: tuple[tuple[str, str], ...] = (
    ("es", "Español"),
    ("qu", "Kichwa"),
    ("en", "English"),
)

# Used only if the licensing package cannot describe its templates.
_FALLBACK_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("cbrl", N_("Reciprocity (CBRL)"), ""),
    ("noncommercial_research", N_("Non-commercial research only"), ""),
    ("community_only", N_("Community use only"), ""),
    ("open_attribution", N_("Open with attribution"), ""),
    ("custom", N_("Custom"), ""),
)


def template_choices() -> list[tuple[str, str, str]]:
    """(code, translated name, translated summary) of the built-in terms templates."""
    try:
        from tkapp.licensing.templates import TEMPLATES, template_info
    except ImportError:
        return [(c, translate(n), s) for c, n, s in _FALLBACK_TEMPLATES]
    choices = []
    for code in TEMPLATES:
        info = template_info(code)
        choices.append((code, translate(info.name), translate(info.summary)))
    return choices


def file_stem(name: str) -> str:
    """A safe file name from a community name ("Comunidad Sarayaku" -> "Comunidad-Sarayaku")."""
    words = re.findall(r"\w+", name, flags=re.UNICODE)
    stem = "-".join(words)[:60].strip("-_")
    return stem or "catalogue"


def default_catalogue_path(community_name: str, folder: Path | None = None) -> Path:
    """A free catalogue path in the data folder, named after the community."""
    folder = folder or paths.data_dir()
    stem = file_stem(community_name)
    candidate = folder / (stem + EXTENSION)
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{EXTENSION}"
        number += 1
    return candidate


def _create(path: Path, passphrase: str, community: Any, template: str, custodian: str) -> Any:
    """Runs on the worker: create the catalogue (``custodian``: its first person, whose
    passphrase this is) and store the default terms template."""
    from tkapp.services.catalogue import create_catalogue

    catalogue = create_catalogue(path, passphrase, community, custodian=custodian)
    try:
        catalogue.set_setting("default_template", template)
    except BaseException:
        catalogue.close()
        raise
    return catalogue


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class CommunityPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Your community"))
        self.setSubTitle(_("Who keeps this catalogue. You can change these details later."))
        self.name = QLineEdit(self)
        self.name.setAccessibleName(_("Community name"))
        self.name.setPlaceholderText(_("For example: Comunidad Sarayaku"))
        self.people = QLineEdit(self)
        self.people.setAccessibleName(_("People or nation"))
        self.people.setPlaceholderText(_("For example: Kichwa"))
        self.region = QLineEdit(self)
        self.region.setAccessibleName(_("Region"))
        self.region.setPlaceholderText(_("For example: Pastaza"))
        self.country = QLineEdit(self)
        self.country.setAccessibleName(_("Country"))
        self.language_boxes: dict[str, QCheckBox] = {}
        languages = QHBoxLayout()
        for code, name in LANGUAGE_CHOICES:
            box = QCheckBox(name, self)
            box.setAccessibleName(_("Language: {name}").format(name=name))
            box.setChecked(code == "es")
            box.toggled.connect(self.completeChanged)
            self.language_boxes[code] = box
            languages.addWidget(box)
        languages.addStretch(1)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Community name (required):"), self.name)
        form.addRow(_("People or nation:"), self.people)
        form.addRow(_("Region:"), self.region)
        form.addRow(_("Country:"), self.country)
        form.addRow(_("Languages used:"), languages)
        self.name.textChanged.connect(self.completeChanged)

    def languages(self) -> list[str]:
        return [code for code, box in self.language_boxes.items() if box.isChecked()]

    def isComplete(self) -> bool:
        return bool(self.name.text().strip()) and bool(self.languages())


class TermsPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Default terms"))
        self.setSubTitle(
            _(
                "The terms that apply when your community shares a record, unless the "
                "record says otherwise. You can change them later."
            )
        )
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(_("Default terms template"))
        for code, name, summary in template_choices():
            self.combo.addItem(name, code)
            self.combo.setItemData(self.combo.count() - 1, summary, Qt.ItemDataRole.ToolTipRole)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(60)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.combo.currentIndexChanged.connect(self._show_summary)
        self.combo.setMinimumContentsLength(28)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Terms:"), self.combo)
        # Wrapped text below the form, not in it: a form row squeezes it into a narrow column.
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.summary)
        box.addStretch(1)
        self._show_summary()

    def code(self) -> str:
        return str(self.combo.currentData())

    def set_code(self, code: str) -> None:
        index = self.combo.findData(code)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _show_summary(self, *_args: object) -> None:
        self.summary.setText(
            str(self.combo.itemData(self.combo.currentIndex(), Qt.ItemDataRole.ToolTipRole) or "")
        )


class PassphrasePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_("Who you are, and your passphrase"))
        self.setSubTitle(
            _(
                "You are the catalogue's first custodian; add the others later in People & "
                "access, each with their own passphrase. Use at least {n} characters, or "
                "three or more words that only you would put together."
            ).format(n=MIN_LENGTH)
        )
        self.person = QLineEdit(self)
        self.person.setAccessibleName(_("Your name or the name others know you by"))
        self.person.setPlaceholderText(_("For example: Rosa Gualinga"))
        self.first = PassphraseEdit(_("New passphrase"), self)
        self.second = PassphraseEdit(_("Repeat the passphrase"), self)
        self.meter = StrengthMeter(self)
        self.match = QLabel(self)
        self.match.setAccessibleName(_("Do the passphrases match"))
        self.warning = QLabel(
            _(
                "Write the passphrase down and keep it in a safe place. If it is lost, "
                "nobody can open the catalogue again: not you, not the makers of TK Commons. "
                "It cannot be recovered or reset."
            ),
            self,
        )
        self.warning.setWordWrap(True)
        bold = self.warning.font()
        bold.setBold(True)
        self.warning.setFont(bold)
        set_text_color(self.warning, warning_color(self.palette()))
        self.understood = QCheckBox(_("I understand: a lost passphrase cannot be recovered."), self)
        self.understood.setAccessibleName(
            _("I understand that a lost passphrase cannot be recovered")
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        first_label = QLabel(_("Passphrase:"), self)
        first_label.setBuddy(self.first.edit)
        second_label = QLabel(_("Repeat it:"), self)
        second_label.setBuddy(self.second.edit)
        person_label = QLabel(_("Your name:"), self)
        person_label.setBuddy(self.person)
        form.addRow(person_label, self.person)
        form.addRow(first_label, self.first)
        form.addRow("", self.meter)
        form.addRow(second_label, self.second)
        form.addRow("", self.match)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addSpacing(8)
        box.addWidget(self.warning)
        box.addWidget(self.understood)
        box.addStretch(1)
        self.first.textChanged.connect(self._changed)
        self.second.textChanged.connect(self._changed)
        self.understood.toggled.connect(self.completeChanged)
        self.person.textChanged.connect(self.completeChanged)
        self._changed()

    def passphrase(self) -> str:
        return self.first.text()

    def person_name(self) -> str:
        return " ".join(self.person.text().split())

    def _changed(self, *_args: object) -> None:
        strength = self.meter.update_for(self.first.text())
        first, second = self.first.text(), self.second.text()
        pal = self.palette()
        if first and not strength.acceptable:
            if strength.common:
                text = _("This passphrase is too easy to guess.")
            else:
                text = _("Too short: use {n} characters or {w} words.").format(
                    n=MIN_LENGTH, w=MIN_WORDS
                )
            set_text_color(self.match, bad_color(pal))
        elif second and first != second:
            text = _("The two passphrases are not the same.")
            set_text_color(self.match, bad_color(pal))
        elif second:
            text = _("The two passphrases match.")
            set_text_color(self.match, good_color(pal))
        else:
            text = ""
        self.match.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (
            bool(self.person_name())
            and self.meter.strength.acceptable
            and self.first.text() == self.second.text()
            and self.understood.isChecked()
        )

    def cleanupPage(self) -> None:
        # Going back keeps what was typed; QWizard would otherwise reset the fields.
        pass


class PlacePage(QWizardPage):
    """Where the file goes; leaving this page creates the catalogue (commit page)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setTitle(_("Where to keep the catalogue"))
        self.setSubTitle(
            _("The catalogue is one encrypted file. The suggested place is fine for most people.")
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create the catalogue"))
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(_("Catalogue file"))
        self.path_edit.textChanged.connect(self.completeChanged)
        self.change = QPushButton(_("Change…"), self)
        self.change.setAccessibleName(_("Choose where to save the catalogue"))
        self.change.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.change)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Creation status"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("File:"), row)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addSpacing(8)
        box.addWidget(self.summary)
        box.addWidget(self.status)
        box.addStretch(1)
        self.creating = False
        self.catalogue: Any = None
        self._suggested = ""

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, CreateCatalogueWizard)
        name = wizard.community_page.name.text().strip()
        current = self.path_edit.text().strip()
        # Suggest a name from the community unless the user typed their own path.
        if not current or current == self._suggested:
            self._suggested = str(default_catalogue_path(name))
            self.path_edit.setText(self._suggested)
        self.summary.setText(
            _("Community: {name}. Default terms: {terms}.").format(
                name=name, terms=wizard.terms_page.combo.currentText()
            )
        )
        self.status.clear()

    def target(self) -> Path:
        text = self.path_edit.text().strip()
        path = Path(text).expanduser()
        if path.suffix != EXTENSION:
            path = path.with_name(path.name + EXTENSION)
        return path

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip()) and not self.creating

    def _choose(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            window_title(_("Where to keep the catalogue")),
            self.path_edit.text(),
            _("TK Commons catalogues (*.tkc)"),
        )
        if chosen:
            self.path_edit.setText(chosen)

    def validatePage(self) -> bool:
        if self.catalogue is not None:
            return True
        if not self.creating:
            self._start()
        return False

    def _start(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, CreateCatalogueWizard)
        community = wizard.community()
        path = self.target()
        if path.exists():
            set_text_color(self.status, bad_color(self.palette()))
            self.status.setText(_("A file already exists there. Choose another name."))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        passphrase = wizard.passphrase_page.passphrase()
        custodian = wizard.passphrase_page.person_name()
        template = wizard.terms_page.code()
        self.creating = True
        self.completeChanged.emit()
        self.change.setEnabled(False)
        self.path_edit.setEnabled(False)
        set_text_color(self.status, self.palette().color(self.foregroundRole()))
        self.status.setText(_("Creating the catalogue and its signing key…"))
        self.runner.open(
            lambda: _create(path, passphrase, community, template, custodian),
            self._created,
            self._failed,
            context=self,
        )

    def _created(self, catalogue: Any) -> None:
        self.creating = False
        self.catalogue = catalogue
        self.status.setText(_("The catalogue was created."))
        wizard = self.wizard()
        assert isinstance(wizard, CreateCatalogueWizard)
        wizard.catalogue_created(catalogue)
        wizard.next()

    def _failed(self, error: BaseException) -> None:
        self.creating = False
        self.change.setEnabled(True)
        self.path_edit.setEnabled(True)
        set_text_color(self.status, bad_color(self.palette()))
        self.status.setText(error_text(error))
        self.completeChanged.emit()


class BackupPage(QWizardPage):
    """The catalogue exists; offer an encrypted backup (e.g. onto a USB stick)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setTitle(_("Your catalogue is ready"))
        self.setSubTitle(_("One more step is strongly advised."))
        text = QLabel(
            _(
                "Save an encrypted backup copy now, for example on a USB stick kept in a "
                "safe place. The backup opens with the same passphrase. If this computer "
                "breaks or is stolen, the backup keeps your community's knowledge safe."
            ),
            self,
        )
        text.setWordWrap(True)
        self.button = QPushButton(_("Save an encrypted backup…"), self)
        self.button.setAccessibleName(_("Save an encrypted backup"))
        self.button.clicked.connect(self._choose)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Backup status"))
        box = QVBoxLayout(self)
        box.addWidget(text)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(self.status)
        box.addStretch(1)
        self.backup_path: Path | None = None
        self.busy = False

    def suggested_name(self) -> str:
        wizard = self.wizard()
        stem = (
            file_stem(wizard.community_page.name.text())
            if isinstance(wizard, CreateCatalogueWizard)
            else "catalogue"
        )
        # Translators: file name of a backup; keep {name} and {date}
        return _("{name}-backup-{date}").format(name=stem, date=date.today().isoformat()) + (
            EXTENSION
        )

    def _choose(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            window_title(_("Save an encrypted backup")),
            str(Path.home() / self.suggested_name()),
            _("TK Commons catalogues (*.tkc)"),
        )
        if chosen:
            self.save_backup_to(Path(chosen))

    def save_backup_to(self, dest: Path) -> None:
        """Write an encrypted backup of the new catalogue to ``dest`` (on the worker)."""
        if self.busy:
            return
        self.busy = True
        self.button.setEnabled(False)
        self.status.setText(_("Saving the backup…"))

        def op(catalogue: Catalogue, job: Job) -> Path:
            catalogue.backup(dest, progress=job.report, cancel=job.is_cancelled)
            return dest

        run_with_progress(
            self,
            self.runner,
            op,
            title=_("Backup"),
            label=_("Saving an encrypted backup…"),
            on_success=self._saved,
            on_error=self._failed,
        )

    def _saved(self, dest: Path) -> None:
        self.busy = False
        self.backup_path = dest
        self.button.setEnabled(True)
        set_text_color(self.status, good_color(self.palette()))
        self.status.setText(_("Backup saved: {path}").format(path=str(dest)))

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.button.setEnabled(True)
        set_text_color(self.status, bad_color(self.palette()))
        self.status.setText(error_text(error))


class CreateCatalogueWizard(QWizard):
    """Collects a community and a passphrase, creates the catalogue, offers a backup."""

    #: The catalogue was created and is open in the runner.
    created = Signal(object)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("Create a catalogue")))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(640, 520)
        self.runner = runner
        self.community_page = CommunityPage(self)
        self.terms_page = TermsPage(self)
        self.passphrase_page = PassphrasePage(self)
        self.place_page = PlacePage(runner, self)
        self.backup_page = BackupPage(runner, self)
        for page in (
            self.community_page,
            self.terms_page,
            self.passphrase_page,
            self.place_page,
            self.backup_page,
        ):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
        for which, name in (
            (QWizard.WizardButton.NextButton, _("Next page")),
            (QWizard.WizardButton.BackButton, _("Previous page")),
            (QWizard.WizardButton.CancelButton, _("Cancel")),
            (QWizard.WizardButton.FinishButton, _("Finish")),
            (QWizard.WizardButton.CommitButton, _("Create the catalogue")),
        ):
            self.button(which).setAccessibleName(name)
        self.catalogue: Any = None

    def community(self) -> Any:
        from tkapp.core.model import Community

        page = self.community_page
        return Community(
            name=page.name.text().strip(),
            people=page.people.text().strip(),
            region=page.region.text().strip(),
            country=page.country.text().strip(),
            languages=page.languages(),
        )

    def catalogue_created(self, catalogue: Any) -> None:
        self.catalogue = catalogue
        self.created.emit(catalogue)

    def reject(self) -> None:
        # While the worker creates the file, closing would leave the user unsure whether it
        # exists: wait for the result.
        if self.place_page.creating or self.backup_page.busy:
            return
        super().reject()
