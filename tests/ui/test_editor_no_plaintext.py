"""Nothing a custodian types or adds through the editor reaches the disk in plaintext.

The journey goes through the real widgets (typing, adding a photo and a recording, saving,
viewing the photo, playing the recording); afterwards the data folder, the settings folder,
the catalogue's folder and the temporary folder are searched for marker strings.
"""

from __future__ import annotations

import os
import tempfile
import time
import wave
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from tests.ui.editor_helpers import open_editor, save_and_wait

TITLE = "ZQXTITLEMARKER41"
TEXT = "ZQXDESCRIPTIONMARKER42"
PLACE = "ZQXLOCALITYMARKER43"
HOLDER = "ZQXHOLDERMARKER44"
LOCAL_NAME = "ZQXLOCALNAMEMARKER45"
PHOTO = "ZQXPHOTOMARKER46"
AUDIO = "ZQXAUDIOMARKER47"
MARKERS = (TITLE, TEXT, PLACE, HOLDER, LOCAL_NAME, PHOTO, AUDIO)


def _files_to_scan(roots: list[Path], since: float, skip: Path) -> list[Path]:
    found = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder, name)
                try:
                    if skip in path.parents or path.is_symlink() or not path.is_file():
                        continue
                    if path.stat().st_mtime >= since - 1:
                        found.append(path)
                except OSError:
                    continue
    return found


def test_no_plaintext_reaches_the_disk(
    open_runner, qtbot, tmp_path: Path, catalogue_path: Path
) -> None:
    since = time.time()
    camera = tmp_path / "camera"  # the custodian's own files: plaintext by nature, not scanned
    camera.mkdir()
    photo = camera / "foto.png"
    image = QImage(200, 150, QImage.Format.Format_RGB32)
    image.fill(QColor("#2d6a2d"))
    image.setText("Description", PHOTO)  # a PNG text chunk: the marker is in the file's bytes
    assert image.save(str(photo))
    assert PHOTO.encode() in photo.read_bytes()
    clip = camera / "voz.wav"
    with wave.open(str(clip), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes((AUDIO.encode() * 400)[: 2 * 4000])
    assert AUDIO.encode() in clip.read_bytes()

    dialog = open_editor(open_runner, qtbot, None)
    dialog.knowledge.title_edit.setText(TITLE)
    dialog.knowledge.description_edit.setPlainText(TEXT)
    dialog.place.locality_edit.setText(PLACE)
    picker = dialog.species.picker
    new_taxon = picker.create_new()
    new_taxon.scientific_edit.setText("Ilex guayusa")
    new_taxon.local_edit.setText(LOCAL_NAME)
    with qtbot.waitSignal(picker.taxon_chosen, timeout=5_000):
        new_taxon.save()
    new_person = dialog.people.new_person()
    new_person.form.name_edit.setText(HOLDER)
    new_person.save()
    qtbot.waitUntil(lambda: dialog.people.model.rowCount() == 1, timeout=5_000)
    dialog.media.media.add_files([photo, clip])
    save_and_wait(dialog, qtbot)

    # Look at and listen to the stored media (decrypted into memory only).
    media = dialog.media.media
    qtbot.waitUntil(lambda: media.model.rowCount() == 2, timeout=10_000)
    rows = {media.model.entry(r).media.file_name: r for r in range(2)}
    media.select_row(rows["foto.png"])
    viewer = media.open_selected()
    qtbot.waitUntil(viewer.photo.has_image, timeout=10_000)
    viewer.close()
    media.select_row(rows["voz.wav"])
    player_view = media.open_selected()
    qtbot.waitUntil(
        lambda: player_view.player is not None and player_view.player.play_button.isEnabled(),
        timeout=10_000,
    )
    qtbot.mouseClick(player_view.player.play_button, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    player_view.close()
    dialog.reject()

    # Let the worker flush and the catalogue write its pages.
    from tests.ui.editor_helpers import call

    call(open_runner, qtbot, lambda cat: cat.stats())
    roots = [
        Path(os.environ["TKAPP_DATA_DIR"]),
        Path(os.environ["TKAPP_CONFIG_DIR"]),
        catalogue_path.parent,
        Path(tempfile.gettempdir()),
    ]
    scanned = _files_to_scan([r for r in roots if r.exists()], since, camera)
    # The catalogue may not have been written since the test began (WAL): scan it regardless.
    scanned += [
        p for p in catalogue_path.parent.glob(catalogue_path.name + "*") if p not in scanned
    ]
    assert catalogue_path in scanned  # the catalogue itself is searched too
    leaks = []
    for path in scanned:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for marker in MARKERS:
            if marker.encode() in data or marker.encode("utf-16-le") in data:
                leaks.append((str(path), marker))
    assert leaks == []
