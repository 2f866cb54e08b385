"""People and Species sections: list, create, edit, inline validation, unsaved changes."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.ui.editor_helpers import call
from tkapp.core.model import ConsentStatus


def _section(cls, runner, qtbot):
    section = cls(runner)
    section.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(section)
    section.resize(1100, 650)
    section.show()
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    return section


def _save(section, qtbot) -> str:
    with qtbot.waitSignal(section.saved, timeout=10_000) as blocker:
        section.save()
    qtbot.waitUntil(lambda: not section._saving, timeout=10_000)
    return blocker.args[0]


def test_people_create_edit_and_validate(open_runner, qtbot) -> None:
    from tkapp.ui.records.holders_section import PeopleSection

    section = _section(PeopleSection, open_runner, qtbot)
    assert section.model.rowCount() == 0
    assert not section.form.isEnabled()

    section.new_entry()
    form = section.person_form
    section.save()  # empty name: a message under the field, nothing stored
    assert form.name_error.isVisible() and form.name_error.text() == "This is required."
    form.name_edit.setText("Mama Rosa")
    form.role_boxes["elder"].setChecked(True)
    form.consent_combo.set_value(ConsentStatus.GRANTED)
    form.deceased_box.setChecked(True)
    form.contact_edit.setText("099 000 0000")
    person_id = _save(section, qtbot)
    assert not form.name_error.isVisible()
    qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=10_000)
    stored = call(open_runner, qtbot, lambda cat: cat.get_person(person_id))
    assert (stored.name, stored.roles, stored.consent_status, stored.deceased) == (
        "Mama Rosa",
        ["elder"],
        ConsentStatus.GRANTED,
        True,
    )
    assert section.model.data(section.model.index(0, 4)) == "Yes"

    # Edit the same person.
    form.name_edit.setText("Mama Rosa Gualinga")
    assert section.has_unsaved_changes()
    _save(section, qtbot)
    assert (
        call(open_runner, qtbot, lambda cat: cat.get_person(person_id)).name == "Mama Rosa Gualinga"
    )

    # Unsaved edits: "Cancel" keeps the custodian on the entry.
    form.name_edit.setText("Otro nombre")
    section.ask_unsaved = lambda: QMessageBox.StandardButton.Cancel
    section.new_entry()
    assert form.name_edit.text() == "Otro nombre"
    section.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    section.new_entry()
    assert form.name_edit.text() == ""


def test_species_create_with_local_names(open_runner, qtbot) -> None:
    from tkapp.ui.records.species_section import SpeciesSection

    section = _section(SpeciesSection, open_runner, qtbot)
    section.new_entry()
    form = section.taxon_form
    form.vernacular.add_name()
    form.vernacular.item(0, 0).setText("wayusa")
    form.vernacular.item(0, 1).setText("")  # no language: shown inline
    form.scientific_edit.setText("Ilex guayusa")
    section.save()
    assert form.vernacular_error.isVisible()
    form.vernacular.item(0, 1).setText("qu")
    form.family_edit.setText("Aquifoliaceae")
    taxon_id = _save(section, qtbot)
    taxon = call(open_runner, qtbot, lambda cat: cat.get_taxon(taxon_id))
    assert taxon.scientific_name == "Ilex guayusa" and taxon.family == "Aquifoliaceae"
    assert [(v.name, v.language) for v in taxon.vernacular_names] == [("wayusa", "qu")]

    section.search_edit.setText("wayu")
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    assert section.model.rowCount() == 1
    section.search_edit.setText("nada parecido")
    with qtbot.waitSignal(section.refreshed, timeout=10_000):
        section.refresh()
    assert section.model.rowCount() == 0
