"""Sharing section (ledger, follow-ups, overdue reminders) and the open data dialog, on the
real demo catalogue (pytest-qt, offscreen)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from tests.ui import sharing_fixtures
from tests.ui.sharing_fixtures import call, mark_open_records
from tkapp.core.model import Recipient
from tkapp.services import sharing
from tkapp.services.sharing import ExportEntry
from tkapp.ui.sharing.export_wizard import ExportWizard
from tkapp.ui.sharing.opendata_dialog import OpenDataDialog, open_file_name
from tkapp.ui.sharing.sharing_models import LedgerColumn, LedgerModel
from tkapp.ui.sharing.sharing_section import SharingSection

demo_file = sharing_fixtures.demo_file
demo_runner = sharing_fixtures.demo_runner

ANA = Recipient(
    "Ana Paz",
    organisation="Universidad Central",
    user_class="public_research",
    contact="ana@uce.example",
)


def export(runner: Any, qtbot: Any, folder: Path, who: Recipient, days_ago: int) -> Any:
    def op(cat: Any) -> Any:
        sharing.add_recipient(cat, who)
        plan = sharing.plan_export(cat, None, who, "research")
        return sharing.export(
            cat,
            plan,
            folder / (who.name.replace(" ", "-") + ".tkb"),
            created=datetime.now(UTC) - timedelta(days=days_ago),
            expires=date.today() + timedelta(days=100),
        )

    return call(runner, qtbot, op)


@pytest.fixture
def section(demo_runner: Any, qtbot: Any) -> SharingSection:
    widget = SharingSection(demo_runner)
    qtbot.addWidget(widget)
    widget.resize(1150, 680)
    widget.show()
    return widget


def load(section: SharingSection, qtbot: Any, rows: int) -> None:
    section.refresh()
    qtbot.waitUntil(
        lambda: not section.loading() and section.model.rowCount() == rows, timeout=10_000
    )


def test_ledger_model_passes_the_model_tester(
    demo_runner: Any, qtbot: Any, qtmodeltester: Any, tmp_path: Path
) -> None:
    export(demo_runner, qtbot, tmp_path, ANA, 3)
    entries: list[ExportEntry] = call(demo_runner, qtbot, sharing.list_exports)
    model = LedgerModel()
    model.set_entries(entries, {entries[0].terms_id: "Ours v1"}, {entries[0].bundle_id})
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, LedgerColumn.TERMS)) == "Ours v1"
    assert model.data(model.index(0, LedgerColumn.SHA256)) == entries[0].bundle_sha256[:12]
    assert model.data(model.index(0, LedgerColumn.DATE)).startswith("⚠ ")


def test_empty_ledger_says_what_to_do(section: SharingSection, qtbot: Any) -> None:
    load(section, qtbot, 0)
    assert section.empty.isVisible()
    assert "New export" in section.empty.text()
    assert not section.banner.isVisible()
    assert not section.add_button.isEnabled()


def test_ledger_details_follow_ups_and_overdue_reminder(
    section: SharingSection, demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    old = export(demo_runner, qtbot, tmp_path, ANA, 400)
    coop = Recipient("Cooperativa Kallari", user_class="commons_enterprise")
    export(demo_runner, qtbot, tmp_path, coop, 5)
    load(section, qtbot, 2)
    assert not section.empty.isVisible()
    # Newest first; the year-old export to Ana carries "share results" with no follow-up.
    assert section.model.entry(0).recipient.name == "Cooperativa Kallari"
    assert section.banner.isVisible()
    assert "Ana Paz has not yet returned the results" in section.banner.text()
    assert "400 days ago" in section.banner.text()
    assert section.model.data(section.model.index(1, LedgerColumn.DATE)).startswith("⚠")

    section.table.selectRow(1)
    assert section.info_labels["recipient"].text() == "Ana Paz (Universidad Central)"
    assert section.info_labels["sha"].text() == old.sha256
    assert section.info_labels["contact"].text() == "ana@uce.example"
    qtbot.waitUntil(lambda: section.records_list.count() == old.records, timeout=10_000)
    assert section.records_count.text() == f"{old.records} records"

    section.kind.setCurrentIndex(section.kind.findData("results_returned"))
    section.note.setText("Informe final recibido")
    section.add_follow_up()
    qtbot.waitUntil(
        lambda: (
            section.follow_feedback.text() == "The follow-up was noted." and not section.loading()
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not section.banner.isVisible(), timeout=10_000)
    entry = call(demo_runner, qtbot, lambda cat: sharing.get_export(cat, old.bundle_id))
    assert [(f.kind, f.note) for f in entry.follow_ups] == [
        ("results_returned", "Informe final recibido")
    ]
    row = section.model.row_of(old.bundle_id)
    assert section.table.currentIndex().row() == row  # the same export stays selected
    assert "Results returned: Informe final recibido" in section.follow_ups.item(0).text()


def test_new_export_opens_the_wizard_and_refreshes_after(
    section: SharingSection, demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    load(section, qtbot, 0)
    wizard = section.new_export()
    assert isinstance(wizard, ExportWizard) and wizard.record_ids is None
    qtbot.waitUntil(wizard.records_page.isComplete, timeout=10_000)
    wizard.next()
    qtbot.waitUntil(wizard.recipient_page.loaded, timeout=10_000)
    wizard.recipient_page.name.setText("Ana Paz")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan_page.view is not None, timeout=10_000)
    wizard.next()
    wizard.destination_page.path.setText(str(tmp_path / "ana.tkb"))
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=30_000)
    wizard.accept()


def test_open_data_preview_and_darwin_core_archive(
    section: SharingSection, demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    titles = mark_open_records(demo_runner, qtbot)
    dialog = section.open_data()
    assert isinstance(dialog, OpenDataDialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    assert dialog.plan is not None and len(dialog.plan.included) == 2
    assert "2 records may be published openly" in dialog.summary.text()
    assert "28 records are not marked" in dialog.summary.text()
    shown = dialog.details.toPlainText()
    assert all(title in shown for title in titles)
    assert dialog.export_button.isEnabled()

    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"mine")
    dialog.path.setText(str(taken))
    dialog.export()
    assert "already there" in dialog.outcome.text()
    assert taken.read_bytes() == b"mine"

    dest = tmp_path / "open.zip"
    dialog.path.setText(str(dest))
    dialog.export()
    qtbot.waitUntil(lambda: dialog.report is not None or dialog.failure is not None, timeout=20_000)
    assert dialog.failure is None and dialog.report is not None
    assert dialog.report.records == 2
    with zipfile.ZipFile(dest) as archive:
        assert {"meta.xml", "eml.xml"} <= set(archive.namelist())
    assert "Written:" in dialog.outcome.text()
    # Without a web address for them, media stay out of Darwin Core, and the dialog says so.
    left_out = dialog.report.media_left_out  # type: ignore[attr-defined]
    assert ("GBIF shows media only from a web address" in dialog.outcome.text()) == bool(left_out)

    dialog.geojson.setChecked(True)
    assert dialog.path.text().endswith(".geojson")
    assert not dialog.media.isEnabled()
    dialog.export()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=20_000)
    assert dialog.report is not None and dialog.report.path.suffix == ".geojson"
    assert json.loads(dialog.report.path.read_text("utf-8"))["type"] == "FeatureCollection"
    dialog.reject()


def test_open_data_with_nothing_marked_explains_how(section: SharingSection, qtbot: Any) -> None:
    dialog = section.open_data()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    assert "No record may be published openly now." in dialog.summary.text()
    assert "choose an open licence" in dialog.details.toPlainText()
    assert not dialog.export_button.isEnabled()
    dialog.reject()


def test_open_file_name() -> None:
    assert open_file_name("Sacha Yaku (demo)", date(2026, 1, 2), "dwca") == (
        "Sacha-Yaku-demo-open-data-2026-01-02.zip"
    )
    assert open_file_name("", date(2026, 1, 2), "geojson").endswith(".geojson")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_ledger_shows_revoked_grants(
    demo_runner: Any, qtbot: Any, tmp_path: Path, lang: str
) -> None:
    from tkapp.i18n import set_language
    from tkapp.services import grants

    ana = export(demo_runner, qtbot, tmp_path, ANA, 10)
    coop = Recipient("Cooperativa Kallari", user_class="commons_enterprise")
    export(demo_runner, qtbot, tmp_path, coop, 5)
    reason = "The assembly withdrew its consent after the meeting of 3 March"
    call(
        demo_runner,
        qtbot,
        lambda cat: grants.revoke(
            cat,
            bundle_ids=[ana.bundle_id],
            reason=reason,
            now=datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
        ),
    )
    set_language(lang)
    try:
        section = SharingSection(demo_runner)  # built in the language, as the app does
        qtbot.addWidget(section)
        section.resize(1366, 768)
        section.show()
        load(section, qtbot, 2)
        row = section.model.row_of(ana.bundle_id)
        other = 1 - row
        cell = section.model.data(section.model.index(row, LedgerColumn.EXPIRES))
        tip = section.model.data(
            section.model.index(row, LedgerColumn.EXPIRES), Qt.ItemDataRole.ToolTipRole
        )
        word = {"en": "Revoked on", "es": "Revocado el"}[lang]
        assert cell.startswith(word) and cell.endswith("…") and len(cell) < len(tip)
        assert tip.endswith(reason) and "2026" in tip
        assert not section.model.data(section.model.index(other, LedgerColumn.EXPIRES)).startswith(
            word
        )
        section.table.selectRow(row)
        assert section.info_labels["revoked"].text() == tip
        section.table.selectRow(other)
        assert section.info_labels["revoked"].text() == {"en": "No", "es": "No"}[lang]
        section.table.selectRow(row)
        QApplication.processEvents()
        shot = sharing_fixtures.shots_dir(tmp_path) / f"sharing-ledger-revoked-{lang}.png"
        assert section.grab().save(str(shot), "PNG")
    finally:
        set_language("en")
