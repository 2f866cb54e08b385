"""The record editor's Media tab: the record's photos, recordings and documents."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import (
    KnowledgeRecord,
)
from tkapp.i18n import _
from tkapp.ui.common.worker import Runner
from tkapp.ui.records.media_list import MediaListWidget
from tkapp.ui.records.record_editor_widgets import (
    hint,
)
from tkapp.ui.records.record_page_base import EditorData, Page

# -- Media ----------------------------------------------------------------------------------


class MediaPage(Page):
    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media = MediaListWidget(runner)
        row = QHBoxLayout()
        row.addWidget(
            hint(_("Photos, recordings and documents are stored encrypted inside the catalogue.")),
            1,
        )
        row.addWidget(QLabel(_("Media:")))
        row.addWidget(self.toggle("media"))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.media, 1)
        self.media.changed.connect(self.emit_changed)

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.media.set_people(data.persons)
        self.media.set_default_person_ids([h.person_id for h in rec.holders])
        self.media.load(record_id=rec.id if data.record is not None else "")

    def collect(self, rec: KnowledgeRecord) -> None:
        """Media are saved separately (:meth:`MediaListWidget.apply`)."""

    def state(self) -> tuple[object, ...]:
        return (self.media.state_key(), *super().state())
