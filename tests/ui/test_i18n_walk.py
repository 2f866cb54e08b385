"""In Spanish, the main window (every section) and the record editor (every tab) show no
English UI text: a walk over the real widgets of a window with the demo catalogue open.

The reference is the Spanish catalogue itself: a visible text that is an English source string
(msgid) whose Spanish translation differs, or that fills in such a template (``{n} records``),
is English left on screen. User data (titles, names, species) never equals a source string, so
it needs no special case. A second rule catches English that never went through gettext at all:
a text made of several everyday English words.
"""

from __future__ import annotations

import re
import shutil
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from editor_helpers import call, open_editor
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QTabBar,
    QTextEdit,
    QWidget,
)
from shell_helpers import open_in_window

from tkapp import i18n
from tkapp.i18n import catalogs
from tkapp.services.demo import create_demo
from tkapp.ui.app.main_window import SECTIONS
from tkapp.ui.common.qt_translations import install_qt_translations

ROOT = Path(__file__).resolve().parents[2]
SPANISH_PO = catalogs.po_path("es", ROOT / "translations")
DEMO_PASSPHRASE = "una frase de prueba para el demo"
MAX_ROWS = 30  # rows of each table or list to read (the demo has about 20 records)
#: Texts of the demo catalogue that are in English: user data, not UI (the community wrote it).
DEMO_DATA_IN_ENGLISH = ("Contains the voice of a person who has died.",)

#: Everyday English words that Spanish (and Kichwa) UI text never uses as whole words.
ENGLISH_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the and with your this that from for of to is are will be you it can not "
        "record records catalogue open save delete search new show choose select add remove "
        "people terms labels media sharing file files please",
    )
)


# --- the reference: English source strings and their Spanish translations -------------------


def _unmnemonic(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _plain(text: str) -> str:
    """Visible text without mnemonics (``&File`` -> ``File``, ``a && b`` -> ``a & b``)."""
    text = re.sub(r"<[^>]+>", "", text) if "<" in text and ">" in text else text
    return _unmnemonic(text).strip()


def _template(text: str) -> re.Pattern[str] | None:
    """A pattern for a source string with ``{fields}``, or None when too few letters are fixed."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return None
    if all(name is None for _lit, name, _spec, _conv in parts):
        return None
    fixed = "".join(literal for literal, *_rest in parts)
    if sum(ch.isalpha() for ch in fixed) < 4:
        return None  # "{name} ({code})" would match any text with brackets
    pattern = "".join(
        re.escape(_unmnemonic(literal)) + ("" if name is None else ".+?")
        for literal, name, _spec, _conv in parts
    )
    return re.compile(pattern, re.DOTALL)


@dataclass
class Reference:
    """English source strings that Spanish translates differently, and their translations."""

    english: dict[str, str] = field(default_factory=dict)  # plain msgid -> plain msgstr
    english_templates: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    spanish: set[str] = field(default_factory=set)
    spanish_templates: list[re.Pattern[str]] = field(default_factory=list)

    @classmethod
    def from_catalogue(cls, catalog: Catalog) -> Reference:
        ref = cls()
        for message in catalog:
            if not message.id or not catalogs.is_translated(message):
                continue
            sources = (message.id,) if isinstance(message.id, str) else tuple(message.id)
            strings = (
                (message.string,) if isinstance(message.string, str) else tuple(message.string)
            )
            for source in sources:
                for translation in strings:
                    if _plain(source) == _plain(translation):
                        continue  # "TK Commons", "SHA-256:", "Audio": the same in both
                    ref.english[_plain(source)] = _plain(translation)
                    ref.spanish.add(_plain(translation))
                    english_pattern = _template(source)
                    if english_pattern is not None:
                        ref.english_templates.append((english_pattern, source))
                    spanish_pattern = _template(translation)
                    if spanish_pattern is not None:
                        ref.spanish_templates.append(spanish_pattern)
        return ref

    def english_source(self, text: str) -> str | None:
        """The English source string ``text`` shows, if it shows one."""
        if text in self.english:
            return text
        for pattern, source in self.english_templates:
            if pattern.fullmatch(text):
                return source
        return None

    def is_spanish(self, text: str) -> bool:
        return text in self.spanish or any(p.fullmatch(text) for p in self.spanish_templates)


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_catalogue(catalogs.read_catalogue(SPANISH_PO))


# --- collecting what a window shows ----------------------------------------------------------


@dataclass
class Walk:
    """Texts seen on screen: (where, text)."""

    seen: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, text: object) -> None:
        if not isinstance(text, str):
            return
        plain = _plain(text)
        for data in DEMO_DATA_IN_ENGLISH:
            plain = plain.replace(data, "").strip()
        if not plain:
            return
        self.seen.append((where, plain))
        lines = [line.strip() for line in plain.splitlines() if line.strip()]
        if len(lines) > 1:
            self.seen.extend((where, line) for line in lines)

    def menu(self, where: str, actions: Iterable[Any]) -> None:
        for action in actions:
            if action.isSeparator():
                continue
            self.add(f"{where} > action", action.text())
            self.add(f"{where} > action tooltip", action.toolTip())
            sub = action.menu()
            if isinstance(sub, QMenu):
                self.add(f"{where} > menu", sub.title())
                self.menu(f"{where} > {_plain(sub.title())}", sub.actions())

    def view(self, where: str, view: QAbstractItemView) -> None:
        model = view.model()
        if model is None:
            return
        root = view.rootIndex() if view.rootIndex().isValid() else QModelIndex()
        try:
            columns = model.columnCount(root)
        except TypeError:  # list models (QListWidget's) keep columnCount private: one column
            columns = 1
        for column in range(columns):
            self.add(f"{where} header", model.headerData(column, Qt.Orientation.Horizontal))
        for row in range(min(model.rowCount(root), MAX_ROWS)):
            for column in range(columns):
                index = model.index(row, column, root)
                self.add(f"{where} cell", model.data(index, Qt.ItemDataRole.DisplayRole))
                self.add(f"{where} cell tooltip", model.data(index, Qt.ItemDataRole.ToolTipRole))

    def widget_tree(self, root: QWidget) -> None:
        """Every visible widget under ``root`` (``root`` included)."""
        self.add(f"{type(root).__name__} title", root.windowTitle())
        if isinstance(root, QMainWindow) and root.menuBar() is not None:
            self.menu("menu bar", root.menuBar().actions())
        for widget in [root, *root.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            kind = type(widget).__name__
            self.add(f"{kind} tooltip", widget.toolTip())
            if isinstance(widget, QLabel | QAbstractButton):
                self.add(kind, widget.text())
            elif isinstance(widget, QGroupBox):
                self.add(kind, widget.title())
            elif isinstance(widget, QTabBar):
                for tab in range(widget.count()):
                    self.add(kind, widget.tabText(tab))
                    self.add(f"{kind} tooltip", widget.tabToolTip(tab))
            elif isinstance(widget, QComboBox):
                for item in range(widget.count()):
                    self.add(kind, widget.itemText(item))
                self.add(f"{kind} placeholder", widget.placeholderText())
            elif isinstance(widget, QLineEdit):
                self.add(f"{kind} placeholder", widget.placeholderText())
            elif isinstance(widget, QTextEdit | QPlainTextEdit):
                self.add(f"{kind} placeholder", widget.placeholderText())
                if widget.isReadOnly():
                    self.add(kind, widget.toPlainText())
            elif isinstance(widget, QAbstractItemView):
                self.view(kind, widget)
            if isinstance(widget, QAbstractSpinBox):
                self.add(f"{kind} special value", widget.specialValueText())
                if isinstance(widget, QSpinBox):
                    self.add(f"{kind} suffix", widget.suffix())

    def english(self, reference: Reference) -> list[str]:
        """What is English on screen, one line per text (where, text, why)."""
        problems = []
        for where, text in self.seen:
            source = reference.english_source(text)
            if source is not None:
                problems.append(f"{where}: {text!r} (English source string {source!r})")
                continue
            words = [w for w in re.findall(r"[A-Za-z]+", text.lower()) if w in ENGLISH_WORDS]
            if len(words) >= 2 and not reference.is_spanish(text):
                problems.append(f"{where}: {text!r} (English words {words}, not in gettext?)")
        return sorted(set(problems))

    def translated(self, reference: Reference) -> set[str]:
        return {text for _where, text in self.seen if reference.is_spanish(text)}


def flush(runner: Any, qtbot: Any) -> None:
    """Wait until the worker has run every job queued so far and their results arrived."""
    for _round in range(2):  # a result may queue one more job (a section's second page)
        call(runner, qtbot, lambda _cat: None)
        QApplication.processEvents()


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    i18n.reload_catalogues()
    i18n.set_language("es")
    install_qt_translations(qapp, "es")
    yield
    install_qt_translations(qapp, "en")
    i18n.set_language("en")
    i18n.reload_catalogues()


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo-i18n.tkc"
    create_demo(path, DEMO_PASSPHRASE).close()
    return path


def walk_main_window(window: Any, runner: Any, qtbot: Any, demo_path: Path) -> Walk:
    """Open the demo catalogue in ``window``, then walk every section and the record editor."""
    walk = Walk()
    walk.widget_tree(window)  # the start screen
    open_in_window(window, qtbot, demo_path, DEMO_PASSPHRASE)
    for key, _cls in SECTIONS:
        window.view.show_section(key)
        flush(runner, qtbot)
        walk.widget_tree(window)
    window.view.show_section("records")
    flush(runner, qtbot)
    model = window.records.model
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not model.is_loading(), timeout=10_000)
    # The richest record: the one with media files, so every tab has something to show.
    media_column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal)
        == i18n.pgettext("records table column", "Media")
    )
    rows = [r for r in range(model.rowCount()) if model.data(model.index(r, media_column))]
    editor = open_editor(runner, qtbot, model.record_id(rows[0] if rows else 0))
    try:
        flush(runner, qtbot)
        for tab in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(tab)
            walk.widget_tree(editor)
    finally:
        editor.close()
    return walk


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.usefixtures("spanish")
def test_spanish_main_window_and_editor_show_no_english(
    main_window: Any, runner: Any, qtbot: Any, demo_path: Path, reference: Reference
) -> None:
    walk = walk_main_window(main_window, runner, qtbot, demo_path)
    problems = walk.english(reference)
    assert problems == [], "English text on the Spanish screens:\n" + "\n".join(problems)
    # The walk really read the screens: many Spanish UI strings were seen (a walk that saw
    # nothing would pass the check above).
    translated = walk.translated(reference)
    assert len(translated) >= 300, len(translated)
    for expected in ("Registros", "Nuevo registro", "Guardar y cerrar", "Condiciones"):
        assert expected in translated


@pytest.mark.usefixtures("spanish")
def test_spanish_dates_in_the_records_table(
    main_window: Any, runner: Any, qtbot: Any, demo_path: Path
) -> None:
    open_in_window(main_window, qtbot, demo_path, DEMO_PASSPHRASE)
    model = main_window.records.model
    changed = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Modificado"
    )
    shown = model.data(model.index(0, changed))
    record = call(runner, qtbot, lambda cat: cat.get_record(model.record_id(0)))
    day = record.modified.astimezone().date()
    # The one date format of the app: the locale's medium date ("5 dic 2026").
    assert shown == i18n.format_date(day, lang="es")


@pytest.fixture
def spanish_missing_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> Iterator[None]:
    """Spanish with "New record" and "{n} in the trash" untranslated (a translator's slip)."""
    source = tmp_path / "translations"
    source.mkdir()
    shutil.copy(ROOT / "translations" / "babel.cfg", source / "babel.cfg")
    with SPANISH_PO.open("rb") as handle:
        catalog = read_po(handle)
    for msgid in ("New record", "{n} in the trash"):
        message = catalog.get(msgid)
        assert message is not None and message.string
        message.string = ""
    target = catalogs.po_path("es", source)
    target.parent.mkdir(parents=True)
    with target.open("wb") as handle:
        write_po(handle, catalog)
    monkeypatch.setattr(catalogs, "SOURCE_DIR", source)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path / "no-compiled-catalogues")
    i18n.reload_catalogues()
    i18n.set_language("es")
    install_qt_translations(qapp, "es")
    yield
    install_qt_translations(qapp, "en")
    i18n.set_language("en")
    i18n.reload_catalogues()


@pytest.mark.usefixtures("spanish_missing_two")
def test_the_walk_finds_an_untranslated_string(
    main_window: Any, runner: Any, qtbot: Any, demo_path: Path, reference: Reference
) -> None:
    open_in_window(main_window, qtbot, demo_path, DEMO_PASSPHRASE)
    # The status-bar counts arrive from the worker after the first search (slower on a loaded
    # machine): walk once they are shown.
    qtbot.waitUntil(lambda: "in the trash" in main_window.counts.text(), timeout=15_000)
    walk = Walk()
    walk.widget_tree(main_window)
    problems = walk.english(reference)
    assert any("'New record'" in p for p in problems), problems
    assert any("0 in the trash'" in p and "{n} in the trash" in p for p in problems), problems
    assert "Registros" in walk.translated(reference)  # the rest is still Spanish


def test_reference_rules() -> None:
    ref = Reference.from_catalogue(catalogs.read_catalogue(SPANISH_PO))
    assert ref.english_source("New record") == "New record"
    assert ref.english_source("Open a catalogue…") == "Open a catalogue…"
    assert ref.english_source("&File") is None and ref.english_source("File") is not None
    assert ref.english_source("12 shown") == "{n} shown"
    assert ref.english_source("Nuevo registro") is None
    assert ref.english_source("TK Commons") is None  # the same in both languages
    assert ref.english_source("Guayusa para el ánimo") is None  # user data
    assert ref.is_spanish("12 mostrados")
    walk = Walk()
    walk.add("label", "Keep the records of your people")  # never went through gettext
    walk.add("label", "Comunidad de prueba")
    assert [p for p in walk.english(ref) if "not in gettext" in p] != []
    assert len(walk.english(ref)) == 1


@pytest.mark.usefixtures("spanish")
def test_spanish_dialogs_show_no_english(
    open_runner: Any, qtbot: Any, reference: Reference, tmp_path: Path
) -> None:
    """The dialogs outside the main walk: the recorder (every step), the first-run guide (every
    page), the help book, a "what does this mean?" box, a verify error and Qt's file dialog."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    from recorder_helpers import GeneratedSource

    from tkapp.errors import ContainerError, UnsupportedEntry
    from tkapp.i18n.messages import describe_error
    from tkapp.ui.common.help import GuideDialog, HelpBookDialog, HelpButton

    walk = Walk()

    guide = GuideDialog()
    qtbot.addWidget(guide)
    guide.show()
    for step in range(guide.stack.count()):
        guide.go(step)
        walk.widget_tree(guide)

    book = HelpBookDialog("recording")
    qtbot.addWidget(book)
    book.show()
    walk.widget_tree(book)

    button = HelpButton("access")
    qtbot.addWidget(button)
    walk.add("HelpButton name", button.accessibleName())
    button.click()
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    for box in boxes:
        walk.widget_tree(box)
        box.close()

    editor = open_editor(open_runner, qtbot, None)
    media = editor.media.media
    media.recorder_source_factory = GeneratedSource
    recorder = media.record_audio()
    qtbot.waitUntil(recorder.isVisible, timeout=5_000)
    walk.widget_tree(recorder)
    recorder.consent_box.setChecked(True)
    recorder.start_recording()
    qtbot.waitUntil(lambda: recorder.meter.value() > 0, timeout=5_000)
    recorder.toggle_pause()
    walk.widget_tree(recorder)
    recorder.toggle_pause()
    qtbot.wait(200)
    recorder.stop_recording()
    qtbot.waitUntil(recorder.player.play_button.isEnabled, timeout=10_000)
    walk.widget_tree(recorder)
    recorder.reject()
    editor.close()

    for error in (
        UnsupportedEntry("not a regular file (symlink, directory or device)"),
        UnsupportedEntry("compressed entry (only stored entries are allowed)"),
        ContainerError("entry fields differ from the bundle format"),
    ):
        walk.add("verify error", describe_error(error))

    # Qt's own file dialog (not the desktop's native one): "Buscar en:", "Archivos de tipo:".
    files = QFileDialog(None, "x", "/")  # a path of English folder names is not UI text
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(files)
    files.show()
    walk.widget_tree(files)
    files.close()

    problems = walk.english(reference)
    assert problems == [], "English text in Spanish dialogs:\n" + "\n".join(problems)
    translated = walk.translated(reference)
    for expected in ("Empezar a grabar", "En pausa", "Conservar la grabación", "Paso 1 de 4"):
        assert expected in translated, expected
    seen = {text for _where, text in walk.seen}
    assert any("Buscar en" in text for text in seen), sorted(seen)[:40]
    assert any("Archivos de" in text for text in seen), sorted(seen)[:40]
