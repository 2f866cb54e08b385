"""The "Terms & labels" section: the community's terms, their versions, and its labels.

Terms tab: pick a version, edit its rule table as a grid (rows: kinds of user, columns:
purposes; each cell an outcome with duties, changed in a small dialog), the benefit-sharing
figures, credit, contact and validity; preview the readable text in each catalogue language;
see the version history. A version an export used never changes: saving it makes the next
version (``services.terms.edit_terms``), and the section says so in plain words.

Labels tab: the 30 Local Contexts labels with our pictograms, and the community's own wording
of each (text, translations, who approved it and when, Local Contexts Hub project id).

Every catalogue call goes through the worker; prompts are non-blocking dialogs (``open()``)
so tests drive them directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tkapp.errors import TkError, ValidationError
from tkapp.i18n import _
from tkapp.licensing import text as lt
from tkapp.licensing.terms import Terms, from_template
from tkapp.licensing.text import terms_name
from tkapp.services import terms as terms_service
from tkapp.services.terms import TermsInfo
from tkapp.ui.common.dialogs import confirm
from tkapp.ui.common.worker import Runner
from tkapp.ui.terms.terms_details import TermsDetailsPage
from tkapp.ui.terms.terms_dialogs import NewTermsDialog
from tkapp.ui.terms.terms_grid import RuleGridPage
from tkapp.ui.terms.terms_labels import LabelsPage
from tkapp.ui.terms.terms_models import (
    version_title,
)
from tkapp.ui.terms.terms_preview import TermsPreviewPage
from tkapp.ui.terms.terms_problems import terms_problem
from tkapp.ui.terms.terms_versions import VersionHistoryPage


class TermsSection(QWidget):
    """The community's terms (rule grid, benefits, preview, history) and its labels."""

    #: A short message for the status bar.
    message = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("terms-section")
        self.loaded: Terms | None = None
        self.community_languages: list[str] = []
        self.community_name = ""
        self.community_contact = ""
        self._infos: list[TermsInfo] = []
        self._loading = False
        self._generation = 0
        self.busy = False
        #: Asks before throwing away unsaved edits (replaced in tests; blocking by default).
        self.ask_discard: Callable[[], bool] = self._ask_discard
        self.new_dialog: NewTermsDialog | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._terms_page(), _("Terms"))
        self.labels = LabelsPage(runner, self)
        self.tabs.addTab(self.labels, _("Labels"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        title = QLabel(_("Terms & labels"), self)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.update_preview)

    # -- building the pages ------------------------------------------------------------------

    def _terms_page(self) -> QWidget:
        page = QWidget(self)
        self.version_combo = QComboBox(page)
        self.version_combo.setAccessibleName(_("Terms version"))
        self.version_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.version_combo.activated.connect(self._version_chosen)
        self.new_button = QPushButton(_("New from template…"), page)
        self.new_button.setToolTip(_("Start new terms from one of the built-in templates"))
        self.new_button.clicked.connect(self.new_from_template)
        self.default_button = QPushButton(_("Set as default"), page)
        self.default_button.setToolTip(
            _("Records without terms of their own fall under the default terms")
        )
        self.default_button.clicked.connect(self.set_as_default)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Terms version:"), page))
        top.addWidget(self.version_combo, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.default_button)
        self.state = QLabel(page)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(_("About this version"))

        self.editor_tabs = QTabWidget(page)
        # Made in tab order, so that Tab walks them in the order they are shown.
        self.grid_page = RuleGridPage(page)
        self.grid_model = self.grid_page.model
        self.grid_model.dataChanged.connect(lambda *_a: self._edited())
        self.details = TermsDetailsPage(page)
        self.details.edited.connect(self._edited)
        self.preview = TermsPreviewPage(page)
        self.history_page = VersionHistoryPage(page)
        self.history_page.open_requested.connect(self.open_version)
        self.versions_model = self.history_page.model
        self.editor_tabs.addTab(self.grid_page, _("Who may do what"))
        self.editor_tabs.addTab(self.details, _("Benefits and details"))
        self.editor_tabs.addTab(self.preview, _("Preview"))
        self.editor_tabs.addTab(self.history_page, _("Version history"))
        self.editor_tabs.currentChanged.connect(lambda _i: self.schedule_preview())

        self.feedback = QLabel(page)
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName(_("Message"))
        self.grid_page.problem.connect(self.feedback.setText)
        self.revert_button = QPushButton(_("Undo my changes"), page)
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(_("Save"), page)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.editor_tabs, 1)
        layout.addLayout(bottom)
        return page

    # -- loading -------------------------------------------------------------------------------

    def refresh(self, select_id: str | None = None) -> None:
        """Load versions, the chosen (or default) terms and the labels from the catalogue."""
        if not self.runner.is_open():
            return
        wanted = select_id or (self.loaded.id if self.loaded is not None else None)
        self._loading = True
        self._generation += 1
        generation = self._generation

        def op(cat: Any) -> tuple[Any, ...]:
            infos = terms_service.list_terms(cat)
            ids = {info.id for info in infos}
            chosen = wanted if wanted in ids else next(i.id for i in infos if i.is_default)
            terms = terms_service.get_terms(cat, chosen)
            community = cat.community
            return (
                infos,
                terms,
                list(community.languages),
                community.name,
                community.contact,
                terms_service.list_labels(cat),
            )

        def done(result: tuple[Any, ...]) -> None:
            if generation == self._generation:  # else a newer refresh is on its way
                self._loaded_all(result)

        self.runner.run(op, done, self._failed, context=self)

    def _loaded_all(self, result: tuple[Any, ...]) -> None:
        infos, terms, languages, name, contact, labels = result
        self.community_languages = languages or ["en"]
        self.community_name = name
        self.community_contact = contact
        self._set_versions(infos)
        self.labels.set_languages(self.community_languages)
        self.labels.set_labels(labels)
        self._show_terms(terms)
        self._loading = False

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.busy = False
        self.feedback.setText(terms_problem(error))

    def loading(self) -> bool:
        return self._loading

    def _set_versions(self, infos: Sequence[TermsInfo]) -> None:
        self._infos = list(infos)
        self.versions_model.set_versions(infos)
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        for info in infos:
            self.version_combo.addItem(version_title(info), info.id)
        self.version_combo.blockSignals(False)

    def info_for(self, terms_id: str) -> TermsInfo | None:
        return next((info for info in self._infos if info.id == terms_id), None)

    def _show_terms(self, terms: Terms) -> None:
        self.loaded = terms
        self.grid_model.set_terms(terms)
        self.details.show_terms(terms)
        row = self.version_combo.findData(terms.id)
        self.version_combo.setCurrentIndex(row)
        self.history_page.select_version(terms.id)
        self.preview.set_languages(self._preview_languages(terms))
        self._update_state()
        self.schedule_preview()

    def _update_state(self) -> None:
        terms = self.loaded
        info = self.info_for(terms.id) if terms is not None else None
        if terms is None or info is None:
            self.state.clear()
            return
        template = lt.template_name(terms.template)
        if info.used:
            text = _(
                "Based on “{template}”. Version {version} was used in an export, so it can no "
                "longer change: if you save changes, they become version {next}, and version "
                "{version} stays as it was for the bundles that carry it."
            ).format(template=template, version=terms.version, next=self._next_version(terms))
        else:
            text = _(
                "Based on “{template}”. No export has used version {version} yet: saving "
                "changes it."
            ).format(template=template, version=terms.version)
        if info.is_default:
            text += " " + _("These are the default terms of the catalogue.")
        self.state.setText(text)
        self.default_button.setEnabled(not info.is_default)
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty and not self.busy)
        self.revert_button.setEnabled(dirty and not self.busy)

    def _next_version(self, terms: Terms) -> int:
        same_set = [i.version for i in self._infos if i.set_id == terms.set_id]
        return max([terms.version, *same_set]) + 1

    # -- editing the terms -----------------------------------------------------------------------

    def _edited(self) -> None:
        if self.loaded is None:
            return
        self.feedback.clear()
        self._update_state()
        self.schedule_preview()

    def collect(self) -> dict[str, Any]:
        """The values in the editor as Terms fields.

        Raises:
            ValidationError: a benefit figure is not acceptable.
        """
        return {**self.details.values(), "rules": self.grid_model.rules()}

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from the loaded version (raises ValidationError)."""
        if self.loaded is None:
            return {}
        values = self.collect()
        out: dict[str, Any] = {}
        for name, value in values.items():
            old = getattr(self.loaded, name)
            if name in ("rules", "notes"):
                if dict(old) != dict(value):
                    out[name] = value
            elif old != value:
                out[name] = value
        return out

    def has_unsaved_changes(self) -> bool:
        try:
            return bool(self.changes())
        except (ValidationError, TkError):
            return True

    def draft(self) -> Terms:
        """The terms as edited (not saved). Raises ValidationError."""
        assert self.loaded is not None
        return dataclasses.replace(self.loaded, **self.changes())

    def revert(self) -> None:
        if self.loaded is not None:
            self._show_terms(self.loaded)
            self.feedback.setText(_("Your changes were undone."))

    def save(self) -> None:
        """Save the edits: in place for an unused version, else as the next version."""
        if self.loaded is None or self.busy:
            return
        try:
            changes = self.changes()
            if not changes:
                self.feedback.setText(_("Nothing has changed."))
                return
            self.draft()  # check everything here, with a plain message, before the worker
        except (ValidationError, TkError) as exc:
            self.feedback.setText(terms_problem(exc))
            return
        old = self.loaded
        info = self.info_for(old.id)
        was_default = info is not None and info.is_default
        self.busy = True
        self._update_state()
        self.feedback.setText(_("Saving…"))

        def done(saved: Terms) -> None:
            self.busy = False
            if saved.id != old.id:
                text = _(
                    "Version {old} was already used in an export, so your changes were saved "
                    "as version {new}. Version {old} stays as it was, for the bundles that "
                    "carry it."
                ).format(old=old.version, new=saved.version)
                if was_default:
                    text += " " + _("Version {new} is now the default.").format(new=saved.version)
            else:
                text = _("Saved.")
            self.loaded = saved
            self.refresh(saved.id)
            self.feedback.setText(text)
            self.message.emit(text)

        def failed(error: BaseException) -> None:
            self.busy = False
            self._update_state()
            self.feedback.setText(terms_problem(error))

        terms_id = old.id
        self.runner.run(
            lambda cat: terms_service.edit_terms(cat, terms_id, **changes),
            done,
            failed,
            context=self,
        )

    # -- versions ------------------------------------------------------------------------------

    def _ask_discard(self) -> bool:
        return confirm(
            self,
            _("Your changes to these terms are not saved. Throw them away?"),
            _("Unsaved changes"),
            yes=_("Throw away my changes"),
        )

    def _version_chosen(self, row: int) -> None:
        terms_id = self.version_combo.itemData(row)
        if terms_id:
            self.open_version_id(str(terms_id))

    def open_version(self, row: int) -> None:
        if 0 <= row < self.versions_model.rowCount():
            self.open_version_id(self.versions_model.info(row).id)

    def open_version_id(self, terms_id: str) -> None:
        if self.loaded is not None and terms_id == self.loaded.id:
            return
        if self.has_unsaved_changes() and not self.ask_discard():
            if self.loaded is not None:
                self.version_combo.setCurrentIndex(self.version_combo.findData(self.loaded.id))
            return
        self._loading = True

        def done(terms: Terms) -> None:
            self._loading = False
            self._show_terms(terms)

        self.runner.run(
            lambda cat: terms_service.get_terms(cat, terms_id), done, self._failed, context=self
        )

    def set_as_default(self) -> None:
        if self.loaded is None:
            return
        terms = self.loaded

        def done(_result: Any) -> None:
            text = _(
                "“{name}” version {version} is now the default: records without terms of their "
                "own fall under it."
            ).format(name=terms_name(terms.name), version=terms.version)
            self.refresh(terms.id)
            self.feedback.setText(text)

        self.runner.run(
            lambda cat: terms_service.set_default(cat, terms.id), done, self._failed, context=self
        )

    def new_from_template(self) -> NewTermsDialog:
        """Open the template chooser (non-blocking; returned for tests)."""
        dialog = NewTermsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.create_terms(dialog.template(), dialog.terms_name()))
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def create_terms(self, template: str, name: str) -> None:
        base = self.loaded
        attribution = (base.attribution if base else "") or self.community_name
        contact = (base.contact if base else "") or self.community_contact or self.community_name
        languages = list(dict.fromkeys(self.community_languages)) or ["en"]
        try:
            terms = from_template(
                template, attribution=attribution, contact=contact, name=name, languages=languages
            )
        except (ValidationError, TkError) as exc:
            self.feedback.setText(terms_problem(exc))
            return

        def done(saved: Terms) -> None:
            self.refresh(saved.id)
            self.feedback.setText(
                _(
                    "New terms “{name}” were made. They apply to records only after you press "
                    "“Set as default”."
                ).format(name=saved.name)
            )

        self.runner.run(
            lambda cat: terms_service.save_terms(cat, terms), done, self._failed, context=self
        )

    # -- preview -------------------------------------------------------------------------------

    def _preview_languages(self, terms: Terms) -> list[str]:
        return list(dict.fromkeys([*self.community_languages, *terms.languages]))

    def schedule_preview(self) -> None:
        self._preview_timer.start()

    def update_preview(self) -> None:
        """Render the draft's readable text in every catalogue language."""
        if self.loaded is None:
            return
        try:
            draft = self.draft()
        except (ValidationError, TkError) as exc:
            self.preview.show_problem(terms_problem(exc))
            return
        self.grid_model.set_attribution_source(draft)
        self.preview.show_terms(draft)
