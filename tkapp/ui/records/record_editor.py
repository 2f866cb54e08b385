"""The record editor: every field of a knowledge record in tabs, sized for a 1366x768 laptop.

Loading and saving run on the catalogue worker, so the window stays responsive while a long
video is being stored (with progress and Cancel). Problems are shown next to the field in
red and on its tab, never in a pop-up. Closing with unsaved changes asks first.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import KnowledgeRecord, Taxon
from tkapp.errors import Cancelled, ValidationError
from tkapp.i18n import _
from tkapp.services.terms import list_terms
from tkapp.ui.common.dialogs import window_title
from tkapp.ui.common.keyboard import name_form_fields, release_tab
from tkapp.ui.common.progress import JobProgressBar
from tkapp.ui.common.worker import Job, Runner
from tkapp.ui.records.record_editor_pages import (
    EditorData,
    KnowledgePage,
    MediaPage,
    Page,
    PeoplePage,
    PlacePage,
    ProtocolsPage,
    SpeciesPage,
    UsesPage,
)
from tkapp.ui.records.record_editor_widgets import (
    TabMarker,
    error_text,
    show_error,
    validation_message,
)

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

# Fields named by service errors that are not on a page of their own.
_FIELD_ALIASES = {"person_ids": "holders", "record_id": "title"}


def load_editor_data(cat: Catalogue, record_id: str | None) -> EditorData:
    """Worker op: the record and everything its pickers need, in one round trip."""
    record = cat.get_record(record_id) if record_id else None
    taxa: list[Taxon] = []
    if record is not None:
        wanted = set(record.taxon_ids)
        taxa = [t for t in cat.list_taxa("") if t.id in wanted]
    community = cat.community
    return EditorData(
        record=record,
        taxa=taxa,
        persons=cat.list_persons(""),
        consents=cat.list_consents(None),
        languages=list(community.languages) if community is not None else [],
        terms=list_terms(cat),
    )


def save_record_op(rec: KnowledgeRecord, is_new: bool) -> Callable[[Catalogue], KnowledgeRecord]:
    """Worker op: store the record and keep consent records pointing back at it."""

    def op(cat: Catalogue) -> KnowledgeRecord:
        saved = cat.add_record(rec) if is_new else cat.update_record(rec)
        linked = set(saved.consent_ids)
        for consent in cat.list_consents(None):
            has = saved.id in consent.record_ids
            if consent.id in linked and not has:
                consent.record_ids.append(saved.id)
                cat.update_consent(consent)
            elif consent.id not in linked and has:
                consent.record_ids.remove(saved.id)
                cat.update_consent(consent)
        return saved

    return op


class RecordEditorDialog(QDialog):
    """Create (``record_id=None``) or edit one knowledge record."""

    #: The record was stored (its id); emitted after each successful save.
    saved = Signal(str)
    #: The record and pickers finished loading (for tests and busy indicators).
    loaded = Signal()

    def __init__(
        self, runner: Runner, record_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.record_id = record_id
        self._record: KnowledgeRecord | None = None  # as stored
        self._draft = KnowledgeRecord(title="")  # a new record's id is fixed from the start
        self._baseline: tuple[object, ...] | None = None
        self._loading = True
        self._saving = False
        self._close_after_save = False
        self._job: Job | None = None

        self.setWindowTitle(
            window_title(_("New record") if record_id is None else _("Edit record"))
        )
        self.setSizeGripEnabled(True)
        self.resize(1000, 680)
        self.setMinimumSize(760, 520)

        self.tabs = QTabWidget()
        self.knowledge = KnowledgePage()
        self.uses = UsesPage()
        self.species = SpeciesPage(runner)
        self.people = PeoplePage(runner)
        self.place = PlacePage()
        self.protocols = ProtocolsPage()
        self.media = MediaPage(runner)
        self._containers: dict[Page, QScrollArea] = {}
        self.pages: list[Page] = [
            self.knowledge,
            self.uses,
            self.species,
            self.people,
            self.place,
            self.protocols,
            self.media,
        ]
        for page, title in zip(
            self.pages,
            (
                _("Knowledge"),
                _("Uses"),
                _("Species"),
                _("People"),
                _("Place"),
                _("Protocols && terms"),
                _("Media"),
            ),
            strict=True,
        ):
            # Each page scrolls on its own if the window is made smaller than it needs.
            container = QScrollArea()
            container.setWidgetResizable(True)
            container.setFrameShape(QFrame.Shape.NoFrame)
            container.setWidget(page)
            self._containers[page] = container
            self.tabs.addTab(container, title)
            page.changed.connect(self._on_changed)
        self.marker = TabMarker(self.tabs)

        self.status_label = QLabel(_("Loading…"))
        self.status_label.setWordWrap(True)
        self.progress = JobProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.cancel_button = QPushButton(_("Stop adding files"))
        self.cancel_button.hide()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.save_close_button = QPushButton(_("Save and close"))
        self.close_button = QPushButton(_("Close"))
        self.save_close_button.setDefault(True)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.save_close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.save_button.clicked.connect(lambda: self.save())  # noqa: PLW0108 - drop `checked`
        self.save_close_button.clicked.connect(lambda: self.save(close_after=True))
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel_media)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())  # noqa: PLW0108
        # Ctrl+W closes the editor like Escape and Close (asking about unsaved changes).
        QShortcut(QKeySequence.StandardKey.Close, self, self.reject)
        self.people.model.rowsInserted.connect(self._holders_changed)
        self.people.model.rowsRemoved.connect(self._holders_changed)
        self._waiting_for_media = False
        self.media.media.loaded.connect(self._on_media_loaded)
        release_tab(self)  # Tab moves on from the uses and holders tables
        name_form_fields(self)

        self._set_enabled(False)
        runner.run(
            lambda cat: load_editor_data(cat, record_id),
            self._on_loaded,
            self._on_load_error,
            context=self,
        )

    # -- loading ---------------------------------------------------------------------------

    def _on_loaded(self, data: EditorData) -> None:
        self._record = data.record
        self._data = data
        rec = data.record or self._new_record(data)
        self._waiting_for_media = True
        for page in self.pages:
            page.load(rec, data)
            page.load_confidential(rec.confidential)
        self._holders_changed()

    def _on_media_loaded(self) -> None:
        if not self._waiting_for_media:
            self._reset_baseline_if_clean()
            return
        # The form is complete only once the media list has arrived too.
        self._waiting_for_media = False
        self._loading = False
        self._set_enabled(True)
        self._baseline = self._state()
        self.status_label.setText(
            _("New record: nothing is stored until you save.") if self._record is None else ""
        )
        self._update_title()
        self.knowledge.title_edit.setFocus()
        self.loaded.emit()

    def _new_record(self, data: EditorData) -> KnowledgeRecord:
        rec = self._draft
        if data.languages:
            rec.language = data.languages[0]
        return rec

    def _on_load_error(self, exc: BaseException) -> None:
        self.status_label.setText(error_text(exc))
        show_error(self, exc)

    def _reset_baseline_if_clean(self) -> None:
        # The media list loads after the form; its arrival is not an edit.
        if not self._saving and not self.media.media.has_changes():
            self._baseline = self._state()
            self._update_title()

    def _set_enabled(self, on: bool) -> None:
        self.tabs.setEnabled(on)
        for button in (self.save_button, self.save_close_button):
            button.setEnabled(on)

    def _holders_changed(self, *_args: object) -> None:
        # People created in this editor must be known to the media list too (the recorder
        # offers them as speakers; the deceased warning names them).
        self.media.media.set_people(self.people.people)
        self.media.media.set_default_person_ids(self.people.holder_ids())

    # -- state -----------------------------------------------------------------------------

    def page_tab(self, page: Page) -> QWidget:
        """The tab holding ``page`` (its scroll area)."""
        return self._containers[page]

    def _state(self) -> tuple[object, ...]:
        return tuple(page.state() for page in self.pages)

    def has_unsaved_changes(self) -> bool:
        """True when anything differs from what is stored (or a new record has content)."""
        if self._loading or self._baseline is None:
            return False
        return self._state() != self._baseline

    def _on_changed(self) -> None:
        if not self._loading:
            self._update_title()

    def _update_title(self) -> None:
        base = _("New record") if self._record is None else _("Edit record")
        title = self.knowledge.title_edit.text().strip()
        what = _("{what}: {title}").format(what=base, title=title) if title else base
        if self.has_unsaved_changes():
            what = "* " + what
        self.setWindowTitle(window_title(what))

    # -- collecting and validating ---------------------------------------------------------

    def collect(self) -> KnowledgeRecord:
        """The record as the form shows it (raises ValidationError for unreadable numbers)."""
        rec = (
            copy.deepcopy(self._record) if self._record is not None else copy.deepcopy(self._draft)
        )
        confidential: set[str] = set()
        for page in self.pages:
            page.collect(rec)
            confidential |= page.confidential()
        rec.confidential = confidential
        return rec

    def clear_problems(self) -> None:
        self.marker.clear()
        for page in self.pages:
            for label in page.errors.values():
                label.clear_message()

    def show_problem(self, error: ValidationError) -> bool:
        """Show a problem under its field and mark its tab; False if no field matches."""
        name = str(error.params.get("field", ""))
        name = _FIELD_ALIASES.get(name, name)
        for page in self.pages:
            label = page.errors.get(name)
            if label is not None:
                label.show_message(validation_message(error))
                self.marker.mark(self._containers[page])
                return True
        return False

    def validate(self) -> KnowledgeRecord | None:
        """Collect and check the form; show every problem found; None if there are any."""
        self.clear_problems()
        problems: list[ValidationError] = list(self.place.parse_errors())
        rec = None
        if not problems:
            try:
                rec = self.collect()
            except ValidationError as exc:
                problems.append(exc)
        if rec is not None:
            problems.extend(self._domain_problems(rec))
        if problems:
            for problem in problems:
                if not self.show_problem(problem):
                    show_error(self, problem)
            first = next((c for c in self._containers.values() if self.marker.is_marked(c)), None)
            if first is not None:
                self.tabs.setCurrentWidget(first)
            self.status_label.setText(_("Please correct the fields marked in red."))
            return None
        return rec

    def _domain_problems(self, rec: KnowledgeRecord) -> list[ValidationError]:
        """Run ``validate()`` repeatedly, so problems on several fields all show at once."""
        problems: list[ValidationError] = []
        probe = copy.deepcopy(rec)
        for _attempt in range(8):
            try:
                probe.validate()
                return problems
            except ValidationError as exc:
                problems.append(exc)
                if not self._neutralise(probe, str(exc.params.get("field", ""))):
                    return problems
        return problems

    @staticmethod
    def _neutralise(probe: KnowledgeRecord, name: str) -> bool:
        # Replace the faulty value by a valid one so validate() can look further.
        def no_point() -> None:
            probe.place.latitude = None
            probe.place.longitude = None

        fixes: dict[str, Callable[[], None]] = {
            "title": lambda: setattr(probe, "title", "x"),
            "summary": lambda: setattr(probe, "summary", ""),
            "description": lambda: setattr(probe, "description", ""),
            "language": lambda: setattr(probe, "language", "en"),
            "latitude": lambda: setattr(probe.place, "latitude", 0.0),
            "longitude": lambda: setattr(probe.place, "longitude", 0.0),
            "uncertainty_m": lambda: setattr(probe.place, "uncertainty_m", None),
            "place": no_point,
            "restricted_group": lambda: setattr(probe, "restricted_group", "x"),
            "labels": lambda: setattr(probe, "labels", []),
            "confidential": lambda: setattr(probe, "confidential", set()),
        }
        fix = fixes.get(name)
        if fix is None:
            return False
        fix()
        return True

    # -- saving ----------------------------------------------------------------------------

    def save(self, *, close_after: bool = False) -> bool:
        """Validate and store; returns False at once if the form has problems."""
        if self._loading or self._saving:
            return False
        rec = self.validate()
        if rec is None:
            return False
        self._saving = True
        self._close_after_save = close_after
        self._set_enabled(False)
        self.close_button.setEnabled(False)
        self.status_label.setText(_("Saving…"))
        is_new = self._record is None
        self._runner.run(
            save_record_op(rec, is_new), self._on_record_saved, self._on_save_error, context=self
        )
        return True

    def _on_record_saved(self, rec: KnowledgeRecord) -> None:
        self._record = rec
        self.record_id = rec.id
        media = self.media.media
        if not media.has_changes():
            self._finish_save()
            return
        total = media.pending_bytes()
        if total:
            self.status_label.setText(_("Storing files in the catalogue…"))
            self.progress.set_progress(0, total)
            self.progress.show()
            self.cancel_button.show()
        self._job = media.apply(
            record_id=rec.id,
            on_done=lambda _m: self._finish_save(),
            on_error=self._on_media_error,
            on_progress=self.progress.set_progress,
        )

    def cancel_media(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status_label.setText(_("Stopping…"))

    def _on_media_error(self, exc: BaseException) -> None:
        self._end_busy()
        self._close_after_save = False
        if isinstance(exc, Cancelled):
            self.status_label.setText(
                _(
                    "The record is saved. Adding files was stopped; the files not stored yet "
                    "are still listed."
                )
            )
        else:
            self.status_label.setText(_("The record is saved, but some files could not be stored."))
            show_error(self, exc)
        self._baseline_after_save()
        self.saved.emit(self._record.id if self._record else "")

    def _finish_save(self) -> None:
        self._end_busy()
        self._baseline_after_save()
        self.status_label.setText(_("Saved."))
        assert self._record is not None
        self.saved.emit(self._record.id)
        if self._close_after_save:
            self._close_after_save = False
            super().accept()

    def _baseline_after_save(self) -> None:
        # The form now matches what is stored, apart from files still waiting.
        self._baseline = self._state()
        self._update_title()

    def _end_busy(self) -> None:
        self._saving = False
        self._job = None
        self.progress.hide()
        self.cancel_button.hide()
        self._set_enabled(True)
        self.close_button.setEnabled(True)

    def _on_save_error(self, exc: BaseException) -> None:
        self._end_busy()
        self._close_after_save = False
        self.status_label.setText("")
        if isinstance(exc, ValidationError) and self.show_problem(exc):
            self.status_label.setText(_("Please correct the fields marked in red."))
            return
        show_error(self, exc)

    # -- closing ---------------------------------------------------------------------------

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Ask what to do with unsaved changes: Save, Discard or Cancel (tests replace this)."""
        return QMessageBox.question(
            self,
            window_title(_("Unsaved changes")),
            _("This record has changes that are not saved. Save them before closing?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def reject(self) -> None:
        """Escape, Close and the window's X all come here."""
        if self._saving:
            self.status_label.setText(_("Please wait until saving has finished."))
            return
        if self.has_unsaved_changes():
            answer = self.ask_unsaved()
            if answer == QMessageBox.StandardButton.Save:
                self.save(close_after=True)
                return
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def accept(self) -> None:
        # Enter in a field must not close the editor without saving.
        self.save(close_after=True)


__all__ = ["RecordEditorDialog"]
