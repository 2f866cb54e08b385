"""The first screen: recent catalogues, create one, open the demo, verify a bundle."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tkapp import DISPLAY_NAME
from tkapp.i18n import _

_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class StartScreen(QWidget):
    """Big, plain choices for someone who may use the app once a month."""

    open_requested = Signal(Path)  # a recent catalogue was chosen
    browse_requested = Signal()  # "Open another catalogue file…"
    create_requested = Signal()
    demo_requested = Signal()
    verify_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start-screen")

        title = QLabel(DISPLAY_NAME, self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(
            _(
                "Keep your community's knowledge safe and in your hands. "
                "Everything stays on this computer, locked with your passphrase."
            ),
            self,
        )
        subtitle.setWordWrap(True)

        # Left: the catalogues this computer has opened before.
        recent_title = QLabel(_("Recent catalogues"), self)
        bold = recent_title.font()
        bold.setBold(True)
        recent_title.setFont(bold)
        self.recent = QListWidget(self)
        self.recent.setAccessibleName(_("Recent catalogues"))
        self.recent.setMinimumHeight(140)
        self.recent.setSpacing(3)
        self.recent.itemActivated.connect(self._activated)
        self.recent.currentItemChanged.connect(self._update_buttons)
        self.empty_hint = QLabel(_("No catalogue has been opened on this computer yet."), self)
        self.empty_hint.setWordWrap(True)
        self.open_button = QPushButton(_("Open"), self)
        self.open_button.setAccessibleName(_("Open the selected catalogue"))
        self.open_button.clicked.connect(self._open_selected)
        self.browse_button = QPushButton(_("Open another catalogue file…"), self)
        self.browse_button.setAccessibleName(_("Open another catalogue file"))
        self.browse_button.clicked.connect(self.browse_requested)
        recent_buttons = QHBoxLayout()
        recent_buttons.addWidget(self.open_button)
        recent_buttons.addWidget(self.browse_button)
        recent_buttons.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(recent_title)
        left.addWidget(self.recent, 1)
        left.addWidget(self.empty_hint)
        left.addLayout(recent_buttons)
        # Keeps the heading, hint and buttons together at the top when the list is hidden.
        left.addStretch(0)
        self._left = left

        # Right: the other ways in, each a big button with one sentence under it.
        self.create_button = self._big_button(_("Create a catalogue…"))
        self.create_button.clicked.connect(self.create_requested)
        self.demo_button = self._big_button(_("Open the demo catalogue"))
        self.demo_button.clicked.connect(self.demo_requested)
        self.verify_button = self._big_button(_("Verify a bundle…"))
        self.verify_button.clicked.connect(self.verify_requested)
        right = QGridLayout()
        right.setVerticalSpacing(4)
        choices = (
            (self.create_button, _("Start a new, empty catalogue for your community.")),
            (self.demo_button, _("Try TK Commons with made-up example records.")),
            (
                self.verify_button,
                _("For researchers: check a bundle a community shared with you."),
            ),
        )
        for row, (button, text) in enumerate(choices):
            hint = QLabel(text, self)
            hint.setWordWrap(True)
            button.setToolTip(text)
            right.addWidget(button, row * 2, 0)
            right.addWidget(hint, row * 2 + 1, 0)
            right.setRowMinimumHeight(row * 2 + 1, 36)
        right.setRowStretch(len(choices) * 2, 1)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addSpacing(12)
        columns.addWidget(line)
        columns.addSpacing(12)
        columns.addLayout(right, 2)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(36, 28, 36, 28)
        outer.addWidget(title)
        outer.addWidget(subtitle)
        outer.addSpacing(16)
        outer.addLayout(columns, 1)
        self.set_recent([])

    def _big_button(self, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.setMinimumHeight(40)
        font = button.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        button.setFont(font)
        return button

    def set_recent(self, paths: list[Path], names: dict[Path, str] | None = None) -> None:
        """Show these catalogues (newest first) by community name when known; missing files
        are shown as missing."""
        self.recent.clear()
        for path in paths:
            community = (names or {}).get(path, "")
            label = (
                _("{community} — {file}").format(community=community, file=path.name)
                if community
                else path.stem
            )
            if not path.exists():
                # Translators: a recent catalogue whose file was moved or deleted
                label = _("{name} (file not found)").format(name=community or path.stem)
            item = QListWidgetItem(label)
            item.setToolTip(str(path))
            item.setData(_PATH_ROLE, str(path))
            self.recent.addItem(item)
        has_items = bool(paths)
        self.recent.setVisible(has_items)
        self.empty_hint.setVisible(not has_items)
        self._left.setStretch(self._left.count() - 1, 0 if has_items else 1)
        if has_items:
            self.recent.setCurrentRow(0)
        self._update_buttons()

    def recent_paths(self) -> list[Path]:
        return [Path(self.recent.item(i).data(_PATH_ROLE)) for i in range(self.recent.count())]

    def _update_buttons(self, *_args: object) -> None:
        self.open_button.setEnabled(self.recent.currentItem() is not None)

    def _open_selected(self) -> None:
        item = self.recent.currentItem()
        if item is not None:
            self._activated(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(Path(item.data(_PATH_ROLE)))
