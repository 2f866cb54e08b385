"""PNG screenshots of the record editor (each tab) and the media viewer, English and Spanish.

Writes to ``$TKAPP_SHOTS`` when set (to look at them), else to the test's tmp_path. Run:

    TKAPP_SHOTS=/tmp/shots .venv/bin/python -m pytest -q tests/ui/test_editor_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.ui.editor_helpers import call, make_png, make_wav, open_editor, save_and_wait
from tkapp.core.model import (
    AccessLevel,
    Category,
    HolderLink,
    KnowledgeRecord,
    Person,
    Place,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.i18n import set_language

TAB_NAMES = ("knowledge", "uses", "species", "people", "place", "protocols", "media")


def _shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TKAPP_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fill(runner: Any, qtbot: Any) -> str:
    def op(cat: Any) -> str:
        rosa = cat.add_person(Person(name="Mama Rosa Gualinga", roles=["healer", "elder"]))
        juan = cat.add_person(Person(name="Juan Santi", roles=["farmer"], deceased=True))
        taxon = cat.add_taxon(
            Taxon(
                scientific_name="Ilex guayusa",
                authorship="Loes.",
                family="Aquifoliaceae",
                vernacular_names=[VernacularName("wayusa", "qu"), VernacularName("guayusa", "es")],
            )
        )
        rec = cat.add_record(
            KnowledgeRecord(
                title="Guayusa para la mañana",
                summary="Té de hojas de guayusa tomado antes del amanecer.",
                description="Mama Rosa explica que la guayusa se toma en familia antes del "
                "amanecer, mientras se cuentan los sueños.\n\n"
                "Las hojas se hierven en olla de barro.",
                category=Category.MEDICINAL,
                uses=[
                    Use("hojas", "infusión", "dar energía", "todo el año"),
                    Use("hojas tiernas", "masticadas", "dolor de muelas", "invierno"),
                ],
                taxon_ids=[taxon.id],
                holders=[HolderLink(rosa.id, "healer"), HolderLink(juan.id, "elder")],
                recorded_by=rosa.id,
                place=Place("Cerca del río Bobonaza", -1.4925, -77.9321, 30, Sensitivity.MEDIUM),
                access=AccessLevel.COMMUNITY,
                labels=["tka", "tks", "tkcs"],
                confidential={"description", "place"},
            )
        )
        return rec.id

    return call(runner, qtbot, op)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_editor_and_viewer_screenshots(open_runner, qtbot, tmp_path: Path, lang: str) -> None:
    set_language(lang)
    try:
        folder = _shots_dir(tmp_path)
        record_id = _fill(open_runner, qtbot)
        dialog = open_editor(open_runner, qtbot, record_id)
        media = dialog.media.media
        media.add_files(
            [
                make_png(tmp_path / "hojas.png", "guayusa", (900, 600)),
                make_wav(tmp_path / "rosa.wav"),
            ]
        )
        media.select_row(0)
        media.details.creator_edit.setText("Luis")
        media.details.creator_edit.textEdited.emit("Luis")
        save_and_wait(dialog, qtbot)
        qtbot.waitUntil(
            lambda: media.model.rowCount() == 2 and media.model.entry(0).thumbnail is not None,
            timeout=10_000,
        )
        dialog.resize(1000, 680)
        media.select_row(0)
        media.reveal_selected()  # one thumbnail shown, the other still covered
        written = []
        for index, name in enumerate(TAB_NAMES):
            dialog.tabs.setCurrentIndex(index)
            QApplication.processEvents()
            path = folder / f"editor-{lang}-{index + 1}-{name}.png"
            assert dialog.grab().save(str(path))
            written.append(path)

        # Validation messages, as the custodian sees them.
        dialog.tabs.setCurrentIndex(0)
        dialog.knowledge.title_edit.setText("")
        dialog.place.latitude_edit.setText("123")
        assert not dialog.save()
        QApplication.processEvents()
        path = folder / f"editor-{lang}-validation.png"
        assert dialog.grab().save(str(path))
        written.append(path)

        # The photo viewer, zoomed in.
        media.select_row(0)
        media.reveal_selected()
        viewer = media.open_selected()
        viewer.resize(900, 640)
        qtbot.waitUntil(viewer.photo.has_image, timeout=10_000)
        viewer.photo.zoom_in()
        QApplication.processEvents()
        path = folder / f"viewer-{lang}-photo.png"
        assert viewer.grab().save(str(path))
        written.append(path)
        viewer.close()

        # The audio player.
        media.select_row(1)
        media.reveal_selected()
        player_view = media.open_selected()
        qtbot.waitUntil(
            lambda: player_view.player is not None and player_view.player.play_button.isEnabled(),
            timeout=10_000,
        )
        path = folder / f"viewer-{lang}-audio.png"
        assert player_view.grab().save(str(path))
        written.append(path)
        player_view.close()

        for path in written:
            image = QImage(str(path))
            assert image.width() >= 600 and image.height() >= 280, path
    finally:
        set_language("en")
