"""The import dialog: preview of a real Kobo export (columns, counts, attachments), a column
choice re-previews and is remembered, the import writes everything; screenshots in English
and Spanish at 1366x768."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tkapp.i18n import set_language

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "import"


def _dialog(open_runner, qtbot, source: Path):
    from tkapp.ui.sharing.import_dialog import ImportDialog

    dialog = ImportDialog(open_runner, source)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    dialog.preview()
    qtbot.waitUntil(
        lambda: dialog.preview_result is not None or dialog.failure is not None, timeout=15_000
    )
    return dialog


def _row_of(dialog, header: str) -> int:
    return next(
        r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == header
    )


def test_preview_choose_and_import(open_runner, qtbot) -> None:
    dialog = _dialog(open_runner, qtbot, SAMPLES / "kobo_export.xlsx")
    assert dialog.preview_result.counts.created == 2
    assert "2 new, 0 changed, 0 unchanged" in dialog.summary.text()
    assert "3 attachments are missing" in dialog.summary.text()
    combo = dialog.table.cellWidget(_row_of(dialog, "_uuid"), 1)
    assert combo.currentData() == "key"
    # Attachments: the missing files are found and the preview says so.
    dialog.preview_result = None
    dialog.set_media(SAMPLES / "kobo_attachments.zip")
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=15_000)
    assert not dialog.preview_result.missing_media and dialog.import_button.isEnabled()
    # Another meaning for a column: previewed again at once.
    part = dialog.table.cellWidget(_row_of(dialog, "planta/parte_usada"), 1)
    dialog.preview_result = None
    part.setCurrentIndex(part.findData("summary"))
    qtbot.waitUntil(lambda: dialog.preview_result is not None, timeout=15_000)
    assert dialog.mapping == {"planta/parte_usada": "summary"}
    done = []
    dialog.imported.connect(done.append)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert done[0].counts.created == 2 and done[0].counts.media_attached == 3
    # Re-opened: the choice is remembered for this form, and nothing is new.
    again = _dialog(open_runner, qtbot, SAMPLES / "kobo_export.csv")
    assert again.preview_result.remembered_mapping and again.preview_result.counts.unchanged == 2
    assert not again.import_button.isEnabled()  # nothing to change


def test_a_file_that_cannot_be_read_says_why(open_runner, qtbot, tmp_path) -> None:
    bad = tmp_path / "form.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    dialog = _dialog(open_runner, qtbot, bad)
    assert dialog.failure is not None and "form.xlsx" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_screenshot(open_runner, qtbot, tmp_path, lang) -> None:
    set_language(lang)
    try:
        dialog = _dialog(open_runner, qtbot, SAMPLES / "kobo_export.csv")
        folder = Path(os.environ.get("TKAPP_SHOTS", tmp_path))
        folder.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().save(str(folder / f"import-dialog-{lang}.png"))
    finally:
        set_language("en")


def test_summary_counts_every_row_error_not_only_the_ones_listed(
    cat, tmp_path: Path, qtbot
) -> None:
    # An exchange preview keeps the first 1,000 problems (bounded memory): the summary must
    # still say how many rows cannot be imported in all.
    import csv

    from tkapp.services.importing import run_import
    from tkapp.ui.sharing.import_dialog import summary_text

    set_language("en")
    folder = tmp_path / "exchange"
    folder.mkdir()
    with (folder / "records.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title"])
        writer.writerows([f"record-{n}", "x"] for n in range(1200))
    result = run_import(cat, folder, dry_run=True)
    assert len(result.errors) == 1000 and result.error_count == 1200
    assert "1,200 rows cannot be imported" in summary_text(result)
