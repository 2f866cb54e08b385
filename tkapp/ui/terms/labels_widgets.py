"""Local Contexts label pictograms as Qt icons, a label picker and a row of label badges.

Names and descriptions come from :mod:`tkapp.licensing.labels` (translated through the
``N_`` marks in ``tkapp.licensing._msgids``); the pictograms are our own
(:mod:`tkapp.ui.terms.label_pictograms`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _, translate
from tkapp.licensing.evaluate import NEVER_EXPORTED_LABELS
from tkapp.licensing.labels import LABELS, Label, LabelKind, get_label
from tkapp.ui.records.record_editor_widgets import heading
from tkapp.ui.terms.label_pictograms import notice_svg, pictogram_svg

CODE_ROLE = Qt.ItemDataRole.UserRole + 20

_icon_cache: dict[tuple[str, int], QPixmap] = {}


def label_image(code: str, size: int = 48) -> QImage:
    """Our pictogram for a label as an image (usable off the GUI thread)."""
    label = get_label(code)
    return _svg_image(pictogram_svg(label.code, str(label.category)), size)


def notice_pixmap(code: str, size: int = 48) -> QPixmap:
    """Our pictogram for a Local Contexts Notice (cached per size)."""
    key = ("notice:" + code, size)
    pixmap = _icon_cache.get(key)
    if pixmap is None:
        pixmap = QPixmap.fromImage(_svg_image(notice_svg(code), size))
        _icon_cache[key] = pixmap
    return pixmap


def _svg_image(svg: str, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def label_pixmap(code: str, size: int = 48) -> QPixmap:
    """Our pictogram for a label (cached per size)."""
    key = (code, size)
    pixmap = _icon_cache.get(key)
    if pixmap is None:
        pixmap = QPixmap.fromImage(label_image(code, size))
        _icon_cache[key] = pixmap
    return pixmap


def label_icon(code: str) -> QIcon:
    """An icon with the pictogram at the usual list sizes."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64):
        icon.addPixmap(label_pixmap(code, size))
    return icon


def label_name(code: str) -> str:
    """The label's translated name, e.g. "TK Seasonal"."""
    return translate(get_label(code).name)


def label_description(code: str) -> str:
    """Our default description of the label, translated."""
    return translate(get_label(code).description)


def _tooltip(label: Label) -> str:
    text = translate(label.description)
    if label.code in NEVER_EXPORTED_LABELS:
        text += "\n" + _("A record with this label never leaves the catalogue.")
    return text


class _FlowList(QListWidget):
    """A wrapping list in three columns, tall enough to show every item without scrolling.

    The column count is fixed so the height does not depend on the width: a height that
    follows the width makes scroll areas and layouts chase each other.
    """

    COLUMNS = 3
    ROW = 30

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(QSize(24, 24))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(self.COLUMNS * 180)

    def refit(self) -> None:
        """Fix the height for the current number of items."""
        rows = -(-max(1, self.count()) // self.COLUMNS)
        self.setFixedHeight(rows * self.ROW + 2 * self.frameWidth() + 4)
        self._fit_width()

    def _fit_width(self) -> None:
        grid = QSize(max(60, (self.viewport().width() - 6) // self.COLUMNS), self.ROW)
        if grid != self.gridSize():
            self.setGridSize(grid)
            self.doItemsLayout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_width()


class LabelPicker(QWidget):
    """Pick Local Contexts labels: TK labels, then BC labels, each a checkable pictogram."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lists: dict[LabelKind, _FlowList] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for kind, title in (
            (LabelKind.TK, _("Traditional Knowledge (TK) labels")),
            (LabelKind.BC, _("Biocultural (BC) labels")),
        ):
            box = _FlowList()
            box.setSelectionMode(QListWidget.SelectionMode.NoSelection)
            box.setAccessibleName(title)
            for label in LABELS:
                if label.kind is not kind:
                    continue
                item = QListWidgetItem(label_icon(label.code), translate(label.name))
                item.setData(CODE_ROLE, label.code)
                item.setToolTip(_tooltip(label))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsSelectable
                )
                item.setCheckState(Qt.CheckState.Unchecked)
                box.addItem(item)
            box.itemChanged.connect(lambda _item: self._on_changed())
            # Clicking anywhere on the row toggles it (the box alone is a small target).
            box.itemClicked.connect(self._toggle_on_click)
            box.refit()
            self._lists[kind] = box
            layout.addWidget(heading(title))
            layout.addWidget(box)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a4a12; font-weight: bold;")
        self.note.hide()
        layout.addWidget(self.note)
        self._last_click_state: Qt.CheckState | None = None
        for box in self._lists.values():
            box.itemPressed.connect(
                lambda item: setattr(self, "_last_click_state", item.checkState())
            )

    def _toggle_on_click(self, item: QListWidgetItem) -> None:
        # A click on the check box already toggled it; a click on the text did not.
        if self._last_click_state is not None and item.checkState() == self._last_click_state:
            item.setCheckState(
                Qt.CheckState.Unchecked
                if item.checkState() == Qt.CheckState.Checked
                else Qt.CheckState.Checked
            )
        self._last_click_state = None

    def _items(self) -> Iterable[QListWidgetItem]:
        for box in self._lists.values():
            for i in range(box.count()):
                yield box.item(i)

    def labels(self) -> list[str]:
        """The checked codes, in the shipped order."""
        return [
            item.data(CODE_ROLE)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_labels(self, codes: Sequence[str]) -> None:
        wanted = set(codes)
        for box in self._lists.values():
            box.blockSignals(True)
        try:
            for item in self._items():
                item.setCheckState(
                    Qt.CheckState.Checked
                    if item.data(CODE_ROLE) in wanted
                    else Qt.CheckState.Unchecked
                )
        finally:
            for box in self._lists.values():
                box.blockSignals(False)
        self._update_note()

    def set_checked(self, code: str, checked: bool) -> None:
        for item in self._items():
            if item.data(CODE_ROLE) == code:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _on_changed(self) -> None:
        self._update_note()
        self.changed.emit()

    def _update_note(self) -> None:
        closed = [c for c in self.labels() if c in NEVER_EXPORTED_LABELS]
        if closed:
            self.note.setText(
                _("With {labels}, this record never leaves the catalogue.").format(
                    labels=", ".join(label_name(c) for c in closed)
                )
            )
        self.note.setVisible(bool(closed))


class LabelBadges(QWidget):
    """A read-only row of label pictograms with their names (for summaries and viewers)."""

    def __init__(
        self, codes: Sequence[str] = (), size: int = 24, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._size = size
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.set_labels(codes)

    def set_labels(self, codes: Sequence[str]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for code in codes:
            icon = QLabel()
            icon.setPixmap(label_pixmap(code, self._size))
            icon.setToolTip(_tooltip(get_label(code)))
            text = QLabel(label_name(code))
            self._layout.addWidget(icon)
            self._layout.addWidget(text)
        self._layout.addStretch(1)
