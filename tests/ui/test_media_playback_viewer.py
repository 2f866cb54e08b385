"""Media from the encrypted store: audio played from memory, photos zoomed, warnings shown."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtMultimedia import QMediaPlayer

from tests.ui.editor_helpers import call, make_png, make_wav
from tkapp.core.model import HolderLink, KnowledgeRecord, Media, MediaKind, Person


def _store(runner: Any, qtbot: Any, path: Path, kind: MediaKind, mime: str, **meta: Any) -> Media:
    def op(cat: Any) -> Media:
        rec = cat.add_record(KnowledgeRecord(title="Con medios"))
        with path.open("rb") as source:
            return cat.add_media(Media(kind, mime, path.name, record_id=rec.id, **meta), source)

    return call(runner, qtbot, op)


def test_audio_plays_from_memory_to_the_end(open_runner, qtbot, tmp_path: Path) -> None:
    from tkapp.ui.records.media_player import MediaPlayerWidget

    media = _store(
        open_runner, qtbot, make_wav(tmp_path / "canto.wav", 0.3), MediaKind.AUDIO, "audio/x-wav"
    )
    widget = MediaPlayerWidget(open_runner)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=15_000):
        widget.load(media)
    # The source is a device in memory, not a file or URL on disk.
    assert widget.player.sourceDevice() is not None
    assert widget.player.source().isEmpty() or not widget.player.source().isLocalFile()
    statuses: list[Any] = []
    widget.player.mediaStatusChanged.connect(statuses.append)
    widget.toggle_play()
    qtbot.waitUntil(lambda: QMediaPlayer.MediaStatus.EndOfMedia in statuses, timeout=15_000)
    widget.unload()
    assert widget.player.sourceDevice() is None


def test_playback_refuses_clips_over_the_memory_limit(
    open_runner, qtbot, tmp_path: Path, monkeypatch
) -> None:
    import tkapp.ui.records.media_player as player_module

    media = _store(
        open_runner, qtbot, make_wav(tmp_path / "largo.wav"), MediaKind.AUDIO, "audio/x-wav"
    )
    monkeypatch.setattr(player_module, "MAX_PLAYBACK_BYTES", 1000)
    widget = player_module.MediaPlayerWidget(open_runner)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.failed, timeout=5_000) as failed:
        widget.load(media)
    assert "too large" in failed.args[0]
    assert not widget.play_button.isEnabled()


def test_photo_viewer_zoom(open_runner, qtbot, tmp_path: Path) -> None:
    from tkapp.ui.records.media_viewer import MediaViewerDialog

    media = _store(
        open_runner,
        qtbot,
        make_png(tmp_path / "hoja.png", size=(800, 600)),
        MediaKind.PHOTO,
        "image/png",
    )
    viewer = MediaViewerDialog(open_runner, media)
    qtbot.addWidget(viewer)
    viewer.resize(600, 500)
    viewer.show()
    qtbot.waitUntil(viewer.photo.has_image, timeout=10_000)
    photo = viewer.photo
    assert photo.is_fit() and photo.zoom() < 1.0  # 800 px wide in a 600 px window
    fit = photo.zoom()
    photo.zoom_in()
    assert not photo.is_fit() and abs(photo.zoom() - fit * photo.STEP) < 1e-6
    photo.actual_size()
    assert photo.zoom() == 1.0
    photo.zoom_out()
    assert abs(photo.zoom() - 1 / photo.STEP) < 1e-6
    for _ in range(60):
        photo.zoom_in()
    assert photo.zoom() == photo.MAX_ZOOM
    viewer.fit_button.click()
    assert photo.is_fit() and abs(photo.zoom() - fit) < 1e-6
    assert viewer.zoom_label.text().endswith("%")

    # Locking the catalogue closes the viewer and drops the decoded photo.
    with qtbot.waitSignal(open_runner.catalogue_changed, timeout=10_000):
        open_runner.lock()
    assert not viewer.isVisible() and not photo.has_image()


def test_deceased_holder_media_is_covered_until_show_anyway(
    open_runner, qtbot, tmp_path: Path
) -> None:
    from tkapp.ui.records.media_list import MediaListWidget
    from tkapp.ui.records.media_list_model import COVERED_ROLE, WARNING_ROLE

    def op(cat: Any) -> tuple[str, list[Person]]:
        elder = cat.add_person(Person(name="Abuelo Mario", deceased=True))
        alive = cat.add_person(Person(name="Nieta Sisa"))
        rec = cat.add_record(
            KnowledgeRecord(title="Canto", holders=[HolderLink(elder.id, "elder")])
        )
        for name in ("abuelo.png", "paisaje.png"):
            with make_png(tmp_path / name).open("rb") as source:
                # the landscape names only the living granddaughter
                people = [] if name == "abuelo.png" else [alive.id]
                cat.add_media(
                    Media(MediaKind.PHOTO, "image/png", name, record_id=rec.id, person_ids=people),
                    source,
                )
        with make_png(tmp_path / "ceremonia.png").open("rb") as source:
            cat.add_media(
                Media(
                    MediaKind.PHOTO,
                    "image/png",
                    "ceremonia.png",
                    record_id=rec.id,
                    person_ids=[alive.id],
                    content_warning="Muestra una ceremonia",
                ),
                source,
            )
        return rec.id, cat.list_persons("")

    record_id, people = call(open_runner, qtbot, op)
    widget = MediaListWidget(open_runner)
    qtbot.addWidget(widget)
    widget.set_people(people)
    elder_id = next(p.id for p in people if p.deceased)
    widget.set_default_person_ids([elder_id])
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.load(record_id=record_id)
    model = widget.model
    rows = {model.entry(r).media.file_name: r for r in range(model.rowCount())}
    covered = {name: model.data(model.index(r), COVERED_ROLE) for name, r in rows.items()}
    assert covered == {"abuelo.png": True, "paisaje.png": False, "ceremonia.png": True}
    assert "Abuelo Mario" in model.data(model.index(rows["abuelo.png"]), WARNING_ROLE)
    assert model.data(model.index(rows["ceremonia.png"]), WARNING_ROLE) == "Muestra una ceremonia"

    # The covered thumbnail shows nothing of the photo: it differs from the plain one.
    qtbot.waitUntil(lambda: all(e.thumbnail is not None for e in model.entries()), timeout=10_000)
    index = model.index(rows["abuelo.png"])
    covered_pixmap = model.data(index, Qt.ItemDataRole.DecorationRole).toImage()

    # Opening it shows the warning first, and nothing is loaded until "Show anyway".
    widget.select_row(rows["abuelo.png"])
    assert widget.details.show_anyway_button.isVisibleTo(widget)
    viewer = widget.open_selected()
    assert viewer.pages.currentWidget() is viewer.cover
    assert "Abuelo Mario" in viewer.cover.text.text()
    assert not viewer.photo.has_image()
    viewer.cover.show_button.click()
    qtbot.waitUntil(viewer.photo.has_image, timeout=10_000)
    viewer.close()

    widget.reveal_selected()
    assert model.data(index, COVERED_ROLE) is False
    plain = model.data(index, Qt.ItemDataRole.DecorationRole).toImage()
    assert plain != covered_pixmap
    assert not widget.details.show_anyway_button.isVisibleTo(widget)


def test_drop_files_and_cancel_a_large_addition(open_runner, qtbot, tmp_path: Path) -> None:
    from tkapp.errors import Cancelled
    from tkapp.ui.records.media_list import MediaListWidget

    record_id = call(
        open_runner, qtbot, lambda cat: cat.add_record(KnowledgeRecord(title="Video")).id
    )
    widget = MediaListWidget(open_runner)
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.load(record_id=record_id)

    big = tmp_path / "video.mp4"
    big.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(6 * 1024 * 1024))
    photo = make_png(tmp_path / "foto.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(big)), QUrl.fromLocalFile(str(photo))])
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(drop)
    kinds = sorted(e.media.kind for e in widget.model.entries())
    assert kinds == [MediaKind.PHOTO, MediaKind.VIDEO]
    assert widget.has_changes()

    # Hold the worker so the cancel surely arrives before the file is stored.
    gate = threading.Event()
    open_runner.run(lambda _cat: gate.wait(10))
    errors: list[BaseException] = []
    job = widget.apply(record_id=record_id, on_error=errors.append)
    job.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], Cancelled)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=10_000)
    assert all(e.pending for e in widget.model.entries())  # nothing lost, still staged
    assert call(open_runner, qtbot, lambda cat: cat.list_media(record_id=record_id)) == []

    # Without cancelling, both are stored, with progress reported.
    progress: list[tuple[int, int]] = []
    done: list[Any] = []
    widget.apply(
        record_id=record_id, on_done=done.append, on_progress=lambda d, t: progress.append((d, t))
    )
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert len(done[0]) == 2 and not widget.has_changes()
    assert progress and progress[-1][0] <= progress[-1][1]


def test_decoded_thumbnail_is_small(open_runner, qtbot, tmp_path: Path) -> None:
    from tkapp.ui.records.media_entries import MediaEntry
    from tkapp.ui.records.media_thumbnails import THUMB, thumbnail_op

    path = make_png(tmp_path / "grande.png", size=(1600, 1200))
    entry = MediaEntry(Media(MediaKind.PHOTO, "image/png", "grande.png"), source_path=path)
    image: QImage = call(open_runner, qtbot, thumbnail_op(entry))
    assert max(image.width(), image.height()) == THUMB
