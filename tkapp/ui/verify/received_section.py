"""Received: the bundles other communities shared with this catalogue, kept read-only.

The list shows each bundle's community, its signer's key words, when it was checked and
imported, how many records it holds and its terms. Below, the chosen bundle's records (with
their photos and recordings, read from the encrypted catalogue into memory), its terms in the
UI language, and who signed it and for whom. Nothing here can be edited; a bundle can only be
removed as a whole.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import CatalogueLocked
from tkapp.i18n import _, current_language, format_datetime, names
from tkapp.licensing.text import render_terms_text, terms_name, user_class_name
from tkapp.licensing.vocab import UserClass
from tkapp.safetext import safe_text
from tkapp.services import received as received_service
from tkapp.services.types import Fingerprint
from tkapp.ui.common.dialogs import confirm, show_error
from tkapp.ui.keys.fingerprint_widgets import FingerprintPanel
from tkapp.ui.keys.keys_section import how_name
from tkapp.ui.records.record_editor_widgets import heading
from tkapp.ui.verify.bundle_widgets import MediaSourceRunner, RecordBrowser
from tkapp.ui.verify.verify_pages import IntendedUsePage, moment_text

BUNDLE_ROLE = Qt.ItemDataRole.UserRole + 40


def _need(cat: Any) -> Any:
    if cat is None:
        raise CatalogueLocked("no catalogue open")
    return cat


def _fingerprint(hex_text: str) -> Fingerprint | None:
    try:
        return Fingerprint.from_hex(hex_text)
    except ValueError:
        return None


def _revoked_text(bundle: Any) -> str:
    """ "Revoked on <date>: <reason>" for a bundle the community withdrew, else empty."""
    mark = getattr(bundle, "revoked", None)
    if mark is None:
        return ""
    return _("Revoked on {date}: {reason}").format(
        date=moment_text(mark.revoked), reason=mark.reason
    )


class ReceivedSection(QWidget):
    """The Received section of the catalogue view."""

    #: The list finished loading.
    refreshed = Signal()
    #: The chosen bundle's records finished loading.
    records_loaded = Signal()
    #: An answer to "May I use it?" is shown.
    answered = Signal()

    def __init__(self, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.bundles: list[Any] = []
        self.current: Any = None
        self.loading = False

        intro = QLabel(
            _(
                "Bundles that other communities shared with you, checked and kept read-only. "
                "Use them only as their terms allow."
            )
        )
        intro.setWordWrap(True)
        self.verify_button = QPushButton(_("Verify a bundle…"))
        self.remove_button = QPushButton(_("Remove from Received"))
        self.remove_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(heading(_("Received")))
        top.addStretch(1)
        top.addWidget(self.verify_button)
        top.addWidget(self.remove_button)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Community"), _("Signer's key words"), _("Received on"), _("Records"), _("Terms")]
        )
        self.table.setAccessibleName(_("Received bundles"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(
            _(
                "Nothing received yet. Open a bundle with “Verify a bundle…” and press "
                "“Import into Received”."
            )
        )
        self.empty.setWordWrap(True)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.empty)

        self.browser = RecordBrowser()
        self.terms = QPlainTextEdit()
        self.terms.setReadOnly(True)
        self.terms.setAccessibleName(_("Terms of the bundle"))
        self.about = QWidget()
        self.about_text = QLabel()
        self.about_text.setWordWrap(True)
        self.about_text.setTextFormat(Qt.TextFormat.PlainText)
        self.about_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.fingerprint = FingerprintPanel(qr_scale=3)
        about_layout = QHBoxLayout(self.about)
        about_layout.addWidget(self.about_text, 1)
        about_layout.addWidget(self.fingerprint, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.browser, _("Records"))
        self.tabs.addTab(self.terms, _("Terms"))
        self.tabs.addTab(self.about, _("Who sent it"))
        self.use_page = IntendedUsePage()
        self.tabs.addTab(self.use_page, _("May I use it?"))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(list_box)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.verify_button.clicked.connect(self.open_verify)
        self.remove_button.clicked.connect(self.remove_selected)
        self.use_page.check_requested.connect(self.ask)
        runner.catalogue_changed.connect(self._catalogue_changed)
        self._show_bundles([])

    # -- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the received bundles again (on the worker)."""
        self.loading = True
        self._runner.run(
            lambda cat: received_service.list_received(_need(cat)),
            self._loaded,
            self._failed,
            context=self,
        )

    def _loaded(self, bundles: list[Any]) -> None:
        self.loading = False
        chosen = self.current.bundle_id if self.current is not None else None
        self._show_bundles(bundles)
        rows = [b.bundle_id for b in bundles]
        if bundles:
            self.table.selectRow(rows.index(chosen) if chosen in rows else 0)
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        if isinstance(exc, CatalogueLocked):
            self.clear()
            return
        show_error(self, exc, _("Received"))

    def _catalogue_changed(self, open_now: bool) -> None:
        if not open_now:
            self.clear()  # nothing from the catalogue stays on screen once it is locked

    def clear(self) -> None:
        self._show_bundles([])

    def _show_bundles(self, bundles: list[Any]) -> None:
        self.bundles = list(bundles)
        self.current = None
        self.table.setRowCount(0)
        for bundle in bundles:
            row = self.table.rowCount()
            self.table.insertRow(row)
            fp = _fingerprint(bundle.fingerprint)
            words = " ".join(fp.words()[:5]) + " …" if fp else bundle.fingerprint[:16]
            cells = [
                bundle.community,
                words,
                format_datetime(bundle.verified_at, "medium"),
                str(bundle.records),
                _("{name}, version {version}").format(
                    name=terms_name(bundle.terms.name), version=bundle.terms.version
                ),
            ]
            revoked = _revoked_text(bundle)
            if revoked:
                # The community withdrew it: said where the terms are, not only in colour.
                cells[-1] = revoked
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(BUNDLE_ROLE, bundle.bundle_id)
                if revoked:
                    item.setForeground(QColor("#a01818"))
                    item.setToolTip(revoked)
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(bundles))
        self.empty.setVisible(not bundles)
        self.tabs.setVisible(bool(bundles))
        self.remove_button.setEnabled(False)
        self.browser.close_viewers()
        self.browser.media_runner = None
        self.browser.clear()
        self.terms.clear()
        self.about_text.clear()
        self.fingerprint.set_fingerprint(None)

    def _selection_changed(self) -> None:
        items = self.table.selectedItems()
        if not items:
            self.remove_button.setEnabled(False)
            return
        bundle_id = str(items[0].data(BUNDLE_ROLE))
        bundle = next((b for b in self.bundles if b.bundle_id == bundle_id), None)
        if bundle is None:
            return
        self.current = bundle
        self.remove_button.setEnabled(True)
        self._show_bundle(bundle)
        self._runner.run(
            lambda cat: received_service.received_records(_need(cat), bundle_id),
            lambda items, b=bundle: self._records_loaded(b, items),
            self._failed,
            context=self,
        )

    def _show_bundle(self, bundle: Any) -> None:
        self.use_page.clear()
        recipient_class = str(bundle.recipient.get("user_class", ""))
        self.use_page.set_request(recipient_class, str(bundle.recipient.get("purpose", "")))
        self.terms.setPlainText(render_terms_text(bundle.terms, current_language()))
        recipient = bundle.recipient
        try:
            as_class = user_class_name(UserClass(recipient.get("user_class", "")))
        except ValueError:
            as_class = str(recipient.get("user_class", ""))
        who = str(recipient.get("name", ""))
        if recipient.get("organisation"):
            who += " — " + str(recipient.get("organisation"))
        revoked = _revoked_text(bundle)
        lines = [revoked, ""] if revoked else []
        lines += [
            _("Signed by: {community}").format(community=bundle.community),
            _("Key: {key_id}").format(key_id=bundle.key_id),
            how_name(bundle.trust),
            "",
            _("Made for: {who}").format(who=who),
            _("As: {user_class}").format(user_class=as_class),
            _("Purpose: {purpose}").format(
                purpose=names.purpose_name(str(recipient.get("purpose", "")))
            ),
            _("Made on: {date}").format(date=moment_text(bundle.created)),
            _("Valid until: {date}").format(
                date=moment_text(bundle.expires) if bundle.expires else _("No end date")
            ),
            _("Checked and imported: {when}").format(
                when=format_datetime(bundle.verified_at, "medium")
            ),
            _("File: {name}").format(name=bundle.source_name),
        ]
        self.about_text.setText(safe_text("\n".join(lines), multiline=True))
        self.fingerprint.set_fingerprint(_fingerprint(bundle.fingerprint))

    def _records_loaded(self, bundle: Any, items: list[Any]) -> None:
        if self.current is None or self.current.bundle_id != bundle.bundle_id:
            return
        bundle_id = bundle.bundle_id
        self.browser.media_runner = MediaSourceRunner(
            self._runner,
            lambda cat, path: received_service.open_received_media(_need(cat), bundle_id, path),
        )
        self.browser.set_records([(item.id, item.title, item.data) for item in items])
        self.tabs.setTabText(0, _("Records ({n})").format(n=len(items)))
        self.records_loaded.emit()

    # -- actions ---------------------------------------------------------------------------

    def ask(self, user_class: str, purpose: str) -> None:
        """Answer "may I…?" for the chosen bundle from its stored terms and records."""
        bundle = self.current
        if bundle is None:
            return
        self.use_page.show_busy()

        def answered(answer: Any) -> None:
            if self.current is None or self.current.bundle_id != bundle.bundle_id:
                return
            self.use_page.show_answer(
                answer.overall,
                user_class,
                purpose,
                answer.blocked,
                len(answer.records),
                terms=bundle.terms,
                trust=bundle.trust,
            )
            self.answered.emit()

        self._runner.run(
            lambda cat: received_service.ask_received(
                _need(cat), bundle.bundle_id, user_class, purpose
            ),
            answered,
            lambda exc: show_error(self, exc, _("May I use it?")),
            context=self,
        )

    def open_verify(self) -> Any:
        """Open the verify window bound to this catalogue (so it can import)."""
        from tkapp.ui.verify.verify_window import show_verify

        window = show_verify(None, self._runner)
        window.imported.connect(lambda _summary: self.refresh())
        return window

    def confirm_remove(self, community: str) -> bool:
        """Ask before removing (tests replace this method)."""
        return confirm(
            self,
            _(
                "Remove this bundle from {community} and all its records from Received? You "
                "can import it again from its file."
            ).format(community=community),
            _("Remove from Received"),
            yes=_("Remove"),
        )

    def remove_selected(self) -> None:
        bundle = self.current
        if bundle is None or not self.confirm_remove(bundle.community):
            return
        bundle_id = bundle.bundle_id
        self.browser.close_viewers()
        self._runner.run(
            lambda cat: received_service.remove_received(_need(cat), bundle_id),
            lambda _r: self.refresh(),
            self._failed,
            context=self,
        )
