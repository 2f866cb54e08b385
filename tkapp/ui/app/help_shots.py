"""Screenshots for the help book, made from the real windows so they stay current.

The help book's pages show custodians what they will see: the main window with the demo
catalogue, the record editor, the access level and labels, the export plan and the recorder.
This module builds those windows offscreen with the demo catalogue (:mod:`tkapp.services.demo`)
at fixed sizes, in each book language, and saves small PNGs into
``tkapp/resources/help/<language>/img/``. The test suite regenerates them into a temporary
folder and checks the committed ones still match (same names and sizes, none blank), so a
window that changes shape is noticed. To refresh the committed images after a UI change::

    QT_QPA_PLATFORM=offscreen python -m tkapp.ui.app.help_shots

Kichwa pages reuse the Spanish images: the help browser looks images up along the same
language chain as the pages (see :func:`tkapp.ui.common.help.image_search_paths`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

#: Languages that get their own images (Kichwa reuses Spanish ones).
SHOT_LANGUAGES = ("en", "es")
#: The widest image: it fits the help browser at 1366x768 without scrolling sideways.
MAX_WIDTH = 760


@dataclass(frozen=True)
class Shot:
    name: str  # file name without ".png"
    size: tuple[int, int]  # the window's size before scaling


#: Every image the generator makes, in the order it makes them.
SHOTS = (
    Shot("main-window", (1366, 768)),
    Shot("record-editor", (1000, 680)),
    Shot("access-labels", (1000, 680)),
    Shot("export-plan", (1000, 680)),
    Shot("recorder", (620, 260)),
)


def image_dir(root: Path, lang: str) -> Path:
    return root / lang / "img"


def scaled_size(size: tuple[int, int]) -> QSize:
    """The size a window of ``size`` is saved at (one rule for generator and test)."""
    width, height = size
    if width <= MAX_WIDTH:
        return QSize(width, height)
    return QSize(MAX_WIDTH, round(height * MAX_WIDTH / width))


def _wait(condition: Callable[[], Any], timeout_ms: int = 30_000) -> None:
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        if clock.elapsed() > timeout_ms:
            raise TimeoutError("help screenshots: the window did not get ready in time")
        # An event loop, not processEvents(flags, ms): in PySide6 6.12 that corrupts the
        # refcount of None when called many times.
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()


def _save(widget: QWidget, shot: Shot, folder: Path) -> Path:
    widget.resize(*shot.size)
    for _ in range(5):
        QApplication.processEvents()
    image = widget.grab().toImage()
    target = scaled_size(shot.size)
    image = image.scaled(
        target, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    # A thin frame: in the help page the picture must not look like buttons to press.
    painter = QPainter(image)
    painter.setPen(QColor("#8a8a8a"))
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.end()
    # 256 colours are plenty for window chrome and text and keep the files a few tens of kB.
    image = image.convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{shot.name}.png"
    # quality 0: the strongest compression. PySide6's stub types the format as bytes, but the
    # binding accepts only str there.
    if not image.save(str(path), "PNG", 0):  # type: ignore[call-overload]
        raise OSError(f"could not save {path}")
    return path


@contextmanager
def _private_places() -> Iterator[Path]:
    """Settings, data and the demo catalogue in a temporary folder (the user's stay untouched)."""
    names = ("TKAPP_DATA_DIR", "TKAPP_CONFIG_DIR", "TKAPP_KDF_PROFILE")
    previous = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="tkapp-help-shots-") as tmp:
        root = Path(tmp)
        os.environ["TKAPP_DATA_DIR"] = str(root / "data")
        os.environ["TKAPP_CONFIG_DIR"] = str(root / "config")
        os.environ["TKAPP_KDF_PROFILE"] = "fast"  # the demo's passphrase is public anyway
        try:
            yield root
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def generate(root: Path, languages: tuple[str, ...] = SHOT_LANGUAGES) -> list[Path]:
    """Make every :data:`SHOTS` image for ``languages`` under ``root/<lang>/img/``."""
    from tkapp.i18n import current_language, set_language
    from tkapp.services.demo import create_demo
    from tkapp.ui.app.main_operations import DEMO_PASSPHRASE
    from tkapp.ui.common.qt_translations import install_qt_translations
    from tkapp.ui.common.worker import Runner

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    before = current_language()
    made: list[Path] = []
    with _private_places() as tmp:
        demo = tmp / "demo.tkc"
        create_demo(demo, DEMO_PASSPHRASE).close()
        runner = Runner()
        try:
            for lang in languages:
                set_language(lang)
                install_qt_translations(app, lang)
                made += _shots_in(runner, demo, DEMO_PASSPHRASE, image_dir(root, lang))
        finally:
            runner.shutdown()
            app.processEvents()
            set_language(before)
            install_qt_translations(app, before)
    return made


def _call(runner: Any, op: Callable[[Any], Any]) -> Any:
    results: list[Any] = []
    errors: list[BaseException] = []
    runner.run(op, results.append, errors.append)
    _wait(lambda: results or errors)
    if errors:
        raise errors[0]
    return results[0]


def _close_boxes() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.done(0)


def _shots_in(runner: Any, demo: Path, passphrase: str, folder: Path) -> list[Path]:
    from tkapp.core.model import AccessLevel
    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.settings import Settings
    from tkapp.ui.records.audio_recorder import RecorderDialog
    from tkapp.ui.records.record_editor import RecordEditorDialog
    from tkapp.ui.sharing.export_wizard import ExportWizard

    shots = {shot.name: shot for shot in SHOTS}
    made: list[Path] = []
    window = MainWindow(runner, Settings())
    window.resize(*shots["main-window"].size)
    window.show()
    try:
        # The main window: the demo catalogue open, the second record chosen.
        screen = window.unlock_screen
        screen.set_catalogue(demo)
        window.stack.setCurrentWidget(screen)
        screen.passphrase.setText(passphrase)
        screen.unlock()
        _wait(lambda: window.stack.currentWidget() is window.view)
        records = window.records
        _wait(lambda: not records.searching and not records._timer.isActive())
        model = records.model
        model.ensure_rows(0, 40)
        _wait(lambda: not model.is_loading() and model.rowCount() > 3)
        _wait(lambda: all(model.is_row_loaded(r) for r in range(4)))
        records.table.selectRow(1)
        _wait(lambda: "·" in window.counts.text())
        _close_boxes()
        made.append(_save(window, shots["main-window"], folder))

        # A record with labels and a knowledge holder, in the editor.
        def pick(cat: Any) -> tuple[str, list[Any]]:
            chosen = None
            for record_id in cat.search_ids(""):
                record = cat.get_record(record_id)
                if record.labels and record.holders and record.access is AccessLevel.COMMUNITY:
                    chosen = record_id
                    break
            people = cat.list_persons()
            return chosen or cat.search_ids("")[0], people

        record_id, people = _call(runner, pick)
        editor = RecordEditorDialog(runner, record_id, window)
        loaded: list[bool] = []
        editor.loaded.connect(lambda: loaded.append(True))
        editor.show()
        _wait(lambda: loaded)
        made.append(_save(editor, shots["record-editor"], folder))
        editor.tabs.setCurrentIndex(editor.pages.index(editor.protocols))
        made.append(_save(editor, shots["access-labels"], folder))
        editor.done(QDialog.DialogCode.Rejected)
        editor.deleteLater()

        # The export plan for a researcher: every shareable record.
        wizard = ExportWizard(runner, [record_id], window)
        wizard.show()
        wizard.records_page.every.setChecked(True)
        _wait(wizard.records_page.isComplete)
        wizard.next()
        _wait(wizard.recipient_page.loaded)
        page = wizard.recipient_page
        page.name.setText("Ana Paz")
        page.organisation.setText("Universidad Central del Ecuador")
        page.contact.setText("ana.paz@uce.example")
        wizard.next()
        _wait(lambda: wizard.plan_page.view is not None)
        made.append(_save(wizard, shots["export-plan"], folder))
        wizard.done(QDialog.DialogCode.Rejected)
        wizard.deleteLater()

        # The recorder's first step: asking the speaker's consent.
        recorder = RecorderDialog(people, speaker_ids=[people[0].id] if people else [])
        recorder.consent_box.setChecked(True)
        recorder.show()
        made.append(_save(recorder, shots["recorder"], folder))
        recorder.done(QDialog.DialogCode.Rejected)
        recorder.deleteLater()
    finally:
        window.idle.detach()
        window._hidden.clear()
        _close_boxes()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return made


def main() -> None:
    from tkapp.ui.common.help import HELP_DIR

    for path in generate(HELP_DIR):
        print(path.relative_to(HELP_DIR), path.stat().st_size)


if __name__ == "__main__":
    main()
