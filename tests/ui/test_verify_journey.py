"""The verify window with real bundles: untrusted -> trusted, tampered, intended use, import,
encrypted bundles, media, drops, and the report's lifetime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.ui import verify_helpers
from tests.ui.shell_helpers import close_boxes, visible_boxes
from tests.ui.verify_helpers import (
    call,
    install_identity,
    show_record_with_media,
    wait_verdict,
)
from tkapp.errors import HashMismatch
from tkapp.i18n.messages import describe_error
from tkapp.services import keys, received
from tkapp.ui.verify.verify_window import open_windows, show_verify

# Fixtures shared by the verify, Received and Keys tests.
bundles = verify_helpers.bundles
fast_kdf = verify_helpers.fast_kdf
window = verify_helpers.verify_window


@pytest.fixture(autouse=True)
def _fast(fast_kdf) -> None:
    """Catalogues made by the shared fixtures use the test KDF profile."""


def _assert_named(window: Any) -> None:
    """Every visible control has an accessible name (screen readers)."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit

    nameless = []
    for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView):
        for widget in window.findChildren(kind):
            has_text = isinstance(widget, QAbstractButton) and widget.text()
            if widget.isVisible() and not widget.accessibleName() and not has_text:
                nameless.append(type(widget).__name__)
    assert nameless == []


def test_valid_untrusted_then_trusted_in_person(window, qtbot, bundles) -> None:
    window.verify_path(bundles.plain)
    assert wait_verdict(window, qtbot) == "untrusted"
    assert window.banner.state == "untrusted"
    assert "not trusted" in window.banner.headline.text()
    assert window.summary.community.text() == bundles.community
    assert window.summary.fingerprint.words.text().split() == bundles.words
    assert window.summary.fingerprint.qr.pixmap() is not None
    assert not window.summary.fingerprint.qr.pixmap().isNull()
    assert window.summary.trust_button.isVisibleTo(window)
    assert window.summary.recipient.text().startswith("Ana Paz")
    assert window.browser.list.count() == bundles.records
    assert window.terms.text.toPlainText().strip()
    assert not window.import_button.isEnabled()  # no catalogue is open in this runner
    assert keys.trusted_keys() == []  # checking remembers nothing
    _assert_named(window)

    # The user does not confirm: nothing is trusted.
    asked: list[str] = []
    window.ask_trust = lambda community, fp: asked.append(community) or False
    window.trust_current()
    assert asked == [bundles.community]
    assert keys.trusted_keys() == [] and window.state == "untrusted"

    window.ask_trust = lambda community, fp: fp.hex == bundles.fingerprint_hex
    window.trust_current()
    assert wait_verdict(window, qtbot) == "trusted"
    assert window.banner.headline.text() == "Valid and trusted"
    [entry] = keys.trusted_keys()
    assert entry.community == bundles.community and entry.how == "in_person"
    assert not window.summary.trust_button.isVisibleTo(window)
    assert "in person" in window.summary.trust_text.text()


def test_tampered_copy_is_invalid_with_the_reason(window, qtbot, bundles) -> None:
    window.verify_path(bundles.tampered)
    assert wait_verdict(window, qtbot) == "invalid"
    assert isinstance(window.error, HashMismatch)
    assert window.banner.headline.text() == "Not valid: do not use this bundle"
    assert window.banner.detail.text() == describe_error(window.error)
    assert "altered" in window.banner.detail.text()
    assert window.pages.currentWidget() is window.help
    assert window.report is None and not window.import_button.isEnabled()
    assert keys.trusted_keys() == []
    # A good file afterwards shows a good verdict again.
    window.verify_path(bundles.plain)
    assert wait_verdict(window, qtbot) == "untrusted"
    assert window.pages.currentWidget() is window.tabs


def test_intended_use_shows_decision_and_duties(window, qtbot, bundles) -> None:
    window.verify_path(bundles.plain)
    wait_verdict(window, qtbot)
    page = window.use_page
    # Preset from the bundle's recipient.
    assert page.user_class.currentData() == "public_research"
    assert page.purpose.currentData() == "research"
    page.check_button.click()
    wait_verdict(window, qtbot)
    decision = window.report.decision
    assert decision is not None and decision.permits and decision.duties
    # The signer's key is not trusted yet: the answer is provisional, never green (issue 12).
    assert page.result.state == "untrusted"
    assert page.result.headline.text() == "Provisional: Allowed, with duties"
    assert "What you must do:" in page.details.toPlainText()
    assert "Credit the community" in page.details.toPlainText()

    page.set_request("for_profit", "ip_claim")
    page.check_button.click()
    wait_verdict(window, qtbot)
    assert window.report.decision.outcome.value == "not_allowed"
    assert page.result.state == "invalid" and page.result.headline.text() == "Not allowed"
    # Each record in the list carries its own answer.
    assert all("Not allowed" in window.browser.list.item(r).text() for r in range(3))
    # A new file clears the question.
    window.verify_path(bundles.plain)
    wait_verdict(window, qtbot)
    assert window.report.decision is None and window.intended is None


def test_import_into_received(open_runner, qtbot, bundles) -> None:
    window = show_verify(bundles.plain, open_runner)
    try:
        assert window in open_windows()
        assert wait_verdict(window, qtbot) == "untrusted"
        assert window.import_button.isEnabled()
        window.ask_import_untrusted = lambda community: False
        window.import_current()
        assert call(open_runner, qtbot, received.list_received) == []

        got: list[Any] = []
        window.imported.connect(got.append)
        window.ask_import_untrusted = lambda community: community == bundles.community
        window.import_current()
        qtbot.waitUntil(lambda: bool(got), timeout=15_000)
        [summary] = got
        assert summary.records == bundles.records and not summary.already_imported
        assert any("Imported" in box.text() for box in visible_boxes())
        close_boxes()
        [stored] = call(open_runner, qtbot, received.list_received)
        assert stored.community == bundles.community and stored.records == bundles.records
        # Importing remembered the key (on first use): the verdict is now trusted.
        assert wait_verdict(window, qtbot) == "trusted"
        assert keys.trusted_keys()[0].how == "tofu"
        # Importing again changes nothing.
        got.clear()
        window.import_current()
        qtbot.waitUntil(lambda: bool(got), timeout=15_000)
        assert got[0].already_imported
        assert len(call(open_runner, qtbot, received.list_received)) == 1
        # Locking the catalogue disables import.
        open_runner.lock()
        qtbot.waitUntil(lambda: not open_runner.is_open(), timeout=10_000)
        qtbot.waitUntil(lambda: not window.import_button.isEnabled(), timeout=5_000)
    finally:
        close_boxes()
        window.close()
    assert window not in open_windows()


def test_encrypted_bundle_needs_the_researchers_key(window, qtbot, bundles) -> None:
    window.verify_path(bundles.encrypted)
    assert wait_verdict(window, qtbot) == "invalid"
    assert window.banner.headline.text() == "This bundle cannot be opened"
    assert "no key for encrypted bundles" in window.help.text()

    install_identity(bundles.identity_text)
    window.load_identities()
    qtbot.waitUntil(lambda: len(window.identities) == 1, timeout=5_000)
    assert window.identity_combo.isVisibleTo(window) and window.identity_combo.count() == 2
    window.identity_combo.setCurrentIndex(1)
    window.reverify()
    assert wait_verdict(window, qtbot) == "untrusted"
    report = window.report
    assert report.encrypted and report.decrypted_by == bundles.recipient
    assert "Encrypted" in window.summary.encrypted.text()
    # The private decrypted copy lives only while the window shows it.
    folders = list(report._source._cleanup)
    assert folders and all(f.exists() for f in folders)
    window.close()
    qtbot.waitUntil(lambda: not any(f.exists() for f in folders), timeout=5_000)


def test_record_media_opens_from_the_bundle(window, qtbot, bundles) -> None:
    window.verify_path(bundles.plain)
    wait_verdict(window, qtbot)
    browser = window.browser
    show_record_with_media(browser, qtbot)
    assert browser.media.count() >= 1 and browser.open_media_button.isEnabled()
    assert "<script" not in browser.detail.toHtml()
    dialog = browser.open_current_media()
    assert dialog is not None
    qtbot.waitUntil(dialog.photo.has_image, timeout=10_000)
    dialog.close()


def test_record_text_is_escaped() -> None:
    from tkapp.ui.verify.bundle_widgets import record_html

    page = record_html(
        {"title": "<b>x</b>", "description": "<img src=x onerror=alert(1)>", "labels": ["zz"]}
    )
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<img" not in page and "zz" in page


def test_drop_and_private_runner(qtbot, bundles, tmp_path: Path) -> None:
    window = show_verify()
    try:
        assert window.windowTitle() == "TK Commons — Verify bundle"
        assert window._own_runner and window.state == "none"
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
        ignored = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.dropEvent(ignored)
        assert window.path is None
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(bundles.plain))])
        drop = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.dropEvent(drop)
        assert window.path == bundles.plain
        assert wait_verdict(window, qtbot) == "untrusted"
        runner = window.runner
    finally:
        window.close()
    assert runner._pool._shutdown  # the window's own worker stopped with it
    import threading

    assert not [t for t in threading.enumerate() if t.name.startswith("tkapp-store")]


def test_main_window_opens_the_verify_window(main_window, qtbot, bundles) -> None:
    before = set(open_windows())
    main_window.ops.verify_bundle_path(bundles.plain)
    [window] = [w for w in open_windows() if w not in before]
    try:
        assert wait_verdict(window, qtbot) == "untrusted"
    finally:
        window.close()


def test_trust_dialog_needs_the_tick(qtbot, bundles) -> None:
    from tkapp.crypto.fingerprint import Fingerprint
    from tkapp.ui.keys.trust_dialog import TrustKeyDialog

    dialog = TrustKeyDialog("Sacha Yaku", Fingerprint.from_hex(bundles.fingerprint_hex))
    qtbot.addWidget(dialog)
    assert dialog.panel.words.text().split() == bundles.words
    assert not dialog.trust_button.isEnabled()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.confirm_box.setChecked(True)
    assert dialog.trust_button.isEnabled()
    dialog.trust_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
