"""PNG screenshots of the export wizard (every page), the terms section (grid, details,
preview, history, labels) and the sharing section, in English and Spanish, at 1366x768.

Writes to ``$TKAPP_SHOTS`` when set (to look at them), else to the test's tmp_path. Run:

    TKAPP_SHOTS=/tmp/shots .venv/bin/python -m pytest -q tests/ui/test_sharing_screenshots.py
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from tests.ui import sharing_fixtures
from tests.ui.sharing_fixtures import (
    DEMO_PASSPHRASE,
    call,
    close_message_boxes,
    mark_open_records,
    shots_dir,
)
from tkapp.core.model import AccessLevel
from tkapp.i18n import set_language
from tkapp.ui.sharing.export_wizard import ExportWizard, Page

# Fixtures shared with the other sharing tests.
demo_file = sharing_fixtures.demo_file
demo_runner = sharing_fixtures.demo_runner


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    from tkapp.ui.common.qt_translations import install_qt_translations

    lang = request.param
    set_language(lang)
    install_qt_translations(qapp, lang)
    yield lang
    install_qt_translations(qapp, "en")
    set_language("en")


def save(widget: QWidget, folder: Path, name: str) -> Path:
    QApplication.processEvents()
    path = folder / name
    assert widget.grab().save(str(path), "PNG")
    assert path.stat().st_size > 5_000
    return path


def _prepare(runner: Any, qtbot: Any) -> tuple[str, str]:
    """One public record made culturally sensitive, so the confirmation page shows."""

    def op(cat: Any) -> tuple[str, str]:
        public = [
            r
            for r in (cat.get_record(i) for i in cat.search_ids(""))
            if r.access is AccessLevel.PUBLIC
        ]
        cat.update_record(replace(public[0], labels=[*public[0].labels, "tkcs"]))
        return public[0].id, public[1].id

    return call(runner, qtbot, op)


@pytest.mark.parametrize("language", ["en", "es"], indirect=True)
def test_export_wizard_pages(demo_runner: Any, qtbot: Any, tmp_path: Path, language: str) -> None:
    folder = shots_dir(tmp_path)
    first, _second = _prepare(demo_runner, qtbot)
    wizard = ExportWizard(demo_runner, [first])
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert wizard.width() <= 1366 and wizard.height() <= 768 - 60
    wizard.records_page.every.setChecked(True)
    qtbot.waitUntil(wizard.records_page.isComplete, timeout=10_000)
    save(wizard, folder, f"wizard-1-records-{language}.png")

    wizard.next()
    qtbot.waitUntil(wizard.recipient_page.loaded, timeout=10_000)
    page = wizard.recipient_page
    page.name.setText("Ana Paz")
    page.organisation.setText("Universidad Central del Ecuador")
    page.contact.setText("ana.paz@uce.example")
    save(wizard, folder, f"wizard-2-recipient-{language}.png")

    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan_page.view is not None, timeout=15_000)
    save(wizard, folder, f"wizard-3-plan-{language}.png")
    # The end of the plan: what stays home and why (consent, protocols, the Trash).
    bar = wizard.plan_page.details.verticalScrollBar()
    bar.setValue(bar.maximum())
    save(wizard, folder, f"wizard-3b-plan-stays-{language}.png")

    wizard.next()
    assert wizard.currentId() == Page.CONFIRM
    save(wizard, folder, f"wizard-4-confirm-{language}.png")
    wizard.confirm_page.check.setChecked(True)

    wizard.next()
    wizard.destination_page.path.setText(str(tmp_path / "Ana-Paz.tkb"))
    save(wizard, folder, f"wizard-5-destination-{language}.png")

    import threading

    gate = threading.Event()
    demo_runner.run(lambda _cat: gate.wait(10))
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert wizard.currentId() == Page.PROGRESS
    wizard.progress_page.bar.set_progress(40, 100)
    save(wizard, folder, f"wizard-6-progress-{language}.png")
    gate.set()
    qtbot.waitUntil(lambda: wizard.currentId() == Page.RESULT, timeout=30_000)
    save(wizard, folder, f"wizard-7-result-{language}.png")


def _main_window(runner: Any, qtbot: Any, demo_path: Path) -> Any:
    from tests.ui.shell_helpers import open_in_window
    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.settings import Settings

    window = MainWindow(runner, Settings())
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    open_in_window(window, qtbot, demo_path, DEMO_PASSPHRASE)
    return window


def _close(window: Any) -> None:
    from tests.ui.shell_helpers import close_boxes

    window.idle.detach()
    close_boxes()
    window.close()
    window.deleteLater()


@pytest.mark.parametrize("language", ["en", "es"], indirect=True)
def test_terms_and_sharing_sections(
    runner: Any, qtbot: Any, tmp_path: Path, demo_file: Path, language: str, monkeypatch: Any
) -> None:
    import shutil

    from tkapp.core.model import Recipient
    from tkapp.services import sharing

    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")
    folder = shots_dir(tmp_path)
    path = tmp_path / "demo.tkcat"
    shutil.copyfile(demo_file, path)
    window = _main_window(runner, qtbot, path)
    try:
        terms = window.view.show_section("terms")
        assert type(terms).__name__ == "TermsSection"
        qtbot.waitUntil(lambda: terms.loaded is not None and not terms.loading(), timeout=10_000)
        save(window, folder, f"terms-1-grid-{language}.png")
        terms.editor_tabs.setCurrentIndex(1)
        save(window, folder, f"terms-2-details-{language}.png")
        terms.editor_tabs.setCurrentIndex(2)
        terms.update_preview()
        save(window, folder, f"terms-3-preview-{language}.png")
        terms.editor_tabs.setCurrentIndex(3)
        save(window, folder, f"terms-4-history-{language}.png")
        terms.tabs.setCurrentIndex(1)
        terms.labels.select_label("tks")
        save(window, folder, f"terms-5-labels-{language}.png")
        terms.tabs.setCurrentIndex(0)
        terms.editor_tabs.setCurrentIndex(0)
        terms.grid_page.view.selectionModel().clear()
        terms.grid_page.view.setCurrentIndex(terms.grid_model.index(5, 2))
        dialog = terms.grid_page.edit_selected_cells()
        assert dialog is not None
        qtbot.waitExposed(dialog)
        save(dialog, folder, f"terms-6-cell-dialog-{language}.png")
        dialog.reject()

        # A ledger with two exports, one of them old enough to have an overdue duty.
        def fill(cat: Any) -> None:
            from datetime import UTC, datetime, timedelta

            ana = Recipient(
                "Ana Paz", organisation="Universidad Central", user_class="public_research"
            )
            coop = Recipient("Cooperativa Kallari", user_class="commons_enterprise")
            for who, days in ((ana, 400), (coop, 10)):
                sharing.add_recipient(cat, who)
                plan = sharing.plan_export(cat, None, who, "research")
                sharing.export(
                    cat,
                    plan,
                    tmp_path / (who.name.replace(" ", "-") + ".tkb"),
                    created=datetime.now(UTC) - timedelta(days=days),
                )

        call(runner, qtbot, fill)
        section = window.view.show_section("sharing")
        assert type(section).__name__ == "SharingSection"
        section.refresh()
        qtbot.waitUntil(
            lambda: section.model.rowCount() == 2 and not section.loading(), timeout=10_000
        )
        section.table.selectRow(1)
        qtbot.waitUntil(lambda: section.records_list.count() > 0, timeout=10_000)
        save(window, folder, f"sharing-1-ledger-{language}.png")
        mark_open_records(runner, qtbot)
        dialog = section.open_data()
        qtbot.waitUntil(
            lambda: dialog.plan is not None or dialog.failure is not None, timeout=10_000
        )
        save(dialog, folder, f"sharing-2-open-data-{language}.png")
        dialog.reject()
    finally:
        close_message_boxes()
        _close(window)
