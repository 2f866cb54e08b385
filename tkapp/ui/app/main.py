"""Start the desktop app: QApplication, language, icon, the main window, the worker."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from tkapp import APP_ID, APP_NAME, __version__
from tkapp.i18n import set_language
from tkapp.ui.app.smoke import install_quit_timer
from tkapp.ui.common import settings as keys
from tkapp.ui.common.keyboard import install_focus_style
from tkapp.ui.common.qt_translations import install_qt_translations

ORGANISATION = "TK Commons"
ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "tkapp.svg"


def _follow_dark_scheme(app: QApplication) -> None:
    """Windows' classic style stays light in dark mode; Fusion follows the system scheme."""
    hints = QGuiApplication.styleHints()
    dark = hints.colorScheme() == Qt.ColorScheme.Dark
    if dark and app.style().name().lower() == "windowsvista":
        app.setStyle("Fusion")


def configure_application(app: QApplication, settings: keys.Settings) -> str:
    """Names, icon, language and Qt's own translations; returns the language in use."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    # No setApplicationDisplayName(): X11 and Windows would append it to every window title,
    # and ours already start with "TK Commons" (issue 5: titles start with the display name).
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    lang = set_language(settings.get(keys.LANGUAGE) or None)
    install_qt_translations(app, lang)
    _follow_dark_scheme(app)
    install_focus_style(app)
    return lang


def run_gui(args: list[str]) -> int:
    """Run the desktop app; ``args`` may hold one ``.tkb``/``.tkb.age`` bundle to verify."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    settings = keys.Settings()
    configure_application(app, settings)

    from tkapp.ui.app.main_window import MainWindow
    from tkapp.ui.common.worker import Runner

    runner = Runner()
    window = MainWindow(runner, settings)
    window.show()
    bundles = [a for a in args if a.endswith((".tkb", ".tkb.age"))]
    if bundles:
        window.ops.verify_bundle_path(Path(bundles[0]))
    elif not settings.get(keys.GUIDE_SEEN):
        window.ops.show_guide()  # the very first start: what the app is for
    install_quit_timer(app)
    try:
        status = app.exec()
    finally:
        runner.shutdown()
    return int(status)
