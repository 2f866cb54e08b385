"""Terms & labels section on the real demo catalogue (pytest-qt, offscreen), and its models."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from tests.ui import sharing_fixtures
from tests.ui.sharing_fixtures import call
from tkapp.core.model import Recipient
from tkapp.licensing.labels import LABELS
from tkapp.licensing.terms import BenefitSharing, Fee, from_template
from tkapp.licensing.vocab import NonMonetaryBenefit, Outcome, Purpose, UserClass
from tkapp.services import sharing
from tkapp.services import terms as terms_service
from tkapp.services.terms import LabelInfo, TermsInfo
from tkapp.ui.terms.terms_models import (
    OUTCOME_ROLE,
    RULE_ROLE,
    LabelsModel,
    RuleGridModel,
    TermsVersionsModel,
    wrap_header,
)
from tkapp.ui.terms.terms_section import TermsSection

demo_file = sharing_fixtures.demo_file
demo_runner = sharing_fixtures.demo_runner

ROW_FOR_PROFIT = list(UserClass).index(UserClass.FOR_PROFIT)
COL_RESEARCH = list(Purpose).index(Purpose.RESEARCH)


@pytest.fixture
def section(demo_runner: Any, qtbot: Any) -> TermsSection:
    widget = TermsSection(demo_runner)
    qtbot.addWidget(widget)
    widget.resize(1150, 680)
    widget.show()
    widget.ask_discard = lambda: True
    widget.refresh()
    qtbot.waitUntil(lambda: widget.loaded is not None and not widget.loading(), timeout=10_000)
    return widget


def wait_saved(section: TermsSection, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not section.busy and not section.loading(), timeout=10_000)


def choose_cell(section: TermsSection, row: int, column: int) -> None:
    index = section.grid_model.index(row, column)
    section.grid_page.view.selectionModel().select(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    section.grid_page.view.setCurrentIndex(index)


def export_once(runner: Any, qtbot: Any, folder: Path) -> None:
    def op(cat: Any) -> None:
        who = Recipient("Ana Paz", user_class="public_research")
        plan = sharing.plan_export(cat, None, who, "research")
        sharing.export(cat, plan, folder / "ana.tkb")

    call(runner, qtbot, op)


# --- models -------------------------------------------------------------------------------


def test_models_pass_the_model_tester(qapp: Any, qtmodeltester: Any) -> None:
    terms = from_template("cbrl", attribution="Sacha Yaku", contact="asamblea")
    grid = RuleGridModel()
    grid.set_terms(terms)
    qtmodeltester.check(grid, force_py=True)
    assert grid.rowCount() == 6 and grid.columnCount() == 9

    info = TermsInfo(terms.id, terms.set_id, 1, "Ours", "cbrl", "2026-01-02T10:00:00+00:00",
                     True, "urn:uuid:x", True, 3)  # fmt: skip
    versions = TermsVersionsModel()
    versions.set_versions([info])
    qtmodeltester.check(versions, force_py=True)

    labels = LabelsModel()
    labels.set_labels([LabelInfo(label, None) for label in LABELS])
    qtmodeltester.check(labels, force_py=True)
    assert labels.rowCount() == 30


def test_grid_cells_say_it_in_words_and_colours(qapp: Any) -> None:
    terms = from_template("cbrl", attribution="Sacha Yaku", contact="asamblea")
    grid = RuleGridModel()
    grid.set_terms(terms)
    cell = grid.index(ROW_FOR_PROFIT, COL_RESEARCH)
    assert grid.data(cell, OUTCOME_ROLE) is Outcome.NEEDS_AGREEMENT
    assert "By agreement" in grid.data(cell)
    ip = grid.index(0, list(Purpose).index(Purpose.IP_CLAIM))
    assert "Not allowed" in grid.data(ip)
    duties = grid.index(0, COL_RESEARCH)
    assert "3 duties" in grid.data(duties)
    tip = grid.data(duties, Qt.ItemDataRole.ToolTipRole)
    assert "Credit the community" in tip and "Share your results" in tip
    backgrounds = {grid.data(grid.index(0, c), Qt.ItemDataRole.BackgroundRole).name()
                   for c in range(9)}  # fmt: skip
    assert len(backgrounds) == 2  # with duties, not allowed
    header = grid.headerData(
        list(Purpose).index(Purpose.PRODUCT_DEVELOPMENT), Qt.Orientation.Horizontal
    )
    assert "\n" in header


def test_wrap_header_keeps_every_word() -> None:
    text = "Patente u otra reclamación de propiedad intelectual"
    wrapped = wrap_header(text)
    assert wrapped.replace("\n", " ") == text
    assert wrapped.count("\n") <= 3
    assert wrap_header("Research") == "Research"


# --- the section ----------------------------------------------------------------------------


def test_grid_edit_saves_in_place_while_unused(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    original = section.loaded
    assert original is not None and original.version == 1
    assert section.grid_model.rowCount() == 6
    assert not section.save_button.isEnabled()
    choose_cell(section, 0, COL_RESEARCH)
    extra = section.grid_model.index(1, COL_RESEARCH)
    section.grid_page.view.selectionModel().select(extra, QItemSelectionModel.SelectionFlag.Select)
    dialog = section.grid_page.edit_selected_cells()
    assert dialog is not None
    dialog.set_outcome(Outcome.ALLOWED_WITH_DUTIES)
    for box in dialog.duties.values():
        box.setChecked(False)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.set_outcome(Outcome.NOT_ALLOWED)
    dialog.accept()
    assert (
        section.grid_model.data(section.grid_model.index(1, COL_RESEARCH), OUTCOME_ROLE)
        is Outcome.NOT_ALLOWED
    )
    assert section.has_unsaved_changes() and section.save_button.isEnabled()

    section.save()
    wait_saved(section, qtbot)
    assert section.feedback.text() == "Saved."
    stored = call(demo_runner, qtbot, terms_service.default_terms)
    assert stored.id == original.id and stored.version == 1
    assert stored.rule(UserClass.COMMUNITY, Purpose.RESEARCH).outcome is Outcome.NOT_ALLOWED
    assert stored.rule(UserClass.NONCOMMERCIAL, Purpose.RESEARCH).outcome is Outcome.NOT_ALLOWED
    assert not section.has_unsaved_changes()


def test_used_version_becomes_a_new_version(
    section: TermsSection, demo_runner: Any, qtbot: Any, tmp_path: Path
) -> None:
    old = section.loaded
    assert old is not None
    export_once(demo_runner, qtbot, tmp_path)
    section.refresh()
    qtbot.waitUntil(lambda: not section.loading(), timeout=10_000)
    assert "was used in an export" in section.state.text()
    assert "version 2" in section.state.text()

    section.details.attribution_edit.setText("Comunidad Sacha Yaku, Napo, Ecuador")
    section.details.attribution_edit.textEdited.emit(section.details.attribution_edit.text())
    section.save()
    wait_saved(section, qtbot)
    assert "saved as version 2" in section.feedback.text()
    assert "Version 1 stays as it was" in section.feedback.text()
    assert "now the default" in section.feedback.text()
    assert section.loaded is not None and section.loaded.version == 2

    def stored(cat: Any) -> tuple[Any, Any, list[TermsInfo]]:
        return (
            terms_service.get_terms(cat, old.id),
            terms_service.default_terms(cat),
            terms_service.list_terms(cat),
        )

    first, default, infos = call(demo_runner, qtbot, stored)
    assert first == old  # the used version never changed
    assert default.version == 2 and default.attribution == "Comunidad Sacha Yaku, Napo, Ecuador"
    assert section.versions_model.rowCount() == len(infos) == 2
    assert section.version_combo.count() == 2


def test_problems_are_said_in_plain_words_and_nothing_is_saved(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    section.details.attribution_edit.setText("")
    section.details.attribution_edit.textEdited.emit("")
    section.save()
    assert "credit the community" in section.feedback.text()
    assert not section.busy
    section.revert()
    section.details.fee_amount.setText("five hundred")
    section.details.fee_amount.textEdited.emit("five hundred")
    section.save()
    assert "Write the fee as a number" in section.feedback.text()
    stored = call(demo_runner, qtbot, terms_service.default_terms)
    assert stored == section.loaded


def test_benefits_and_preview_in_each_language(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    assert list(section.preview.previews) == ["es", "qu", "en"]
    section.details.royalty.setValue(2.5)
    section.details.fee_amount.setText("500")
    section.details.fee_amount.textEdited.emit("500")
    section.details.currency.setCurrentText("USD")
    section.details.benefits[NonMonetaryBenefit.SOCIAL_RECOGNITION].setChecked(True)
    section.details.valid_until.set_value(date(2030, 12, 31))
    section.update_preview()
    spanish = section.preview.previews["es"].toPlainText()
    english = section.preview.previews["en"].toPlainText()
    assert "Quién puede hacer qué" in spanish
    assert "Who may do what" in english
    assert "2.5%" in english and "public recognition of the community" in english
    assert "2030" in english

    section.save()
    wait_saved(section, qtbot)
    stored = call(demo_runner, qtbot, terms_service.default_terms)
    assert stored.benefit_sharing == BenefitSharing(
        250, Fee("500", "USD"), (NonMonetaryBenefit.SOCIAL_RECOGNITION,)
    )
    assert stored.valid_until == date(2030, 12, 31)


def test_new_from_template_then_set_as_default(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    dialog = section.new_from_template()
    dialog.choices["community_only"].setChecked(True)
    dialog.name.setText("Solo la comunidad")
    dialog.accept()
    qtbot.waitUntil(
        lambda: section.loaded is not None and section.loaded.name == "Solo la comunidad",
        timeout=10_000,
    )
    assert section.loaded.template == "community_only"
    assert section.default_button.isEnabled()
    assert "Set as default" in section.feedback.text()
    section.set_as_default()
    qtbot.waitUntil(lambda: not section.default_button.isEnabled(), timeout=10_000)
    default = call(demo_runner, qtbot, terms_service.default_terms)
    assert default.name == "Solo la comunidad"
    assert section.versions_model.rowCount() == 2


def test_open_an_older_version_from_the_history(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    first = section.loaded
    assert first is not None
    call(
        demo_runner,
        qtbot,
        lambda cat: terms_service.save_terms(
            cat, from_template("open_attribution", attribution="x", contact="y", name="Abiertas")
        ),
    )
    section.refresh()
    qtbot.waitUntil(
        lambda: section.versions_model.rowCount() == 2 and not section.loading(), timeout=10_000
    )
    row = next(r for r in range(2) if section.versions_model.info(r).name == "Abiertas")
    section.open_version(row)
    qtbot.waitUntil(
        lambda: section.loaded is not None and section.loaded.name == "Abiertas", timeout=10_000
    )
    assert section.details.name_edit.text() == "Abiertas"


def test_label_wording_is_saved_and_reset(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    assert section.labels.labels_model.rowCount() == 30
    assert section.labels.select_label("tks")
    assert "certain times of the year" in section.labels.label_default.text()
    assert list(section.labels.translation_edits) == ["es", "qu", "en"]
    section.labels.label_text.setPlainText("Solo en tiempo de cosecha.")
    section.labels.translation_edits["qu"].setPlainText("Pallana pachallapi.")
    section.labels.approved_by.setText("Asamblea comunitaria")
    section.labels.approved_on.set_value(date(2025, 3, 1))
    section.labels.hub_id.setText("lc-1234")
    section.labels.save_label()
    qtbot.waitUntil(
        lambda: section.labels.label_feedback.text() == "The wording was saved.", timeout=10_000
    )
    own = call(demo_runner, qtbot, terms_service.label_customisations)["tks"]
    assert own.text == "Solo en tiempo de cosecha."
    assert dict(own.translations) == {"qu": "Pallana pachallapi."}
    assert own.approved_by == "Asamblea comunitaria" and own.approved_on == date(2025, 3, 1)
    assert own.hub_project_id == "lc-1234"
    row = section.labels.labels_model.row_of("tks")
    assert section.labels.labels_model.data(section.labels.labels_model.index(row, 2)) == "Yes"
    assert section.labels.label_reset.isEnabled()

    section.labels.reset_label()
    qtbot.waitUntil(
        lambda: "default text is used" in section.labels.label_feedback.text(), timeout=10_000
    )
    assert "tks" not in call(demo_runner, qtbot, terms_service.label_customisations)
    assert section.labels.label_text.toPlainText() == ""


def test_rule_role_is_the_stored_rule(section: TermsSection) -> None:
    assert section.loaded is not None
    index = section.grid_model.index(ROW_FOR_PROFIT, COL_RESEARCH)
    assert section.grid_model.data(index, RULE_ROLE) == section.loaded.rule(
        UserClass.FOR_PROFIT, Purpose.RESEARCH
    )


def test_community_words_per_language_are_saved_and_previewed(
    section: TermsSection, demo_runner: Any, qtbot: Any
) -> None:
    assert list(section.details.note_edits) == list(section.loaded.languages)
    section.details.note_edits["es"].setPlainText("Pedimos respeto a nuestros mayores.")
    assert section.has_unsaved_changes()
    section.update_preview()
    assert "Pedimos respeto a nuestros mayores." in section.preview.previews["es"].toPlainText()
    section.save()
    wait_saved(section, qtbot)
    stored = call(demo_runner, qtbot, terms_service.default_terms)
    assert dict(stored.notes) == {"es": "Pedimos respeto a nuestros mayores."}
