"""Recording an elder in the app: consent first, level meter, pause, keep, play, stored
encrypted; the sound never reaches the disk outside the catalogue."""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import soundfile
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication

from tests.ui.editor_helpers import call, open_editor, read_media, save_and_wait
from tests.ui.recorder_helpers import GeneratedSource


def _add_holder(dialog: Any, qtbot: Any, name: str) -> None:
    new_person = dialog.people.new_person()
    new_person.form.name_edit.setText(name)
    new_person.save()
    qtbot.waitUntil(lambda: dialog.people.model.rowCount() == 1, timeout=5_000)


def _record(media: Any, qtbot: Any, sources: list[GeneratedSource], *, pause: bool = True) -> Any:
    def factory() -> GeneratedSource:
        source = GeneratedSource()
        sources.append(source)
        return source

    media.recorder_source_factory = factory
    recorder = media.record_audio()
    qtbot.waitUntil(recorder.isVisible, timeout=5_000)
    # Consent comes first: nothing can start before it is confirmed.
    assert recorder.pages.currentIndex() == 0
    assert not recorder.start_button.isEnabled()
    qtbot.mouseClick(recorder.start_button, Qt.MouseButton.LeftButton)
    assert not sources
    recorder.consent_box.setChecked(True)
    qtbot.mouseClick(recorder.start_button, Qt.MouseButton.LeftButton)
    assert recorder.pages.currentIndex() == 1 and sources[0].started
    qtbot.waitUntil(lambda: recorder.meter.value() > 10, timeout=5_000)
    qtbot.wait(400)
    if pause:
        qtbot.mouseClick(recorder.pause_button, Qt.MouseButton.LeftButton)
        assert recorder.is_paused() and recorder.meter.value() == 0
        sent_while_paused = len(sources[0].sent)
        qtbot.wait(200)
        assert len(sources[0].sent) == sent_while_paused  # the source is suspended
        qtbot.mouseClick(recorder.pause_button, Qt.MouseButton.LeftButton)
        assert not recorder.is_paused()
        qtbot.wait(400)
    qtbot.mouseClick(recorder.stop_button, Qt.MouseButton.LeftButton)
    assert recorder.pages.currentIndex() == 2
    return recorder


def test_record_keep_play_and_store_without_plaintext(
    open_runner, qtbot, catalogue_path: Path
) -> None:
    since = time.time()
    dialog = open_editor(open_runner, qtbot, None)
    dialog.knowledge.title_edit.setText("Canto de la guayusa")
    _add_holder(dialog, qtbot, "Rosa Grefa")
    media = dialog.media.media
    sources: list[GeneratedSource] = []
    recorder = _record(media, qtbot, sources)
    # The speaker offered first is the record's holder.
    assert recorder.speaker_combo.currentText() == "Rosa Grefa"

    # It plays back at once, from memory.
    player = recorder.player
    qtbot.waitUntil(player.play_button.isEnabled, timeout=10_000)
    assert player.player.sourceDevice() is not None
    statuses: list[Any] = []
    player.player.mediaStatusChanged.connect(statuses.append)
    player.toggle_play()
    qtbot.waitUntil(lambda: QMediaPlayer.MediaStatus.EndOfMedia in statuses, timeout=15_000)
    assert player.player.duration() >= 300

    recorder.caption_edit.setText("Rosa explica la preparación")
    qtbot.mouseClick(recorder.keep_button, Qt.MouseButton.LeftButton)
    assert media.model.rowCount() == 1
    entry = media.model.entry(0)
    assert entry.pending and entry.source_path is None and entry.source_data
    assert entry.media.mime_type == "audio/ogg" and entry.media.file_name.endswith(".opus")

    record_id = save_and_wait(dialog, qtbot)
    stored = call(open_runner, qtbot, lambda cat: cat.list_media(record_id=record_id))
    assert len(stored) == 1
    item = stored[0]
    holder_ids = dialog.people.holder_ids()
    assert item.person_ids == holder_ids and item.caption == "Rosa explica la preparación"
    data = read_media(open_runner, qtbot, item.id)
    assert data.startswith(b"OggS") and b"OpusHead" in data[:100]
    decoded, rate = soundfile.read(io.BytesIO(data), dtype="int16")
    seconds = len(decoded) / rate
    # Everything the source sent before and after the pause, nothing in between.
    sent_seconds = len(sources[0].sent) / 2 / rate
    assert sent_seconds > 0.3 and abs(seconds - sent_seconds) < 0.1
    dialog.reject()

    # No sound reached the disk outside the encrypted catalogue.
    call(open_runner, qtbot, lambda cat: cat.stats())
    raw = bytes(sources[0].sent)
    needles = [raw[i : i + 48] for i in range(0, len(raw) - 48, len(raw) // 6)]
    needles += [data[i : i + 48] for i in (200, len(data) // 2, len(data) - 100)]
    # Only slices with many different bytes: runs of zeros are everywhere.
    needles = [n for n in needles if len(set(n)) > 24]
    # (Not the generic "OpusHead" header: other programs' Opus files may be in the temp folder.)
    assert len(needles) >= 6
    roots = [
        Path(os.environ["TKAPP_DATA_DIR"]),
        Path(os.environ["TKAPP_CONFIG_DIR"]),
        catalogue_path.parent,
        Path(tempfile.gettempdir()),
        Path.cwd(),
    ]
    scanned = []
    for root in [r for r in roots if r.exists()]:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder, name)
                try:
                    if path.is_symlink() or not path.is_file():
                        continue
                    if path.stat().st_mtime >= since - 1:
                        scanned.append(path)
                except OSError:
                    continue
    # The catalogue (its main file or its write-ahead log) is searched too.
    assert any(p.name.startswith(catalogue_path.name) for p in scanned)
    leaks = []
    for path in scanned:
        try:
            content = path.read_bytes()
        except OSError:
            continue
        leaks += [(str(path), needle.hex()) for needle in needles if needle in content]
    assert leaks == []


def test_discard_and_closing_leave_nothing(open_runner, qtbot) -> None:
    dialog = open_editor(open_runner, qtbot, None)
    media = dialog.media.media
    sources: list[GeneratedSource] = []
    recorder = _record(media, qtbot, sources, pause=False)
    qtbot.mouseClick(recorder.discard_button, Qt.MouseButton.LeftButton)
    assert media.model.rowCount() == 0 and not media.has_changes()

    # Closing the recorder while it records stops the source and keeps nothing.
    recorder = media.record_audio()
    qtbot.waitUntil(recorder.isVisible, timeout=5_000)
    recorder.consent_box.setChecked(True)
    recorder.start_recording()
    qtbot.waitUntil(lambda: len(sources) == 2 and len(sources[1].sent) > 0, timeout=5_000)
    recorder.reject()
    sent = len(sources[1].sent)
    qtbot.wait(100)
    assert len(sources[1].sent) == sent
    assert media.model.rowCount() == 0


@pytest.mark.parametrize("lang", ["en", "es", "qu_EC"])
def test_recorder_screenshots(open_runner, qtbot, tmp_path: Path, lang: str) -> None:
    from tkapp.i18n import set_language

    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    set_language(lang)
    try:
        dialog = open_editor(open_runner, qtbot, None)
        _add_holder(dialog, qtbot, "Mama Rosa Gualinga")
        dialog.resize(1100, 700)
        dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
        media = dialog.media.media
        sources: list[GeneratedSource] = []
        media.recorder_source_factory = lambda: sources.append(GeneratedSource()) or sources[-1]
        recorder = media.record_audio()
        qtbot.waitUntil(recorder.isVisible, timeout=5_000)
        recorder.resize(640, 380)
        QApplication.processEvents()
        assert recorder.grab().save(str(folder / f"recorder-{lang}-1-consent.png"))
        recorder.consent_box.setChecked(True)
        recorder.start_recording()
        qtbot.waitUntil(lambda: recorder.meter.value() > 10, timeout=5_000)
        qtbot.wait(1200)
        assert recorder.grab().save(str(folder / f"recorder-{lang}-2-recording.png"))
        recorder.stop_recording()
        qtbot.waitUntil(recorder.player.play_button.isEnabled, timeout=10_000)
        recorder.caption_edit.setText("Mama Rosa explica la guayusa")
        QApplication.processEvents()
        assert recorder.grab().save(str(folder / f"recorder-{lang}-3-review.png"))
        recorder.keep()
        QApplication.processEvents()
        assert dialog.grab().save(str(folder / f"recorder-{lang}-4-media-tab.png"))
        dialog.reject()
    finally:
        set_language("en")


def test_record_the_consent_itself_as_evidence(open_runner, qtbot) -> None:
    """The assembly's spoken agreement, recorded in the consent editor, is stored with it."""
    from PySide6.QtWidgets import QMessageBox

    from tkapp.core.model import Person
    from tkapp.ui.records.consent_section import ConsentSection

    call(open_runner, qtbot, lambda cat: cat.add_person(Person(name="Presidenta Luzmila")))
    section = ConsentSection(open_runner)
    section.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(section)
    section.show()
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    section.new_entry()
    form = section.consent_form
    form.granted_by_edit.setText("Asamblea de mayo")
    sources: list[GeneratedSource] = []
    recorder = _record(form.evidence, qtbot, sources, pause=False)
    assert "Presidenta Luzmila" in [
        recorder.speaker_combo.itemText(i) for i in range(recorder.speaker_combo.count())
    ]
    qtbot.waitUntil(recorder.player.play_button.isEnabled, timeout=10_000)
    recorder.keep()
    assert form.evidence.model.rowCount() == 1
    with qtbot.waitSignal(section.saved, timeout=20_000) as saved:
        section.save()
    qtbot.waitUntil(lambda: not section._saving, timeout=20_000)
    consent_id = saved.args[0]
    media = call(open_runner, qtbot, lambda cat: cat.list_media(consent_id=consent_id))
    assert len(media) == 1 and media[0].mime_type == "audio/ogg"
    assert read_media(open_runner, qtbot, media[0].id).startswith(b"OggS")
