"""tkapp/ui/app/smoke.py: the hook the frozen-app tests use to quit the GUI and read Qt's buttons.

The quit hook runs in a child Python, because quitting the shared test QApplication would
disturb every later Qt test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tkapp.ui.app.smoke import install_quit_timer, standard_button_texts

CHILD = """
import sys
from PySide6.QtWidgets import QApplication, QMessageBox
from tkapp.ui.app.smoke import install_quit_timer

app = QApplication(sys.argv[:1])
timer = install_quit_timer(app)
assert timer is not None
# A modal dialog during start-up runs its own event loop; the hook must end it too.
box = QMessageBox()
box.setText("modal")
box.exec()
sys.exit(app.exec())
"""


def _child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    env.pop("TKAPP_LANG", None)
    return env


def test_quit_hook_ends_modal_dialog_and_app(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    env = _child_env(tmp_path, TKAPP_QUIT_AFTER_MS="300", TKAPP_SMOKE_REPORT=str(report))
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["platform"] == "offscreen"
    assert "QMessageBox" in data["windows"]
    assert data["buttons"]["cancel"] == "Cancel"
    assert "Wave" in data["audio_decoders"]
    assert not list(tmp_path.glob("*.tmp"))


def test_hook_is_off_without_the_variable(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TKAPP_QUIT_AFTER_MS", raising=False)
    assert install_quit_timer(qapp) is None
    monkeypatch.setenv("TKAPP_QUIT_AFTER_MS", "soon")
    assert install_quit_timer(qapp) is None  # not a number: ignored, never a crash


def test_standard_buttons_follow_qt_translation(qapp) -> None:
    from tkapp.ui.common.qt_translations import install_qt_translations

    try:
        install_qt_translations(qapp, "es")
        spanish = standard_button_texts()
    finally:
        install_qt_translations(qapp, "en")
    assert spanish["cancel"] == "Cancelar"
    assert standard_button_texts()["cancel"] == "Cancel"
