"""The place tab reads coordinates typed or pasted in any form people have them."""

from __future__ import annotations

import pytest
from editor_helpers import call, open_editor, save_and_wait
from PySide6.QtWidgets import QApplication


def test_pasted_dms_fills_the_place_and_is_saved(open_runner, qtbot) -> None:
    dialog = open_editor(open_runner, qtbot, None)
    dialog.knowledge.title_edit.setText("Sitio del árbol de sangre de drago")
    place = dialog.place
    qtbot.keyClicks(place.paste_edit, "1°29'33\"S 77°55'56\"W")
    assert "-1.4925" in place.paste_result.text()
    assert place.latitude_edit.text() == "-1.4925"
    record_id = save_and_wait(dialog, qtbot)
    stored = call(open_runner, qtbot, lambda cat: cat.get_record(record_id))
    assert stored.place.latitude == pytest.approx(-1.4925)
    assert stored.place.longitude == pytest.approx(-77.9322222, abs=1e-6)

    place.paste_edit.setText("https://maps.google.com/?q=-0.95,-78.6")
    assert place.longitude_edit.text() == "-78.6"
    place.paste_edit.setText("cerca del río")
    QApplication.processEvents()
    assert "latitude" in place.paste_result.text()  # says what is missing; fields kept
    assert place.latitude_edit.text() == "-0.95"
    dialog.reject()
