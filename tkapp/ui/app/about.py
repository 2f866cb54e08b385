"""The About dialog: versions of every part and the cryptography self-test result.

The self-test and the SQLCipher version query run on the serial worker (crypto never runs on
the GUI thread); the dialog shows "checking…" until they answer.
"""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tkapp import DISPLAY_NAME, __version__
from tkapp.i18n import _
from tkapp.services import diagnostics
from tkapp.ui.common.dialogs import bad_color, error_text, good_color, set_text_color, window_title
from tkapp.ui.common.worker import Runner


def sqlcipher_version() -> str:
    """Which SQLCipher the store runs. Worker thread only."""
    return diagnostics.sqlcipher_version()


def run_selftest() -> tuple[bool, str]:
    """Run the crypto known-answer self-test. Worker thread only. (ok, detail)"""
    return diagnostics.crypto_selftest(), ""


class AboutDialog(QDialog):
    def __init__(self, runner: Runner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(_("About")))
        self.setMinimumWidth(440)
        title = QLabel(DISPLAY_NAME, self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        blurb = QLabel(
            _(
                "Community-held catalogues of traditional and biodiversity knowledge, "
                "shared only under the community's terms."
            ),
            self,
        )
        blurb.setWordWrap(True)

        self.versions = QFormLayout()
        self.versions.addRow(_("TK Commons:"), self._value(__version__))
        self.versions.addRow(_("Python:"), self._value(platform.python_version()))
        self.versions.addRow(_("Qt:"), self._value(qVersion()))
        self.versions.addRow(_("PySide6:"), self._value(PySide6.__version__))
        self.sqlcipher = self._value(_("checking…"))
        self.versions.addRow(_("SQLCipher:"), self.sqlcipher)
        self.versions.addRow(_("System:"), self._value(f"{platform.system()} {platform.release()}"))
        self.selftest = self._value(_("checking…"))
        self.selftest.setAccessibleName(_("Cryptography self-test result"))
        self.versions.addRow(_("Cryptography self-test:"), self.selftest)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        box = QVBoxLayout(self)
        box.addWidget(title)
        box.addWidget(blurb)
        box.addSpacing(8)
        box.addLayout(self.versions)
        box.addWidget(buttons)

        self.selftest_ok: bool | None = None
        if runner is None:
            self.sqlcipher.setText(_("unknown"))
            self.selftest.setText(_("not run"))
        else:
            runner.run_any(
                lambda _cat: (sqlcipher_version(), *run_selftest()),
                self._checked,
                self._failed,
                context=self,
            )

    def _value(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def _checked(self, result: tuple[str, bool, str]) -> None:
        version, ok, _detail = result
        self.sqlcipher.setText(version or _("shown when a catalogue is open"))
        self._show_selftest(ok)

    def _show_selftest(self, ok: bool) -> None:
        self.selftest_ok = ok
        if ok:
            self.selftest.setText(_("passed"))
            set_text_color(self.selftest, good_color(self.palette()))
        else:
            self.selftest.setText(
                _("FAILED: do not trust this installation. Reinstall TK Commons.")
            )
            set_text_color(self.selftest, bad_color(self.palette()))

    def _failed(self, error: BaseException) -> None:
        self.sqlcipher.setText(_("unknown"))
        self.selftest_ok = False
        self.selftest.setText(error_text(error))
        set_text_color(self.selftest, bad_color(self.palette()))


def python_description() -> str:
    return sys.version.split()[0]
