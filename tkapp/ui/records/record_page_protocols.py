"""The record editor's Protocols tab: sensitivity, access, consent, terms, labels and open
licence of a record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import (
    AccessLevel,
    ConsentRecord,
    KnowledgeRecord,
)
from tkapp.i18n import N_, _, format_date, names, translate
from tkapp.licensing.text import terms_name
from tkapp.ui.common.help import HelpButton, with_help
from tkapp.ui.records.entity_models import (
    ID_ROLE,
)
from tkapp.ui.records.record_editor_widgets import (
    EnumCombo,
    with_error,
)
from tkapp.ui.records.record_page_base import EditorData, Page
from tkapp.ui.terms.labels_widgets import LabelPicker

# -- Protocols and terms --------------------------------------------------------------------


#: Choices for a record's open licence (``KnowledgeRecord.open_licence``), in order.
OPEN_LICENCE_CHOICES: tuple[tuple[str, str], ...] = (
    ("", N_("Not for open publication")),
    ("CC-BY-4.0", N_("Open, with credit to the community (CC BY 4.0)")),
    ("CC-BY-NC-4.0", N_("Open, non-commercial, with credit (CC BY-NC 4.0)")),
    ("CC0-1.0", N_("Open, no conditions at all (CC0)")),
)


class ProtocolsPage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.access_combo = EnumCombo(AccessLevel, names.access_name)
        self.access_explanation = QLabel()
        self.access_explanation.setWordWrap(True)
        self.secret_note = QLabel(
            _(
                "Secret / sacred: this record never leaves the catalogue. It is left out of "
                "every export and every shared bundle."
            )
        )
        self.secret_note.setWordWrap(True)
        self.secret_note.setStyleSheet(
            "background: #fff1d6; border: 1px solid #c98a1b; border-radius: 4px; padding: 6px;"
            " color: #5a3800; font-weight: bold;"
        )
        self.secret_note.setObjectName("secret_note")
        self.group_edit = QLineEdit()
        self.group_edit.setAccessibleName(_("Restricted to"))
        self.group_edit.setPlaceholderText(_("e.g. women healers, the Gualinga family"))
        self.labels = LabelPicker()
        self.terms_combo = QComboBox()
        self.licence_combo = QComboBox()
        for code, name in OPEN_LICENCE_CHOICES:
            self.licence_combo.addItem(translate(name), code)
        self.licence_combo.setAccessibleName(_("Open publication"))
        self.licence_combo.setToolTip(
            _(
                "Only for knowledge the community wants to publish openly (GBIF, herbaria). "
                "It is published only if the record is public and its terms and labels allow "
                "that licence."
            )
        )
        self.consent_list = QListWidget()
        self.consent_list.setMaximumHeight(72)
        self.consent_list.setWordWrap(True)
        self.consent_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.consent_list.setAccessibleName(_("Consent records"))

        top = QWidget()
        form = QFormLayout(top)
        form.setContentsMargins(0, 0, 0, 0)
        access_row = QWidget()
        access_layout = QHBoxLayout(access_row)
        access_layout.setContentsMargins(0, 0, 0, 0)
        access_layout.addWidget(self.access_combo, 2)
        access_layout.addWidget(QLabel(_("Restricted to")))
        access_layout.addWidget(with_error(self.group_edit, self.error("restricted_group")), 3)
        access_layout.addWidget(HelpButton("access"))
        form.addRow(_("Access"), access_row)
        # The explanation and the secret / sacred note share one place (a stack as tall as
        # the taller of the two), so the label grid below never moves under the mouse when
        # the access level changes.
        self.access_explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.access_stack = QStackedWidget()
        self.access_stack.addWidget(self.access_explanation)
        self.access_stack.addWidget(self.secret_note)
        form.addRow("", self.access_stack)

        bottom = QWidget()
        bottom_row = QHBoxLayout(bottom)
        bottom_row.setContentsMargins(0, 0, 0, 0)
        terms_box = QFormLayout()
        terms_box.addRow(_("Terms"), with_help(self.terms_combo, "terms"))
        terms_box.addRow(_("Open publication"), self.licence_combo)
        bottom_row.addLayout(terms_box, 2)
        consent_box = QFormLayout()
        consent_box.addRow(_("Consent records"), with_help(self.consent_list, "consent"))
        bottom_row.addLayout(consent_box, 3)

        layout = QVBoxLayout(self)
        layout.addWidget(top)
        labels_help = QHBoxLayout()
        labels_help.addStretch(1)
        labels_help.addWidget(QLabel(_("What do the labels mean?")))
        labels_help.addWidget(HelpButton("labels"))
        layout.addLayout(labels_help)
        layout.addWidget(self.labels)
        layout.addWidget(self.error("labels"))
        layout.addWidget(bottom)
        layout.addStretch(1)

        self.access_combo.currentIndexChanged.connect(self._access_changed)
        self.access_combo.currentIndexChanged.connect(self.emit_changed)
        self.group_edit.textChanged.connect(self.emit_changed)
        self.labels.changed.connect(self.emit_changed)
        self.terms_combo.currentIndexChanged.connect(self.emit_changed)
        self.licence_combo.currentIndexChanged.connect(self.emit_changed)
        self.consent_list.itemChanged.connect(self.emit_changed)
        self._access_changed()

    def _access_changed(self, *_args: object) -> None:
        level = self.access_combo.value()
        self.access_explanation.setText(names.access_explanation(level))
        self.group_edit.setEnabled(level is AccessLevel.RESTRICTED)
        secret = level is AccessLevel.SECRET_SACRED
        self.access_stack.setCurrentWidget(self.secret_note if secret else self.access_explanation)

    def set_terms(self, terms_id: str, versions: Sequence[Any] = ()) -> None:
        self.terms_combo.blockSignals(True)
        self.terms_combo.clear()
        # Translators: the terms set chosen for the whole catalogue applies to this record.
        self.terms_combo.addItem(_("Catalogue default"), "")
        for info in versions:
            text = _("{name}, version {version}").format(
                name=terms_name(info.name), version=info.version
            )
            if info.is_default:
                text = _("{terms} (the default)").format(terms=text)
            self.terms_combo.addItem(text, info.id)
        if terms_id and self.terms_combo.findData(terms_id) < 0:
            # A version this catalogue no longer lists is kept as it is, never silently changed.
            self.terms_combo.addItem(_("Terms version {id}").format(id=terms_id[:8]), terms_id)
        self.terms_combo.setCurrentIndex(self.terms_combo.findData(terms_id))
        self.terms_combo.blockSignals(False)

    def set_consents(
        self, consents: Sequence[ConsentRecord], record_id: str, linked: Sequence[str]
    ) -> None:
        self.consent_list.blockSignals(True)
        self.consent_list.clear()
        for consent in consents:
            when = format_date(consent.granted_on) if consent.granted_on else _("date unknown")
            text = _("{granted_by}, {date} — {method}").format(
                granted_by=consent.granted_by,
                date=when,
                method=names.consent_method_name(consent.method),
            )
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, consent.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = consent.id in linked or (bool(record_id) and record_id in consent.record_ids)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.consent_list.addItem(item)
        if not consents:
            empty = QListWidgetItem(_("No consent records yet. Add them in the Consent section."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.consent_list.addItem(empty)
        self.consent_list.blockSignals(False)

    def consent_ids(self) -> list[str]:
        ids = []
        for i in range(self.consent_list.count()):
            item = self.consent_list.item(i)
            if item.data(ID_ROLE) and item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(ID_ROLE))
        return ids

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        self.access_combo.set_value(rec.access)
        self.group_edit.setText(rec.restricted_group)
        self.labels.set_labels(rec.labels)
        self.set_terms(rec.terms_id, data.terms)
        self.licence_combo.blockSignals(True)
        self.licence_combo.setCurrentIndex(max(0, self.licence_combo.findData(rec.open_licence)))
        self.licence_combo.blockSignals(False)
        stored = data.record is not None
        self.set_consents(data.consents, rec.id if stored else "", rec.consent_ids)
        self._access_changed()

    def collect(self, rec: KnowledgeRecord) -> None:
        rec.access = self.access_combo.value()
        rec.restricted_group = (
            self.group_edit.text().strip() if rec.access is AccessLevel.RESTRICTED else ""
        )
        rec.labels = self.labels.labels()
        rec.terms_id = self.terms_combo.currentData() or ""
        rec.open_licence = self.licence_combo.currentData() or ""
        rec.consent_ids = self.consent_ids()

    def state(self) -> tuple[object, ...]:
        return (
            self.access_combo.value(),
            self.group_edit.text(),
            tuple(self.labels.labels()),
            self.terms_combo.currentData(),
            self.licence_combo.currentData(),
            tuple(self.consent_ids()),
            *super().state(),
        )
