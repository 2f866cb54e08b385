"""Darwin Core place notes in a received bundle are shown in the reader's language."""

from __future__ import annotations

from tkapp.i18n import set_language


def test_place_notes_from_bundles_are_translated(qapp) -> None:
    from tkapp.core.model import Place, Sensitivity
    from tkapp.licensing.places import generalise
    from tkapp.ui.verify.bundle_widgets import place_note_text

    note = generalise(Place("Río", -1.4925, -77.9321, 30, Sensitivity.MEDIUM)).data_generalizations
    assert note.startswith("Coordinates rounded to 0.01 degree")
    set_language("es")
    try:
        text = place_note_text(note)
        assert "0,01" in text and "Coordinates" not in text
        assert place_note_text("Something another program wrote") == (
            "Something another program wrote"
        )
    finally:
        set_language("en")
