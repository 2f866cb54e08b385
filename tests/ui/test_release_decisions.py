"""The export wizard's explicit decisions (issue 12), on a real demo catalogue (pytest-qt):

- only a record that stays because it has no consent record is offered "Release without
  consent…" (never withdrawn or expired consent: the gate's reason code decides);
- the override needs who and why, re-plans through the service, and after a real export is
  in the audit log and in the ledger's ``consent_overrides``;
- a media file whose metadata cannot be removed is offered "Send as it is…" behind an
  explicit confirmation, can be kept home again, and leaves byte for byte when confirmed;
- screenshots of the plan with the actions and of the dialogs, in English and Spanish.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui import sharing_fixtures
from tests.ui.sharing_fixtures import DEMO_PASSPHRASE, call, shots_dir
from tkapp.core.model import AccessLevel, Media, MediaKind
from tkapp.i18n import set_language
from tkapp.services import sharing
from tkapp.ui.sharing.export_wizard import ExportWizard, Page
from tkapp.ui.sharing.release_decisions import OverrideDialog, SendAsIsDialog

demo_file = sharing_fixtures.demo_file

ACTOR = "Rosa Grefa"
# A file the metadata cleaner does not know: it cannot be cleaned, so it stays by default.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Author (Carlos Shiguango) >> endobj\n%%EOF\n"


@pytest.fixture
def custodian_runner(
    demo_file: Path, tmp_path: Path, qapp: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """The demo catalogue opened by a known custodian (the audit log's actor)."""
    from tkapp.services.catalogue import open_catalogue
    from tkapp.ui.common.worker import Runner

    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")
    path = tmp_path / "demo.tkc"
    shutil.copyfile(demo_file, path)
    runner = Runner()
    opened: list[Any] = []
    failed: list[BaseException] = []
    runner.open(
        lambda: open_catalogue(path, DEMO_PASSPHRASE, actor=ACTOR), opened.append, failed.append
    )
    qtbot.waitUntil(lambda: bool(opened or failed), timeout=10_000)
    assert not failed, failed
    yield runner
    runner.shutdown()
    qapp.processEvents()


def _prepare(runner: Any, qtbot: Any) -> dict[str, str]:
    """Ids of the demo's records without, withdrawn and expired consent, and a PDF attached
    to a public record the assembly's consent covers."""

    def op(cat: Any) -> dict[str, str]:
        records = [cat.get_record(i) for i in cat.search_ids("")]
        by_title = {r.title: r.id for r in records}
        covered = next(
            r
            for r in records
            if r.access is AccessLevel.PUBLIC
            and any(c.expires and c.expires.year == 2028 for c in cat.list_consents(r.id))
        )
        import io

        pdf = cat.add_media(
            Media(
                kind=MediaKind.DOCUMENT,
                mime_type="application/pdf",
                file_name="notas-de-campo.pdf",
                record_id=covered.id,
                caption="Notas de campo",
            ),
            io.BytesIO(PDF),
        )
        return {
            "missing": by_title["Muña para el frío y la digestión"],
            "withdrawn": by_title["Desamargado del chocho"],
            "expired": by_title["Guaba: sombra y fruta en la chakra"],
            "covered": covered.id,
            "pdf": pdf.id,
        }

    return call(runner, qtbot, op)


def _to_plan(runner: Any, qtbot: Any) -> ExportWizard:
    from PySide6.QtWidgets import QWizard

    wizard = ExportWizard(runner, None)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(wizard.records_page.isComplete, timeout=10_000)
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(wizard.recipient_page.loaded, timeout=10_000)
    page = wizard.recipient_page
    page.new_choice.setChecked(True)
    page.name.setText("Ana Paz")
    page.organisation.setText("Universidad Central del Ecuador")
    page.user_class.setCurrentIndex(page.user_class.findData("public_research"))
    page.purpose.setCurrentIndex(page.purpose.findData("research"))
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == Page.PLAN
    _wait_plan(wizard, qtbot)
    return wizard


def _wait_plan(wizard: ExportWizard, qtbot: Any) -> Any:
    qtbot.waitUntil(lambda: wizard.plan_page.view is not None, timeout=20_000)
    view = wizard.plan_page.view
    assert view is not None
    return view.plan


def _included(plan: Any) -> set[str]:
    return {p.record_id for p in plan.included}


def test_override_and_send_as_is_go_through_the_service_into_audit_and_ledger(
    custodian_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QWizard

    ids = _prepare(custodian_runner, qtbot)
    wizard = _to_plan(custodian_runner, qtbot)
    page = wizard.plan_page
    plan = page.view.plan if page.view else None
    assert plan is not None
    excluded = {p.record_id: p for p in plan.excluded}
    # Withdrawn, expired and missing consent all stay; only the missing one can be released.
    assert {ids["missing"], ids["withdrawn"], ids["expired"]} <= set(excluded)
    assert set(page.release_actions.buttons) == {ids["missing"], ids["pdf"]}
    assert page.release_actions.isVisibleTo(wizard)
    assert page.release_actions.buttons[ids["missing"]].text() == "Release without consent…"
    assert page.release_actions.buttons[ids["pdf"]].text() == "Send as it is…"

    # Release without consent: who is prefilled with the custodian who unlocked; why is
    # required; both must be more than spaces.
    page.release_actions.buttons[ids["missing"]].click()
    dialog = page.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    assert dialog.who.text() == ACTOR
    assert not dialog.ok.isEnabled()
    dialog.why.setPlainText("   ")
    assert not dialog.ok.isEnabled()
    dialog.who.setText(" ")
    dialog.why.setPlainText("The assembly of 3 May agreed (minutes n.º 14)")
    assert not dialog.ok.isEnabled()
    dialog.who.setText("Mama Rosa Grefa")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    plan = _wait_plan(wizard, qtbot)
    assert ids["missing"] in _included(plan)
    released = next(p for p in plan.included if p.record_id == ids["missing"])
    assert released.consent is not None and released.consent.override is not None
    assert released.consent.override.who == "Mama Rosa Grefa"
    shown = page.details.toPlainText()
    assert "released by Mama Rosa Grefa" in shown
    assert "The assembly of 3 May agreed (minutes n.º 14)" in shown
    # Withdrawn and expired consent still keep their records home, still without an action.
    assert {ids["withdrawn"], ids["expired"]} <= {p.record_id for p in plan.excluded}
    assert page.release_actions.buttons[ids["missing"]].text() == "Keep it home"

    # Send as it is: nothing happens until the custodian ticks the confirmation.
    page.release_actions.buttons[ids["pdf"]].click()
    confirm = page.dialog
    assert isinstance(confirm, SendAsIsDialog) and confirm.isVisible()
    assert not confirm.ok.isEnabled()
    confirm.check.setChecked(True)
    assert confirm.ok.isEnabled()
    confirm.ok.click()
    plan = _wait_plan(wizard, qtbot)
    pdf = next(m for p in plan.included for m in p.media if m.media.id == ids["pdf"])
    assert pdf.included and pdf.confirmed
    assert "goes as it is" in page.details.toPlainText()
    # ...and it can be kept home again, then confirmed again.
    page.release_actions.buttons[ids["pdf"]].click()
    plan = _wait_plan(wizard, qtbot)
    pdf = next(m for p in plan.included for m in p.media if m.media.id == ids["pdf"])
    assert not pdf.included
    page.release_actions.buttons[ids["pdf"]].click()
    assert isinstance(page.dialog, SendAsIsDialog)
    page.dialog.check.setChecked(True)
    page.dialog.ok.click()
    plan = _wait_plan(wizard, qtbot)
    going = _included(plan)

    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == Page.DESTINATION
    dest = tmp_path / "ana.tkb"
    wizard.destination_page.path.setText(str(dest))
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == Page.RESULT, timeout=60_000)
    assert dest.exists()

    def recorded(cat: Any) -> tuple[Any, list[Any]]:
        return sharing.list_exports(cat), cat.audit_entries(ids["missing"])

    ledger, audit = call(custodian_runner, qtbot, recorded)
    [entry] = ledger
    assert {r for r, _v in entry.records} == going
    override = entry.consent_overrides[ids["missing"]]
    assert override["who"] == "Mama Rosa Grefa"
    assert override["why"] == "The assembly of 3 May agreed (minutes n.º 14)"
    assert set(entry.consent_overrides) == {ids["missing"]}
    notes = [a for a in audit if a.action == "consent_override"]
    assert len(notes) == 1 and notes[0].actor == ACTOR and notes[0].entity == "record"
    # The confirmed file left exactly as it is stored.
    digest = hashlib.sha256(PDF).hexdigest()
    with zipfile.ZipFile(dest) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(f"/data/media/{digest}.pdf")]
        assert archive.read(name) == PDF


def test_going_back_starts_a_new_plan_without_decisions(custodian_runner: Any, qtbot: Any) -> None:
    ids = _prepare(custodian_runner, qtbot)
    wizard = _to_plan(custodian_runner, qtbot)
    page = wizard.plan_page
    page.release_actions.buttons[ids["missing"]].click()
    assert isinstance(page.dialog, OverrideDialog)
    page.dialog.why.setPlainText("Agreed")
    page.dialog.ok.click()
    assert ids["missing"] in _included(_wait_plan(wizard, qtbot))
    # Another recipient or purpose: the decision was made for this one only.
    wizard.back()
    wizard.next()
    plan = _wait_plan(wizard, qtbot)
    assert ids["missing"] not in _included(plan)
    assert page.overrides == {} and page.confirmed_media == set()


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    from tkapp.ui.common.qt_translations import install_qt_translations

    lang = request.param
    set_language(lang)
    install_qt_translations(qapp, lang)
    yield lang
    install_qt_translations(qapp, "en")
    set_language("en")


def _save(widget: Any, folder: Path, name: str) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    path = folder / name
    assert widget.grab().save(str(path), "PNG")
    assert path.stat().st_size > 5_000


@pytest.mark.parametrize("language", ["en", "es"], indirect=True)
def test_screenshots_of_the_plan_with_decisions(
    custodian_runner: Any, qtbot: Any, tmp_path: Path, language: str
) -> None:
    folder = shots_dir(tmp_path)
    ids = _prepare(custodian_runner, qtbot)
    wizard = _to_plan(custodian_runner, qtbot)
    assert wizard.width() <= 1366 and wizard.height() <= 768 - 60
    page = wizard.plan_page
    _save(wizard, folder, f"decisions-1-plan-{language}.png")
    page.release_actions.buttons[ids["missing"]].click()
    assert isinstance(page.dialog, OverrideDialog)
    page.dialog.why.setPlainText("La asamblea del 3 de mayo lo aprobó (acta n.º 14)")
    _save(page.dialog, folder, f"decisions-2-override-{language}.png")
    page.dialog.ok.click()
    _wait_plan(wizard, qtbot)
    page.release_actions.buttons[ids["pdf"]].click()
    assert isinstance(page.dialog, SendAsIsDialog)
    _save(page.dialog, folder, f"decisions-3-send-as-is-{language}.png")
    page.dialog.check.setChecked(True)
    page.dialog.ok.click()
    _wait_plan(wizard, qtbot)
    _save(wizard, folder, f"decisions-4-plan-decided-{language}.png")
