"""Shared approval in the export wizard (pytest-qt, offscreen, real demo catalogue): with two
approvals required the plan page asks for another custodian; a wrong passphrase is said in
the dialog and changes nothing; the right one lets the export go on. Screenshots at 1366x768
in English and Spanish (``TKAPP_SHOTS`` to keep them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWizard

from tests.ui import sharing_fixtures
from tests.ui.sharing_fixtures import call, shots_dir
from tkapp.core.users import Role
from tkapp.i18n import set_language
from tkapp.services import approvals
from tkapp.ui.sharing.approve_dialog import ApproveDialog
from tkapp.ui.sharing.export_pages_base import Page
from tkapp.ui.sharing.export_wizard import ExportWizard

demo_file = sharing_fixtures.demo_file
demo_runner = sharing_fixtures.demo_runner
MARTA = "marta: custodian phrase"


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    from tkapp.ui.common.qt_translations import install_qt_translations

    lang = request.param
    set_language(lang)
    install_qt_translations(qapp, lang)
    yield lang
    install_qt_translations(qapp, "en")
    set_language("en")


def _to_plan(wizard: ExportWizard, qtbot: Any) -> None:
    qtbot.waitUntil(wizard.records_page.isComplete, timeout=10_000)
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(wizard.recipient_page.loaded, timeout=10_000)
    page = wizard.recipient_page
    page.new_choice.setChecked(True)
    page.name.setText("Ana Paz")
    page.organisation.setText("Universidad Central")
    page.user_class.setCurrentIndex(page.user_class.findData("public_research"))
    page.purpose.setCurrentIndex(page.purpose.findData("research"))
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == Page.PLAN
    qtbot.waitUntil(lambda: wizard.plan_page.view is not None, timeout=15_000)


@pytest.mark.parametrize("language", ["en", "es"], indirect=True)
def test_plan_page_asks_another_custodian_to_approve(
    demo_runner: Any, qtbot: Any, tmp_path: Path, language: str
) -> None:
    def setup(cat: Any) -> None:
        cat.people().add("Marta", Role.CUSTODIAN, [], MARTA)
        approvals.set_approval_policy(cat, 2, 2)

    call(demo_runner, qtbot, setup)
    wizard = ExportWizard(demo_runner, None)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768 - 60)
    wizard.show()
    qtbot.waitExposed(wizard)
    _to_plan(wizard, qtbot)
    page = wizard.plan_page
    assert page.ask_approval.isVisible() and page.approval_note.isVisible()
    assert "1" in page.approval_note.text() and "2" in page.approval_note.text()
    assert not page.isComplete()
    folder = shots_dir(tmp_path)
    QApplication.processEvents()
    assert wizard.grab().save(str(folder / f"approval-plan-{language}.png"), "PNG")

    page.ask_approval.click()
    dialog = page.dialog
    assert isinstance(dialog, ApproveDialog)
    assert [dialog.person.itemText(i) for i in range(dialog.person.count())] == ["Marta"]
    dialog.passphrase.setText("not Marta's passphrase")
    dialog.ok.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert dialog.passphrase.text() == ""
    assert page.view is not None
    plan = page.view.plan
    assert call(demo_runner, qtbot, lambda cat: approvals.status(cat, plan).have) == 1
    QApplication.processEvents()
    assert dialog.grab().save(str(folder / f"approval-dialog-{language}.png"), "PNG")

    dialog.passphrase.setText(MARTA)
    dialog.ok.click()
    qtbot.waitUntil(
        lambda: page.view is not None and page.view.approval is not None and page.isComplete(),
        timeout=15_000,
    )
    assert page.view is not None and page.view.approval is not None
    assert "Marta" in page.view.approval.approvers and not page.ask_approval.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    QApplication.processEvents()
    assert wizard.grab().save(str(folder / f"approval-approved-{language}.png"), "PNG")
