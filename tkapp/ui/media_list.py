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
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import Media, MediaKind, Person
from tkapp.i18n import _, names
from tkapp.ui.entity_models import ID_ROLE, ITEM_ROLE, size_text
from tkapp.ui.media_player import load_file_op, load_media_op
from tkapp.ui.media_viewer import MAX_PHOTO_BYTES, MediaViewerDialog, decode_image
from tkapp.ui.record_editor_widgets import DateField, LanguageCombo, heading, hint, show_error

THUMB = 128
#: Photos larger than this get a plain placeholder instead of a decoded thumbnail.
MAX_THUMBNAIL_SOURCE = 64 * 1024 * 1024

#: The warning text of a row ("" when none).
WARNING_ROLE = Qt.ItemDataRole.UserRole + 10
#: True while a warned row is still covered.
COVERED_ROLE = Qt.ItemDataRole.UserRole + 11
#: True for a file picked but not yet saved into the catalogue.
PENDING_ROLE = Qt.ItemDataRole.UserRole + 12

AnyIndex = QModelIndex | QPersistentModelIndex


def kind_for_mime(mime: str) -> MediaKind:
    """The media kind for a MIME type."""
    top = mime.split("/", 1)[0]
    if top == "image":
        return MediaKind.PHOTO
    if top == "audio":
        return MediaKind.AUDIO
    if top == "video":
        return MediaKind.VIDEO
    return MediaKind.DOCUMENT


def mime_for_file(path: Path) -> str:
    """The MIME type of a file from its name and first bytes (Qt's shared-mime database)."""
    from PySide6.QtCore import QMimeDatabase

    mime = QMimeDatabase().mimeTypeForFile(str(path)).name()
    return mime if "/" in mime else "application/octet-stream"


@dataclass(eq=False)
class MediaEntry:
    """One row: a stored media item, or a picked file waiting to be saved."""

    media: Media
    source_path: Path | None = None  # set while the file is not in the catalogue yet
    #: A recording made in the app, held in memory only until the owner is saved.
    source_data: bytes | None = None
    dirty: bool = False  # stored item whose caption/creator/... changed
    revealed: bool = False  # the custodian chose "Show anyway" in this session
    thumbnail: QImage | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.source_path is not None or self.source_data is not None


def _open_source(entry: MediaEntry) -> BinaryIO:
    """The bytes of a staged entry: the recording in memory, or the picked file."""
    if entry.source_data is not None:
        return io.BytesIO(entry.source_data)
    assert entry.source_path is not None
    return entry.source_path.open("rb")


# -- pictures -------------------------------------------------------------------------------

_KIND_COLOURS = {
    MediaKind.PHOTO: "#4a6d8c",
    MediaKind.AUDIO: "#6d4a8c",
    MediaKind.VIDEO: "#8c4a4a",
    MediaKind.DOCUMENT: "#5a6b4a",
}


def placeholder_image(kind: MediaKind, size: int = THUMB) -> QImage:
    """A plain card with the media kind written on it (audio, documents, big photos)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(_KIND_COLOURS.get(kind, "#666")))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPixelSize(size // 7)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, names.media_kind_name(kind)
    )
    painter.end()
    return image


def covered_image(source: QImage | None, kind: MediaKind, size: int = THUMB) -> QImage:
    """The thumbnail blurred and darkened, with a warning sign: nothing recognisable shows."""
    base = source if source is not None and not source.isNull() else placeholder_image(kind, size)
    square = base.scaled(
        size,
        size,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    # Down to a few pixels and back up: a strong blur without a filter library.
    tiny = square.scaled(
        6, 6, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    image = tiny.scaled(
        size, size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 150))
    triangle = QPainterPath()
    s = size
    triangle.moveTo(s * 0.5, s * 0.18)
    triangle.lineTo(s * 0.78, s * 0.62)
    triangle.lineTo(s * 0.22, s * 0.62)
    triangle.closeSubpath()
    painter.setPen(QPen(QColor("#ffcc33"), max(2, s // 32)))
    painter.drawPath(triangle)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(s // 5)
    painter.setFont(font)
    painter.drawText(QRect(0, int(s * 0.26), s, int(s * 0.34)), Qt.AlignmentFlag.AlignCenter, "!")
    font.setPixelSize(max(9, s // 10))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(
        QRect(2, int(s * 0.66), s - 4, int(s * 0.32)),
        Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
        _("Content warning"),
    )
    painter.end()
    return image


def thumbnail_op(entry: MediaEntry):
    """A worker op: the photo's thumbnail (decoded at reduced size, in memory)."""
    media = entry.media
    path = entry.source_path
    loader = (
        load_file_op(path, MAX_PHOTO_BYTES) if path else load_media_op(media.id, MAX_PHOTO_BYTES)
    )

    def op(cat: Any) -> QImage:
        return decode_image(loader(cat), THUMB)

    return op


# -- model ----------------------------------------------------------------------------------


class MediaListModel(QAbstractListModel):
    """Rows of :class:`MediaEntry`; decoration is the thumbnail, covered when warned."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[MediaEntry] = []
        self._warning: Callable[[MediaEntry], str] = lambda e: e.media.content_warning
        self._pixmaps: dict[tuple[int, bool], QPixmap] = {}

    def set_warning_rule(self, rule: Callable[[MediaEntry], str]) -> None:
        self._warning = rule
        self._pixmaps.clear()
        if self._entries:
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1))

    def warning(self, entry: MediaEntry) -> str:
        return self._warning(entry)

    def entries(self) -> list[MediaEntry]:
        return list(self._entries)

    def entry(self, row: int) -> MediaEntry:
        return self._entries[row]

    def set_entries(self, entries: Sequence[MediaEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._pixmaps.clear()
        self.endResetModel()

    def append(self, entry: MediaEntry) -> None:
        row = len(self._entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self.endInsertRows()

    def remove(self, row: int) -> MediaEntry:
        self.beginRemoveRows(QModelIndex(), row, row)
        entry = self._entries.pop(row)
        self.endRemoveRows()
        self._pixmaps.clear()
        return entry

    def entry_changed(self, entry: MediaEntry) -> None:
        for row, candidate in enumerate(self._entries):
            if candidate is entry:
                self._pixmaps.pop((id(entry), True), None)
                self._pixmaps.pop((id(entry), False), None)
                index = self.index(row)
                self.dataChanged.emit(index, index)
                return

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self._entries))
            or index.column() != 0
        ):
            return None
        entry = self._entries[index.row()]
        media = entry.media
        warning = self._warning(entry)
        covered = bool(warning) and not entry.revealed
        if role == Qt.ItemDataRole.DisplayRole:
            text = media.caption or media.file_name
            if entry.pending:
                # Translators: a file added to a record but not yet written into the catalogue.
                return _("{name} (not saved yet)").format(name=text)
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            return self._pixmap(entry, covered)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [names.media_kind_name(media.kind), media.file_name, size_text(media.size)]
            if warning:
                parts.append(warning)
            return "\n".join(parts)
        if role == ITEM_ROLE:
            return entry
        if role == ID_ROLE:
            return media.id
        if role == WARNING_ROLE:
            return warning
        if role == COVERED_ROLE:
            return covered
        if role == PENDING_ROLE:
            return entry.pending
        return None

    def _pixmap(self, entry: MediaEntry, covered: bool) -> QPixmap:
        key = (id(entry), covered)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            if covered:
                image = covered_image(entry.thumbnail, entry.media.kind)
            else:
                image = entry.thumbnail or placeholder_image(entry.media.kind)
            pixmap = QPixmap.fromImage(image)
            self._pixmaps[key] = pixmap
        return pixmap


# -- widget ---------------------------------------------------------------------------------


class MediaListWidget(QWidget):
    """Thumbnails of an owner's media with add (button or drag and drop), remove, details."""

    #: Something changed that the owner must save.
    changed = Signal()
    #: The stored list was (re)loaded from the catalogue.
    loaded = Signal()

    def __init__(self, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._record_id = ""
        self._consent_id = ""
        self._removed: list[Media] = []
        self._people: dict[str, Person] = {}
        self._default_person_ids: list[str] = []
        self._updating = False
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
        self.details = QWidget()
        details_layout = QVBoxLayout(self.details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        details_layout.addLayout(form)
        details_layout.addStretch(1)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.caption_edit = QLineEdit()
        self.creator_edit = QLineEdit()
        self.date_field = DateField()
        self.language_edit = LanguageCombo()
        self.language_edit.setAccessibleName(_("Language"))
        self.warning_edit = QLineEdit()
        self.warning_edit.setPlaceholderText(_("e.g. shows a ceremony"))
        self.people_list = QListWidget()
        self.people_list.setMaximumHeight(110)
        self.show_anyway_button = QPushButton(_("Show anyway"))
        self.show_anyway_button.setVisible(False)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        form.addRow(heading(_("Selected file")))
        form.addRow(self.file_label)
        form.addRow(self.warning_label)
        form.addRow(self.show_anyway_button)
        form.addRow(_("Caption"), self.caption_edit)
        form.addRow(_("Creator"), self.creator_edit)
        form.addRow(_("Date"), self.date_field)
        form.addRow(_("Language"), self.language_edit)
        form.addRow(_("Content warning"), self.warning_edit)
        form.addRow(_("People shown or heard"), self.people_list)
        self.details.setEnabled(False)
        self.details.setMinimumWidth(300)
        self.details.setMaximumWidth(380)

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
        self.show_anyway_button.clicked.connect(self.reveal_selected)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._show_details())
        for edit in (self.caption_edit, self.creator_edit, self.warning_edit):
            edit.textEdited.connect(lambda _t: self._details_edited())
        self.language_edit.activated.connect(lambda _i: self._details_edited())
        self.date_field.changed.connect(self._details_edited)
        self.people_list.itemChanged.connect(lambda _i: self._details_edited())
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
        from tkapp.ui.audio_recorder import RecorderDialog

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

    def _local_paths(self, event) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if any(p.is_file() for p in self._local_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        paths = [p for p in self._local_paths(event) if p.is_file()]
        if paths:
            self.add_files(paths)
            event.acceptProposedAction()

    # -- details ---------------------------------------------------------------------------

    def _show_details(self) -> None:
        entry = self.current_entry()
        self._updating = True
        try:
            self.details.setEnabled(entry is not None)
            if entry is None:
                self.file_label.setText("")
                for edit in (
                    self.caption_edit,
                    self.creator_edit,
                    self.warning_edit,
                ):
                    edit.clear()
                self.language_edit.set_value("")
                self.date_field.set_value(None)
                self.people_list.clear()
                self.warning_label.setText("")
                self.show_anyway_button.setVisible(False)
                return
            m = entry.media
            self.file_label.setText(
                _("{name} — {kind}, {size}").format(
                    name=m.file_name, kind=names.media_kind_name(m.kind), size=size_text(m.size)
                )
            )
            self.caption_edit.setText(m.caption)
            self.creator_edit.setText(m.creator)
            self.date_field.set_value(m.created)
            self.language_edit.set_value(m.language)
            self.warning_edit.setText(m.content_warning)
            self.people_list.clear()
            for person in sorted(self._people.values(), key=lambda p: p.name.casefold()):
                label = person.name
                if person.deceased:
                    label = _("{name} (deceased)").format(name=person.name)
                item = QListWidgetItem(label)
                item.setData(ID_ROLE, person.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if person.id in m.person_ids else Qt.CheckState.Unchecked
                )
                self.people_list.addItem(item)
            warning = self.warning_for(entry)
            self.warning_label.setText(warning)
            self.warning_label.setVisible(bool(warning))
            self.show_anyway_button.setVisible(bool(warning) and not entry.revealed)
        finally:
            self._updating = False
            self._update_buttons()

    def _details_edited(self) -> None:
        if self._updating:
            return
        entry = self.current_entry()
        if entry is None:
            return
        m = entry.media
        m.caption = self.caption_edit.text().strip()
        m.creator = self.creator_edit.text().strip()
        m.created = self.date_field.value()
        m.language = self.language_edit.value()
        m.content_warning = self.warning_edit.text().strip()
        m.person_ids = [
            self.people_list.item(i).data(ID_ROLE)
            for i in range(self.people_list.count())
            if self.people_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        if not entry.pending:
            entry.dirty = True
        self.model.entry_changed(entry)
        warning = self.warning_for(entry)
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))
        self.show_anyway_button.setVisible(bool(warning) and not entry.revealed)
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

    def state_key(self) -> tuple:
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
    ):
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

        def op(cat: Any, job) -> list[Media]:
            for media in removed:
                cat.delete_media(media.id)
            for media in edited:
                cat.update_media(media)
            before = 0
            for entry, meta in pending:
                job.check()
                meta.record_id = owner_record
                meta.consent_id = owner_consent
                offset = before
                with _open_source(entry) as source:
                    cat.add_media(
                        meta,
                        source,
                        progress=lambda done, _total, offset=offset: job.report(
                            offset + done, total
                        ),
                        cancel=job.is_cancelled,
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
