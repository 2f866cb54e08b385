"""Every Qt model of the editor and sections passes Qt's own model tester."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.editor_helpers import make_png
from tkapp.core.model import (
    ConsentRecord,
    HolderLink,
    Media,
    MediaKind,
    Person,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.ui.records.entity_models import (
    ID_ROLE,
    ITEM_ROLE,
    ConsentTableModel,
    HolderTableModel,
    MediaTableModel,
    PersonTableModel,
    TaxonTableModel,
    UseTableModel,
    size_text,
)
from tkapp.ui.records.media_entries import MediaEntry
from tkapp.ui.records.media_list_model import COVERED_ROLE, MediaListModel

# Decorations and fonts need the application object.
pytestmark = pytest.mark.usefixtures("qapp")


def _people() -> list[Person]:
    return [
        Person(name="Mama Rosa", roles=["healer", "elder"]),
        Person(name="Juan", deceased=True),
    ]


def test_person_model(qtmodeltester) -> None:
    model = PersonTableModel(_people())
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "Healer, Elder"
    assert model.data(model.index(1, 4)) == "Yes"
    assert model.data(model.index(0, 0), ITEM_ROLE).name == "Mama Rosa"
    model.append(Person(name="Sisa"))
    model.remove_row(0)
    qtmodeltester.check(model)


def test_taxon_model(qtmodeltester) -> None:
    model = TaxonTableModel(
        [
            Taxon(
                "Ilex guayusa",
                vernacular_names=[VernacularName("wayusa", "qu")],
                family="Aquifoliaceae",
            )
        ]
    )
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "wayusa (qu)"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).italic()


def test_consent_model(qtmodeltester) -> None:
    model = ConsentTableModel(
        [ConsentRecord("Asamblea", record_ids=["a", "b"], granted_on=date(2024, 5, 1))]
    )
    qtmodeltester.check(model)
    assert model.data(model.index(0, 3)) == "2"


def test_use_model_is_editable(qtmodeltester) -> None:
    model = UseTableModel([Use("hojas", "infusión", "energía", "")])
    qtmodeltester.check(model)
    assert model.setData(model.index(0, 3), "invierno")
    assert model.item(0).season == "invierno"
    assert not model.setData(model.index(0, 3), "invierno")  # no change, no signal
    qtmodeltester.check(model)


def test_holder_model(qtmodeltester) -> None:
    people = _people()
    model = HolderTableModel([HolderLink(people[1].id, "elder"), HolderLink("gone", "")])
    model.set_people(people)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0)) == "Juan (deceased)"
    assert model.data(model.index(1, 0)) == "(unknown person)"
    assert model.data(model.index(0, 1), Qt.ItemDataRole.EditRole) == "elder"
    assert model.setData(model.index(0, 1), "healer")
    assert model.data(model.index(0, 1)) == "Healer"
    assert model.data(model.index(0, 0), ID_ROLE) == people[1].id


def test_media_models(qtmodeltester, tmp_path: Path) -> None:
    media = [
        Media(
            MediaKind.PHOTO,
            "image/png",
            "a.png",
            size=2048,
            caption="Hojas",
            created=date(2024, 1, 2),
        ),
        Media(
            MediaKind.AUDIO,
            "audio/x-wav",
            "b.wav",
            size=5 * 1024 * 1024,
            content_warning="Canto sagrado",
        ),
    ]
    table = MediaTableModel(media)
    qtmodeltester.check(table)
    assert table.data(table.index(1, 5)) == size_text(5 * 1024 * 1024) == "5 MB"

    model = MediaListModel()
    model.set_entries([MediaEntry(media[0]), MediaEntry(media[1])])
    qtmodeltester.check(model)
    assert model.data(model.index(1), COVERED_ROLE) is True
    assert model.data(model.index(0), Qt.ItemDataRole.DisplayRole) == "Hojas"
    model.append(
        MediaEntry(
            Media(MediaKind.PHOTO, "image/png", "c.png"), source_path=make_png(tmp_path / "c.png")
        )
    )
    assert model.data(model.index(2), Qt.ItemDataRole.DisplayRole) == "c.png (not saved yet)"
    model.remove(0)
    qtmodeltester.check(model)
