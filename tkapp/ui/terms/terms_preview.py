"""The "Preview" tab of the terms editor: the readable terms a researcher receives, in each
language of the catalogue, following the edits before they are saved."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget

from tkapp.errors import TkError
from tkapp.i18n import _, names
from tkapp.licensing import text as lt
from tkapp.licensing.terms import Terms
from tkapp.ui.records.record_editor_widgets import hint


class TermsPreviewPage(QWidget):
    """One read-only text per language, rendered from a draft of the terms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview_tabs = QTabWidget(self)
        self.preview_tabs.setAccessibleName(_("Preview in each language"))
        self.preview_note = hint(
            _(
                "This is the text a researcher receives with the records, in each language of "
                "the catalogue. It follows your changes before you save them."
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview_note)
        layout.addWidget(self.preview_tabs, 1)
        self.previews: dict[str, QPlainTextEdit] = {}

    def set_languages(self, languages: Sequence[str]) -> None:
        """One tab per language (kept as they are when the languages did not change)."""
        languages = list(languages)
        if list(self.previews) == languages:
            return
        self.preview_tabs.clear()
        for edit in self.previews.values():
            edit.deleteLater()
        self.previews = {}
        for lang in languages:
            edit = QPlainTextEdit(self.preview_tabs)
            edit.setReadOnly(True)
            edit.setAccessibleName(
                _("Preview in {language}").format(language=names.language_name(lang))
            )
            self.previews[lang] = edit
            self.preview_tabs.addTab(edit, names.language_name(lang))

    def show_terms(self, draft: Terms) -> None:
        """Render ``draft``'s readable text in every language shown."""
        for lang, edit in self.previews.items():
            try:
                text = lt.render_terms_text(draft, lang)
            except (ValueError, KeyError, NameError, TkError):
                # A problem in one language's text must not break the editor.
                text = _("This preview could not be made.")
            if edit.toPlainText() != text:
                edit.setPlainText(text)

    def show_problem(self, problem: str) -> None:
        """The draft cannot be rendered: say why in every language's place."""
        for edit in self.previews.values():
            edit.setPlainText(problem)
