"""The verify window shows revocations, key changes and look-alike names (real bundles)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.services.sharing.conftest import grant_consent
from tests.ui import verify_helpers
from tests.ui.verify_helpers import DEMO_PASSPHRASE, RESEARCHER, copy_demo, wait_verdict
from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.errors import ConfusableName, Revoked
from tkapp.i18n import set_language
from tkapp.services import grants, keys, sharing
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.ui.verify.verify_window import VerifyWindow

bundles = verify_helpers.bundles
fast_kdf = verify_helpers.fast_kdf
window = verify_helpers.verify_window
SHOTS = os.environ.get("TKAPP_SHOTS")  # a folder: save screenshots there to look at them


@pytest.fixture(autouse=True)
def _fast(fast_kdf) -> None:
    """Catalogues made here use the test KDF profile."""


def test_revoked_bundle_is_shown_revoked(window, qtbot, bundles, tmp_path: Path) -> None:
    demo = copy_demo(bundles, tmp_path / "demo.tkc")
    with open_catalogue(demo, DEMO_PASSPHRASE) as cat:
        [entry] = [e for e in sharing.list_exports(cat) if e.file_name == bundles.plain.name]
        grants.revoke(
            cat, bundle_ids=[entry.bundle_id], reason="consent withdrawn", dest=tmp_path / "r.tkr"
        )
    window.verify_path(bundles.plain)
    assert wait_verdict(window, qtbot) == "untrusted"
    window.ask_statement_paths = lambda: [tmp_path / "r.tkr"]
    window.choose_statements()
    assert wait_verdict(window, qtbot) == "invalid"
    assert isinstance(window.error, Revoked)
    assert window.banner.headline.text() == "Revoked by the community: do not use this bundle"
    assert "consent withdrawn" in window.banner.detail.text()
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "revoked-en.png"))


def test_lookalike_name_is_a_warning_not_a_first_contact(
    window, qtbot, bundles, tmp_path: Path
) -> None:
    keys.trust_signer(_demo_key(bundles, tmp_path), bundles.community, "in_person")
    # Another catalogue whose name differs by a Cyrillic letter and a zero-width space.
    fake = bundles.community.replace("a", "\u0430", 1) + "\u200b"
    with create_catalogue(tmp_path / "fake.tkc", "fake pass phrase", Community(fake)) as cat:
        record = cat.add_record(KnowledgeRecord("Guayusa", access=AccessLevel.PUBLIC))
        grant_consent(cat, [record.id])
        plan = sharing.plan_export(cat, None, RESEARCHER, "research")
        forged = sharing.export(cat, plan, tmp_path / "forged.tkb", created=datetime.now(UTC))
    window.verify_path(forged.path)
    assert wait_verdict(window, qtbot) == "invalid"
    assert isinstance(window.error, ConfusableName)
    assert window.banner.headline.text() == "Warning: not the key you trust for this community"
    advice = window.help.text()
    assert "<U+200B>" in advice and bundles.community in advice
    assert [k.community for k in keys.trusted_keys()] == [bundles.community]
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "lookalike-en.png"))
        set_language("es")
        try:
            spanish = VerifyWindow(window.runner)
            spanish.resize(1366, 768)
            spanish.show()
            spanish.verify_path(forged.path)
            wait_verdict(spanish, qtbot)
            spanish.grab().save(str(Path(SHOTS) / "lookalike-es.png"))
            spanish.close()
        finally:
            set_language("en")


def _demo_key(bundles: Any, tmp_path: Path) -> Any:
    demo = copy_demo(bundles, tmp_path / "demo-key.tkc")
    with open_catalogue(demo, DEMO_PASSPHRASE) as cat:
        return keys.public_key(cat)
