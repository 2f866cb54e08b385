"""Consent section: a consent record with an evidence photo, linked to a record."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.editor_helpers import call, make_png, make_wav, read_media, sha256_file
from tkapp.core.model import ConsentMethod, MediaKind, Person


def _check(box, text_or_key, *, by_key=False) -> None:
    from tkapp.ui.records.entity_models import ID_ROLE

    for i in range(box.count()):
        item = box.item(i)
        if (item.data(ID_ROLE) if by_key else item.text()) == text_or_key:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(text_or_key)


def test_consent_with_evidence_photo_and_recording(open_runner, qtbot, tmp_path: Path) -> None:
    from tkapp.ui.records.consent_section import ConsentSection

    call(open_runner, qtbot, lambda cat: cat.add_person(Person(name="Presidente Tito")))
    section = ConsentSection(open_runner)
    section.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(section)
    section.resize(1100, 700)
    section.show()
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    assert section.model.rowCount() == 0

    section.new_entry()
    form = section.consent_form
    form.granted_on.set_value(date(2024, 5, 1))
    form.expires.set_value(date(2023, 1, 1))  # before the grant: shown inline
    section.save()
    assert form.granted_by_error.isVisible()  # empty "granted by" first
    form.granted_by_edit.setText("Asamblea comunitaria")
    section.save()
    assert form.expires_error.isVisible()
    form.expires.set_value(date(2029, 5, 1))
    form.method_combo.set_value(ConsentMethod.SIGNED_FORM)
    _check(form.people_list, "Presidente Tito")
    _check(form.records_list, "Chicha de yuca")
    form.purpose_boxes["research"].setChecked(True)
    form.class_boxes["public_research"].setChecked(True)
    form.toggles["notes"].setChecked(True)
    form.notes_edit.setPlainText("Firmado en la asamblea de mayo.")
    acta = make_png(tmp_path / "acta.png", "ACTA")
    audio = make_wav(tmp_path / "asamblea.wav")
    form.evidence.add_files([acta, audio])
    assert section.has_unsaved_changes()

    with qtbot.waitSignal(section.saved, timeout=20_000) as saved:
        section.save()
    qtbot.waitUntil(lambda: not section._saving, timeout=20_000)
    consent_id = saved.args[0]
    consent = call(open_runner, qtbot, lambda cat: cat.get_consent(consent_id))
    assert consent.granted_by == "Asamblea comunitaria"
    assert consent.method is ConsentMethod.SIGNED_FORM
    assert consent.granted_on == date(2024, 5, 1) and consent.expires == date(2029, 5, 1)
    assert consent.purposes == ["research"] and consent.user_classes == ["public_research"]
    assert consent.confidential == {"notes"}
    assert len(consent.record_ids) == 1 and len(consent.person_ids) == 1

    media = call(open_runner, qtbot, lambda cat: cat.list_media(consent_id=consent_id))
    by_name = {m.file_name: m for m in media}
    assert {m.kind for m in media} == {MediaKind.PHOTO, MediaKind.AUDIO}
    for name, source in (("acta.png", acta), ("asamblea.wav", audio)):
        data = read_media(open_runner, qtbot, by_name[name].id)
        assert hashlib.sha256(data).hexdigest() == sha256_file(source)
    qtbot.waitUntil(lambda: section.consent_form.evidence.model.rowCount() == 2, timeout=10_000)
    assert not any(e.pending for e in section.consent_form.evidence.model.entries())
    qtbot.waitUntil(lambda: not section.has_unsaved_changes(), timeout=10_000)

    # The record editor shows the link from the record's side.
    from tests.ui.editor_helpers import open_editor

    dialog = open_editor(open_runner, qtbot, consent.record_ids[0])
    assert dialog.protocols.consent_ids() == [consent_id]
