"""Help where custodians need it: the first-run guide, "what does this mean?" buttons next to
hard choices, and the offline help book (Help › Contents, F1).

The short texts (guide pages, contextual help) go through gettext like every other string.
The help book is longer prose, kept as Markdown pages per language in
``tkapp/resources/help/<language>/`` (shipped in the package, read with no network) and shown
in a ``QTextBrowser``. A page missing in a language falls back along the app's language chain
(Kichwa → Spanish → English), so a Kichwa draft can grow page by page. Like the
security strings of the ``.po`` file, the passphrase page has no Kichwa draft: it is shown in
Spanish until a native speaker writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import FALLBACKS, N_, _, current_language, translate
from tkapp.ui.common.dialogs import window_title

# -- the help book --------------------------------------------------------------------------

HELP_DIR = Path(__file__).resolve().parents[2] / "resources" / "help"
#: Book pages in reading order (file names without ``.md``).
BOOK_PAGES = (
    "catalogue",
    "passphrase",
    "access-labels",
    "terms",
    "consent",
    "recording",
    "sharing",
)


def _language_chain(lang: str) -> list[str]:
    chain = [lang, *FALLBACKS.get(lang, ())]
    if "en" not in chain:
        chain.append("en")
    return chain


def book_page(page: str, lang: str | None = None) -> tuple[str, str]:
    """(language used, Markdown text) of a help book page, with the language fallbacks."""
    for code in _language_chain(lang or current_language()):
        candidate = HELP_DIR / code / f"{page}.md"
        if candidate.is_file():
            return code, candidate.read_text(encoding="utf-8")
    raise FileNotFoundError(page)


def image_search_paths(lang: str) -> list[str]:
    """Folders the help browser resolves a page's ``img/<name>.png`` in: the language folders
    along the chain, so a Kichwa page shows the Spanish screenshots until it has its own."""
    return [str(HELP_DIR / code) for code in _language_chain(lang)]


def page_title(markdown: str) -> str:
    """The first ``# heading`` of a page."""
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


class HelpBookDialog(QDialog):
    """The offline help book: pages on the left, the chosen page on the right."""

    def __init__(self, page: str = "catalogue", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("Help")))
        # Wide enough for the screenshots (help_shots.MAX_WIDTH) beside the topics, and never
        # larger than the screen (1366x768 laptops).
        self.resize(1180, 700)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            self.resize(min(1180, screen.width() - 40), min(700, screen.height() - 40))
        self.setSizeGripEnabled(True)
        self.pages = QListWidget()
        self.pages.setAccessibleName(_("Help topics"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName(_("Help text"))
        font = self.browser.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)  # long reading: a little larger
        self.browser.setFont(font)
        self.browser.anchorClicked.connect(self._follow)
        self.draft_note = QLabel()
        self.draft_note.setWordWrap(True)
        self.draft_note.setStyleSheet(
            "background: #fff1d6; border: 1px solid #c98a1b; border-radius: 4px; padding: 6px;"
        )
        lang = current_language()
        for name in BOOK_PAGES:
            _used, text = book_page(name, lang)
            item = QListWidgetItem(page_title(text) or name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.pages.addItem(item)
        self.pages.setMaximumWidth(280)
        self.pages.currentItemChanged.connect(lambda item, _old: self._show(item))

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.draft_note)
        right_layout.addWidget(self.browser, 1)
        split = QSplitter()
        split.addWidget(self.pages)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.open_page(page)

    def open_page(self, page: str) -> None:
        for row in range(self.pages.count()):
            if self.pages.item(row).data(Qt.ItemDataRole.UserRole) == page:
                self.pages.setCurrentRow(row)
                return
        self.pages.setCurrentRow(0)

    def current_page(self) -> str:
        item = self.pages.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        lang = current_language()
        used, text = book_page(str(item.data(Qt.ItemDataRole.UserRole)), lang)
        # Screenshots are written as "img/<name>.png", found along the language chain.
        self.browser.setSearchPaths(image_search_paths(used))
        self.browser.setMarkdown(text)
        note = ""
        if used.startswith("qu"):
            note = _(
                "Draft in Kichwa: written to be checked and improved by Kichwa speakers of the "
                "community."
            )
        elif used != lang and not lang.startswith("en"):
            note = _("This page is not yet written in your language; it is shown in another.")
        self.draft_note.setText(note)
        self.draft_note.setVisible(bool(note))

    def _follow(self, url: QUrl) -> None:
        # Links between pages are written as "page-name.md".
        target = url.toString().removesuffix(".md")
        if target in BOOK_PAGES:
            self.open_page(target)


# -- "what does this mean?" -----------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    title: str  # N_()
    text: str  # N_()
    page: str  # the help book page that says more


TOPICS: dict[str, Topic] = {
    "access": Topic(
        N_("Access level"),
        N_(
            "The access level says who may see a record. Public: anyone the community shares "
            "with. Community: only members of the community. Restricted: only the group you "
            "name (a family, the women healers). Secret / sacred: nobody outside; it never "
            "leaves this computer, not even in a bundle."
        ),
        "access-labels",
    ),
    "labels": Topic(
        N_("Labels"),
        N_(
            "Labels (from Local Contexts) tell others how the community wants this knowledge "
            "treated: who it belongs to, whether it is seasonal, for women or men only, or "
            "needs the community's permission before any use. They travel with every shared "
            "copy."
        ),
        "access-labels",
    ),
    "terms": Topic(
        N_("Terms"),
        N_(
            "Terms are the community's conditions for using its knowledge: who may use it, for "
            "what, and what they must give back (credit, sharing benefits, asking first). A "
            "researcher sees them in their language before using anything."
        ),
        "terms",
    ),
    "sensitivity": Topic(
        N_("Place sensitivity"),
        N_(
            "The exact place always stays inside the catalogue. Sensitivity says how precise "
            "the place is in what you share: nothing at all, about 11 km, about 1 km, about "
            "100 m, or the exact spot. For sacred sites or rare plants, choose less precision."
        ),
        "access-labels",
    ),
    "consent": Topic(
        N_("Consent"),
        N_(
            "Consent records who agreed to share this knowledge, when, how (an assembly, a "
            "signed form, a recorded voice) and for what purposes. Without consent, the "
            "knowledge should not be shared outside the community."
        ),
        "consent",
    ),
}


def show_topic(parent: QWidget, key: str) -> QMessageBox:
    """A short explanation, with a button to read more in the help book (non-modal box)."""
    topic = TOPICS[key]
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(window_title(translate(topic.title)))
    box.setText(translate(topic.text))
    more = box.addButton(_("Read more in the help"), QMessageBox.ButtonRole.HelpRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def clicked(button: QAbstractButton) -> None:
        if button is more:
            open_help_book(parent, topic.page)

    box.buttonClicked.connect(clicked)
    box.open()
    return box


class HelpButton(QToolButton):
    """A small "?" next to a choice; shows what the choice means."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        title = translate(TOPICS[key].title)
        self.setText("?")
        self.setToolTip(_("What does this mean?"))
        self.setAccessibleName(_("What does “{topic}” mean?").format(topic=title))
        self.setAutoRaise(False)
        self.setFixedWidth(max(24, self.sizeHint().height()))
        self.setCursor(Qt.CursorShape.WhatsThisCursor)
        self.clicked.connect(lambda: show_topic(self, self.key))


def with_help(field: QWidget, key: str) -> QWidget:
    """``field`` with a "?" help button at its right."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    layout.addWidget(HelpButton(key, row))
    return row


def open_help_book(parent: QWidget | None, page: str = "catalogue") -> HelpBookDialog:
    """Open (or bring forward) the help book at ``page``."""
    window = parent.window() if parent is not None else None
    existing: HelpBookDialog | None = (
        getattr(window, "_help_book", None) if window is not None else None
    )
    try:
        if existing is not None and existing.isVisible():
            existing.open_page(page)
            existing.raise_()
            existing.activateWindow()
            return existing
    except RuntimeError:  # deleted meanwhile
        pass
    book = HelpBookDialog(page, window)
    book.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if window is not None:
        window._help_book = book  # type: ignore[attr-defined]
    book.show()
    return book


# -- the first-run guide --------------------------------------------------------------------

GUIDE_PAGES: tuple[tuple[str, str], ...] = (
    (
        N_("Your community's catalogue"),
        N_(
            "TK Commons keeps your community's knowledge in one locked file on this computer: "
            "plants and their uses, the people who hold the knowledge, places, photos and "
            "recordings of elders.\n\nNothing goes to the internet. Only what you choose to "
            "share leaves this computer, and only as your community decides."
        ),
    ),
    (
        N_("The passphrase"),
        N_(
            "The catalogue is locked with a passphrase: a few words only the custodians know. "
            "Without it nobody can open the file, not even us.\n\nIf the passphrase is lost, "
            "the catalogue cannot be opened again. Write it down and keep it in a safe place in "
            "the community, and save a backup (File › Save an encrypted backup)."
        ),
    ),
    (
        N_("Who may see what: access levels and labels"),
        N_(
            "Each record has an access level: public, community, restricted to a group, or "
            "secret / sacred (never leaves this computer).\n\nLabels tell others how the "
            "knowledge must be treated: it belongs to the community, it is seasonal, it is for "
            "women or for men, it needs permission. Press the “?” buttons in the app whenever "
            "a choice is unclear."
        ),
    ),
    (
        N_("Sharing with researchers"),
        N_(
            "When a researcher asks for knowledge, Sharing prepares a signed bundle with only "
            "what your terms, access levels and labels allow for their kind of use. Exact "
            "places and secret knowledge are never included.\n\nThe researcher can check that "
            "the bundle really comes from your community and was not changed. Help › Contents "
            "(F1) explains everything in more detail."
        ),
    ),
)


class GuideDialog(QDialog):
    """Three or four screens for the first start: what the app is for and what matters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("Getting started")))
        self.setMinimumSize(640, 420)
        self.stack = QStackedWidget()
        for title, text in GUIDE_PAGES:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            heading = QLabel(translate(title))
            font = heading.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            font.setBold(True)
            heading.setFont(font)
            heading.setWordWrap(True)
            body = QLabel(translate(text))
            body.setWordWrap(True)
            body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            font = body.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            body.setFont(font)
            page_layout.addWidget(heading)
            page_layout.addSpacing(8)
            page_layout.addWidget(body, 1)
            self.stack.addWidget(page)
        self.step_label = QLabel()
        self.back_button = QPushButton(_("Back"))
        self.next_button = QPushButton(_("Next"))
        self.next_button.setDefault(True)
        self.skip_button = QPushButton(_("Skip the guide"))
        self.back_button.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(self._next)
        self.skip_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_label)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.go(0)

    def go(self, index: int) -> None:
        index = max(0, min(self.stack.count() - 1, index))
        self.stack.setCurrentIndex(index)
        last = index == self.stack.count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setText(_("Start using TK Commons") if last else _("Next"))
        self.skip_button.setVisible(not last)
        self.step_label.setText(
            _("Step {n} of {total}").format(n=index + 1, total=self.stack.count())
        )
        self.next_button.setFocus()

    def _next(self) -> None:
        if self.stack.currentIndex() == self.stack.count() - 1:
            self.accept()
        else:
            self.go(self.stack.currentIndex() + 1)
