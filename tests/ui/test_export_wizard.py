"""Export wizard journeys on the real demo catalogue (pytest-qt, offscreen).

- the plans for a for-profit and a public-research recipient differ exactly as the terms say;
- secret/sacred records never appear in any plan's included list;
- a culturally sensitive record needs the confirmation box ticked;
- the bundle is written, recorded in the ledger, and checks out with stock minisign;
- Stop leaves no file and no ledger entry; an existing file is never replaced.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWizard

from tests.ui import sharing_fixtures
from tests.ui.sharing_fixtures import call
from tkapp.core.model import AccessLevel
from tkapp.crypto.age import AgeIdentity
from tkapp.licensing.vocab import Outcome, UserClass
from tkapp.services import sharing
from tkapp.services import terms as terms_service
from tkapp.ui.sharing.export_pages_write import default_file_name, with_extension
from tkapp.ui.sharing.export_wizard import ExportWizard, Page

# Fixtures shared with the other sharing tests.
demo_file = sharing_fixtures.demo_file
demo_runner = sharing_fixtures.demo_runner


def open_wizard(runner: Any, qtbot: Any, record_ids: list[str] | None = None) -> ExportWizard:
    wizard = ExportWizard(runner, record_ids)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(wizard.records_page.isComplete, timeout=10_000)
    return wizard


def next_page(wizard: ExportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    if wizard.currentPage().isCommitPage():
        button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isEnabled(), wizard.currentId()
    button.click()


def to_recipient(wizard: ExportWizard, qtbot: Any) -> None:
    next_page(wizard)
    assert wizard.currentId() == Page.RECIPIENT
    qtbot.waitUntil(wizard.recipient_page.loaded, timeout=10_000)


def new_recipient(
    wizard: ExportWizard, name: str, user_class: str, purpose: str = "research", age: str = ""
) -> None:
    page = wizard.recipient_page
    page.new_choice.setChecked(True)
    page.name.setText(name)
    page.organisation.setText("Org of " + name)
    page.user_class.setCurrentIndex(page.user_class.findData(user_class))
    page.purpose.setCurrentIndex(page.purpose.findData(purpose))
    page.age_key.setText(age)


def to_plan(wizard: ExportWizard, qtbot: Any) -> Any:
    next_page(wizard)
    assert wizard.currentId() == Page.PLAN
    qtbot.waitUntil(lambda: wizard.plan_page.view is not None, timeout=15_000)
    return wizard.plan_page.view


def finish_export(wizard: ExportWizard, qtbot: Any, dest: Path) -> None:
    assert wizard.currentId() == Page.DESTINATION
    wizard.destination_page.path.setText(str(dest))
    next_page(wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == Page.RESULT, timeout=30_000)


def test_plans_differ_as_the_terms_say_then_export(
    demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    def facts(cat: Any) -> dict[str, Any]:
        ids = cat.search_ids("")
        records = {i: cat.get_record(i) for i in ids}
        terms = terms_service.default_terms(cat)
        return {"records": records, "terms": terms}

    known = call(demo_runner, qtbot, facts)
    records = known["records"]
    secret = {i for i, r in records.items() if r.access is AccessLevel.SECRET_SACRED}
    secret |= {i for i, r in records.items() if {"tkss", "tkwr", "tkmr"} & set(r.labels)}
    assert secret  # the demo has secret/sacred and restricted records

    wizard = open_wizard(demo_runner, qtbot)
    assert wizard.records_page.every.isChecked()
    assert "30" in wizard.records_page.count.text()
    to_recipient(wizard, qtbot)

    new_recipient(wizard, "AgroCorp", "for_profit")
    for_profit = to_plan(wizard, qtbot).plan
    # The default terms (Reciprocity) ask for-profits to agree terms first: nothing goes.
    rule = known["terms"].rule(UserClass.FOR_PROFIT, "research")
    assert rule.outcome is Outcome.NEEDS_AGREEMENT
    assert for_profit.included == []
    assert len(for_profit.excluded) == 30
    assert not wizard.plan_page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "None of the 30 records" in wizard.plan_page.summary.text()
    shown = wizard.plan_page.details.toPlainText()
    assert "Only with an agreement with the community" in shown

    wizard.back()
    new_recipient(wizard, "Ana Paz", "public_research")
    research = to_plan(wizard, qtbot).plan
    included = {p.record_id for p in research.included}
    # Exactly the records the engine allows for a public research institute.
    expected = call(
        demo_runner,
        qtbot,
        lambda cat: {
            i for i in records if terms_service.ask(cat, i, "public_research", "research").permits
        },
    )
    # ...and that prior informed consent covers (issue 12): the demo's withdrawn, expired and
    # missing consents keep three public records home, each with its reason.
    consent_kept = {
        "Desamargado del chocho": "Consent was withdrawn",
        "Guaba: sombra y fruta en la chakra": "ended on",
        "Muña para el frío y la digestión": "No consent record covers it.",
    }
    public = {i for i, r in records.items() if r.access is AccessLevel.PUBLIC}
    kept_ids = {i for i in public if records[i].title in consent_kept}
    assert len(kept_ids) == 3 and kept_ids <= expected
    assert included == expected - kept_ids
    assert included and included != {p.record_id for p in for_profit.included}
    assert included == public - kept_ids
    for plan in (for_profit, research):
        assert not secret & {p.record_id for p in plan.included}
    # Plain words: every record named, reasons given for those that stay.
    shown = wizard.plan_page.details.toPlainText()
    for record_id in included:
        assert records[record_id].title in shown
    assert "Secret or sacred knowledge never leaves the community." in shown
    assert "Share your results with the community." in shown
    assert "What stays in the catalogue, and why (23)" in shown
    for words in consent_kept.values():
        assert words in shown
    # The plan tells everything: the consent that covers a record, the exact free text that
    # leaves beside exact coordinates, what cleaning removed from a photo.
    assert "Consent: given by Asamblea comunitaria de Sacha Yaku" in shown
    assert "Place description leaves as “" in shown
    assert "Photo “" in shown
    next_page(wizard)
    # No culturally sensitive record among the public ones: no confirmation page.
    assert wizard.currentId() == Page.DESTINATION
    default = Path(wizard.destination_page.path.text())
    assert default.name.startswith("Ana-Paz-") and default.name.endswith(".tkb")
    dest = tmp_path / "out" / "ana.tkb"
    dest.parent.mkdir()
    finish_export(wizard, qtbot, dest)

    outcome = wizard.outcome
    assert outcome is not None and dest.exists()
    assert outcome.result.records == len(included)
    result_page = wizard.result_page
    assert outcome.result.sha256 in result_page.summary.text()
    assert result_page.words.text() == " ".join(outcome.fingerprint.words())
    text = result_page.text.toPlainText()
    assert "tkapp verify ana.tkb --trust community.pub" in text
    assert " ".join(outcome.fingerprint.groups()) in text
    result_page.copy.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == text

    ledger = call(demo_runner, qtbot, sharing.list_exports)
    assert [e.bundle_sha256 for e in ledger] == [outcome.result.sha256]
    assert {r for r, _v in ledger[0].records} == included
    book = call(demo_runner, qtbot, sharing.list_recipients)
    assert [r.name for r in book] == ["Ana Paz"]

    # The stock tool agrees with the text we tell the recipient to run.
    public = dest.parent / "community.pub"
    assert public.exists()
    if shutil.which("minisign"):
        folder = tmp_path / "unzipped"
        with zipfile.ZipFile(dest) as archive:
            archive.extractall(folder)
        manifest = next(folder.glob("*/tkb/manifest.json"))
        run = subprocess.run(
            ["minisign", "-Vm", str(manifest), "-p", str(public)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr


def _mark_sensitive(runner: Any, qtbot: Any) -> tuple[str, str]:
    def op(cat: Any) -> tuple[str, str]:
        # Public records the assembly's consent covers (education, public research).
        public = [
            cat.get_record(i)
            for i in cat.search_ids("")
            if cat.get_record(i).access is AccessLevel.PUBLIC
            and any(c.expires and c.expires.year == 2028 for c in cat.list_consents(i))
        ]
        first, second = public[0], public[1]
        cat.update_record(replace(first, labels=[*first.labels, "tkcs"]))
        return first.id, second.id

    return call(runner, qtbot, op)


def test_sensitive_record_needs_the_confirmation_box(
    demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    sensitive, plain = _mark_sensitive(demo_runner, qtbot)
    wizard = open_wizard(demo_runner, qtbot, [sensitive, plain])
    assert wizard.records_page.selected.isChecked()
    to_recipient(wizard, qtbot)
    new_recipient(wizard, "Luis Tapia", "public_research", "education")
    plan = to_plan(wizard, qtbot).plan
    assert [p.record_id for p in plan.needs_confirmation] == [sensitive]
    assert "the custodian must confirm before this is shared" in (
        wizard.plan_page.details.toPlainText()
    )

    next_page(wizard)
    assert wizard.currentId() == Page.CONFIRM
    page = wizard.confirm_page
    assert page.records.count() == 1
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.check.setChecked(True)
    next_page(wizard)
    finish_export(wizard, qtbot, tmp_path / "luis.tkb")
    assert wizard.outcome is not None and wizard.outcome.result.records == 2


def test_stop_writes_nothing_and_records_nothing(
    demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    wizard = open_wizard(demo_runner, qtbot)
    to_recipient(wizard, qtbot)
    new_recipient(wizard, "Ana Paz", "public_research")
    to_plan(wizard, qtbot)
    next_page(wizard)
    dest = tmp_path / "stopped.tkb"
    wizard.destination_page.path.setText(str(dest))
    # Hold the worker so the Stop press certainly comes before the export starts.
    gate = threading.Event()
    demo_runner.run(lambda _cat: gate.wait(10))
    next_page(wizard)
    assert wizard.currentId() == Page.PROGRESS
    wizard.progress_page.stop.click()
    gate.set()
    qtbot.waitUntil(lambda: wizard.progress_page.failure is not None, timeout=15_000)
    assert "Stopped" in wizard.progress_page.label.text()
    assert wizard.progress_page.retry.isVisibleTo(wizard)
    assert not dest.exists()
    assert list(tmp_path.glob("stopped*")) == []
    assert call(demo_runner, qtbot, sharing.list_exports) == []
    # Trying again writes it.
    wizard.progress_page.retry.click()
    qtbot.waitUntil(lambda: wizard.currentId() == Page.RESULT, timeout=30_000)
    assert dest.exists()


def test_destination_never_replaces_a_file(demo_runner: Any, qtbot: Any, tmp_path: Path) -> None:
    wizard = open_wizard(demo_runner, qtbot)
    to_recipient(wizard, qtbot)
    new_recipient(wizard, "Ana Paz", "public_research")
    to_plan(wizard, qtbot)
    next_page(wizard)
    taken = tmp_path / "taken.tkb"
    taken.write_bytes(b"someone else's file")
    wizard.destination_page.path.setText(str(taken))
    next_page(wizard)
    assert wizard.currentId() == Page.DESTINATION
    assert "already there" in wizard.destination_page.error.text()
    assert taken.read_bytes() == b"someone else's file"
    wizard.destination_page.path.setText(str(tmp_path / "missing-folder" / "x.tkb"))
    next_page(wizard)
    assert "does not exist" in wizard.destination_page.error.text()
    assert wizard.currentId() == Page.DESTINATION


def test_bad_age_key_is_refused_and_a_good_one_encrypts(
    demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    wizard = open_wizard(demo_runner, qtbot)
    to_recipient(wizard, qtbot)
    new_recipient(wizard, "Ana Paz", "public_research", age="age1notakey")
    next_page(wizard)
    assert wizard.currentId() == Page.RECIPIENT
    assert "age public key is not right" in wizard.recipient_page.error.text()

    identity = AgeIdentity.generate()
    wizard.recipient_page.age_key.setText(str(identity.recipient()))
    to_plan(wizard, qtbot)
    next_page(wizard)
    page = wizard.destination_page
    assert page.encrypt.isEnabled() and page.encrypt.isChecked()
    assert page.path.text().endswith(".tkb.age")
    dest = tmp_path / "ana.tkb.age"
    finish_export(wizard, qtbot, dest)
    assert wizard.outcome is not None and wizard.outcome.result.encrypted
    text = wizard.result_page.text.toPlainText()
    assert "age -d -i YOUR-KEY.txt -o ana.tkb ana.tkb.age" in text
    if shutil.which("age"):
        key_file = tmp_path / "key.txt"
        key_file.write_text(identity.to_string() + "\n")
        run = subprocess.run(
            ["age", "-d", "-i", str(key_file), "-o", str(tmp_path / "ana.tkb"), str(dest)],
            capture_output=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert zipfile.is_zipfile(tmp_path / "ana.tkb")


def test_address_book_recipient_is_offered(demo_runner: Any, qtbot: Any) -> None:
    from tkapp.core.model import Recipient

    call(
        demo_runner,
        qtbot,
        lambda cat: sharing.add_recipient(
            cat, Recipient("Cooperativa Kallari", user_class="commons_enterprise")
        ),
    )
    wizard = open_wizard(demo_runner, qtbot)
    to_recipient(wizard, qtbot)
    page = wizard.recipient_page
    assert page.book_choice.isChecked() and page.book.count() == 1
    assert "Cooperatives" in page.book_class.text()
    plan = to_plan(wizard, qtbot).plan
    assert plan.recipient.user_class == "commons_enterprise"
    assert plan.included


@pytest.mark.parametrize(
    ("name", "encrypted", "expected"),
    [
        ("Ana Paz", False, "Ana-Paz-2026-01-02.tkb"),
        ("Universidad / Central: Lab", True, "Universidad-Central-Lab-2026-01-02.tkb.age"),
        ("???", False, "bundle-2026-01-02.tkb"),
    ],
)
def test_default_file_name(name: str, encrypted: bool, expected: str) -> None:
    from datetime import date

    assert default_file_name(name, date(2026, 1, 2), encrypted) == expected


def test_extension_follows_encryption() -> None:
    assert with_extension("/a/b.tkb", True) == "/a/b.tkb.age"
    assert with_extension("/a/b.tkb.age", False) == "/a/b.tkb"
    assert with_extension("/a/b", False) == "/a/b.tkb"
