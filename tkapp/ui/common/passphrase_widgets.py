"""Passphrase entry: show/hide, a caps-lock warning and a simple strength meter.

The strength estimate is deliberately simple and explainable (length, kinds of characters,
number of words, a short list of passwords everybody guesses first). It is a guide for a
custodian choosing a passphrase, not a security proof; the real protection is SQLCipher's key
derivation and the length we require.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import N_, _, translate
from tkapp.ui.common.dialogs import bad_color, good_color, set_text_color, warning_color

#: A catalogue passphrase needs at least this many characters, or MIN_WORDS words.
MIN_LENGTH = 10
MIN_WORDS = 3

# The passwords people try first, in the languages of our users. Lower-case, no accents.
_COMMON = frozenset(
    {
        "password", "password1", "passw0rd", "123456", "1234567", "12345678", "123456789",
        "1234567890", "0123456789", "qwerty", "qwertyuiop", "asdfghjkl", "abc123", "111111",
        "000000", "iloveyou", "admin", "letmein", "welcome", "monkey", "dragon", "football",
        "contrasena", "contraseña", "clave", "secreto", "teamo", "ecuador", "ecuador123",
        "amazonia", "pachamama", "comunidad", "kichwa", "tkcommons", "tk commons", "demo",
        "catalogo", "catalogue", "sumakkawsay", "sumak kawsay",
    }
)  # fmt: skip

_LEVELS = (N_("Too weak"), N_("Weak"), N_("Fair"), N_("Strong"), N_("Very strong"))


@dataclass(frozen=True)
class Strength:
    """An estimate for one passphrase."""

    bits: float  # rough entropy estimate
    score: int  # 0 (too weak) .. 4 (very strong)
    words: int
    common: bool
    acceptable: bool  # long enough to protect a catalogue

    @property
    def label(self) -> str:
        return translate(_LEVELS[self.score])


def _pool_size(text: str) -> int:
    pool = 0
    if re.search(r"[a-z]", text):
        pool += 26
    if re.search(r"[A-Z]", text):
        pool += 26
    if re.search(r"[0-9]", text):
        pool += 10
    if re.search(r"[^\w\s]", text, re.ASCII):
        pool += 33
    if re.search(r"\s", text):
        pool += 1
    if any(ord(ch) > 127 for ch in text):
        pool += 40  # accented letters, ñ, other scripts
    return max(pool, 1)


def estimate_strength(passphrase: str) -> Strength:
    """Estimate how hard ``passphrase`` is to guess (see the module docstring)."""
    text = passphrase
    words = len([w for w in re.split(r"[\s\-_.,;:]+", text) if len(w) >= 2])
    folded = text.strip().lower()
    common = folded in _COMMON or folded.rstrip("0123456789!.") in _COMMON
    # Runs of one character ("aaaaaaa") add almost nothing: count changes, not length.
    effective = sum(1 for i, ch in enumerate(text) if i == 0 or ch != text[i - 1])
    bits = effective * math.log2(_pool_size(text)) if text else 0.0
    # Very few distinct characters ("abababab") cap the estimate.
    bits = min(bits, len(set(text)) * 6.0)
    if words >= MIN_WORDS:
        # A few real words are far stronger than their letters suggest to a guesser who
        # doesn't know them, but count them conservatively (about 11 bits each).
        bits = max(bits, words * 11.0)
    if common:
        bits = min(bits, 10.0)
    score = 0 if bits < 28 else 1 if bits < 40 else 2 if bits < 60 else 3 if bits < 80 else 4
    long_enough = len(text) >= MIN_LENGTH or words >= MIN_WORDS
    acceptable = long_enough and not common and bits >= 40
    if not acceptable:
        score = min(score, 1)
    return Strength(bits=bits, score=score, words=words, common=common, acceptable=acceptable)


def caps_lock_state() -> bool | None:
    """Ask the operating system whether Caps Lock is on; None when we cannot know."""
    if sys.platform == "win32":
        import ctypes

        return bool(ctypes.windll.user32.GetKeyState(0x14) & 1)  # type: ignore[attr-defined]
    return None


class PassphraseEdit(QWidget):
    """A password field with a Show/Hide button and a Caps Lock warning under it."""

    textChanged = Signal(str)
    returnPressed = Signal()

    def __init__(self, accessible_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName(accessible_name or _("Passphrase"))
        self.edit.textChanged.connect(self.textChanged)
        self.edit.returnPressed.connect(self.returnPressed)
        self.edit.installEventFilter(self)

        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.setText(_("Show"))
        self.toggle.setAccessibleName(_("Show the passphrase"))
        self.toggle.setToolTip(_("Show or hide what you typed. Make sure nobody is watching."))
        self.toggle.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.toggle.toggled.connect(self.set_visible_text)

        self.caps = QLabel(_("Caps Lock is on."), self)
        self.caps.setAccessibleName(_("Caps Lock warning"))
        set_text_color(self.caps, warning_color(self.palette()))
        self.caps.setVisible(False)
        self._caps_on = False

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.toggle)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.caps)
        self.setFocusProxy(self.edit)

    # -- QLineEdit-like API ----------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def clear(self) -> None:
        self.edit.clear()

    def setPlaceholderText(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    def set_visible_text(self, visible: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password)
        self.toggle.setText(_("Hide") if visible else _("Show"))
        self.toggle.setAccessibleName(
            _("Hide the passphrase") if visible else _("Show the passphrase")
        )
        if self.toggle.isChecked() != visible:
            self.toggle.setChecked(visible)

    def is_text_visible(self) -> bool:
        return self.edit.echoMode() == QLineEdit.EchoMode.Normal

    # -- caps lock -------------------------------------------------------------------------

    def caps_lock_on(self) -> bool:
        return self._caps_on

    def _set_caps(self, on: bool) -> None:
        self._caps_on = on
        self.caps.setVisible(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit:
            if event.type() == QEvent.Type.FocusIn:
                state = caps_lock_state()
                if state is not None:
                    self._set_caps(state)
            elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                self._guess_caps(event)
        return super().eventFilter(watched, event)

    def _guess_caps(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_CapsLock:
            state = caps_lock_state()
            self._set_caps(state if state is not None else not self._caps_on)
            return
        text = event.text()
        # Portable guess: a letter whose case disagrees with Shift means Caps Lock is on.
        if len(text) == 1 and text.isalpha() and text.lower() != text.upper():
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._set_caps(text.isupper() != shift)


class StrengthMeter(QWidget):
    """A bar and a word (too weak / weak / fair / strong / very strong)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.bar.setAccessibleName(_("Passphrase strength"))
        self.word = QLabel(self)
        self.word.setMinimumWidth(90)
        self.word.setAccessibleName(_("Passphrase strength in words"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(_("Strength:"), self))
        row.addWidget(self.bar, 1)
        row.addWidget(self.word)
        self.strength = estimate_strength("")
        self.update_for("")

    def update_for(self, passphrase: str) -> Strength:
        self.strength = estimate_strength(passphrase)
        self.bar.setValue(self.strength.score if passphrase else 0)
        self.word.setText(self.strength.label if passphrase else "")
        pal = self.palette()
        color = (
            good_color(pal)
            if self.strength.score >= 3
            else warning_color(pal)
            if self.strength.acceptable
            else bad_color(pal)
        )
        set_text_color(self.word, color)
        self.bar.setAccessibleDescription(self.word.text())
        return self.strength
