"""Journey: create a catalogue through the wizard, with a backup, and land in the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tkapp import paths
from tkapp.services.catalogue import open_catalogue
from tkapp.services.people import people_names
from tkapp.ui.catalogue.create_wizard import default_catalogue_path, file_stem

GOOD = "rio condor tejido semilla"  # QTest.keyClicks types ASCII only


def test_create_catalogue_through_the_wizard(main_window, qtbot, tmp_path):
    window = main_window
    qtbot.mouseClick(window.start.create_button, Qt.MouseButton.LeftButton)
    wizard = window.findChild(QWizard)
    assert wizard is not None and wizard.isVisible()
    assert wizard.windowTitle().startswith("TK Commons")

    # Page 1: the community. Next stays off until a name is typed.
    page = wizard.community_page
    assert not page.isComplete()
    qtbot.keyClicks(page.name, "Comunidad Sarayaku")
    page.people.setText("Kichwa")
    page.region.setText("Pastaza")
    page.language_boxes["qu"].setChecked(True)
    assert page.languages() == ["es", "qu"]
    assert page.isComplete()
    wizard.next()

    # Page 2: default terms.
    assert wizard.currentPage() is wizard.terms_page
    assert wizard.terms_page.combo.count() == 5
    wizard.terms_page.set_code("community_only")
    assert wizard.terms_page.summary.text()
    wizard.next()

    # Page 3: passphrase twice, strength meter, the warning acknowledged.
    pp = wizard.passphrase_page
    assert wizard.currentPage() is pp
    assert "cannot be recovered" in pp.warning.text()
    qtbot.keyClicks(pp.person, "Rosa Gualinga")
    qtbot.keyClicks(pp.first.edit, "short")
    assert not pp.meter.strength.acceptable
    assert pp.match.text()  # says why
    assert not pp.isComplete()
    pp.first.clear()
    qtbot.keyClicks(pp.first.edit, GOOD)
    qtbot.keyClicks(pp.second.edit, GOOD + "x")
    assert "not the same" in pp.match.text()
    pp.second.clear()
    qtbot.keyClicks(pp.second.edit, GOOD)
    assert not pp.isComplete()  # the warning must be acknowledged
    pp.understood.setChecked(True)
    assert pp.isComplete()
    pp.person.setText("  ")  # the first custodian must have a name
    assert not pp.isComplete()
    pp.person.setText("Rosa Gualinga")
    assert pp.isComplete()
    assert pp.meter.strength.score >= 2
    wizard.next()

    # Page 4: where; the default is in the data folder, named after the community.
    place = wizard.place_page
    assert wizard.currentPage() is place
    target = place.target()
    assert target.parent == paths.data_dir()
    assert target.name == "Comunidad-Sarayaku.tkc"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.backup_page, timeout=15_000)
    assert target.exists()
    assert people_names(target) == ["Rosa Gualinga"]  # the first custodian, by name
    # The main window already shows the new catalogue behind the wizard.
    assert window.stack.currentWidget() is window.view

    # Page 5: the encrypted backup.
    backup = tmp_path / "usb" / "backup.tkc"
    backup.parent.mkdir()
    wizard.backup_page.save_backup_to(backup)
    qtbot.waitUntil(lambda: wizard.backup_page.backup_path == backup, timeout=15_000)
    assert "backup.tkc" in wizard.backup_page.status.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())

    # What the wizard stored, read back through the worker that owns the connection.
    got = []
    window.runner.run(lambda cat: (cat.community, cat.get_setting("default_template")), got.append)
    qtbot.waitUntil(lambda: bool(got))
    community, template = got[0]
    assert community.name == "Comunidad Sarayaku"
    assert community.people == "Kichwa"
    assert community.languages == ["es", "qu"]
    assert template == "community_only"
    qtbot.waitUntil(lambda: "Comunidad Sarayaku" in window.windowTitle())
    assert window.windowTitle().startswith("TK Commons")
    assert window.settings.recent_catalogues()[0] == target.resolve()

    # The backup opens with the same passphrase.
    with open_catalogue(backup, GOOD) as copy:
        assert copy.community.name == "Comunidad Sarayaku"


def test_wizard_refuses_an_existing_file(main_window, qtbot, catalogue_path):
    wizard = main_window.ops.show_create_wizard()
    wizard.community_page.name.setText("Otra")
    wizard.next()
    wizard.next()
    pp = wizard.passphrase_page
    pp.person.setText("Rosa")
    pp.first.setText(GOOD)
    pp.second.setText(GOOD)
    pp.understood.setChecked(True)
    wizard.next()
    before = catalogue_path.read_bytes()
    wizard.place_page.path_edit.setText(str(catalogue_path))
    wizard.place_page.validatePage()
    assert "already exists" in wizard.place_page.status.text()
    assert wizard.currentPage() is wizard.place_page
    assert catalogue_path.read_bytes() == before


def test_default_paths_are_safe_names(tmp_path):
    assert (
        file_stem("Comunidad Kichwa de Sarayaku / Pastaza")
        == "Comunidad-Kichwa-de-Sarayaku-Pastaza"
    )
    assert file_stem("../../etc") == "etc"
    assert file_stem("   ") == "catalogue"
    first = default_catalogue_path("Ñukanchik", tmp_path)
    assert first == tmp_path / "Ñukanchik.tkc"
    first.write_bytes(b"x")
    assert default_catalogue_path("Ñukanchik", tmp_path) == tmp_path / "Ñukanchik-2.tkc"
    assert isinstance(first, Path)
