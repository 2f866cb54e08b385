"""What the main window's menus do: the flows behind File and Help.

Each flow asks the user (file dialogs, passphrase), posts the work to the window's runner
behind a progress window, and reports back on the window. :class:`MainOperations` holds no
state of its own: the main window owns the pages, the lock and the runner; this module owns
the steps of backup, restore, import, check, demo, verify, help and language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tkapp import paths
from tkapp.i18n import _, format_number, set_language
from tkapp.services.catalogue import CATALOGUE_SUFFIX, CheckReport, restore_backup
from tkapp.services.demo import create_demo
from tkapp.ui.access.who import PersonChooser
from tkapp.ui.app.about import AboutDialog
from tkapp.ui.catalogue.create_wizard import CreateCatalogueWizard
from tkapp.ui.common import settings as keys
from tkapp.ui.common.dialogs import show_info, window_title
from tkapp.ui.common.passphrase_widgets import PassphraseEdit
from tkapp.ui.common.progress import ProgressDialog, run_any_with_progress, run_with_progress

if TYPE_CHECKING:
    from collections.abc import Callable

    from tkapp.services.catalogue import Catalogue
    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.help import GuideDialog, HelpBookDialog
    from tkapp.ui.common.worker import Job, Runner
    from tkapp.ui.sharing.import_dialog import ImportDialog
    from tkapp.ui.verify.verify_window import VerifyWindow

#: The demo catalogue's passphrase: shown on screen, it protects only made-up records.
DEMO_PASSPHRASE = "demo"  # noqa: S105 - public on purpose, see above
DEMO_FILE = "demo" + CATALOGUE_SUFFIX
CATALOGUE_FILTER = "*" + CATALOGUE_SUFFIX


def catalogue_filter(*, all_files: bool = False) -> str:
    """The file-dialog filter for catalogues (and backups, which are catalogues too)."""
    text = _("TK Commons catalogues ({patterns})").format(patterns=CATALOGUE_FILTER)
    return text + ";;" + _("All files (*)") if all_files else text


class MainOperations:
    """The menu flows of one :class:`~tkapp.ui.app.main_window.MainWindow`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    @property
    def runner(self) -> Runner:
        return self.window.runner

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    # -- create, demo, verify --------------------------------------------------------------

    def show_create_wizard(self) -> CreateCatalogueWizard | None:
        window = self.window
        if not window.close_current():
            return None
        window.show_start()
        wizard = CreateCatalogueWizard(self.runner, window)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.created.connect(window.catalogue_opened)
        wizard.open()
        return wizard

    def demo_path(self) -> Path:
        return paths.data_dir() / DEMO_FILE

    def open_demo(self) -> None:
        """Create the demo catalogue once, then open it (its passphrase is shown)."""
        window = self.window
        if not window.close_current():
            return
        path = self.demo_path()
        hint = _("This is the demo catalogue. Its passphrase is: {passphrase}").format(
            passphrase=DEMO_PASSPHRASE
        )
        window.remember_hint(path, hint)

        def open_it(_result: object = None) -> None:
            screen = window.unlock_screen
            screen.set_catalogue(path, hint=hint)
            window.stack.setCurrentWidget(screen)
            screen.passphrase.setText(DEMO_PASSPHRASE)
            screen.unlock()

        if path.exists():
            open_it()
            return

        def op(_cat: Catalogue | None, _job: Job) -> None:
            # Built on the worker; the catalogue it returns is closed and then unlocked as usual.
            create_demo(path, DEMO_PASSPHRASE).close()

        run_any_with_progress(
            window,
            self.runner,
            op,
            title=_("Demo catalogue"),
            label=_("Preparing the demo catalogue with example records…"),
            on_success=open_it,
        )

    def verify_bundle(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self.window,
            window_title(_("Verify a bundle")),
            self.window.settings.get(keys.LAST_FOLDER) or str(Path.home()),
            _("TK Commons bundles (*.tkb *.tkb.age)") + ";;" + _("All files (*)"),
        )
        if chosen:
            self.verify_bundle_path(Path(chosen))

    def verify_bundle_path(self, path: Path | None) -> VerifyWindow:
        """Open the verify window on ``path``, bound to this catalogue for importing."""
        from tkapp.ui.verify.verify_window import show_verify

        verify = show_verify(path, self.runner)
        refresh = getattr(self.window.view.sections.get("received"), "refresh", None)
        if callable(refresh):
            verify.imported.connect(lambda _summary: refresh())
        return verify

    # -- backup and restore ----------------------------------------------------------------

    def backup_catalogue(self) -> None:
        path = self.runner.path
        if not self.window.catalogue_shown() or path is None:
            return
        # Translators: file name of a backup; keep {name} and {date}
        name = _("{name}-backup-{date}").format(name=path.stem, date=date.today().isoformat())
        chosen, _filter = QFileDialog.getSaveFileName(
            self.window,
            window_title(_("Save an encrypted backup")),
            str(Path.home() / (name + CATALOGUE_SUFFIX)),
            catalogue_filter(),
        )
        if chosen:
            self.backup_to(Path(chosen))

    def backup_to(
        self, dest: Path, on_done: Callable[[Path], None] | None = None
    ) -> ProgressDialog:
        def op(cat: Catalogue, job: Job) -> Path:
            cat.backup(dest, progress=job.report, cancel=job.is_cancelled)
            return dest

        def done(result: Path) -> None:
            self._say(_("Backup saved: {path}").format(path=str(dest)))
            if on_done:
                on_done(result)

        return run_with_progress(
            self.window,
            self.runner,
            op,
            title=_("Backup"),
            label=_("Saving an encrypted backup…"),
            on_success=done,
        )

    def restore_catalogue(self) -> None:
        backup, _filter = QFileDialog.getOpenFileName(
            self.window,
            window_title(_("Choose the backup to restore")),
            str(Path.home()),
            catalogue_filter(all_files=True),
        )
        if not backup:
            return
        dest, _filter = QFileDialog.getSaveFileName(
            self.window,
            window_title(_("Where to put the restored catalogue")),
            str(paths.data_dir() / Path(backup).name),
            catalogue_filter(),
        )
        if not dest:
            return
        dialog = BackupPassphraseDialog(Path(backup), self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.restore_to(Path(backup), Path(dest), dialog.passphrase.text(), dialog.who.person())

    def restore_to(
        self, backup: Path, dest: Path, passphrase: str, person: str | None = None
    ) -> ProgressDialog:
        """Check and restore ``backup`` to ``dest`` (opened as ``person`` with their own
        passphrase when several people use it), then offer to unlock it."""

        def op(_cat: Catalogue | None, job: Job) -> Path:
            restore_backup(
                backup,
                dest,
                passphrase,
                progress=job.report,
                cancel=job.is_cancelled,
                person=person,
            )
            return dest

        def done(path: Path) -> None:
            self._say(_("The backup was restored."))
            self.window.open_catalogue_file(path)

        return run_any_with_progress(
            self.window,
            self.runner,
            op,
            title=_("Restore a backup"),
            label=_("Checking and restoring the backup…"),
            on_success=done,
        )

    # -- import and check ------------------------------------------------------------------

    def import_records(self) -> None:
        if not self.window.catalogue_shown():
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self.window,
            window_title(_("Import records")),
            self.window.settings.get(keys.LAST_FOLDER) or str(Path.home()),
            _("Form exports and spreadsheets (*.csv *.tsv *.txt *.xlsx *.json *.zip)")
            + ";;"
            + _("All files (*)"),
        )
        if chosen:
            self.import_from(Path(chosen))

    def import_from(
        self, source: Path, on_done: Callable[[Any], None] | None = None
    ) -> ImportDialog:
        """Preview ``source`` in the import dialog; importing there refreshes the records."""
        from tkapp.ui.sharing.import_dialog import ImportDialog

        window = self.window

        def done(result: Any) -> None:
            window.records.refresh()
            window.reload_stats()
            counts = result.counts
            show_info(
                window,
                _(
                    "Imported from {file}: {created} new records, {updated} updated, "
                    "{taxa} new species, {persons} new people."
                ).format(
                    file=source.name,
                    created=format_number(counts.created),
                    updated=format_number(counts.updated),
                    taxa=format_number(counts.taxa_created),
                    persons=format_number(counts.persons_created),
                ),
                _("Import records"),
            )
            if on_done:
                on_done(result)

        dialog = ImportDialog(self.runner, source, window)
        dialog.imported.connect(done)
        dialog.open()
        dialog.preview()
        return dialog

    def check_catalogue(self) -> ProgressDialog | None:
        if not self.window.catalogue_shown():
            return None

        def op(cat: Catalogue, job: Job) -> CheckReport:
            return cat.check(progress=job.report)

        return run_with_progress(
            self.window,
            self.runner,
            op,
            title=_("Check the catalogue"),
            label=_("Checking that nothing in the catalogue was damaged or altered…"),
            on_success=self._show_check,
        )

    def _show_check(self, report: CheckReport) -> None:
        if report.ok:
            show_info(
                self.window,
                _("The catalogue is healthy: nothing is damaged and the history is complete."),
                _("Check the catalogue"),
            )
            return
        problems = [*report.integrity, *report.cipher_integrity, *report.audit.problems]
        text = _(
            "Problems were found in the catalogue. Restore it from a recent backup, and keep "
            "this copy for an expert to look at."
        )
        box = show_info(self.window, text, _("Check the catalogue"))
        box.setDetailedText("\n".join(str(p) for p in problems[:200]))

    # -- help, about, language -------------------------------------------------------------

    def show_help(self, page: str = "catalogue") -> HelpBookDialog:
        """The offline help book (F1)."""
        from tkapp.ui.common.help import open_help_book

        return open_help_book(self.window, page)

    def show_guide(self) -> GuideDialog:
        """The first-run guide (also from Help); remembered as seen once it was shown."""
        from tkapp.ui.common.help import GuideDialog

        dialog = GuideDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.settings.set(keys.GUIDE_SEEN, True)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.runner, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def choose_language(self, code: str) -> None:
        """Remember the language; the whole window follows after a restart."""
        self.window.settings.set(keys.LANGUAGE, code)
        set_language(code or None)
        show_info(
            self.window,
            _("The new language will be used everywhere after you restart TK Commons."),
            _("Language"),
        )


class BackupPassphraseDialog(QDialog):
    """Asks who restores a backup (when several people use it) and their passphrase."""

    def __init__(self, backup: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("Restore a backup")))
        text = QLabel(_("Type the passphrase of the backup."), self)
        text.setWordWrap(True)
        self.who = PersonChooser(self)
        self.who.load(backup)  # the names beside the backup; none asked for a single person
        self.passphrase = PassphraseEdit(_("Passphrase of the backup"), self)
        form = QFormLayout()
        if self.who.asks():
            text.setText(_("Choose your name, then type your own passphrase."))
            form.addRow(_("Who are you?"), self.who)
        form.addRow(_("Passphrase:"), self.passphrase)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(text)
        box.addLayout(form)
        box.addWidget(buttons)
