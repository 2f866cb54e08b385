"""The "Verify bundle" window: is this bundle really from the community, unchanged, and what
may I do with it?

It opens without any catalogue (from the start screen, a file dialog, a drop, or a ``.tkb``
path on the command line). Verification runs on the worker (the window's own private
:class:`~tkapp.ui.common.worker.Runner` when none is given). The verdict has three states:

- valid and trusted: the signature is good and the key is one the user trusts;
- valid, untrusted signer: the signature is good for the key inside the bundle, but the user
  has not yet confirmed that the key is the community's ("Trust this key…" asks them to
  compare the words in person);
- invalid: the first failed check, in plain words.

Bundles are checked with ``tofu=True, remember=False``: the bundle's own key is used to check
the signature, but nothing is remembered until the user trusts the key or imports the bundle.
The :class:`~tkapp.bundle.verifier.VerifyReport` stays open while the window shows it (media
are streamed from it, re-hashed) and is closed on the worker when another file is verified or
the window closes; for an encrypted bundle that deletes the private decrypted copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import (
    CatalogueLocked,
    ConfusableName,
    DecryptionError,
    KeyMismatch,
    NotARecipient,
    Revoked,
)
from tkapp.i18n import _, ngettext
from tkapp.licensing.text import describe_outcome
from tkapp.services import keys as keys_service
from tkapp.services import trust_text
from tkapp.services.received import import_bundle
from tkapp.services.verifying import split_statements, verify_file
from tkapp.ui.common.dialogs import confirm, error_text, show_error, show_info, window_title
from tkapp.ui.common.progress import run_with_progress
from tkapp.ui.common.worker import Runner
from tkapp.ui.keys.trust_dialog import TrustKeyDialog
from tkapp.ui.verify.bundle_widgets import (
    ID_ROLE,
    INVALID,
    NONE,
    TRUSTED,
    UNTRUSTED,
    MediaSourceRunner,
    RecordBrowser,
    VerdictBanner,
)
from tkapp.ui.verify.verify_pages import IntendedUsePage, SummaryPage, TermsPage

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

BUNDLE_SUFFIXES = (".tkb", ".tkb.age")

#: Open verify windows (a window without a parent would otherwise be garbage collected).
_windows: list[VerifyWindow] = []


def is_bundle_name(path: Path | str) -> bool:
    return str(path).lower().endswith(BUNDLE_SUFFIXES)


class VerifyWindow(QMainWindow):
    """Checks one bundle at a time and shows what it holds, read-only."""

    #: A verification finished: the verdict state (``trusted``, ``untrusted``, ``invalid``).
    verified = Signal(str)
    #: A bundle was imported into Received (the :class:`ReceivedSummary`).
    imported = Signal(object)

    def __init__(self, runner: Runner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verify-window")
        self.setWindowTitle(window_title(_("Verify bundle")))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._own_runner = runner is None
        self.runner: Runner = runner if runner is not None else Runner()
        self.path: Path | None = None
        self.report: Any = None  # VerifyReport, open while shown
        self.records: list[tuple[str, str, Any]] = []
        self.error: BaseException | None = None
        self.state = NONE
        self.intended: tuple[str, str] | None = None
        self.identities: list[tuple[Any, Path]] = []
        # Revocation lists (.tkr) and key change statements (.tkrot) the user added.
        self.statement_paths: list[Path] = []
        self._generation = 0
        self._closed = False
        self.setAcceptDrops(True)

        # Top: open a file, and the key that opens encrypted bundles.
        self.open_button = QPushButton(_("Open…"))
        self.open_button.setToolTip(_("Choose a bundle file (.tkb or .tkb.age) to check"))
        self.file_label = QLabel()
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.identity_label = QLabel(_("Your key for encrypted bundles:"))
        self.identity_combo = QComboBox()
        self.identity_combo.setAccessibleName(_("Your key for encrypted bundles"))
        self.identity_combo.setMinimumContentsLength(24)
        self.statements_button = QPushButton(_("Revocations and key changes…"))
        self.statements_button.setToolTip(
            _(
                "Add a revocation list (.tkr) or a key change statement (.tkrot) the "
                "community gave you; the bundle is checked again with it"
            )
        )
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.statements_button)
        top.addWidget(self.identity_label)
        top.addWidget(self.identity_combo)

        self.banner = VerdictBanner()
        self.summary = SummaryPage()
        self.browser = RecordBrowser()
        self.terms = TermsPage()
        self.use_page = IntendedUsePage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary, _("Summary"))
        self.tabs.addTab(self.browser, _("Records"))
        self.tabs.addTab(self.terms, _("Terms"))
        self.tabs.addTab(self.use_page, _("May I use it?"))

        self.import_button = QPushButton(_("Import into Received"))
        self.import_hint = QLabel()
        self.import_hint.setWordWrap(True)
        self.close_button = QPushButton(_("Close"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_hint, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)

        # Without a valid bundle, the space below the verdict explains what to do.
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.help.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.help.setContentsMargins(12, 12, 12, 12)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.help)
        self.pages.addWidget(self.tabs)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)

        self.open_button.clicked.connect(self.choose_file)
        self.statements_button.clicked.connect(self.choose_statements)
        self.close_button.clicked.connect(self.close)
        self.import_button.clicked.connect(self.import_current)
        self.summary.trust_requested.connect(self.trust_current)
        self.use_page.check_requested.connect(self.check_use)
        self.identity_combo.activated.connect(lambda _i: self._identity_chosen())
        self.runner.catalogue_changed.connect(self._catalogue_changed)
        QShortcut(QKeySequence.StandardKey.Open, self, self.choose_file)
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)

        self._fit_screen()
        self._show_state()
        self.load_identities()

    # -- size --------------------------------------------------------------------------------

    def _fit_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(1200, screen.width() - 40) if screen else 1200
        height = min(720, screen.height() - 40) if screen else 720
        self.resize(width, height)

    # -- identities (keys that open encrypted bundles) ---------------------------------------

    def load_identities(self) -> None:
        """List the researcher's age identities (read on the worker)."""
        self.runner.run_any(
            lambda _cat: keys_service.list_identities(),
            self._identities_loaded,
            lambda exc: None,  # no identity files: the picker stays empty
            context=self,
        )

    def _identities_loaded(self, found: list[tuple[Any, Path]]) -> None:
        self.identities = list(found)
        chosen = self.identity_combo.currentData()
        self.identity_combo.clear()
        self.identity_combo.addItem(_("All my keys"), None)
        for recipient, path in self.identities:
            text = str(recipient)
            self.identity_combo.addItem(
                _("{start}…{end} ({file})").format(start=text[:12], end=text[-6:], file=path.name),
                str(path),
            )
        index = self.identity_combo.findData(chosen)
        self.identity_combo.setCurrentIndex(max(index, 0))
        self._update_identity_row()

    def _identity_args(self) -> list[Path]:
        chosen = self.identity_combo.currentData()
        if chosen:
            return [Path(chosen)]
        return [path for _recipient, path in self.identities]

    def _update_identity_row(self) -> None:
        encrypted = self.path is not None and str(self.path).lower().endswith(".age")
        show = encrypted or bool(self.identities)
        self.identity_label.setVisible(show)
        self.identity_combo.setVisible(show)

    def _identity_chosen(self) -> None:
        if self.path is not None and str(self.path).lower().endswith(".age"):
            self.verify_path(self.path)

    # -- choosing a file ---------------------------------------------------------------------

    def choose_file(self) -> None:
        folder = str(self.path.parent) if self.path else str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            window_title(_("Verify a bundle")),
            folder,
            _("TK Commons bundles (*.tkb *.tkb.age)") + ";;" + _("All files (*)"),
        )
        if chosen:
            self.verify_path(Path(chosen))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_bundle(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_bundle(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_bundle(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.verify_path(path)

    @staticmethod
    def _dropped_bundle(event: Any) -> Path | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and is_bundle_name(url.toLocalFile()):
                return Path(url.toLocalFile())
        return None

    # -- verification ------------------------------------------------------------------------

    def ask_statement_paths(self) -> list[Path]:
        """The file dialog for revocation lists and key changes (tests replace it)."""
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            window_title(_("Revocations and key changes")),
            "",
            _("Revocation lists and key changes (*.tkr *.tkrot)") + ";;" + _("All files (*)"),
        )
        return [Path(n) for n in names]

    def choose_statements(self) -> None:
        paths = self.ask_statement_paths()
        if not paths:
            return
        self.statement_paths = list(dict.fromkeys([*self.statement_paths, *paths]))
        self.reverify()

    def add_statements(self, paths: list[Path]) -> None:
        """Check the current bundle again with these revocation lists / key changes."""
        self.statement_paths = list(dict.fromkeys([*self.statement_paths, *map(Path, paths)]))
        self.reverify()

    def verify_path(self, path: Path) -> None:
        """Check ``path`` (a new file: the intended-use answer is cleared)."""
        self.path = Path(path)
        self.intended = None
        self.use_page.clear()
        self._update_identity_row()
        self._verify()

    def reverify(self) -> None:
        """Check the current file again (after trusting its key or importing it)."""
        if self.path is not None:
            self._verify(keep_view=True)

    def _verify(self, *, keep_view: bool = False) -> None:
        path = self.path
        assert path is not None
        self._generation += 1
        generation = self._generation
        identities = self._identity_args()
        intended = self.intended
        self._release_report()
        self.error = None
        self.state = NONE
        self.file_label.setText(str(path))
        self.banner.set_state(NONE, _("Checking the bundle…"), path.name)
        if keep_view and self.pages.currentWidget() is self.tabs:
            # The same file again: keep the page the user is on, inactive until the answer.
            self.tabs.setEnabled(False)
        else:
            self.help.clear()
            self.pages.setCurrentWidget(self.help)
        self._update_import()

        statements = list(self.statement_paths)

        def op(_cat: Any) -> Any:
            # The bundle's own key checks the signature (tofu), but nothing is remembered.
            found = split_statements(statements)
            return verify_file(
                path,
                tofu=True,
                identities=identities,
                intended=intended,
                remember=False,
                revocations=found.revocations,
                rotations=found.rotations,
            )

        self.runner.run_any(
            op,
            lambda result: self._verified(generation, result),
            lambda exc: self._failed(generation, exc),
        )

    def _stale(self, generation: int) -> bool:
        return self._closed or not shiboken6.isValid(self) or generation != self._generation

    def _verified(self, generation: int, report: Any) -> None:
        if self._stale(generation):
            report.close()  # never shown, so nothing else reads it
            return
        self.report = report
        # Titles only: each record's JSON is read from the bundle when it is chosen.
        self.records = sorted(
            ((r.record_id, r.title, None) for r in report.records),
            key=lambda item: (item[1].casefold(), item[0]),
        )
        self.error = None
        self.state = UNTRUSTED if report.newly_trusted else TRUSTED
        self._show_state()
        self.verified.emit(self.state)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if self._stale(generation):
            return
        self.report = None
        self.records = []
        self.error = exc
        self.state = INVALID
        self._show_state()
        self.verified.emit(self.state)

    def _release_report(self) -> None:
        """Close the shown report on the worker (after any media read still queued there)."""
        report, self.report = self.report, None
        self.browser.media_runner = None
        if report is None:
            return
        try:
            self.runner.run_any(lambda _cat: report.close())
        except RuntimeError:  # the runner already stopped
            report.close()

    # -- showing the verdict -----------------------------------------------------------------

    def _show_state(self) -> None:
        report = self.report
        if self.state == NONE:
            self.banner.set_state(
                NONE,
                _("Open a bundle to check it"),
                _(
                    "Drop a .tkb or .tkb.age file on this window, or press Open…. Checking "
                    "changes nothing; you choose afterwards whether to import it."
                ),
            )
            self.help.setText(
                _(
                    "TK Commons checks:\n"
                    "• that the bundle was signed with the community's key and that nothing "
                    "in it was changed afterwards;\n"
                    "• whether you trust that key (you compared its words with the community);\n"
                    "• that the bundle has not expired and, if it is encrypted, that it was "
                    "made for you;\n"
                    "• the community's terms, and what they allow you to do."
                )
            )
            self.pages.setCurrentWidget(self.help)
        elif self.state == INVALID:
            assert self.error is not None
            self.banner.set_state(INVALID, self._invalid_headline(), error_text(self.error))
            self.help.setText(self._invalid_advice())
            self.pages.setCurrentWidget(self.help)
        else:
            community = report.community
            if self.state == TRUSTED:
                detail = _(
                    "Signed by {community} with a key you trust. Nothing in the bundle was "
                    "changed since it was signed."
                ).format(community=community)
                if report.trust == "tofu":
                    detail += " " + _(
                        "You accepted this key on first use: compare its words with the "
                        "community in person when you can."
                    )
                self.banner.set_state(TRUSTED, _("Valid and trusted"), detail)
            else:
                self.banner.set_state(
                    UNTRUSTED,
                    _("Valid, but the signer is not trusted yet"),
                    _(
                        "Nothing in the bundle was changed since it was signed, but you have "
                        "not yet confirmed that the key belongs to {community}. Compare the "
                        "key's words with the community in person, then press "
                        "“Trust this key…”."
                    ).format(community=community),
                )
            self.summary.show_report(report, self.state)
            self.terms.show_report(report)
            outcomes = self._record_outcomes(report)
            current = self.browser.current_id()
            self.browser.media_runner = MediaSourceRunner(self.runner, self._member_opener(report))
            self.browser.set_records(self.records, outcomes, loader=self._record_loader(report))
            if current:
                for row in range(self.browser.list.count()):
                    if self.browser.list.item(row).data(ID_ROLE) == current:
                        self.browser.list.setCurrentRow(row)
            if report.records_not_listed:
                # Every record was checked; the report lists some (bounded memory): the first
                # ones, and every one the intended use may not touch (bundle.decide).
                title = _("Records ({shown} of {n} shown)").format(
                    shown=len(self.records), n=report.record_count
                )
            else:
                title = _("Records ({n})").format(n=len(self.records))
            self.tabs.setTabText(1, title)
            if report.decision is not None:
                self.use_page.show_decision(report)
            elif self.intended is None:
                r = report.manifest.recipient
                self.use_page.set_request(r.user_class, r.purpose)
            self.pages.setCurrentWidget(self.tabs)
        self.tabs.setEnabled(True)
        self._update_import()

    @staticmethod
    def _member_opener(report: Any) -> Callable[[Catalogue | None, str], BinaryIO]:
        """Opens a media member of ``report``'s bundle on the worker (hash checked at the end)."""

        def open_member(_cat: Catalogue | None, member: str) -> BinaryIO:
            stream: BinaryIO = report.open_member(member)
            return stream

        return open_member

    def _record_loader(self, report: Any) -> Any:
        """Reads one record of ``report`` on the worker (hash re-checked) when it is chosen."""

        def load(record_id: str, deliver: Any) -> None:
            def op(_cat: Any) -> dict[str, Any]:
                data = json.loads(report.read_bytes(f"data/records/{record_id}.json"))
                return data if isinstance(data, dict) else {}

            self.runner.run_any(op, deliver, self._record_failed, context=self)

        return load

    def _record_failed(self, exc: BaseException) -> None:
        # The file changed on disk since it was checked, or the report was closed meanwhile.
        if self.report is not None:
            self.browser.detail.setPlainText(error_text(exc))

    @staticmethod
    def _record_outcomes(report: Any) -> dict[str, str]:
        return {
            r.record_id: describe_outcome(r.decision.outcome)
            for r in report.records
            if r.decision is not None
        }

    def _invalid_headline(self) -> str:
        if isinstance(self.error, NotARecipient | DecryptionError):
            return _("This bundle cannot be opened")
        if isinstance(self.error, Revoked):
            return _("Revoked by the community: do not use this bundle")
        if isinstance(self.error, ConfusableName | KeyMismatch):
            return _("Warning: not the key you trust for this community")
        return _("Not valid: do not use this bundle")

    def _invalid_advice(self) -> str:
        if isinstance(self.error, ConfusableName | KeyMismatch):
            return "\n\n".join(
                trust_text.error_lines(self.error.code, self.error.params, desktop=True)
            )
        if isinstance(self.error, Revoked):
            return _(
                "The community withdrew its permission for this bundle. Do not use its "
                "records, and delete copies you made."
            )
        if isinstance(self.error, NotARecipient | DecryptionError):
            if not self.identities:
                return _(
                    "You have no key for encrypted bundles yet. Create one in Keys, send its "
                    "age1… address to the community, and ask them to make the bundle for it."
                )
            return _(
                "If you have several keys, choose another one above. Otherwise ask the "
                "community to make the bundle for the age1… address of your key."
            )
        return _(
            "What you can do: do not use the records in this file. Ask the community to send "
            "the bundle again, and tell them it arrived damaged or changed. Nothing was "
            "imported or remembered."
        )

    # -- trusting the signer -----------------------------------------------------------------

    def ask_trust(self, community: str, fingerprint: Any) -> bool:
        """Show the compare-in-person dialog; True when the user confirmed. (Tests replace
        this method with one that answers.)"""
        dialog = TrustKeyDialog(community, fingerprint, self)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def trust_current(self) -> None:
        """ "Trust this key…": compare the words in person, then trust and check again."""
        report = self.report
        if report is None or self.state != UNTRUSTED:
            return
        signer, community = report.signer, report.community
        catalogue_id = report.manifest.catalogue_id
        if not self.ask_trust(community, report.fingerprint):
            return
        self.runner.run_any(
            lambda _cat: keys_service.trust_signer(
                signer, community, "in_person", catalogue_id=catalogue_id
            ),
            lambda _entry: self.reverify(),
            lambda exc: show_error(self, exc, _("Trust this key")),
            context=self,
        )

    # -- intended use ------------------------------------------------------------------------

    def check_use(self, user_class: str, purpose: str) -> None:
        """Decide for ``(user_class, purpose)``: the bundle is checked again with that use, so
        the answer is the one ``tkapp verify --intended`` gives."""
        if self.report is None:
            return
        self.intended = (user_class, purpose)
        self.use_page.show_busy()
        self._verify(keep_view=True)

    # -- import ------------------------------------------------------------------------------

    def _catalogue_changed(self, _open: bool) -> None:
        self._update_import()

    def _update_import(self) -> None:
        valid = self.state in (TRUSTED, UNTRUSTED) and self.report is not None
        can = valid and self.runner.is_open()
        self.import_button.setEnabled(can)
        if not valid:
            self.import_hint.clear()
        elif not self.runner.is_open():
            self.import_hint.setText(
                _("To keep this bundle, open your catalogue first, then import it into Received.")
            )
        else:
            self.import_hint.setText(
                _("Imported bundles are kept read-only in the Received section of your catalogue.")
            )

    def ask_import_untrusted(self, community: str) -> bool:
        """Confirm importing a bundle whose key was not compared yet (tests replace this)."""
        return confirm(
            self,
            _(
                "You have not compared this key's words with {community}. Import anyway and "
                "remember the key as accepted on first use? Compare the words in person as "
                "soon as you can."
            ).format(community=community),
            _("Import into Received"),
            yes=_("Import anyway"),
        )

    def import_current(self) -> None:
        """Import the shown bundle into the open catalogue's Received area."""
        report, path = self.report, self.path
        if report is None or path is None or not self.runner.is_open():
            return
        tofu = self.state == UNTRUSTED
        if tofu and not self.ask_import_untrusted(report.community):
            return
        identities = self._identity_args()
        statements = list(self.statement_paths)

        def op(cat: Any, job: Any) -> Any:
            if cat is None:
                raise CatalogueLocked("no catalogue open")
            found = split_statements(statements)
            return import_bundle(
                cat,
                path,
                tofu=tofu,
                identities=identities,
                progress=job.report,
                cancel=job.is_cancelled,
                revocations=found.revocations,
                rotations=found.rotations,
            )

        run_with_progress(
            self,
            self.runner,
            op,
            title=_("Import into Received"),
            label=_("Checking the bundle again and keeping it in your catalogue…"),
            on_success=self._imported,
        )

    def _imported(self, summary: Any) -> None:
        if summary.already_imported:
            text = _("This bundle was already in Received. Nothing was changed.")
        else:
            text = ngettext(
                "Imported {n} record from {community} into Received.",
                "Imported {n} records from {community} into Received.",
                summary.records,
            ).format(n=summary.records, community=summary.community)
        show_info(self, text, _("Import into Received"))
        self.imported.emit(summary)
        self.reverify()

    # -- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.browser.close_viewers()
        self._release_report()
        if self._own_runner:
            self.runner.shutdown()
        if self in _windows:
            _windows.remove(self)
        event.accept()


def show_verify(
    path: Path | None = None, runner: Runner | None = None, parent: QWidget | None = None
) -> VerifyWindow:
    """Open a verify window (and check ``path`` when given).

    Pass the app's ``runner`` so "Import into Received" can use the open catalogue; without
    one the window has its own worker and can only verify.
    """
    window = VerifyWindow(runner, parent)
    if parent is not None:
        window.setWindowFlag(Qt.WindowType.Window, True)
    _windows.append(window)
    window.show()
    if path is not None:
        window.verify_path(Path(path))
    window.raise_()
    window.activateWindow()
    return window


def open_windows() -> list[VerifyWindow]:
    """The verify windows still open (for the shell and for tests)."""
    return [w for w in _windows if shiboken6.isValid(w)]


__all__ = ["VerifyWindow", "is_bundle_name", "open_windows", "show_verify"]
