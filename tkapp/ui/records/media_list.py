"""The media of one record (or one consent record): thumbnails, add, remove, captions.

Changes are staged, like every other field of the record editor: files picked or dropped are
shown at once (marked "not saved yet") and written into the encrypted catalogue only when
the owner is saved (:meth:`MediaListWidget.apply`), with progress and a Cancel button for big
files. Closing the editor without saving leaves the catalogue untouched.

Media showing or voicing a person who has died, or with a content warning, are shown
covered (blurred and darkened) until the custodian chooses "Show anyway".
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Media, MediaKind, Person
from tkapp.i18n import _
from tkapp.ui.common.worker import Job, Runner
from tkapp.ui.records.media_details import MediaDetailsPanel
from tkapp.ui.records.media_entries import MediaEntry, kind_for_mime, mime_for_file, open_source
from tkapp.ui.records.media_list_model import MediaListModel
from tkapp.ui.records.media_thumbnails import MAX_THUMBNAIL_SOURCE, THUMB, thumbnail_op
from tkapp.ui.records.media_viewer import MediaViewerDialog
from tkapp.ui.records.record_editor_widgets import hint, show_error

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue


class MediaListWidget(QWidget):
    """Thumbnails of an owner's media with add (button or drag and drop), remove, details."""

    #: Something changed that the owner must save.
    changed = Signal()
    #: The stored list was (re)loaded from the catalogue.
    loaded = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._record_id = ""
        self._consent_id = ""
        self._removed: list[Media] = []
        self._people: dict[str, Person] = {}
        self._default_person_ids: list[str] = []
        self._last_dir = str(Path.home())
        self.setAcceptDrops(True)

        self.model = MediaListModel(self)
        self.model.set_warning_rule(self.warning_for)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setGridSize(QSize(THUMB + 36, THUMB + 46))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAcceptDrops(False)  # drops go to this widget
        self.view.setAccessibleName(_("Media"))

        self.add_button = QPushButton(_("Add files…"))
        self.record_button = QPushButton(_("Record audio…"))
        self.record_button.setToolTip(
            _("Record a voice with this computer's microphone, straight into the catalogue.")
        )
        #: Makes the sound source for the recorder (tests feed generated sound through it).
        self.recorder_source_factory: Callable[[], Any] | None = None
        self.open_button = QPushButton(_("Open"))
        self.remove_button = QPushButton(_("Remove"))
        self.drop_hint = hint(_("You can also drag photos, recordings and documents here."))
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.record_button)
        top.addWidget(self.open_button)
        top.addWidget(self.remove_button)
        top.addWidget(self.drop_hint, 1)

        # Details of the selected item.
        self.details = MediaDetailsPanel(self.warning_for)
        self.details.edited.connect(self._details_edited)

        body = QHBoxLayout()
        body.addWidget(self.view, 1)
        body.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.add_button.clicked.connect(self.choose_files)
        self.record_button.clicked.connect(self.record_audio)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.details.show_anyway_button.clicked.connect(self.reveal_selected)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._show_details())
        self._update_buttons()

    # -- owner and people ------------------------------------------------------------------

    def set_people(self, people: Sequence[Person]) -> None:
        """Everyone who may appear in media (for names and the deceased warning)."""
        self._people = {p.id: p for p in people}
        self.model.set_warning_rule(self.warning_for)
        self._show_details()

    def set_default_person_ids(self, person_ids: Sequence[str]) -> None:
        """Persons assumed to appear in media that name nobody (the record's holders)."""
        self._default_person_ids = list(person_ids)
        self.model.set_warning_rule(self.warning_for)
        self._show_details()

    def warning_for(self, entry: MediaEntry) -> str:
        """Why a media item is covered ("" when it is not).

        Media that names no person counts the owner's holders: an elder's voice or face in a
        recording of their knowledge is the usual case, and covering by mistake costs one click
        while showing by mistake can hurt a family.
        """
        media = entry.media
        person_ids = media.person_ids or self._default_person_ids
        dead = [
            self._people[p].name
            for p in person_ids
            if p in self._people and self._people[p].deceased
        ]
        parts = []
        if dead:
            parts.append(
                _("May show or voice a person who has died: {names}.").format(names=", ".join(dead))
            )
        if media.content_warning:
            parts.append(media.content_warning)
        return " ".join(parts)

    # -- loading ---------------------------------------------------------------------------

    def load(self, record_id: str = "", consent_id: str = "") -> None:
        """Show the stored media of a record or consent record (or nothing for a new one)."""
        self._record_id = record_id
        self._consent_id = consent_id
        self._removed = []
        if not record_id and not consent_id:
            self.model.set_entries([])
            self._show_details()
            self.loaded.emit()
            return
        self._runner.run(
            lambda cat: cat.list_media(record_id=record_id or None, consent_id=consent_id or None),
            self._on_listed,
            self._on_error,
            context=self,
        )

    def _on_listed(self, media: list[Media]) -> None:
        # Files still waiting to be saved stay in the list.
        pending = [e for e in self.model.entries() if e.pending]
        entries = [MediaEntry(m) for m in media] + pending
        self.model.set_entries(entries)
        self._removed = []
        self._show_details()
        for entry in entries:
            self._request_thumbnail(entry)
        self.loaded.emit()

    def _on_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _request_thumbnail(self, entry: MediaEntry) -> None:
        if entry.media.kind is not MediaKind.PHOTO or entry.thumbnail is not None:
            return
        if entry.media.size > MAX_THUMBNAIL_SOURCE:
            return

        def done(image: QImage) -> None:
            if not image.isNull():
                entry.thumbnail = image
                self.model.entry_changed(entry)

        self._runner.run(thumbnail_op(entry), done, lambda _e: None, context=self)

    # -- adding and removing ---------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Add photos, recordings or documents"),
            self._last_dir,
            _("Photos, audio, video and documents (*)"),
        )
        if paths:
            self._last_dir = str(Path(paths[0]).parent)
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: Sequence[Path]) -> list[MediaEntry]:
        """Stage files to be stored when the owner is saved; returns the new rows."""
        added: list[MediaEntry] = []
        for path in paths:
            if not path.is_file():
                continue
            stat = path.stat()
            mime = mime_for_file(path)
            media = Media(
                kind=kind_for_mime(mime),
                mime_type=mime,
                file_name=path.name,
                size=stat.st_size,
                created=date.fromtimestamp(stat.st_mtime),
                record_id=self._record_id,
                consent_id=self._consent_id,
            )
            entry = MediaEntry(media, source_path=path)
            self.model.append(entry)
            self._request_thumbnail(entry)
            added.append(entry)
        if added:
            self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1))
            self._changed()
        return added

    def record_audio(self) -> Any:
        """Open the recorder (window-modal); a kept recording is staged like a picked file.

        Returns the open dialog (for tests)."""
        from tkapp.ui.records.audio_recorder import RecorderDialog

        dialog = RecorderDialog(
            list(self._people.values()),
            speaker_ids=self._default_person_ids,
            source_factory=self.recorder_source_factory,
            runner=self._runner,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            if result and dialog.recording is not None:
                self.add_recording(dialog.media(), dialog.recording.data)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def add_recording(self, media: Media, data: bytes) -> MediaEntry:
        """Stage a recording held in memory; it is stored when the owner is saved."""
        media.record_id = self._record_id
        media.consent_id = self._consent_id
        media.size = len(data)
        entry = MediaEntry(media, source_data=data)
        self.model.append(entry)
        self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1))
        self._changed()
        return entry

    def remove_selected(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        entry = self.model.remove(row)
        if not entry.pending:
            self._removed.append(entry.media)
        self._show_details()
        self._changed()

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def current_entry(self) -> MediaEntry | None:
        row = self.current_row()
        return self.model.entry(row) if row >= 0 else None

    def select_row(self, row: int) -> None:
        self.view.setCurrentIndex(self.model.index(row))

    def reveal_selected(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            entry.revealed = True
            self.model.entry_changed(entry)
            self._show_details()

    def open_selected(self) -> MediaViewerDialog | None:
        """Open the viewer (non-modal) for the selected item; returns it (for tests)."""
        entry = self.current_entry()
        if entry is None:
            return None
        warning = "" if entry.revealed else self.warning_for(entry)
        viewer = MediaViewerDialog(
            self._runner,
            entry.media,
            warning=warning,
            source_path=entry.source_path,
            source_data=entry.source_data,
            parent=self,
        )
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        return viewer

    # -- drag and drop ---------------------------------------------------------------------

    def _local_paths(self, event: QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def _accept_files(self, event: QDropEvent) -> None:
        if any(p.is_file() for p in self._local_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_files(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_files(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [p for p in self._local_paths(event) if p.is_file()]
        if paths:
            self.add_files(paths)
            event.acceptProposedAction()

    # -- details ---------------------------------------------------------------------------

    def _show_details(self) -> None:
        self.details.show_entry(self.current_entry(), list(self._people.values()))
        self._update_buttons()

    def _details_edited(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.model.entry_changed(entry)
        self._changed()

    def _update_buttons(self) -> None:
        has = self.current_entry() is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _changed(self) -> None:
        self._update_buttons()
        self.changed.emit()

    # -- saving ----------------------------------------------------------------------------

    def has_changes(self) -> bool:
        return bool(self._removed) or any(e.pending or e.dirty for e in self.model.entries())

    def pending_bytes(self) -> int:
        return sum(e.media.size for e in self.model.entries() if e.pending)

    def state_key(self) -> tuple[object, ...]:
        """A comparable snapshot of the staged list (for unsaved-changes checks)."""
        return (
            tuple(m.id for m in self._removed),
            tuple(
                (e.media.id, e.pending, e.dirty, e.media.caption, e.media.creator)
                for e in self.model.entries()
            ),
        )

    def apply(
        self,
        record_id: str = "",
        consent_id: str = "",
        *,
        on_done: Callable[[list[Media]], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Job:
        """Write the staged changes for the (now saved) owner; returns the runner's Job.

        Removals and caption edits go first, then each new file is streamed in with progress.
        If the custodian cancels, files already stored stay stored and the rest stay staged.
        """
        self._record_id = record_id or self._record_id
        self._consent_id = consent_id or self._consent_id
        owner_record, owner_consent = self._record_id, self._consent_id
        removed = list(self._removed)
        edited = [copy.deepcopy(e.media) for e in self.model.entries() if e.dirty and not e.pending]
        pending = [(e, copy.deepcopy(e.media)) for e in self.model.entries() if e.pending]
        total = sum(meta.size for _e, meta in pending) or 1
        stored: list[MediaEntry] = []  # filled on the worker, read only after it finished

        def op(cat: Catalogue, job: Job) -> list[Media]:
            for media in removed:
                cat.delete_media(media.id)
            for media in edited:
                cat.update_media(media)
            before = 0
            for entry, meta in pending:
                job.check()
                meta.record_id = owner_record
                meta.consent_id = owner_consent
                with open_source(entry) as source:
                    cat.add_media(
                        meta, source, progress=_shifted(job, before, total), cancel=job.is_cancelled
                    )
                stored.append(entry)
                before += meta.size
            return cat.list_media(record_id=owner_record or None, consent_id=owner_consent or None)

        def finished(media: list[Media]) -> None:
            thumbs = {e.media.id: e.thumbnail for e in self.model.entries()}
            entries = [MediaEntry(m, thumbnail=thumbs.get(m.id)) for m in media]
            self.model.set_entries(entries)
            self._removed = []
            for entry in entries:
                self._request_thumbnail(entry)
            self._show_details()
            if on_done:
                on_done(media)

        def failed(exc: BaseException) -> None:
            # What reached the catalogue is no longer pending; the rest stays staged.
            for entry in stored:
                entry.source_path = None
                entry.source_data = None
            self._removed = []
            for entry in self.model.entries():
                entry.dirty = False
            self.load(owner_record, owner_consent)
            if on_error:
                on_error(exc)

        return self._runner.run_job(op, finished, failed, context=self, on_progress=on_progress)


def _shifted(job: Job, offset: int, total: int) -> Callable[[int, int], None]:
    """Progress of one file reported as progress of all files (``offset`` bytes came before)."""

    def report(done: int, _total: int) -> None:
        job.report(offset + done, total)

    return report
