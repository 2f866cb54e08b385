"""The main window: start screen, unlock screen and the open catalogue with its sections.

One :class:`~tkapp.ui.common.worker.Runner` owns the catalogue; this window only posts work to it.
Locking (Ctrl+L, or the idle timer) hides every open dialog (editors keep their unsaved text
in memory, nothing is written), closes the catalogue on the worker so the key is forgotten,
and shows the unlock screen; the right passphrase brings the same windows back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp import DISPLAY_NAME, paths
from tkapp.errors import CatalogueMissing
from tkapp.i18n import LANGUAGES, _, ngettext
from tkapp.ui.access import AccessSection
from tkapp.ui.app.main_operations import MainOperations, catalogue_filter
from tkapp.ui.app.status_counts import StatusCounts
from tkapp.ui.catalogue.idle import IdleWatcher
from tkapp.ui.catalogue.start_screen import StartScreen
from tkapp.ui.catalogue.unlock import UnlockScreen
from tkapp.ui.common import settings as keys
from tkapp.ui.common.dialogs import confirm, show_error, window_title
from tkapp.ui.common.keyboard import name_form_fields, release_tab
from tkapp.ui.common.progress import ProgressDialog
from tkapp.ui.common.settings import Settings
from tkapp.ui.common.worker import Runner
from tkapp.ui.keys.keys_section import KeysSection
from tkapp.ui.records.consent_section import ConsentSection
from tkapp.ui.records.holders_section import PeopleSection
from tkapp.ui.records.records_section import RecordsSection
from tkapp.ui.records.species_section import SpeciesSection
from tkapp.ui.sharing.sharing_section import SharingSection
from tkapp.ui.terms.terms_section import TermsSection
from tkapp.ui.verify.received_section import ReceivedSection

#: Builds a section from the window's runner and its parent widget.
SectionFactory = Callable[[Runner, QWidget], QWidget]

#: Sidebar sections in order: key, and the class that shows it (records is built apart).
#: A new section is one more line here and one title in :func:`section_title`.
SECTIONS: tuple[tuple[str, SectionFactory | None], ...] = (
    ("records", None),
    ("species", SpeciesSection),
    ("people", PeopleSection),
    ("consent", ConsentSection),
    ("terms", TermsSection),
    ("sharing", SharingSection),
    ("received", ReceivedSection),
    ("keys", KeysSection),
    ("access", AccessSection),
)

IDLE_CHOICES = (0, 5, 10, 15, 30, 60)


def section_title(key: str) -> str:
    titles = {
        "records": _("Records"),
        "species": _("Species"),
        "people": _("Knowledge holders"),
        "consent": _("Consent"),
        "terms": _("Terms & labels"),
        "sharing": _("Sharing"),
        "received": _("Received"),
        "keys": _("Keys"),
        "access": _("People & access"),
    }
    return titles[key]


class CatalogueView(QWidget):
    """Sidebar of sections on the left, the chosen section on the right."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogue-view")
        self.community = QLabel(self)
        font = self.community.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.community.setFont(font)
        self.community.setWordWrap(True)
        self.sidebar = QListWidget(self)
        self.sidebar.setAccessibleName(_("Sections"))
        self.stack = QStackedWidget(self)
        self.records = RecordsSection(runner, self)
        self.sections: dict[str, QWidget] = {}
        for key, cls in SECTIONS:
            widget = self.records if cls is None else cls(runner, self)
            widget.setAccessibleName(section_title(key))
            self.sections[key] = widget
            self.stack.addWidget(widget)
            item = QListWidgetItem(section_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
        # Wide enough for the longest section name in the current language, and roomy rows
        # (a custodian clicks these with a touchpad).
        metrics = self.sidebar.fontMetrics()
        longest = max(metrics.horizontalAdvance(section_title(k)) for k, _s in SECTIONS)
        width = max(metrics.averageCharWidth() * 22, longest + 32)
        for row in range(self.sidebar.count()):
            self.sidebar.item(row).setSizeHint(QSize(longest, metrics.height() * 2))
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setFixedWidth(width)
        self.community.setFixedWidth(width)
        self.sidebar.currentRowChanged.connect(self._section_changed)
        left = QVBoxLayout()
        left.setContentsMargins(8, 8, 0, 8)
        left.addWidget(self.community)
        left.addWidget(self.sidebar, 1)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left)
        columns.addWidget(self.stack, 1)
        self.sidebar.setCurrentRow(0)

    def current_key(self) -> str:
        item = self.sidebar.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else "records"

    def show_section(self, key: str) -> QWidget:
        keys_in_order = [k for k, _s in SECTIONS]
        self.sidebar.setCurrentRow(keys_in_order.index(key))
        return self.sections[key]

    def refresh_current(self) -> None:
        section = self.stack.currentWidget()
        refresh = getattr(section, "refresh", None)
        if callable(refresh):
            refresh()

    def _section_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        if self.isVisible():
            self.refresh_current()


class MainWindow(QMainWindow):
    """The one main window of TK Commons."""

    def __init__(
        self, runner: Runner, settings: Settings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings or Settings()
        self.setWindowTitle(DISPLAY_NAME)
        self.setObjectName("main-window")
        # Unlock hints per catalogue (only the demo's, whose passphrase is public).
        self._hints: dict[str, str] = {}
        self._hidden: list[QDialog] = []
        self._locked = False
        self.ops = MainOperations(self)

        self.stack = QStackedWidget(self)
        self.start = StartScreen(self)
        self.unlock_screen = UnlockScreen(runner, self)
        self.view = CatalogueView(runner, self)
        self.records = self.view.records
        for page in (self.start, self.unlock_screen, self.view):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self.start.open_requested.connect(self.open_catalogue_file)
        self.start.browse_requested.connect(self.browse_catalogue)
        self.start.create_requested.connect(self.ops.show_create_wizard)
        self.start.demo_requested.connect(self.ops.open_demo)
        self.start.verify_requested.connect(self.ops.verify_bundle)
        self.unlock_screen.unlocked.connect(self.catalogue_opened)
        self.unlock_screen.back_requested.connect(self._back_from_unlock)
        self.records.searched.connect(self._searched)
        self.records.changed.connect(self.reload_stats)
        self.records.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.records.import_requested.connect(self.ops.import_records)
        self.records.help_requested.connect(lambda: self.ops.show_help("catalogue"))

        self.idle = IdleWatcher(self._idle_ms(), self)
        self.idle.idle.connect(self._idle_timeout)

        self.counts = StatusCounts(self)
        self.statusBar().addPermanentWidget(self.counts)
        self._build_actions()
        self._restore_geometry()
        release_tab(self)  # Tab moves on from every table of every section
        name_form_fields(self)
        self.show_start()

    # -- menus and shortcuts ---------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: Any = None, *, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self.act_create = self._action(_("Create a catalogue…"), self.ops.show_create_wizard)
        self.act_open = self._action(_("Open a catalogue…"), self.browse_catalogue, "Ctrl+O")
        self.act_demo = self._action(_("Open the demo catalogue"), self.ops.open_demo)
        self.act_verify = self._action(_("Verify a bundle…"), self.ops.verify_bundle)
        self.act_backup = self._action(_("Save an encrypted backup…"), self.ops.backup_catalogue)
        self.act_restore = self._action(_("Restore a backup…"), self.ops.restore_catalogue)
        self.act_check = self._action(_("Check the catalogue"), self.ops.check_catalogue)
        self.act_import = self._action(
            _("Import records…"),
            self.ops.import_records,
            tip=_("Add records from a spreadsheet (CSV), a KoboToolbox or ODK export, or JSON"),
        )
        self.act_lock = self._action(
            _("Lock"),
            lambda: self.lock(by_user=True),
            "Ctrl+L",
            tip=_("Lock the catalogue now (Ctrl+L)"),
        )
        # Ctrl+L must work from every window of the app (a record editor in front, say).
        self.act_lock.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.act_close = self._action(_("Close the catalogue"), self.close_catalogue)
        self.act_quit = self._action(_("Quit"), self.close, "Ctrl+Q")
        for action in (self.act_create, self.act_open, self.act_demo, self.act_verify):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.act_import, self.act_backup, self.act_restore, self.act_check):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.act_lock, self.act_close, self.act_quit):
            file_menu.addAction(action)

        records_menu = bar.addMenu(_("&Records"))
        self.act_new = self._action(_("New record"), self.new_record, QKeySequence.StandardKey.New)
        self.act_find = self._action(_("Find"), self.find_records, QKeySequence.StandardKey.Find)
        self.act_trash = self._action(_("Show the trash"), self.show_trash)
        for action in (self.act_new, self.act_find, self.act_trash):
            records_menu.addAction(action)

        view_menu = bar.addMenu(_("&View"))
        language_menu = view_menu.addMenu(_("Language"))
        self.language_group = QActionGroup(self)
        chosen = self.settings.get(keys.LANGUAGE)
        for code, name in (("", _("Same as the computer")), *LANGUAGES):
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.setData(code)
            action.triggered.connect(lambda _c=False, c=code: self.ops.choose_language(c))
            self.language_group.addAction(action)
            language_menu.addAction(action)
        lock_menu = view_menu.addMenu(_("Lock when not used for"))
        self.idle_group = QActionGroup(self)
        minutes_now = self.settings.get(keys.IDLE_LOCK_MINUTES)
        for minutes in IDLE_CHOICES:
            text = (
                _("Never")
                if minutes == 0
                else ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
            )
            action = QAction(text, self)
            action.setCheckable(True)
            action.setChecked(abs(minutes - minutes_now) < 0.01)
            action.triggered.connect(lambda _c=False, m=minutes: self.set_idle_minutes(m))
            self.idle_group.addAction(action)
            lock_menu.addAction(action)

        help_menu = bar.addMenu(_("&Help"))
        self.act_help = self._action(_("Contents"), self.ops.show_help, "F1")
        # F1 opens the help from every window of the app (an editor in front, say).
        self.act_help.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.act_guide = self._action(_("Getting started guide"), self.ops.show_guide)
        self.act_about = self._action(_("About TK Commons"), self.ops.show_about)
        help_menu.addAction(self.act_help)
        help_menu.addAction(self.act_guide)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

    def _update_actions(self) -> None:
        open_now = self.catalogue_shown()
        for action in (
            self.act_backup,
            self.act_check,
            self.act_lock,
            self.act_close,
            self.act_new,
            self.act_find,
            self.act_trash,
        ):
            action.setEnabled(open_now)

    # -- pages -----------------------------------------------------------------------------

    def catalogue_shown(self) -> bool:
        return self.stack.currentWidget() is self.view

    def is_locked(self) -> bool:
        return self._locked

    def show_start(self) -> None:
        self.start.set_recent(self.settings.recent_catalogues(), self.settings.recent_names())
        self.stack.setCurrentWidget(self.start)
        self.setWindowTitle(DISPLAY_NAME)
        self.counts.clear()
        self._update_actions()

    def open_catalogue_file(self, path: Path, hint: str = "") -> None:
        """Ask for the passphrase of ``path`` (closing any open catalogue first)."""
        path = Path(path)
        if not path.exists():
            show_error(self, CatalogueMissing(str(path)), _("Open a catalogue"))
            return
        if not self.close_current():
            return
        self._locked = False
        self.unlock_screen.set_catalogue(path, hint=hint or self._hints.get(str(path), ""))
        self.stack.setCurrentWidget(self.unlock_screen)
        self.setWindowTitle(window_title(_("Unlock")))
        self._update_actions()
        self.unlock_screen.focus_passphrase()

    def remember_hint(self, path: Path, hint: str) -> None:
        """Show ``hint`` whenever ``path`` asks for its passphrase (the demo's, say)."""
        self._hints[str(path)] = hint

    def browse_catalogue(self) -> None:
        folder = self.settings.get(keys.LAST_FOLDER) or str(paths.data_dir())
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            window_title(_("Open a catalogue")),
            folder,
            catalogue_filter(all_files=True),
        )
        if chosen:
            self.settings.set(keys.LAST_FOLDER, str(Path(chosen).parent))
            self.open_catalogue_file(Path(chosen))

    def _back_from_unlock(self) -> None:
        if self._locked and not self._discard_hidden_editors():
            return
        self._locked = False
        self.show_start()

    # -- opening ---------------------------------------------------------------------------

    def catalogue_opened(self, _catalogue: Any) -> None:
        """The runner opened the catalogue (unlock screen, wizard or demo)."""
        path = self.runner.path
        if path is not None:
            self.settings.add_recent(path)
        was_locked = self._locked
        self._locked = False
        if not was_locked:
            self.records.search.clear()
            self.view.show_section("records")
        self.stack.setCurrentWidget(self.view)
        self._update_actions()
        self.view.refresh_current()
        if self.view.current_key() != "records":
            self.records.refresh()
        self.reload_stats()
        # Editors hidden by the lock come back with their unsaved text.
        for dialog in self._hidden:
            if shiboken6.isValid(dialog):
                dialog.show()
        self._hidden.clear()
        self.idle.set_timeout_ms(self._idle_ms())
        self.idle.start()

    def reload_stats(self) -> None:
        if not self.runner.is_open():
            return

        def done(result: tuple[Any, Any]) -> None:
            if not self.catalogue_shown():
                return  # locked or closed meanwhile
            community, stats = result
            self.counts.set_stats(stats)
            self.view.community.setText(community.name)
            self.setWindowTitle(window_title(community.name))
            if self.runner.path is not None and community.name:
                self.settings.set_recent_name(self.runner.path, community.name)
            self._show_counts()

        self.runner.run(lambda cat: (cat.community, cat.stats()), done, None, context=self)

    def _show_counts(self, shown: int | None = None) -> None:
        if shown is None:
            shown = self.records.model.rowCount()
        self.counts.show_counts(
            shown,
            searching=bool(self.records.search.text().strip()),
            capped=self.records.model.capped(),
        )

    def _searched(self, count: int, _query: str) -> None:
        self._show_counts(count)

    # -- records shortcuts -----------------------------------------------------------------

    def new_record(self) -> Any:
        if not self.catalogue_shown():
            return None
        self.view.show_section("records")
        return self.records.new_record()

    def find_records(self) -> None:
        """Records, search box focused (Ctrl+F); not ``QWidget.find``, which it once hid."""
        if self.catalogue_shown():
            self.view.show_section("records")
            self.records.focus_search()

    def show_trash(self) -> None:
        if self.catalogue_shown():
            self.view.show_section("records")
            self.records.trash.setChecked(True)

    # -- locking ---------------------------------------------------------------------------

    def _idle_ms(self) -> int:
        return int(self.settings.get(keys.IDLE_LOCK_MINUTES) * 60_000)

    def set_idle_minutes(self, minutes: float) -> None:
        self.settings.set(keys.IDLE_LOCK_MINUTES, float(minutes))
        self.idle.set_timeout_ms(self._idle_ms())
        if self.catalogue_shown():
            self.idle.start()

    def _idle_timeout(self) -> None:
        # Never lock under a running backup or import: it would only wait for the job.
        busy = [d for d in self.findChildren(ProgressDialog) if d.isVisible()]
        if busy:
            self.idle.start()
            return
        self.lock()

    def open_editors(self) -> list[QDialog]:
        return self.records.editors()

    def lock(self, *, by_user: bool = False) -> None:
        """Hide windows, close the catalogue (the key is forgotten), ask for the passphrase.

        ``by_user``: locked on purpose (Ctrl+L, the menu), not by the idle timer."""
        if not self.catalogue_shown():
            return
        self.idle.stop()
        path = self.runner.path
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.hide()
                self._hidden.append(widget)
        self._locked = True
        self.records.clear()
        self.runner.lock()
        self.unlock_screen.set_catalogue(
            path, hint=self._hints.get(str(path), ""), locked=True, by_user=by_user
        )
        self.stack.setCurrentWidget(self.unlock_screen)
        self.setWindowTitle(window_title(_("Locked")))
        self.counts.clear()
        self._update_actions()
        self.unlock_screen.focus_passphrase()

    def _discard_hidden_editors(self) -> bool:
        """Leaving a locked catalogue: ask before dropping unsaved edits, then close them."""
        if _unsaved(self._hidden) and not confirm(
            self,
            _(
                "Some records have changes that were not saved. If you choose another "
                "catalogue now, those changes are lost."
            ),
            _("Unsaved changes"),
            yes=_("Discard the changes"),
        ):
            return False
        for dialog in self._hidden:
            _discard(dialog)
        self._hidden.clear()
        return True

    def close_current(self) -> bool:
        """Close the open (or locked) catalogue before another one; False if the user
        wants to keep it."""
        if self._locked:
            if not self._discard_hidden_editors():
                return False
            self._locked = False
            return True
        if not self.runner.is_open() and not self.catalogue_shown():
            return True
        editors = self.open_editors()
        if _unsaved(editors) and not confirm(
            self,
            _("Some records have changes that were not saved. Close them and lose the changes?"),
            _("Unsaved changes"),
            yes=_("Discard the changes"),
        ):
            return False
        for dialog in editors:
            _discard(dialog)
        self.idle.stop()
        self.records.clear()
        self.runner.lock()
        # Never leave the old catalogue's view on screen while the next one opens.
        self.show_start()
        return True

    def close_catalogue(self) -> None:
        if self.close_current():
            self.show_start()

    # -- window state ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.get(keys.WINDOW_GEOMETRY)
        if not geometry or not self.restoreGeometry(QByteArray(geometry)):
            # First start: fit an old 1366x768 laptop screen with its task bar.
            screen = self.screen().availableGeometry() if self.screen() else None
            width = min(1280, screen.width() - 40) if screen else 1280
            height = min(720, screen.height() - 40) if screen else 720
            self.resize(width, height)
        state = self.settings.get(keys.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))

    def save_geometry(self) -> None:
        self.settings.set(keys.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(keys.WINDOW_STATE, bytes(self.saveState().data()))

    def closeEvent(self, event: QCloseEvent) -> None:
        editors = self._hidden if self._locked else self.open_editors()
        if _unsaved(editors) and not confirm(
            self,
            _("Some records have changes that were not saved. Quit and lose the changes?"),
            _("Unsaved changes"),
            yes=_("Quit without saving"),
        ):
            event.ignore()
            return
        self.save_geometry()
        self.idle.detach()
        for dialog in [*editors, *self._hidden]:
            _discard(dialog)
        self._hidden.clear()
        from tkapp.ui.verify.verify_window import open_windows

        # Verify windows share this runner: they close their reports before it stops.
        for window in open_windows():
            window.close()
        if self.runner.is_open():
            self.runner.lock()
        event.accept()


def _unsaved(dialogs: list[QDialog]) -> list[QDialog]:
    """The dialogs among ``dialogs`` holding edits that were not saved."""
    out = []
    for dialog in dialogs:
        check = getattr(dialog, "has_unsaved_changes", None)
        if shiboken6.isValid(dialog) and callable(check) and check():
            out.append(dialog)
    return out


def _discard(dialog: QDialog) -> None:
    """Close a dialog the user already agreed to drop, without its own "save?" question."""
    if shiboken6.isValid(dialog):
        dialog.done(QDialog.DialogCode.Rejected)
        dialog.deleteLater()
