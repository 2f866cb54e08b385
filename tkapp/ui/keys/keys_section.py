"""Keys: the community's key (words, hex, QR and a printable card), the keys of other
communities this user trusts, and the researcher's keys for receiving encrypted bundles.

Everything that reads keys or files runs on the worker. Questions and file choosers are
methods (:meth:`KeysSection.ask_save_path`, :meth:`KeysSection.confirm_untrust`,
:meth:`KeysSection.ask_print`) so tests can answer them without a blocking dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import N_, _, translate
from tkapp.services import keys as keys_service
from tkapp.services import trust_text
from tkapp.services.types import Fingerprint
from tkapp.services.verifying import load_trust_key
from tkapp.ui.common.dialogs import confirm, show_error, show_info, window_title
from tkapp.ui.common.table_model import ObjectTableModel
from tkapp.ui.keys.fingerprint_widgets import FingerprintPanel
from tkapp.ui.keys.key_card import KeyCard, KeyCardPreview, card_pdf_bytes, paint_on_page
from tkapp.ui.keys.trust_dialog import TrustKeyDialog
from tkapp.ui.records.record_editor_widgets import heading
from tkapp.ui.verify.verify_pages import moment_text


@dataclass(frozen=True)
class TrustedRow:
    fingerprint: str  # the key's identity (64 hex digits)
    community: str  # label, with hidden characters made visible
    catalogue: str  # label: urn:uuid:... or ""
    words: str
    how: str
    first_seen: str
    last_sequence: int


@dataclass(frozen=True)
class KeysInfo:
    """What the section shows, read on the worker."""

    card: KeyCard | None
    trusted: list[TrustedRow]
    identities: list[tuple[str, Path]]  # (age1... recipient, file)


def load_keys_info(cat: Any) -> KeysInfo:
    """Worker op: the community key (when a catalogue is open), trusted keys, identities."""
    card = None
    if cat is not None:
        community = cat.community
        fingerprint = keys_service.fingerprint(cat)
        key_id = keys_service.key_id(cat)
        card = KeyCard(community.name, fingerprint, key_id, tuple(community.languages))
    trusted = []
    for entry in keys_service.trusted_keys():
        words = Fingerprint.of_public_key(bytes.fromhex(entry.public_key)).words_text()
        trusted.append(
            TrustedRow(
                entry.fingerprint,
                trust_text.shown_name(entry.community),
                entry.catalogue_id,
                words.replace("\n", " "),
                entry.how,
                entry.first_seen,
                entry.last_sequence,
            )
        )
    identities = [(str(r), p) for r, p in keys_service.list_identities()]
    return KeysInfo(card, trusted, identities)


def how_name(how: str) -> str:
    if how == "in_person":
        return _("Compared in person")
    if how == "file":
        return _("From a key file")
    if how == "rotation":
        # Translators: a key the community changed to, vouched for by its old trusted key.
        return _("Key change signed by the old key")
    # Translators: the key was accepted the first time a bundle arrived (trust on first use).
    return _("Accepted on first use")


class TrustedColumn(IntEnum):
    COMMUNITY = 0
    CATALOGUE = 1
    WORDS = 2
    HOW = 3
    SINCE = 4


TRUSTED_HEADERS: dict[TrustedColumn, str] = {
    TrustedColumn.COMMUNITY: N_("Community"),
    TrustedColumn.CATALOGUE: N_("Catalogue"),
    TrustedColumn.WORDS: N_("Words"),
    TrustedColumn.HOW: N_("How you trust it"),
    TrustedColumn.SINCE: N_("Since"),
}


class TrustedKeysModel(ObjectTableModel[TrustedRow]):
    """The keys of other communities you trust, found by fingerprint."""

    Column = TrustedColumn
    numbered_rows = False

    def key(self, item: TrustedRow) -> str:
        return item.fingerprint

    def header(self, column: IntEnum) -> str:
        return translate(TRUSTED_HEADERS[TrustedColumn(column)])

    def display(self, item: TrustedRow, column: IntEnum) -> str:
        if column is TrustedColumn.COMMUNITY:
            return item.community
        if column is TrustedColumn.CATALOGUE:
            return item.catalogue.removeprefix("urn:uuid:")[:8] or _("not known yet")
        if column is TrustedColumn.WORDS:
            return item.words
        if column is TrustedColumn.HOW:
            return how_name(item.how)
        return moment_text(item.first_seen)

    def tooltip(self, item: TrustedRow, column: IntEnum) -> str:
        line = _("Fingerprint: {fingerprint}").format(
            fingerprint=trust_text.fingerprint_line(item.fingerprint)
        )
        return line + ("\n" + item.catalogue if item.catalogue else "")


@dataclass(frozen=True)
class IdentityRow:
    recipient: str  # the age1... address to send
    path: Path  # the file holding the secret key


class IdentityColumn(IntEnum):
    ADDRESS = 0
    FILE = 1


IDENTITY_HEADERS: dict[IdentityColumn, str] = {
    IdentityColumn.ADDRESS: N_("Address to send"),
    IdentityColumn.FILE: N_("Key file"),
}


class IdentitiesModel(ObjectTableModel[IdentityRow]):
    """Your age keys for receiving encrypted bundles, found by address."""

    Column = IdentityColumn
    numbered_rows = False

    def key(self, item: IdentityRow) -> str:
        return item.recipient

    def header(self, column: IntEnum) -> str:
        return translate(IDENTITY_HEADERS[IdentityColumn(column)])

    def display(self, item: IdentityRow, column: IntEnum) -> str:
        return item.recipient if column is IdentityColumn.ADDRESS else item.path.name


class NewIdentityDialog(QDialog):
    """Shows a new key's age1… address to copy and send to the community."""

    def __init__(self, recipient: str, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("Your new key")))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(
            _(
                "Send this address to the community. They use it to make bundles that only "
                "you can open. The address is not secret."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.address = QLineEdit(recipient, self)
        self.address.setReadOnly(True)
        self.address.setAccessibleName(_("Address of your new key"))
        self.address.setMinimumWidth(self.address.fontMetrics().horizontalAdvance(recipient) + 24)
        self.copy_button = QPushButton(_("Copy"), self)
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(self.copy_button)
        keep = QLabel(
            _(
                "The secret part of the key is in this file: {path}\n"
                "Keep a backup of it. Without it, bundles made for this key cannot be opened; "
                "never send the file to anyone."
            ).format(path=str(path)),
            self,
        )
        keep.setWordWrap(True)
        keep.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(keep)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.address.text())
        self.copy_button.setText(_("Copied"))


class KeysSection(QWidget):
    """The Keys section of the catalogue view."""

    #: The section finished loading.
    refreshed = Signal()

    def __init__(self, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.info: KeysInfo | None = None
        self.loading = False

        # The community's key and its card.
        self.community_box = QGroupBox(_("Your community's key"))
        intro = QLabel(
            _(
                "Every bundle your community shares is signed with this key. Researchers "
                "compare these words with the words their TK Commons shows, before they trust "
                "your bundles. Print the card and pin it on the wall of the community office."
            )
        )
        intro.setWordWrap(True)
        self.fingerprint = FingerprintPanel(qr_scale=4)
        self.card_preview = KeyCardPreview()
        self.print_button = QPushButton(_("Print key card…"))
        self.pdf_button = QPushButton(_("Save card as PDF…"))
        self.export_button = QPushButton(_("Export public key…"))
        self.export_button.setToolTip(
            _("Save the key as a minisign .pub file, to send to researchers.")
        )
        buttons = QHBoxLayout()
        for button in (self.print_button, self.pdf_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(intro)
        left.addWidget(self.fingerprint)
        left.addLayout(buttons)
        left.addStretch(1)
        community_row = QHBoxLayout(self.community_box)
        community_row.addLayout(left, 1)
        community_row.addWidget(self.card_preview, 1, Qt.AlignmentFlag.AlignTop)

        # Keys of other communities.
        trusted_box = QGroupBox(_("Keys of other communities you trust"))
        self.trusted_model = TrustedKeysModel((), self)
        self.trusted = QTableView()
        self.trusted.setModel(self.trusted_model)
        self.trusted.setAccessibleName(_("Keys of other communities you trust"))
        self._table(self.trusted)
        self.untrust_button = QPushButton(_("Stop trusting"))
        self.untrust_button.setEnabled(False)
        self.trust_file_button = QPushButton(_("Trust a key file…"))
        self.trust_file_button.setToolTip(
            _("Trust a community's public key file (community.pub) after comparing its words")
        )
        self.trusted_empty = QLabel(
            _("None yet. Keys are added when you trust a bundle in the Verify bundle window.")
        )
        self.trusted_empty.setWordWrap(True)
        trusted_layout = QVBoxLayout(trusted_box)
        trusted_layout.addWidget(self.trusted_empty, 0, Qt.AlignmentFlag.AlignTop)
        trusted_layout.addWidget(self.trusted)
        trusted_layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.trust_file_button)
        row.addStretch(1)
        row.addWidget(self.untrust_button)
        trusted_layout.addLayout(row)

        # The researcher's keys for encrypted bundles.
        identities_box = QGroupBox(_("Your keys for receiving encrypted bundles"))
        identities_intro = QLabel(
            _(
                "If you receive bundles as a researcher, make a key and send its age1… "
                "address to the community: they can then encrypt bundles that only you open."
            )
        )
        identities_intro.setWordWrap(True)
        self.identities_model = IdentitiesModel((), self)
        self.identities = QTableView()
        self.identities.setModel(self.identities_model)
        self.identities.setAccessibleName(_("Your keys for receiving encrypted bundles"))
        self._table(self.identities)
        self.new_identity_button = QPushButton(_("New key…"))
        self.copy_identity_button = QPushButton(_("Copy address"))
        self.copy_identity_button.setEnabled(False)
        identities_layout = QVBoxLayout(identities_box)
        identities_layout.addWidget(identities_intro)
        identities_layout.addWidget(self.identities)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_identity_button)
        row.addWidget(self.new_identity_button)
        identities_layout.addLayout(row)

        self.status = QLabel()
        self.status.setWordWrap(True)
        inner = QWidget()
        content = QVBoxLayout(inner)
        content.addWidget(heading(_("Keys")))
        content.addWidget(self.community_box)
        lower = QHBoxLayout()
        lower.addWidget(trusted_box, 1)
        lower.addWidget(identities_box, 1)
        content.addLayout(lower)
        content.addWidget(self.status)
        content.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.print_button.clicked.connect(self.print_card)
        self.pdf_button.clicked.connect(self.save_card_pdf)
        self.export_button.clicked.connect(self.export_public_key)
        self.untrust_button.clicked.connect(self.untrust_selected)
        self.trust_file_button.clicked.connect(self.trust_key_file)
        self.new_identity_button.clicked.connect(self.new_identity)
        self.copy_identity_button.clicked.connect(self.copy_identity)
        self.trusted.selectionModel().selectionChanged.connect(
            lambda *_args: self.untrust_button.setEnabled(self._selected_row(self.trusted) >= 0)
        )
        self.identities.selectionModel().selectionChanged.connect(
            lambda *_args: self.copy_identity_button.setEnabled(
                self._selected_row(self.identities) >= 0
            )
        )
        runner.catalogue_changed.connect(self._catalogue_changed)
        self._show(None)

    @staticmethod
    def _selected_row(table: QTableView) -> int:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    @staticmethod
    def _table(table: QTableView) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumHeight(120)
        table.setMaximumHeight(200)

    # -- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the keys again on the worker."""
        self.loading = True
        self._runner.run_any(load_keys_info, self._loaded, self._load_failed, context=self)

    def _loaded(self, info: KeysInfo) -> None:
        self.loading = False
        self._show(info)
        self.refreshed.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        show_error(self, exc, _("Keys"))

    def _catalogue_changed(self, open_now: bool) -> None:
        if not open_now:
            self._show(None)

    def clear(self) -> None:
        self._show(None)

    def _show(self, info: KeysInfo | None) -> None:
        self.info = info
        card = info.card if info else None
        self.community_box.setVisible(card is not None)
        self.fingerprint.set_fingerprint(card.fingerprint if card else None)
        self.card_preview.set_card(card)
        rows = info.trusted if info else []
        self.trusted_model.set_items(rows)
        self.trusted.setVisible(bool(rows))
        self.trusted_empty.setVisible(not rows)
        self.untrust_button.setEnabled(False)
        self.identities_model.set_items(
            [IdentityRow(recipient, path) for recipient, path in (info.identities if info else [])]
        )
        self.copy_identity_button.setEnabled(False)

    # -- injectable questions (tests replace these) ----------------------------------------

    def ask_save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, window_title(title), str(Path.home() / suggested), file_filter
        )
        return Path(chosen) if chosen else None

    def ask_print(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(window_title(_("Print key card")))
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_open_path(self, title: str, file_filter: str) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, window_title(title), str(Path.home()), file_filter
        )
        return Path(chosen) if chosen else None

    def ask_community(self) -> str | None:
        name, ok = QInputDialog.getText(
            self,
            window_title(_("Trust a key file")),
            _("Which community does this key belong to?"),
        )
        return name.strip() if ok and name.strip() else None

    def ask_trust(self, community: str, fingerprint: Fingerprint) -> bool:
        dialog = TrustKeyDialog(community, fingerprint, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def confirm_lookalike(self, warnings: list[str]) -> bool:
        """Before trusting a key whose name looks like a trusted community's: say so."""
        return confirm(
            self,
            "\n\n".join(warnings),
            _("Trust a key file"),
            yes=_("Continue to compare the words"),
        )

    def confirm_untrust(self, community: str) -> bool:
        return confirm(
            self,
            _(
                "Stop trusting the key of {community}? Bundles signed with it will show as "
                "not trusted until you compare the words again."
            ).format(community=community),
            _("Stop trusting"),
            yes=_("Stop trusting"),
        )

    # -- the card --------------------------------------------------------------------------

    def _safe_name(self) -> str:
        card = self.info.card if self.info else None
        name = card.community if card else ""
        return "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or "community"

    def _card_file_name(self) -> str:
        # Translators: file name of the printable key card; keep {name}
        return _("key-card-{name}").format(name=self._safe_name()) + ".pdf"

    def print_card(self) -> bool:
        """Print the card through the system's print dialog (or to PDF from there)."""
        card = self.info.card if self.info else None
        if card is None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(_("Community key of {community}").format(community=card.community))
        if not self.ask_print(printer):
            return False
        from PySide6.QtGui import QPainter

        painter = QPainter()
        if not painter.begin(printer):
            show_info(self, _("The printer could not be used."), _("Print key card"))
            return False
        paint_on_page(painter, card)
        painter.end()
        return True

    def save_card_pdf(self) -> Path | None:
        """Save the card as a PDF (made in memory, written atomically on the worker)."""
        card = self.info.card if self.info else None
        if card is None:
            return None
        dest = self.ask_save_path(
            _("Save card as PDF"), self._card_file_name(), _("PDF files (*.pdf)")
        )
        if dest is None:
            return None
        if dest.suffix.lower() != ".pdf":
            dest = dest.with_name(dest.name + ".pdf")
        data = card_pdf_bytes(card)
        self._runner.run_any(
            lambda _cat: keys_service.save_key_card(dest, data),
            lambda path: self.status.setText(
                _("The key card was saved: {path}").format(path=str(path))
            ),
            lambda exc: show_error(self, exc, _("Save card as PDF")),
            context=self,
        )
        return dest

    # -- public key ------------------------------------------------------------------------

    def export_public_key(self) -> Path | None:
        """Save the community's public key as a minisign ``.pub`` file."""
        if self.info is None or self.info.card is None:
            return None
        dest = self.ask_save_path(
            _("Export public key"),
            self._safe_name() + ".pub",
            _("Public key files (*.pub)"),
        )
        if dest is None:
            return None
        if dest.suffix.lower() != ".pub":
            dest = dest.with_name(dest.name + ".pub")

        def op(cat: Any) -> Path:
            # The file dialog already asked to replace an existing file.
            return keys_service.export_public_key(cat, dest, replace=True)

        self._runner.run(
            op,
            lambda path: self.status.setText(
                _("The public key was saved: {path}").format(path=str(path))
            ),
            lambda exc: show_error(self, exc, _("Export public key")),
            context=self,
        )
        return dest

    # -- trusted keys ----------------------------------------------------------------------

    def trust_key_file(self) -> None:
        """Trust another community's ``.pub`` file, after the in-person word comparison."""
        path = self.ask_open_path(
            _("Trust a key file"),
            _("Public key files (*.pub)") + ";;" + _("All files (*)"),
        )
        if path is None:
            return
        community = self.ask_community()
        if community is None:
            return

        def read(_cat: Any) -> tuple[Fingerprint, list[str]]:
            key = load_trust_key(path)
            assert key is not None
            warnings = keys_service.trust_warnings(key, community)
            return Fingerprint.of_public_key(key.public), trust_text.warning_lines(warnings)

        def compare(found: tuple[Fingerprint, list[str]]) -> None:
            fingerprint, warnings = found
            if warnings and not self.confirm_lookalike(warnings):
                return
            if not self.ask_trust(community, fingerprint):
                return
            self._runner.run_any(
                lambda _cat: keys_service.trust_key_file(path, community, how="in_person"),
                lambda _entry: self.refresh(),
                lambda exc: show_error(self, exc, _("Trust a key file")),
                context=self,
            )

        self._runner.run_any(
            read, compare, lambda exc: show_error(self, exc, _("Trust a key file")), context=self
        )

    def untrust_selected(self) -> None:
        row = self._selected_row(self.trusted)
        if row < 0:
            return
        chosen = self.trusted_model.item(row)
        fingerprint, community = chosen.fingerprint, chosen.community
        if not self.confirm_untrust(community):
            return
        self._runner.run_any(
            lambda _cat: keys_service.untrust(fingerprint),
            lambda _removed: self.refresh(),
            lambda exc: show_error(self, exc, _("Stop trusting")),
            context=self,
        )

    # -- identities ------------------------------------------------------------------------

    def new_identity(self) -> None:
        """Make a new age key on the worker and show its address."""

        def op(_cat: Any) -> tuple[str, Path]:
            identity, path = keys_service.new_identity()
            # Only the public address leaves the worker; the secret stays in the file.
            return str(identity.recipient()), path

        self._runner.run_any(
            op, self._identity_made, lambda exc: show_error(self, exc), context=self
        )

    def _identity_made(self, result: tuple[str, Path]) -> None:
        recipient, path = result
        self.last_identity_dialog = NewIdentityDialog(recipient, path, self)
        self.last_identity_dialog.open()
        self.refresh()

    def copy_identity(self) -> None:
        row = self._selected_row(self.identities)
        if row >= 0:
            text = self.identities_model.item(row).recipient
            QGuiApplication.clipboard().setText(text)
            self.status.setText(_("Copied: {address}").format(address=text))
