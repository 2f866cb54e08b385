"""The help book's screenshots: made by the test suite from the real windows, so they stay
current. Regenerates them into a temporary folder and compares with the committed ones (names
and sizes; pixels differ with fonts), checks none is blank, that every image a page shows
exists, and that the help browser really displays them (Spanish, 1366x768).

After a UI change that alters a window's shape, refresh the committed images with
``QT_QPA_PLATFORM=offscreen python -m tkapp.ui.app.help_shots``. ``TKAPP_SHOTS`` keeps the
screenshot of the help book for people to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from tkapp.i18n import set_language
from tkapp.ui.app.help_shots import SHOT_LANGUAGES, SHOTS, generate, image_dir, scaled_size
from tkapp.ui.common.help import BOOK_PAGES, HELP_DIR, HelpBookDialog, book_page, image_search_paths

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LANGUAGES = sorted(p.name for p in HELP_DIR.iterdir() if p.is_dir())


def _referenced(lang: str) -> dict[str, list[str]]:
    """page → image paths its Markdown shows, for the pages written in ``lang``."""
    found = {}
    for page in BOOK_PAGES:
        path = HELP_DIR / lang / f"{page}.md"
        if path.is_file():
            found[page] = IMAGE.findall(path.read_text(encoding="utf-8"))
    return found


def _not_blank(image: QImage) -> bool:
    """More than a handful of colours: a real window with text, not a flat fill."""
    pixels = bytes(image.convertToFormat(QImage.Format.Format_RGB32).constBits())
    return len(set(memoryview(pixels).cast("I"))) > 8


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, qapp: Any) -> Path:
    root = tmp_path_factory.mktemp("help-shots")
    made = generate(root)
    assert len(made) == len(SHOTS) * len(SHOT_LANGUAGES)
    return root


def test_pages_show_screenshots_that_exist() -> None:
    for lang in LANGUAGES:
        for page, images in _referenced(lang).items():
            for name in images:
                assert name.startswith("img/") and name.endswith(".png"), (lang, page, name)
                # Found along the same language chain as the browser uses.
                assert any(Path(folder, name).is_file() for folder in image_search_paths(lang)), (
                    lang,
                    page,
                    name,
                )
    # The custodian's pages are illustrated in every language that has its own images.
    for lang in SHOT_LANGUAGES:
        shown = {n for images in _referenced(lang).values() for n in images}
        assert shown == {f"img/{shot.name}.png" for shot in SHOTS}, lang


@pytest.mark.slow
def test_committed_screenshots_match_fresh_ones(fresh: Path) -> None:
    total = 0
    for lang in SHOT_LANGUAGES:
        committed = image_dir(HELP_DIR, lang)
        assert sorted(p.name for p in committed.glob("*.png")) == sorted(
            f"{shot.name}.png" for shot in SHOTS
        ), "refresh with: python -m tkapp.ui.app.help_shots"
        for shot in SHOTS:
            old = QImage(str(committed / f"{shot.name}.png"))
            new = QImage(str(image_dir(fresh, lang) / f"{shot.name}.png"))
            assert not old.isNull() and not new.isNull(), (lang, shot.name)
            assert new.size() == scaled_size(shot.size), (lang, shot.name, new.size())
            assert old.size() == new.size(), (
                f"{lang}/{shot.name}: the window changed shape; "
                "refresh with: python -m tkapp.ui.app.help_shots"
            )
            assert _not_blank(old) and _not_blank(new), (lang, shot.name)
            total += (committed / f"{shot.name}.png").stat().st_size
    assert total < 1_500_000, total  # the package stays small


@pytest.mark.parametrize("lang", ["es", "qu_EC"])
def test_help_book_displays_the_screenshots(qtbot: Any, tmp_path: Path, lang: str) -> None:
    set_language(lang)
    try:
        book = HelpBookDialog("catalogue")
        qtbot.addWidget(book)
        book.resize(1366, 768)
        book.show()
        qtbot.waitExposed(book)
        used, text = book_page("catalogue", lang)
        assert used == lang
        for name in IMAGE.findall(text):
            data = book.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(name))
            assert data is not None, (lang, name)
            image = QImage.fromData(data)
            assert not image.isNull(), (lang, name)
            # It fits beside the topics without scrolling sideways.
            assert image.width() <= book.browser.viewport().width(), (image.width(), lang)
        folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        for page in ("catalogue", "access-labels", "sharing", "recording"):
            book.open_page(page)
            qtbot.wait(50)
            assert book.grab().save(str(folder / f"help-{page}-{lang}.png"))
    finally:
        set_language("en")
