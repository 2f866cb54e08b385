"""Help where custodians need it: the guide, the help book (F1), "?" buttons, the empty state."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from shell_helpers import open_in_window

from tkapp import i18n
from tkapp.ui.common.help import (
    BOOK_PAGES,
    HELP_DIR,
    TOPICS,
    GuideDialog,
    HelpBookDialog,
    HelpButton,
    book_page,
    page_title,
)
from tkapp.ui.common.qt_translations import install_qt_translations


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def language(request: Any, qapp: QApplication):
    lang = request.param
    i18n.set_language(lang)
    install_qt_translations(qapp, lang)
    yield lang
    install_qt_translations(qapp, "en")
    i18n.set_language("en")


def test_every_book_page_exists_in_english_and_spanish_and_links_resolve() -> None:
    for lang in ("en", "es"):
        for page in BOOK_PAGES:
            used, text = book_page(page, lang)
            assert used == lang and page_title(text), (lang, page)
            for target in __import__("re").findall(r"\]\(([^)]+)\.md\)", text):
                assert target in BOOK_PAGES, (lang, page, target)
    # Kichwa: drafted pages in Kichwa, the rest falls back to Spanish (never to English).
    drafted = {p.stem for p in (HELP_DIR / "qu_EC").glob("*.md")}
    assert drafted
    # Security texts get no Kichwa draft (as in the .po rule): a native speaker writes them.
    assert "passphrase" not in drafted
    for page in BOOK_PAGES:
        used, _text = book_page(page, "qu_EC")
        assert used == ("qu_EC" if page in drafted else "es")


@pytest.mark.parametrize("language", ["en", "es", "qu_EC"], indirect=True)
def test_help_book_and_guide_screens(qtbot, tmp_path: Path, language: str) -> None:
    folder = _shots(tmp_path)
    book = HelpBookDialog("recording")
    qtbot.addWidget(book)
    book.resize(1366, 740)
    book.show()
    assert book.current_page() == "recording"
    text = book.browser.toPlainText()
    if language == "es":
        assert "Grabar a un mayor" in text and "Conservar la grabación" in text
        assert not book.draft_note.isVisible()
    if language == "qu_EC":
        assert book.draft_note.isVisible()  # Spanish page shown: the note says so
        book.open_page("catalogue")
        assert "Killkakunapak" in book.browser.toPlainText()
        assert "kichwa" in book.draft_note.text().lower()
    # A link between pages opens the other page.
    book.open_page("catalogue")
    book.browser.anchorClicked.emit(__import__("PySide6.QtCore").QtCore.QUrl("passphrase.md"))
    assert book.current_page() == "passphrase"
    QApplication.processEvents()
    assert book.grab().save(str(folder / f"help-{language}-book.png"))

    guide = GuideDialog()
    qtbot.addWidget(guide)
    guide.resize(760, 460)
    guide.show()
    for step in range(guide.stack.count()):
        QApplication.processEvents()
        assert guide.grab().save(str(folder / f"help-{language}-guide-{step + 1}.png"))
        qtbot.mouseClick(guide.next_button, Qt.MouseButton.LeftButton)
    assert guide.result() == GuideDialog.DialogCode.Accepted


def test_question_buttons_explain_and_open_the_book(qtbot) -> None:
    for key in TOPICS:
        button = HelpButton(key)
        qtbot.addWidget(button)
        assert button.accessibleName()
        box = None
        button.click()
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        assert len(boxes) == 1
        box = boxes[0]
        assert i18n.translate(TOPICS[key].text) == box.text()
        more = next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.HelpRole
        )
        more.click()
        books = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, HelpBookDialog) and w.isVisible()
        ]
        assert books and books[-1].current_page() == TOPICS[key].page
        for book in books:
            book.close()


def test_f1_and_the_empty_catalogue(main_window, qtbot, tmp_path: Path, passphrase) -> None:
    from tests.ui.conftest import make_catalogue

    path = make_catalogue(tmp_path / "vacio.tkc", passphrase, titles=())
    window = main_window
    open_in_window(window, qtbot, path, passphrase)
    records = window.records
    assert records.table_stack.currentWidget() is records.empty
    QApplication.processEvents()
    assert window.grab().save(str(_shots(tmp_path) / "records-empty-en.png"))
    # A search with no result shows the table (and its "nothing found" note), not the panel.
    records.search.setText("zzz")
    records.refresh()
    qtbot.waitUntil(lambda: not records.searching, timeout=5_000)
    assert records.table_stack.currentWidget() is records.table
    records.search.setText("")
    records.refresh()
    qtbot.waitUntil(lambda: records.table_stack.currentWidget() is records.empty, timeout=5_000)
    # "Write the first record" opens the editor.
    qtbot.mouseClick(records.empty_new, Qt.MouseButton.LeftButton)
    editors = window.open_editors()
    assert len(editors) == 1
    qtbot.waitUntil(lambda: not editors[0]._loading, timeout=10_000)
    # F1 from the editor opens the help book.
    editors[0].activateWindow()
    qtbot.waitUntil(editors[0].isActiveWindow)
    qtbot.keyClick(editors[0].knowledge.title_edit, Qt.Key.Key_F1)
    books = [w for w in QApplication.topLevelWidgets() if isinstance(w, HelpBookDialog)]
    assert books and books[0].isVisible()
    books[0].close()
    editors[0].reject()
