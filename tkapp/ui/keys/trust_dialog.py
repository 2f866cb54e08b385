""" "Trust this key": the user compares the fingerprint words with the community in person.

Trusting a key is what stops a forged bundle, so the dialog asks for a deliberate act: it
explains how to compare, shows the words (and hex and QR), warns what a difference means, and
enables "Trust this key" only after the user ticks that every word was the same.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.services.types import Fingerprint
from tkapp.ui.common.dialogs import bad_color, set_text_color, window_title
from tkapp.ui.keys.fingerprint_widgets import FingerprintPanel


class TrustKeyDialog(QDialog):
    """Asks the user to compare ``fingerprint`` with ``community`` before trusting it."""

    def __init__(
        self, community: str, fingerprint: Fingerprint, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trust-key-dialog")
        self.setWindowTitle(window_title(_("Trust this key")))
        heading = QLabel(
            _("Is this really the key of {community}?").format(community=community), self
        )
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.3)
        heading.setFont(font)
        heading.setWordWrap(True)
        steps = QLabel(
            _(
                "1. Meet a person of {community} whom you know, in person (or call them on a "
                "phone number you already had before this bundle arrived).\n"
                "2. Ask them to open Keys in TK Commons, or to look at the key card on the "
                "wall of the community office, and to read their words aloud.\n"
                "3. Compare every word with the words below."
            ).format(community=community),
            self,
        )
        steps.setWordWrap(True)
        self.panel = FingerprintPanel(self)
        self.panel.set_fingerprint(fingerprint)
        warning = QLabel(
            _(
                "If even one word is different, do not trust this key: someone may be "
                "pretending to be the community. Tell the community."
            ),
            self,
        )
        warning.setWordWrap(True)
        set_text_color(warning, bad_color(self.palette()))
        self.confirm_box = QCheckBox(
            _("I compared the words with {community} and every word is the same.").format(
                community=community
            ),
            self,
        )
        buttons = QDialogButtonBox(self)
        self.trust_button: QPushButton = buttons.addButton(
            _("Trust this key"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        cancel = buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.trust_button.setEnabled(False)
        self.confirm_box.toggled.connect(self.trust_button.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(steps)
        layout.addWidget(self.panel)
        layout.addWidget(warning)
        layout.addWidget(self.confirm_box)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def accept(self) -> None:
        # The button is disabled until ticked; this guards keyboard shortcuts too.
        if self.confirm_box.isChecked():
            super().accept()
