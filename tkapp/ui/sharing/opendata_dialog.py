"""The "Open data" dialog: what may be published openly, and writing it (issue 9).

It previews ``services.opendata.plan_open_data`` (which records go, which stay and why) and
writes a Darwin Core Archive (for GBIF and herbarium portals) or a GeoJSON map through the
services, on the worker, with a cancellable progress bar. Only records the community marked
for open publication, under an open licence their terms allow, ever go.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import Cancelled
from tkapp.i18n import _, ngettext
from tkapp.licensing import release_text
from tkapp.licensing.open_licence import LICENCE_TITLES, describe_open_reason
from tkapp.services.opendata import OpenExportReport, OpenPlan
from tkapp.ui.common.dialogs import error_text, window_title
from tkapp.ui.common.progress import JobProgressBar
from tkapp.ui.common.worker import Job, Runner

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

DWCA = "dwca"
GEOJSON = "geojson"


def open_file_name(community: str, day: date, kind: str) -> str:
    """``<community>-open-data-<date>.zip`` (or ``.geojson``), safe on every system."""
    stem = re.sub(r"[^\w]+", "-", community, flags=re.UNICODE).strip("-_")[:50] or "catalogue"
    ext = ".zip" if kind == DWCA else ".geojson"
    return f"{stem}-open-data-{day.isoformat()}{ext}"


def open_plan_summary(plan: OpenPlan) -> str:
    going = len(plan.included)
    lines = []
    if going:
        lines.append(
            ngettext(
                "{n} record may be published openly, under {licence}.",
                "{n} records may be published openly, under {licence}.",
                going,
            ).format(n=going, licence=LICENCE_TITLES.get(plan.licence, plan.licence))
        )
    else:
        lines.append(_("No record may be published openly now."))
    if plan.excluded:
        lines.append(
            ngettext(
                "{n} record marked for open publication stays in the catalogue (see why below).",
                "{n} records marked for open publication stay in the catalogue (see why below).",
                len(plan.excluded),
            ).format(n=len(plan.excluded))
        )
    if plan.not_marked:
        lines.append(
            ngettext(
                "{n} record is not marked for open publication and stays in the catalogue.",
                "{n} records are not marked for open publication and stay in the catalogue.",
                plan.not_marked,
            ).format(n=plan.not_marked)
        )
    return "\n".join(lines)


def open_plan_html(plan: OpenPlan) -> str:
    esc = html.escape
    parts: list[str] = []
    if plan.included:
        parts.append("<h3>" + esc(_("What goes ({n})").format(n=len(plan.included))) + "</h3><ul>")
        for item in plan.included:
            # The release gate's own lines, as the sharing plan shows them.
            lines = release_text.describe_release(item.release) if item.release else []
            parts.append(
                "<li><b>"
                + esc(item.record.title)
                + "</b> ("
                + esc(LICENCE_TITLES.get(item.decision.licence, item.decision.licence))
                + ")<ul>"
                + "".join("<li>" + esc(line.text) + "</li>" for line in lines)
                + "</ul></li>"
            )
        parts.append("</ul>")
    if plan.excluded:
        parts.append(
            "<h3>"
            + esc(_("What stays in the catalogue, and why ({n})").format(n=len(plan.excluded)))
            + "</h3><ul>"
        )
        for excluded in plan.excluded:
            reasons = " ".join(describe_open_reason(r) for r in excluded.reasons)
            parts.append("<li><b>" + esc(excluded.title) + "</b><br>" + esc(reasons) + "</li>")
        parts.append("</ul>")
    if not plan.included and not plan.excluded:
        parts.append(
            "<p>"
            + esc(
                _(
                    "To publish a record openly, open it and choose an open licence in its "
                    "protocols. Only public records whose terms and labels allow that licence "
                    "can go."
                )
            )
            + "</p>"
        )
    return "".join(parts)


class OpenDataDialog(QDialog):
    """Preview and write the open data exports."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.plan: OpenPlan | None = None
        self.failure: BaseException | None = None
        self.report: OpenExportReport | None = None
        self.community = ""
        self.setObjectName("open-data-dialog")
        self.setWindowTitle(window_title(_("Open data")))
        intro = QLabel(
            _(
                "Open data is for portals such as GBIF or a public map. Only records the "
                "community marked with an open licence go, and only when their terms, labels "
                "and access allow it. Places are generalised as each record says."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.summary = QLabel(_("Working out what may be published…"), self)
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.details = QTextBrowser(self)
        self.details.setAccessibleName(_("What goes and what stays"))
        self.dwca = QRadioButton(_("Darwin Core Archive (.zip), for GBIF and herbaria"), self)
        self.geojson = QRadioButton(_("GeoJSON map (.geojson): only the generalised places"), self)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.dwca, 0)
        self.kind_group.addButton(self.geojson, 1)
        self.dwca.setChecked(True)
        self.media = QCheckBox(_("Include photos and sound that may be published"), self)
        self.media.setChecked(True)
        self.path = QLineEdit(self)
        self.path.setAccessibleName(_("File to write"))
        self.browse = QPushButton(_("Choose…"), self)
        self.browse.clicked.connect(self.choose_file)
        self.bar = JobProgressBar(self)
        self.bar.hide()
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            _("Write the file"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.stop_button = self.buttons.addButton(_("Stop"), QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button.hide()
        close = self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.export)
        self.stop_button.clicked.connect(self.stop)
        close.clicked.connect(self.reject)
        self.export_button.setEnabled(False)

        file_row = QHBoxLayout()
        file_row.addWidget(QLabel(_("Save as:"), self))
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.dwca)
        layout.addWidget(self.geojson)
        layout.addWidget(self.media)
        layout.addLayout(file_row)
        layout.addWidget(self.bar)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.kind_group.idToggled.connect(self._kind_toggled)
        self.resize(820, 600)
        self._load()

    def _load(self) -> None:
        from tkapp.services.opendata import plan_open_data

        def op(cat: Catalogue, job: Job) -> tuple[OpenPlan, str]:
            plan = plan_open_data(cat, progress=job.report, cancel=job.is_cancelled)
            return plan, cat.community.name

        self.runner.run_job(op, self._planned, self._plan_failed, context=self)

    def _planned(self, result: tuple[OpenPlan, str]) -> None:
        self.plan, self.community = result
        self.summary.setText(open_plan_summary(self.plan))
        self.details.setHtml(open_plan_html(self.plan))
        self._kind_changed()
        self.export_button.setEnabled(bool(self.plan.included))

    def _plan_failed(self, error: BaseException) -> None:
        self.failure = error
        self.summary.setText(error_text(error))

    def kind(self) -> str:
        return DWCA if self.dwca.isChecked() else GEOJSON

    def _kind_toggled(self, _id: int, on: bool) -> None:
        if on:
            self._kind_changed()

    def _kind_changed(self) -> None:
        self.media.setEnabled(self.kind() == DWCA)
        current = self.path.text().strip()
        name = open_file_name(self.community, date.today(), self.kind())
        folder = Path(current).parent if current else Path.home()
        self.path.setText(str(folder / name))

    def choose_file(self) -> None:
        pattern = "*.zip" if self.kind() == DWCA else "*.geojson"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, window_title(_("Save the open data")), self.path.text(), pattern
        )
        if chosen:
            self.path.setText(chosen)

    def export(self) -> None:
        """Write the chosen file on the worker (never replaces an existing file)."""
        dest = Path(self.path.text().strip()).expanduser()
        if not self.path.text().strip() or not dest.parent.is_dir():
            self.outcome.setText(_("This folder does not exist. Choose another place."))
            return
        if dest.exists():
            self.outcome.setText(_("A file with this name is already there. Choose another name."))
            return
        kind = self.kind()
        media = self.media.isChecked()

        def op(cat: Catalogue, job: Job) -> OpenExportReport:
            from tkapp.services.dwca import export_dwca
            from tkapp.services.geojson import export_geojson

            if kind == DWCA:
                return export_dwca(
                    cat, dest, include_media=media, progress=job.report, cancel=job.is_cancelled
                )
            return export_geojson(cat, dest, progress=job.report, cancel=job.is_cancelled)

        self.report = None
        self.export_button.setEnabled(False)
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        self.outcome.setText(_("Writing…"))
        self.bar.track(
            self.runner.run_job(
                op,
                self._written,
                self._write_failed,
                context=self,
                on_progress=self.bar.set_progress,
            )
        )

    def stop(self) -> None:
        self.bar.cancel()
        self.stop_button.setEnabled(False)
        self.outcome.setText(_("Stopping safely…"))

    def running(self) -> bool:
        return self.bar.running()

    def _written(self, report: OpenExportReport) -> None:
        self.report = report
        self.bar.finish(completed=True)
        self.stop_button.hide()
        self.export_button.setEnabled(True)
        self.outcome.setText(
            # Each count gets its own plural form ("1 archivo multimedia").
            _("Written: {path} ({records}, {media}, {licence}).").format(
                path=str(report.path),
                records=ngettext("{n} record", "{n} records", report.records).format(
                    n=report.records
                ),
                media=ngettext("{n} media file", "{n} media files", report.media).format(
                    n=report.media
                ),
                licence=LICENCE_TITLES.get(report.licence, report.licence),
            )
        )
        left_out = getattr(report, "media_left_out", 0)
        if left_out:
            # Darwin Core media need a web address (issue 16); the command line takes one.
            note = ngettext(
                "{n} media file was left out: GBIF shows media only from a web address. Upload "
                "the media folder somewhere public and export again with --media-base-url URL.",
                "{n} media files were left out: GBIF shows media only from a web address. Upload "
                "the media folder somewhere public and export again with --media-base-url URL.",
                left_out,
            ).format(n=left_out)
            self.outcome.setText(self.outcome.text() + "\n" + note)

    def _write_failed(self, error: BaseException) -> None:
        self.failure = error
        self.bar.finish(completed=False)
        self.stop_button.hide()
        self.export_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.outcome.setText(_("Stopped. Nothing was written."))
        else:
            self.outcome.setText(error_text(error))

    def reject(self) -> None:
        self.bar.cancel()  # the services leave nothing half-written
        super().reject()
