"""File › Import records…: preview how a field export is understood, adjust, then import.

The dialog shows, from a preview of the one importer (``services.importing.run_import`` with
``dry_run``; nothing written), how each column of the file is understood and why, what would be
new, changed or unchanged, which attachments are missing and every row problem. A column can
be given another meaning with its drop-down; the choice is remembered for this form, so next
week's export imports without any choice. Photos and recordings come from an attachments ZIP
or a folder. Everything runs on the worker; the import is one step, all or nothing.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _, format_number, ngettext
from tkapp.services.importing import ImportResult, column_reason, run_import, target_label
from tkapp.services.importing import columns as cols
from tkapp.ui.common.dialogs import error_text, window_title
from tkapp.ui.common.progress import JobProgressBar
from tkapp.ui.common.worker import Job, Runner

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue


def summary_text(result: ImportResult) -> str:
    counts = result.counts
    lines = [
        _("{new} new, {changed} changed, {unchanged} unchanged (of {rows} rows).").format(
            new=format_number(counts.created),
            changed=format_number(counts.updated),
            unchanged=format_number(counts.unchanged),
            rows=format_number(result.rows),
        )
    ]
    if result.title_from:
        lines.append(
            _(
                "No title column: each title is taken from {columns} (the first with a value)."
            ).format(columns=", ".join(result.title_from))
        )
    if result.media_files:
        lines.append(
            ngettext(
                "{n} photo or recording in the attachments.",
                "{n} photos or recordings in the attachments.",
                result.media_files,
            ).format(n=format_number(result.media_files))
        )
    if result.missing_media:
        lines.append(
            ngettext(
                "{n} attachment is missing (see below): choose the attachments ZIP or folder, "
                "or import now and add them later by importing again.",
                "{n} attachments are missing (see below): choose the attachments ZIP or folder, "
                "or import now and add them later by importing again.",
                len(result.missing_media),
            ).format(n=format_number(len(result.missing_media)))
        )
    if result.errors:
        lines.append(
            ngettext(
                "{n} row cannot be imported (see below): correct it, or choose another meaning "
                "for its column.",
                "{n} rows cannot be imported (see below): correct them, or choose another "
                "meaning for their columns.",
                result.error_count,
            ).format(n=format_number(result.error_count))
        )
    return "\n".join(lines)


def problems_html(result: ImportResult) -> str:
    items = [
        html.escape(
            _("{file}, row {row} ({field}): {problem}").format(
                file=e.file, row=e.row, field=e.field, problem=e.message
            )
        )
        for e in result.errors[:200]
    ]
    items += [
        html.escape(_("Row {row}: attachment {file} not found").format(row=m.row, file=m.file))
        for m in result.missing_media[:200]
    ]
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


class ImportDialog(QDialog):
    """Preview, adjust and import one file. ``imported`` carries the result when done."""

    imported = Signal(object)

    def __init__(self, runner: Runner, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.source = Path(source)
        self.media: Path | None = None
        self.mapping: dict[str, str] = {}
        self.preview_result: ImportResult | None = None
        self.failure: BaseException | None = None
        self.setObjectName("import-dialog")
        self.setWindowTitle(window_title(_("Import records")))
        self.heading = QLabel(self.source.name, self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel(
            _(
                "This is how the file is understood. Nothing is saved until you press Import. "
                "To change what a column becomes, choose it in its list: your choice is "
                "remembered for this form."
            ),
            self,
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("Column"), _("Becomes"), _("Why")])
        self.table.setAccessibleName(_("How each column is understood"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.media_label = QLabel(_("Photos and recordings: none chosen"), self)
        self.media_label.setWordWrap(True)
        self.media_zip = QPushButton(_("Attachments ZIP…"), self)
        self.media_folder = QPushButton(_("Attachments folder…"), self)
        self.media_zip.clicked.connect(self.choose_media_zip)
        self.media_folder.clicked.connect(self.choose_media_folder)
        self.summary = QLabel(_("Reading the file…"), self)
        self.summary.setWordWrap(True)
        self.problems = QTextBrowser(self)
        self.problems.setAccessibleName(_("Problems"))
        self.problems.setMaximumHeight(140)
        self.problems.hide()
        self.bar = JobProgressBar(self)
        self.bar.hide()
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            _("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        close = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.start_import)
        close.clicked.connect(self.reject)
        self.import_button.setEnabled(False)

        media_row = QHBoxLayout()
        media_row.addWidget(self.media_label, 1)
        media_row.addWidget(self.media_zip)
        media_row.addWidget(self.media_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(media_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.resize(980, 640)

    # --- preview ------------------------------------------------------------------------

    def preview(self) -> None:
        """(Re)read the file on the worker with the current choices; nothing is written."""
        self.import_button.setEnabled(False)
        self.summary.setText(_("Reading the file…"))
        source, media, mapping = self.source, self.media, dict(self.mapping)

        def op(cat: Catalogue, job: Job) -> ImportResult:
            return run_import(cat, source, media=media, mapping=mapping, dry_run=True)

        self.runner.run_job(op, self._previewed, self._failed, context=self)

    def _previewed(self, result: ImportResult) -> None:
        self.preview_result = result
        self.failure = None
        details = [result.format.upper()]
        if result.encoding:
            details.append(_("text encoding {encoding}").format(encoding=result.encoding))
        self.heading.setText(f"{self.source.name} ({', '.join(details)})")
        if result.remembered_mapping:
            self.intro.setText(
                self.intro.text().split("\n")[0]
                + "\n"
                + _("Your earlier choices for this form are used.")
            )
        self._fill_table(result)
        self.summary.setText(summary_text(result))
        text = problems_html(result)
        self.problems.setHtml(text)
        self.problems.setVisible(bool(text))
        changes = result.counts.created + result.counts.updated
        self.import_button.setEnabled(result.ok and (changes > 0 or result.media_files > 0))

    def _fill_table(self, result: ImportResult) -> None:
        self.table.setRowCount(len(result.columns))
        for row, column in enumerate(result.columns):
            self.table.setItem(row, 0, QTableWidgetItem(column.header))
            combo = QComboBox(self.table)
            combo.setAccessibleName(_("What {column} becomes").format(column=column.header))
            for target in cols.MAP_TARGETS:
                combo.addItem(target_label(target), target)
            combo.setCurrentIndex(cols.MAP_TARGETS.index(column.target))
            combo.currentIndexChanged.connect(
                lambda _i, header=column.header, box=combo: self._choose(header, box)
            )
            self.table.setCellWidget(row, 1, combo)
            self.table.setItem(row, 2, QTableWidgetItem(column_reason(column)))

    def _choose(self, header: str, combo: QComboBox) -> None:
        self.mapping[header] = str(combo.currentData())
        self.preview()

    def _failed(self, error: BaseException) -> None:
        self.failure = error
        self.bar.hide()
        self.summary.setText(error_text(error))
        self.import_button.setEnabled(False)

    # --- attachments ----------------------------------------------------------------------

    def choose_media_zip(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            window_title(_("Photos and recordings")),
            str(self.source.parent),
            _("ZIP files (*.zip)"),
        )
        if chosen:
            self.set_media(Path(chosen))

    def choose_media_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, window_title(_("Photos and recordings")), str(self.source.parent)
        )
        if chosen:
            self.set_media(Path(chosen))

    def set_media(self, path: Path) -> None:
        self.media = path
        self.media_label.setText(_("Photos and recordings: {name}").format(name=path.name))
        self.preview()

    # --- import ---------------------------------------------------------------------------

    def start_import(self) -> None:
        source, media, mapping = self.source, self.media, dict(self.mapping)

        def op(cat: Catalogue, job: Job) -> ImportResult:
            return run_import(
                cat,
                source,
                media=media,
                mapping=mapping,
                progress=job.report,
                cancel=job.is_cancelled,
            )

        self.import_button.setEnabled(False)
        self.table.setEnabled(False)
        self.summary.setText(_("Importing… Nothing is saved unless every row is correct."))
        self.bar.track(
            self.runner.run_job(
                op,
                self._imported,
                self._import_failed,
                context=self,
                on_progress=self.bar.set_progress,
            )
        )

    def _imported(self, result: ImportResult) -> None:
        self.bar.finish(completed=False)
        self.imported.emit(result)
        self.accept()

    def _import_failed(self, error: BaseException) -> None:
        self.bar.finish(completed=False)
        self.table.setEnabled(True)
        self._failed(error)

    def reject(self) -> None:
        self.bar.cancel()  # the transaction rolls back: nothing is kept
        super().reject()
