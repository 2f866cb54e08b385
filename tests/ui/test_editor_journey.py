"""The record editor driven like a custodian would: a new record with everything, then an edit.

Real widgets offscreen, a real encrypted catalogue, real files made in the test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.editor_helpers import (
    call,
    make_png,
    make_wav,
    open_editor,
    read_media,
    save_and_wait,
    sha256_file,
)
from tkapp.core.model import AccessLevel, Category, MediaKind, RecordStatus, Sensitivity


def _create_taxon_inline(dialog: Any, qtbot: Any) -> None:
    picker = dialog.species.picker
    picker.search_edit.setText("wayusa")
    with qtbot.waitSignal(picker.searched, timeout=5_000):
        picker.search()
    assert picker.model.rowCount() == 0  # nothing yet: the custodian creates it
    new = picker.create_new()
    assert new.local_edit.text() == "wayusa"  # the search text became the local name
    new.scientific_edit.setText("Ilex guayusa")
    new.family_edit.setText("Aquifoliaceae")
    new.local_language_edit.set_value("qu")
    with qtbot.waitSignal(picker.taxon_chosen, timeout=5_000):
        qtbot.mouseClick(
            new.buttons.button(new.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
        )


def _add_holder_inline(dialog: Any, qtbot: Any, name: str, *, deceased: bool = False) -> None:
    people = dialog.people
    people.role_combo.setCurrentIndex(people.role_combo.findData("healer"))
    new = people.new_person()
    new.form.name_edit.setText(name)
    new.form.role_boxes["healer"].setChecked(True)
    new.form.deceased_box.setChecked(deceased)
    before = people.model.rowCount()
    new.save()
    qtbot.waitUntil(lambda: people.model.rowCount() == before + 1, timeout=5_000)


def test_new_record_with_taxon_holder_photo_and_audio_then_edit(
    open_runner, qtbot, tmp_path: Path
) -> None:
    photo = make_png(tmp_path / "IMG_0001.png", "guayusa")
    clip = make_wav(tmp_path / "abuela.wav")

    dialog = open_editor(open_runner, qtbot, None)
    assert not dialog.has_unsaved_changes()
    k = dialog.knowledge
    k.title_edit.setText("Guayusa para la mañana")
    k.summary_edit.setText("Té de hojas de guayusa antes del amanecer.")
    k.description_edit.setPlainText("La abuela explica cómo se prepara la guayusa.")
    k.category_combo.set_value(Category.MEDICINAL)
    k.status_combo.set_value(RecordStatus.VERIFIED)
    dialog.knowledge.toggles["description"].setChecked(True)
    assert dialog.has_unsaved_changes()

    row = dialog.uses.add_use()
    model = dialog.uses.model
    model.setData(model.index(row, 0), "hojas")
    model.setData(model.index(row, 1), "infusión")
    model.setData(model.index(row, 2), "dar energía")
    model.setData(model.index(row, 3), "todo el año")
    dialog.uses.toggles["preparation"].setChecked(True)

    _create_taxon_inline(dialog, qtbot)
    assert [t.scientific_name for t in dialog.species.model.items()] == ["Ilex guayusa"]
    _add_holder_inline(dialog, qtbot, "Mama Rosa")
    dialog.people.recorded_by_combo.setCurrentIndex(1)

    p = dialog.place
    p.locality_edit.setText("Cerca del río Bobonaza")
    p.latitude_edit.setText("-1,4925")  # Spanish decimal comma
    p.longitude_edit.setText("-77.9321")  # and a dot: both are accepted
    p.uncertainty_edit.setText("30")
    p.sensitivity_combo.set_value(Sensitivity.MEDIUM)
    assert "1 km" in p.explanation.text()

    pr = dialog.protocols
    pr.access_combo.set_value(AccessLevel.RESTRICTED)
    pr.group_edit.setText("mujeres sanadoras")
    pr.labels.set_checked("tka", True)
    pr.labels.set_checked("tks", True)

    entries = dialog.media.media.add_files([photo, clip])
    assert [e.media.kind for e in entries] == [MediaKind.PHOTO, MediaKind.AUDIO]
    media_list = dialog.media.media
    media_list.select_row(0)
    media_list.details.caption_edit.setText("Hojas de guayusa")
    media_list.details.caption_edit.textEdited.emit("Hojas de guayusa")
    media_list.details.creator_edit.setText("Luis")
    media_list.details.creator_edit.textEdited.emit("Luis")

    record_id = save_and_wait(dialog, qtbot)
    assert not dialog.has_unsaved_changes()
    assert dialog.status_label.text() == "Saved."
    dialog.reject()  # nothing unsaved: closes without a question

    rec = call(open_runner, qtbot, lambda cat: cat.get_record(record_id))
    assert rec.title == "Guayusa para la mañana"
    assert rec.category is Category.MEDICINAL and rec.status is RecordStatus.VERIFIED
    assert rec.uses[0].preparation == "infusión"
    assert rec.place.latitude == -1.4925 and rec.place.longitude == -77.9321
    assert rec.place.uncertainty_m == 30 and rec.place.sensitivity is Sensitivity.MEDIUM
    assert rec.access is AccessLevel.RESTRICTED and rec.restricted_group == "mujeres sanadoras"
    assert rec.labels == ["tka", "tks"]
    assert rec.confidential == {"description", "preparation"}
    assert len(rec.holders) == 1 and rec.holders[0].role == "healer"
    assert rec.recorded_by == rec.holders[0].person_id
    assert rec.version == 1

    # Reopen: every field is back, and the media bytes are exactly the files'.
    again = open_editor(open_runner, qtbot, record_id)
    assert again.knowledge.title_edit.text() == "Guayusa para la mañana"
    assert again.knowledge.toggles["description"].isChecked()
    assert again.species.model.items()[0].vernacular_names[0].name == "wayusa"
    assert again.people.model.display(again.people.model.item(0), 0) == "Mama Rosa"
    assert again.place.latitude_edit.text() in ("-1.4925", "-1,4925")
    assert again.protocols.labels.labels() == ["tka", "tks"]
    assert again.protocols.group_edit.text() == "mujeres sanadoras"
    stored = {e.media.file_name: e.media for e in again.media.media.model.entries()}
    assert set(stored) == {"IMG_0001.png", "abuela.wav"}
    assert stored["IMG_0001.png"].caption == "Hojas de guayusa"
    assert stored["IMG_0001.png"].creator == "Luis"
    for name, source in (("IMG_0001.png", photo), ("abuela.wav", clip)):
        data = read_media(open_runner, qtbot, stored[name].id)
        assert hashlib.sha256(data).hexdigest() == sha256_file(source) == stored[name].sha256

    # Edit: a new title and one more use; the version goes up.
    again.knowledge.title_edit.setText("Guayusa al amanecer")
    again.uses.add_use()
    m = again.uses.model
    m.setData(m.index(1, 0), "tallo")
    save_and_wait(again, qtbot)
    edited = call(open_runner, qtbot, lambda cat: cat.get_record(record_id))
    assert edited.title == "Guayusa al amanecer"
    assert [u.part for u in edited.uses] == ["hojas", "tallo"]
    assert edited.version == 2
    # Closing with nothing unsaved asks nothing.
    again.ask_unsaved = lambda: (_ for _ in ()).throw(AssertionError("asked"))
    again.reject()
    assert not again.isVisible()


def test_unsaved_changes_prompt(open_runner, qtbot) -> None:
    dialog = open_editor(open_runner, qtbot, None)
    asked: list[int] = []

    def answer(button: QMessageBox.StandardButton):
        def ask() -> QMessageBox.StandardButton:
            asked.append(1)
            return button

        return ask

    dialog.knowledge.title_edit.setText("Chonta")
    assert dialog.has_unsaved_changes()

    dialog.ask_unsaved = answer(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [1] and dialog.isVisible()

    dialog.close()  # the window's X asks too
    assert asked == [1, 1] and dialog.isVisible()

    dialog.ask_unsaved = answer(QMessageBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    rec = call(open_runner, qtbot, lambda cat: cat.get_record(saved.args[0]))
    assert rec.title == "Chonta"

    other = open_editor(open_runner, qtbot, saved.args[0])
    other.knowledge.title_edit.setText("Chonta duro")
    other.ask_unsaved = answer(QMessageBox.StandardButton.Discard)
    other.reject()
    assert not other.isVisible()
    assert call(open_runner, qtbot, lambda cat: cat.get_record(saved.args[0])).title == "Chonta"


def test_ctrl_s_saves(open_runner, qtbot) -> None:
    dialog = open_editor(open_runner, qtbot, None)
    dialog.knowledge.title_edit.setText("Ají de hormiga")
    dialog.activateWindow()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.keyClick(
            dialog.knowledge.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
        )
    assert dialog.isVisible()  # Ctrl+S keeps the editor open


def test_validation_messages_inline(open_runner, qtbot) -> None:
    dialog = open_editor(open_runner, qtbot, None)
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    place = dialog.place
    place.latitude_edit.setText("123,5")
    place.longitude_edit.setText("-77")
    dialog.protocols.access_combo.set_value(AccessLevel.RESTRICTED)
    assert not dialog.save()
    errors = {
        name: label.text()
        for page in dialog.pages
        for name, label in page.errors.items()
        if not label.isHidden()  # shown, even on a tab that is not in front
    }
    assert errors == {
        "title": "This is required.",
        "latitude": "This number is outside the allowed range.",
        "restricted_group": "This is required.",
    }
    for page in (dialog.knowledge, dialog.place, dialog.protocols):
        assert dialog.marker.is_marked(dialog.page_tab(page))
    assert not dialog.marker.is_marked(dialog.page_tab(dialog.uses))
    assert dialog.tabs.currentWidget() is dialog.page_tab(dialog.knowledge)

    # Text that is not a number, and a latitude without a longitude.
    dialog.knowledge.title_edit.setText("Uña de gato")
    dialog.protocols.group_edit.setText("parteras")
    place.latitude_edit.setText("uno")
    assert not dialog.save()
    assert place.errors["latitude"].text() == "Write a number, for example -0.95 or -0,95."
    assert dialog.knowledge.errors["title"].isHidden()
    place.latitude_edit.setText("-0,95")
    place.longitude_edit.setText("")
    assert not dialog.save()
    assert place.errors["place"].text() == "Give both latitude and longitude, or neither."
    assert saved == []

    # Secret / sacred shows its note.
    dialog.protocols.access_combo.set_value(AccessLevel.SECRET_SACRED)
    assert not dialog.protocols.secret_note.isHidden()
    assert "never leaves the catalogue" in dialog.protocols.secret_note.text()
    place.longitude_edit.setText("-77,1")
    save_and_wait(dialog, qtbot)
    rec = call(open_runner, qtbot, lambda cat: cat.get_record(dialog.record_id))
    assert (rec.place.latitude, rec.place.longitude) == (-0.95, -77.1)
    assert rec.access is AccessLevel.SECRET_SACRED and rec.restricted_group == ""


def test_terms_combo_lists_the_catalogues_terms_versions(open_runner, qtbot) -> None:
    from tkapp.services.terms import list_terms

    versions = call(open_runner, qtbot, list_terms)
    default = next(v for v in versions if v.is_default)
    dialog = open_editor(open_runner, qtbot, None)
    combo = dialog.protocols.terms_combo
    assert combo.findData(default.id) > 0
    assert "default" in combo.itemText(combo.findData(default.id))
    dialog.knowledge.title_edit.setText("Chonta: fiesta de la cosecha")
    combo.setCurrentIndex(combo.findData(default.id))
    record_id = save_and_wait(dialog, qtbot)
    stored = call(open_runner, qtbot, lambda cat: cat.get_record(record_id))
    assert stored.terms_id == default.id


def test_open_publication_licence_is_chosen_in_the_editor(open_runner, qtbot) -> None:
    from tkapp.core.model import OPEN_LICENCES

    dialog = open_editor(open_runner, qtbot, None)
    combo = dialog.protocols.licence_combo
    assert combo.itemData(0) == ""  # the usual case first
    assert {combo.itemData(i) for i in range(combo.count())} == set(OPEN_LICENCES)
    dialog.knowledge.title_edit.setText("Semillas de quinua para compartir")
    combo.setCurrentIndex(combo.findData("CC-BY-4.0"))
    assert dialog.has_unsaved_changes()
    record_id = save_and_wait(dialog, qtbot)
    stored = call(open_runner, qtbot, lambda cat: cat.get_record(record_id))
    assert stored.open_licence == "CC-BY-4.0"
    again = open_editor(open_runner, qtbot, record_id)
    assert again.protocols.licence_combo.currentData() == "CC-BY-4.0"
