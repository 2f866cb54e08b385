"""The verify window with more records than a report lists (issue 19): the Records tab says
how many of how many it shows, and the summary counts them all.

A report lists ``RECORDS_LISTED`` records at most (1,000); here it is lowered to 3 for
the demo bundle's 7 records. Screenshots at 1366x768 in English and Spanish go to
``$TKAPP_SHOTS`` when set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui import verify_helpers
from tests.ui.verify_helpers import wait_verdict
from tkapp.bundle import verifier
from tkapp.i18n import set_language

bundles = verify_helpers.bundles
fast_kdf = verify_helpers.fast_kdf

TAB = {"en": "Records (3 of {n} shown)", "es": "Registros (se muestran 3 de {n})"}


@pytest.fixture(params=["en", "es"])
def ui_language(request: pytest.FixtureRequest) -> Any:
    set_language(request.param)
    yield request.param
    set_language("en")


def test_the_records_tab_says_how_many_it_lists(
    ui_language: str,
    runner: Any,
    qtbot: Any,
    tmp_path: Path,
    bundles: Any,
    fast_kdf: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tkapp.ui.verify.verify_window import VerifyWindow

    monkeypatch.setattr(verifier, "RECORDS_LISTED", 3)
    window = VerifyWindow(runner)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.verify_path(bundles.plain)
        assert wait_verdict(window, qtbot) == "untrusted"
        assert window.report.record_count == bundles.records > 3
        assert window.tabs.tabText(1) == TAB[ui_language].format(n=bundles.records)
        assert window.browser.list.count() == 3
        window.tabs.setCurrentWidget(window.browser)
        for _round in range(5):
            QApplication.processEvents()
        folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(folder / f"verify-listed-{ui_language}.png"))
    finally:
        window.close()
