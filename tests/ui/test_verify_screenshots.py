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
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui import verify_helpers
from tests.ui.verify_helpers import (
    DEMO_PASSPHRASE,
    call,
    copy_demo,
    show_record_with_media,
    wait_verdict,
)
from tkapp.i18n import set_language

# Fixtures shared by the verify, Received and Keys tests.
bundles = verify_helpers.bundles
fast_kdf = verify_helpers.fast_kdf

SIZE = (1366, 768)


def _shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget: Any, folder: Path, name: str) -> Path:
    # Layout requests cascade (a wrapped label, then the card's height): let them settle.
    for _round in range(5):
        QApplication.sendPostedEvents()
        QApplication.processEvents()
    path = folder / name
    assert widget.grab().save(str(path)), path
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 300
    return path


def _dark_palette() -> Any:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#eeeeee"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Text, "#eeeeee"),
        (QPalette.ColorRole.Button, "#3a3a3a"),
        (QPalette.ColorRole.ButtonText, "#eeeeee"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def _save_page(card: Any, path: Path) -> None:
    """The card as printed: the same painter on an A4 page image (100 dpi)."""
    from PySide6.QtGui import QColor, QPainter

    from tkapp.ui.keys.key_card import paint_on_page

    image = QImage(827, 1169, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(3937)
    image.setDotsPerMeterY(3937)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    paint_on_page(painter, card)
    painter.end()
    assert image.save(str(path))


@pytest.fixture
def ui_language(request: pytest.FixtureRequest) -> Any:
    """The UI language, set before the windows are built (back to English afterwards)."""
    set_language(request.param)
    yield request.param
    set_language("en")


@pytest.mark.parametrize("ui_language", ["en", "es"], indirect=True)
def test_verify_window_screenshots(
    ui_language: str, runner, qtbot, tmp_path: Path, bundles, fast_kdf
) -> None:
    from tkapp.ui.keys.trust_dialog import TrustKeyDialog
    from tkapp.ui.verify.verify_window import VerifyWindow

    lang = ui_language
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
        show_record_with_media(window.browser, qtbot)
        _save(window, folder, f"verify-records-{lang}.png")
        window.tabs.setCurrentWidget(window.terms)
        # The bundle's Local Contexts Hub project: Notices and Labels with pictograms.
        box = window.terms.local_contexts
        assert box.isVisible()
        texts = [w.text() for w in box.findChildren(QLabel)]
        assert "Plantas medicinales de Sacha Yaku" in texts
        assert any("localcontextshub.org/projects/" in t for t in texts)
        assert len([w for w in box.findChildren(QLabel) if not w.pixmap().isNull()]) == 4
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
        if lang == "en":
            # The verdicts in a dark palette (colours chosen for it; icon shapes and words).
            window.setPalette(_dark_palette())
            _save(window, folder, "verify-invalid-dark-en.png")
            window.verify_path(bundles.plain)
            assert wait_verdict(window, qtbot) == "trusted"
            _save(window, folder, "verify-trusted-dark-en.png")
            assert window.banner.background().lightness() < 100
    finally:
        window.close()


@pytest.mark.parametrize("ui_language", ["en", "es"], indirect=True)
def test_keys_and_received_screenshots(
    ui_language: str, main_window, qtbot, tmp_path: Path, bundles, fast_kdf
) -> None:
    """The two sections inside the real main window, as a custodian and a researcher see them."""
    from tests.ui.shell_helpers import open_in_window
    from tkapp.services import received

    lang = ui_language
    folder = _shots_dir(tmp_path)
    # The community's catalogue: the Keys section with its card.
    demo = copy_demo(bundles, tmp_path / "demo.tkc")
    open_in_window(main_window, qtbot, demo, DEMO_PASSPHRASE)
    keys_section = main_window.view.sections["keys"]
    with qtbot.waitSignal(keys_section.refreshed, timeout=10_000):
        main_window.view.show_section("keys")
    assert keys_section.info is not None and keys_section.info.card is not None
    _save(main_window, folder, f"keys-section-{lang}.png")
    _save(keys_section.card_preview, folder, f"key-card-{lang}.png")
    _save_page(keys_section.info.card, folder / f"key-card-page-{lang}.png")

    # A researcher's catalogue with the bundle imported: the Received section.
    main_window.close_catalogue()
    researcher = tmp_path / "researcher.tkc"
    from tests.ui.conftest import make_catalogue

    make_catalogue(researcher, "researcher passphrase", titles=("Notas de campo",))
    open_in_window(main_window, qtbot, researcher, "researcher passphrase")
    call(
        main_window.runner,
        qtbot,
        lambda cat: received.import_bundle(cat, bundles.plain, tofu=True),
    )
    section = main_window.view.sections["received"]
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        main_window.view.show_section("received")
    qtbot.waitUntil(lambda: section.browser.list.count() > 0, timeout=10_000)
    _save(main_window, folder, f"received-section-{lang}.png")
    section.tabs.setCurrentWidget(section.about)
    _save(main_window, folder, f"received-about-{lang}.png")
