"""PNG screenshots of the verify window (three verdicts), the trust dialog, the Keys section
with its key card, and the Received section, at 1366x768, in English and Spanish.

Writes to ``$TKAPP_SHOTS`` when set (to look at them), else to the test's tmp_path. Run:

    TKAPP_SHOTS=/tmp/shots .venv/bin/python -m pytest -q tests/ui/test_verify_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.ui.verify_helpers import (  # noqa: F401 - fixtures
    DEMO_PASSPHRASE,
    bundles,
    call,
    copy_demo,
    fast_kdf,
    open_catalogue_in,
    wait_verdict,
)
from tkapp.i18n import set_language

SIZE = (1366, 768)


def _shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget: Any, folder: Path, name: str) -> Path:
    QApplication.processEvents()
    path = folder / name
    assert widget.grab().save(str(path)), path
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 300
    return path


@pytest.fixture
def english() -> Any:
    yield
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_verify_window_screenshots(
    runner, qtbot, tmp_path: Path, bundles, fast_kdf, english, lang: str
) -> None:
    from tkapp.ui.trust_dialog import TrustKeyDialog
    from tkapp.ui.verify_window import VerifyWindow

    set_language(lang)
    folder = _shots_dir(tmp_path)
    window = VerifyWindow(runner)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    try:
        _save(window, folder, f"verify-empty-{lang}.png")
        window.verify_path(bundles.plain)
        assert wait_verdict(window, qtbot) == "untrusted"
        _save(window, folder, f"verify-untrusted-{lang}.png")

        dialog = TrustKeyDialog(window.report.community, window.report.fingerprint, window)
        dialog.show()
        qtbot.waitExposed(dialog)
        _save(dialog, folder, f"trust-dialog-{lang}.png")
        dialog.close()

        window.ask_trust = lambda community, fingerprint: True
        window.trust_current()
        assert wait_verdict(window, qtbot) == "trusted"
        _save(window, folder, f"verify-trusted-{lang}.png")
        window.tabs.setCurrentWidget(window.browser)
        window.browser.list.setCurrentRow(0)
        _save(window, folder, f"verify-records-{lang}.png")
        window.tabs.setCurrentWidget(window.terms)
        _save(window, folder, f"verify-terms-{lang}.png")
        window.tabs.setCurrentWidget(window.use_page)
        window.use_page.set_request("for_profit", "commercial_sale")
        window.use_page.check_button.click()
        assert wait_verdict(window, qtbot) == "trusted"
        assert window.report.decision is not None
        _save(window, folder, f"verify-use-{lang}.png")

        window.verify_path(bundles.tampered)
        assert wait_verdict(window, qtbot) == "invalid"
        _save(window, folder, f"verify-invalid-{lang}.png")
    finally:
        window.close()
