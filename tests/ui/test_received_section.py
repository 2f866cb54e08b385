"""The Received section: imported bundles, their records read-only with media and terms,
removal, and clearing when the catalogue locks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui import verify_helpers
from tests.ui.shell_helpers import close_boxes
from tests.ui.verify_helpers import call, show_record_with_media, wait_verdict
from tkapp.services import received
from tkapp.ui.verify.received_section import ReceivedSection

# Fixtures shared by the verify, Received and Keys tests.
bundles = verify_helpers.bundles
fast_kdf = verify_helpers.fast_kdf


@pytest.fixture(autouse=True)
def _fast(fast_kdf) -> None:
    """Catalogues made by the shared fixtures use the test KDF profile."""


@pytest.fixture
def section(open_runner, qtbot) -> ReceivedSection:
    widget = ReceivedSection(open_runner)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def _import(runner: Any, qtbot: Any, path: Any) -> Any:
    return call(runner, qtbot, lambda cat: received.import_bundle(cat, path, tofu=True))


def _refresh(section: ReceivedSection, qtbot: Any) -> None:
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    if section.bundles:
        qtbot.waitUntil(lambda: section.browser.list.count() > 0, timeout=10_000)


def test_empty_then_imported_bundle(section, open_runner, qtbot, bundles) -> None:
    _refresh(section, qtbot)
    assert section.bundles == [] and section.empty.isVisibleTo(section)
    summary = _import(open_runner, qtbot, bundles.plain)
    _refresh(section, qtbot)
    assert section.table.rowCount() == 1
    assert section.table.item(0, 0).text() == bundles.community
    assert section.table.item(0, 1).text().split()[:5] == bundles.words[:5]
    assert section.table.item(0, 3).text() == str(summary.records)
    assert "version" in section.table.item(0, 4).text()
    assert section.browser.list.count() == bundles.records
    assert section.tabs.tabText(0) == f"Records ({bundles.records})"
    assert "Who may do what" in section.terms.toPlainText()
    about = section.about_text.text()
    assert bundles.community in about and "Ana Paz" in about
    assert "Accepted on first use" in about
    assert section.fingerprint.words.text().split() == bundles.words
    # Read-only: the details are a browser, not an editor.
    assert section.browser.detail.isReadOnly()


def test_received_media_opens_from_the_catalogue(section, open_runner, qtbot, bundles) -> None:
    _import(open_runner, qtbot, bundles.plain)
    _refresh(section, qtbot)
    browser = section.browser
    show_record_with_media(browser, qtbot)
    dialog = browser.open_current_media()
    assert dialog is not None
    qtbot.waitUntil(dialog.photo.has_image, timeout=10_000)
    dialog.close()


def test_remove_and_lock(section, open_runner, qtbot, bundles) -> None:
    _import(open_runner, qtbot, bundles.plain)
    _refresh(section, qtbot)
    section.confirm_remove = lambda community: False
    section.remove_selected()
    assert len(call(open_runner, qtbot, received.list_received)) == 1
    section.confirm_remove = lambda community: community == bundles.community
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.remove_selected()
    assert section.bundles == [] and call(open_runner, qtbot, received.list_received) == []

    _import(open_runner, qtbot, bundles.plain)
    _refresh(section, qtbot)
    open_runner.lock()
    qtbot.waitUntil(lambda: section.bundles == [], timeout=10_000)
    assert section.browser.list.count() == 0 and section.terms.toPlainText() == ""


def test_verify_button_imports_into_this_catalogue(section, open_runner, qtbot, bundles) -> None:
    _refresh(section, qtbot)
    window = section.open_verify()
    try:
        assert window.runner is open_runner
        window.verify_path(bundles.plain)
        assert wait_verdict(window, qtbot) == "untrusted"
        window.ask_import_untrusted = lambda community: True
        with qtbot.waitSignal(section.refreshed, timeout=15_000):
            window.import_current()
        assert len(section.bundles) == 1
    finally:
        close_boxes()
        window.close()


def test_may_i_use_it_answers_from_the_stored_terms(section, open_runner, qtbot, bundles) -> None:
    _import(open_runner, qtbot, bundles.plain)
    _refresh(section, qtbot)
    page = section.use_page
    # Preset from the recipient the community named; research by a university is allowed.
    assert page.user_class.currentData() == "public_research"
    with qtbot.waitSignal(section.answered, timeout=10_000):
        page.check_button.click()
    allowed = page.result.headline.text()
    assert "What you must do" in page.details.toPlainText()
    # The key was only accepted on first use: the answer is provisional, never green.
    assert allowed.startswith("Provisional") and page.result.state == "untrusted"
    assert "compare its fingerprint" in page.result.detail.text()
    page.set_request("for_profit", "research")
    with qtbot.waitSignal(section.answered, timeout=10_000):
        page.check_button.click()
    assert page.result.headline.text() != allowed
    details = page.details.toPlainText()
    assert "Why" in details
    # Only with an agreement is not "not allowed": it says how to reach the community and
    # what it asks in return.
    assert page.result.headline.text() == "Only with an agreement with the community"
    assert page.result.state == "untrusted"
    assert "Ask the community for an agreement:" in details and "Contact:" in details


def test_a_revoked_bundle_says_so(section, open_runner, qtbot, bundles, tmp_path) -> None:
    import shutil

    from tkapp.bundle import revocation
    from tkapp.services import grants
    from tkapp.services.catalogue import open_catalogue

    summary = _import(open_runner, qtbot, bundles.plain)
    # The community (a copy of its catalogue) revokes the grant and signs the list.
    community = tmp_path / "community.tkc"
    shutil.copyfile(bundles.demo, community)
    with open_catalogue(community, verify_helpers.DEMO_PASSPHRASE) as cat:
        grants.revoke(
            cat,
            bundle_ids=[summary.bundle_id],
            reason="consent withdrawn by the assembly",
            dest=tmp_path / "r.tkr",
        )
    lst = revocation.load(tmp_path / "r.tkr")
    marked = call(open_runner, qtbot, lambda cat: received.apply_revocations(cat, [lst]))
    assert marked == (summary.bundle_id,)
    _refresh(section, qtbot)
    section.table.selectRow(0)
    qtbot.waitUntil(lambda: section.current is not None, timeout=10_000)
    cell = section.table.item(0, 4).text()
    assert cell.startswith("Revoked on ") and cell.endswith("consent withdrawn by the assembly")
    assert section.about_text.text().startswith(cell)
