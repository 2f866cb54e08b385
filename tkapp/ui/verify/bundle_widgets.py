"""Widgets shared by the verify window and the Received section.

- :class:`VerdictBanner`: the large verdict (valid and trusted / valid but untrusted signer /
  invalid). Each state has its own icon shape and words as well as a colour, so it never
  relies on colour alone, and the colours are chosen for the light or the dark palette.
- :class:`RecordBrowser`: received records, read-only: a list, the chosen record's details and
  its media (opened in :class:`~tkapp.ui.records.media_viewer.MediaViewerDialog`).
- :class:`~tkapp.ui.records.media_source.MediaSourceRunner` (re-exported here): lets the
  media viewer and player read a bundle member or a received media file instead of stored
  media.

Everything shown here comes from a file someone else made: every text is HTML-escaped and
every code is looked up defensively (an unknown code is shown as it is, never trusted).
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tkapp.core.model import AccessLevel, Category, Media, MediaKind, RecordStatus
from tkapp.i18n import _, format_date, format_number, names
from tkapp.licensing import places
from tkapp.licensing.labels import LABEL_CODES
from tkapp.safetext import safe_text
from tkapp.ui.common.dialogs import bad_color, good_color, is_dark, warning_color, window_title
from tkapp.ui.records.entity_models import size_text
from tkapp.ui.records.media_source import MediaSourceRunner
from tkapp.ui.terms.labels_widgets import label_name

# -- the verdict ---------------------------------------------------------------------------

NONE = "none"
BUSY = "busy"
TRUSTED = "trusted"
UNTRUSTED = "untrusted"
INVALID = "invalid"

ID_ROLE = Qt.ItemDataRole.UserRole + 31


def verdict_color(state: str, palette: QPalette) -> QColor:
    """The accent of a verdict, readable on the current (light or dark) palette."""
    if state == TRUSTED:
        return good_color(palette)
    if state == UNTRUSTED:
        return warning_color(palette)
    if state == INVALID:
        return bad_color(palette)
    return palette.color(QPalette.ColorRole.Mid)


def verdict_icon(state: str, color: QColor, size: int = 64) -> QPixmap:
    """A drawn icon (no font needed): a tick in a circle, "!" in a triangle, "x" in an
    octagon, "?" style dots for none. Shapes differ so the verdict reads without colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    s = float(size)
    shape = QPainterPath()
    if state == TRUSTED:
        shape.addEllipse(QRectF(2, 2, s - 4, s - 4))
    elif state == UNTRUSTED:
        shape.moveTo(s / 2, 3)
        shape.lineTo(s - 3, s - 5)
        shape.lineTo(3, s - 5)
        shape.closeSubpath()
    elif state == INVALID:
        k = s * 0.29
        points = [
            (k, 2),
            (s - k, 2),
            (s - 2, k),
            (s - 2, s - k),
            (s - k, s - 2),
            (k, s - 2),
            (2, s - k),
            (2, k),
        ]
        shape.moveTo(*points[0])
        for point in points[1:]:
            shape.lineTo(*point)
        shape.closeSubpath()
    else:
        shape.addRoundedRect(QRectF(2, 2, s - 4, s - 4), s / 5, s / 5)
    p.drawPath(shape)
    # The glyph in the colour that contrasts with the accent.
    glyph = QColor("#ffffff") if color.lightness() < 150 else QColor("#1a1a1a")
    pen = QPen(
        glyph, s / 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if state == TRUSTED:
        path = QPainterPath(QPointF(s * 0.28, s * 0.52))
        path.lineTo(s * 0.44, s * 0.68)
        path.lineTo(s * 0.73, s * 0.36)
        p.drawPath(path)
    elif state == UNTRUSTED:
        p.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.62))
        p.drawPoint(QPointF(s / 2, s * 0.77))
    elif state == INVALID:
        p.drawLine(QPointF(s * 0.34, s * 0.34), QPointF(s * 0.66, s * 0.66))
        p.drawLine(QPointF(s * 0.66, s * 0.34), QPointF(s * 0.34, s * 0.66))
    else:
        for x in (0.3, 0.5, 0.7):
            p.drawPoint(QPointF(s * x, s / 2))
    p.end()
    return pixmap


class VerdictBanner(QFrame):
    """The big verdict at the top of the verify window: icon, headline and plain reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict-banner")
        self.state = NONE
        self.icon = QLabel(self)
        self.icon.setFixedSize(64, 64)
        self.headline = QLabel(self)
        font = self.headline.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.6)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.headline)
        texts.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(16)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        self._icon_key: tuple[str, str] | None = None
        self.set_state(NONE, "", "")

    def set_state(self, state: str, headline: str, detail: str) -> None:
        self.state = state
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(headline)
        self.setAccessibleDescription(detail)
        self._paint_colours()

    def _colours(self) -> tuple[QColor, QColor]:
        """The accent and the background tint, from the window's palette (light or dark)."""
        top = self.window()
        base = top.palette() if top is not self else QApplication.palette()
        accent = verdict_color(self.state, base)
        window = base.color(QPalette.ColorRole.Window)
        mix = 0.22 if is_dark(base) else 0.12
        tint = QColor(
            round(window.red() + (accent.red() - window.red()) * mix),
            round(window.green() + (accent.green() - window.green()) * mix),
            round(window.blue() + (accent.blue() - window.blue()) * mix),
        )
        return accent, tint

    def _paint_colours(self) -> None:
        accent, _tint = self._colours()
        key = (self.state, accent.name())
        if key != self._icon_key:
            self._icon_key = key
            self.icon.setPixmap(verdict_icon(self.state, accent, 64))
        self.update()

    def background(self) -> QColor:
        """The banner's background colour now (for tests and screenshots)."""
        return self._colours()[1]

    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt's name
        # Painted here, not with a style sheet or palette: it follows the window's palette
        # whenever it changes (a switch to the dark theme) with nothing to keep in sync.
        accent, tint = self._colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(accent, 2))
        painter.setBrush(tint)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 6, 6)
        painter.end()
        if (self.state, accent.name()) != self._icon_key:
            self._paint_colours()

    def changeEvent(self, event: QEvent) -> None:  # Qt's name
        super().changeEvent(event)
        if event.type() in (event.Type.PaletteChange, event.Type.ApplicationPaletteChange):
            self._paint_colours()


# -- reading media from a bundle or from the received area ---------------------------------


def media_from_json(item: Mapping[str, Any]) -> Media | None:
    """A :class:`Media` for the viewer from a bundle record's media entry (None if unusable).

    Its ``id`` is the bundle path, which the :class:`MediaSourceRunner` opener receives.
    """
    path = item.get("path")
    if not isinstance(path, str) or not path.startswith("data/media/"):
        return None
    try:
        kind = MediaKind(str(item.get("kind", "")))
    except ValueError:
        kind = MediaKind.DOCUMENT
    size = item.get("size")
    mime = item.get("mime_type")
    return Media(
        kind=kind,
        mime_type=mime if isinstance(mime, str) and "/" in mime else "application/octet-stream",
        # The name keeps the extension: the player uses it to guess the format.
        file_name=PurePosixPath(path).name,
        id=path,
        size=size if isinstance(size, int) and size >= 0 else 0,
        sha256=str(item.get("sha256", ""))[:64],
        caption=_text(item.get("caption")),
        creator=_text(item.get("creator")),
        content_warning=_text(item.get("content_warning")),
    )


# -- one record, read-only -----------------------------------------------------------------


def _text(value: object) -> str:
    # Received text: no control, bidi or invisible characters reach a label.
    return safe_text(value, multiline=True) if isinstance(value, str) else ""


def _esc(value: object) -> str:
    return html.escape(_text(value))


def _lookup(convert: Callable[[Any], str], enum: Any, value: object) -> str:
    """A display name for a code from a bundle; an unknown code is shown as it is."""
    try:
        return convert(enum(value))
    except (ValueError, TypeError):
        return _text(value)


def date_text(value: str) -> str:
    """An ISO date or time from a bundle in the UI language (shown as it is if odd)."""
    try:
        day = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_date(day.date())


def record_html(data: Mapping[str, Any]) -> str:
    """A read-only HTML page of one bundle record; every value is escaped."""
    parts: list[str] = [f"<h2>{_esc(data.get('title')) or html.escape(_('(no title)'))}</h2>"]
    if _text(data.get("summary")):
        parts.append(f"<p><i>{_esc(data.get('summary'))}</i></p>")
    rows: list[tuple[str, str]] = []
    rows.append((_("Category"), _lookup(names.category_name, Category, data.get("category"))))
    rows.append((_("Access"), _lookup(names.access_name, AccessLevel, data.get("access"))))
    if _text(data.get("restricted_group")):
        rows.append((_("Restricted group"), _text(data.get("restricted_group"))))
    rows.append((_("Status"), _lookup(names.status_name, RecordStatus, data.get("status"))))
    labels = data.get("labels")
    if isinstance(labels, list) and labels:
        shown = [label_name(c) if c in LABEL_CODES else _text(c) for c in labels]
        rows.append((_("Labels"), ", ".join(shown)))
    if _text(data.get("language")):
        rows.append((_("Language"), names.language_name(_text(data.get("language")))))
    if _text(data.get("recorded_date")):
        rows.append((_("Recorded on"), date_text(_text(data.get("recorded_date")))))
    if _text(data.get("recorded_by")):
        rows.append((_("Recorded by"), _text(data.get("recorded_by"))))
    parts.append("<table cellspacing='0' cellpadding='3'>")
    for name, value in rows:
        parts.append(
            f"<tr><td valign='top'><b>{html.escape(name)}</b></td>"
            f"<td>{html.escape(value)}</td></tr>"
        )
    parts.append("</table>")
    if _text(data.get("description")):
        description = _esc(data.get("description")).replace("\n", "<br>")
        parts.append(f"<h3>{html.escape(_('Description'))}</h3><p>{description}</p>")
    parts += _uses_html(data.get("uses"))
    parts += _taxa_html(data.get("taxa"))
    parts += _holders_html(data.get("holders"))
    parts += _place_html(data.get("place"))
    withheld = data.get("withheld_fields")
    if isinstance(withheld, list) and withheld:
        fields = ", ".join(names.confidential_field_name(_text(w)) for w in withheld)
        parts.append(
            "<p><i>"
            + html.escape(_("The community did not share: {fields}.").format(fields=fields))
            + "</i></p>"
        )
    return "\n".join(parts)


def _uses_html(uses: object) -> list[str]:
    if not isinstance(uses, list) or not uses:
        return []
    out = [f"<h3>{html.escape(_('Uses'))}</h3><ul>"]
    for use in uses:
        if not isinstance(use, dict):
            continue
        bits = [_text(use.get(k)) for k in ("part", "preparation", "purpose", "season")]
        out.append("<li>" + html.escape(" · ".join(b for b in bits if b)) + "</li>")
    out.append("</ul>")
    return out


def _taxa_html(taxa: object) -> list[str]:
    if not isinstance(taxa, list) or not taxa:
        return []
    out = [f"<h3>{html.escape(_('Species'))}</h3><ul>"]
    for taxon in taxa:
        if not isinstance(taxon, dict):
            continue
        name = _esc(taxon.get("scientificName"))
        line = f"<i>{name}</i> {_esc(taxon.get('scientificNameAuthorship'))}"
        local = taxon.get("vernacularNames")
        if isinstance(local, list) and local:
            words = [
                f"{_text(v.get('name'))} ({names.language_name(_text(v.get('language')))})"
                for v in local
                if isinstance(v, dict)
            ]
            line += " — " + html.escape(", ".join(words))
        out.append(f"<li>{line}</li>")
    out.append("</ul>")
    return out


def _holders_html(holders: object) -> list[str]:
    if not isinstance(holders, list) or not holders:
        return []
    out = [f"<h3>{html.escape(_('Knowledge holders'))}</h3><ul>"]
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        role = _text(holder.get("role"))
        text = _text(holder.get("name")) + (" — " + names.role_name(role) if role else "")
        out.append(f"<li>{html.escape(text)}</li>")
    out.append("</ul>")
    return out


_ROUNDED = re.compile(
    r"Coordinates rounded to (?P<step>0\.0*1) degree \([^)]*\) by the community; "
    r"uncertainty enlarged to cover the rounding"
)


def place_note_text(text: str) -> str:
    """A bundle's Darwin Core place notes (English by the standard) in the reader's language.

    The sentences TK Commons writes (:mod:`tkapp.licensing.places`) are recognised and
    translated; notes written by other software are shown as they are."""
    rough = {
        "0.1": _("about 11 km"),
        "0.01": _("about 1 km"),
        "0.001": _("about 100 m"),
    }
    known = {
        places.WITHHELD_LOCATION: _("Location withheld by the community"),
        places.WITHHELD_CONFIDENTIAL: _("Location withheld by the community (confidential)"),
        places.WITHHELD_LOCALITY: _("Locality text withheld by the community"),
    }
    out = []
    for part in text.split(". "):
        match = _ROUNDED.fullmatch(part)
        if match:
            step = match.group("step")
            out.append(
                _(
                    "Coordinates rounded to {step} degree ({size}) by the community, so the "
                    "place is shown only roughly"
                ).format(step=format_number(float(step)), size=rough.get(step, ""))
            )
        else:
            out.append(known.get(part, part))
    return ". ".join(out)


def _place_html(place: object) -> list[str]:
    if not isinstance(place, dict):
        return []
    bits = []
    if _text(place.get("locality")):
        bits.append(_text(place.get("locality")))
    lat, lon = place.get("decimalLatitude"), place.get("decimalLongitude")
    if isinstance(lat, str | int) and isinstance(lon, str | int) and str(lat) and str(lon):
        bits.append(_("about {lat}, {lon}").format(lat=lat, lon=lon))
    if _text(place.get("dataGeneralizations")):
        bits.append(place_note_text(_text(place.get("dataGeneralizations"))))
    if _text(place.get("informationWithheld")):
        bits.append(place_note_text(_text(place.get("informationWithheld"))))
    if not bits:
        return []
    return [f"<h3>{html.escape(_('Place'))}</h3><p>" + "<br>".join(map(html.escape, bits)) + "</p>"]


class RecordBrowser(QWidget):
    """Read-only received records: list on the left, details and media on the right.

    ``set_records`` takes ``(record id, title, data)`` triples; ``data`` may be ``None`` when
    a ``loader(record id, deliver)`` is given: the record is then read (on the worker) only
    when chosen, so a bundle with many records is never held in memory at once.
    ``media_runner`` is a :class:`MediaSourceRunner` (``None`` when media cannot be read).
    """

    #: A record was chosen (its id).
    record_selected = Signal(str)
    #: A record's details are on screen (its id).
    record_shown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: dict[str, Mapping[str, Any] | None] = {}
        self._titles: dict[str, str] = {}
        self._outcomes: dict[str, str] = {}
        self._loader: Callable[[str, Callable[[Mapping[str, Any]], None]], None] | None = None
        self._loading: str | None = None
        self.media_runner: MediaSourceRunner | None = None
        self.viewers: list[QWidget] = []
        self.list = QListWidget(self)
        self.list.setAccessibleName(_("Records in the bundle"))
        # Each record's verdict goes on its own line under the title, never cut off.
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.setOpenExternalLinks(False)
        self.detail.setAccessibleName(_("Record details"))
        self.media_caption = QLabel(_("Photos and recordings:"), self)
        self.media = QListWidget(self)
        self.media.setAccessibleName(_("Photos and recordings of the record"))
        self.media.setMaximumHeight(110)
        self.open_media_button = QPushButton(_("Open"), self)
        self.open_media_button.setEnabled(False)
        media_row = QHBoxLayout()
        media_row.addWidget(self.media, 1)
        media_row.addWidget(self.open_media_button, 0, Qt.AlignmentFlag.AlignTop)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.media_caption)
        right_layout.addLayout(media_row)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.list.currentItemChanged.connect(self._current_changed)
        self.media.currentRowChanged.connect(
            lambda row: self.open_media_button.setEnabled(
                row >= 0 and self.media_runner is not None
            )
        )
        self.media.itemActivated.connect(lambda _item: self.open_current_media())
        self.open_media_button.clicked.connect(self.open_current_media)
        self._show(None)

    def set_records(
        self,
        records: Sequence[tuple[str, str, Mapping[str, Any] | None]],
        outcomes: Mapping[str, str] | None = None,
        loader: Callable[[str, Callable[[Mapping[str, Any]], None]], None] | None = None,
    ) -> None:
        """Show ``records``; ``outcomes`` optionally maps record ids to a short verdict."""
        self._records = {rid: data for rid, _title, data in records}
        self._titles = {rid: title for rid, title, _data in records}
        self._outcomes = dict(outcomes or {})
        self._loader = loader
        self._loading = None
        self.list.clear()
        for rid, title, _data in records:
            item = QListWidgetItem(self._item_text(rid, title))
            item.setToolTip(item.text())
            item.setData(ID_ROLE, rid)
            self.list.addItem(item)
        if records:
            self.list.setCurrentRow(0)
        else:
            self._show(None)

    def set_outcomes(self, outcomes: Mapping[str, str]) -> None:
        self._outcomes = dict(outcomes)
        for row in range(self.list.count()):
            item = self.list.item(row)
            rid = str(item.data(ID_ROLE))
            item.setText(self._item_text(rid, self._titles.get(rid, "")))
            item.setToolTip(item.text())

    def _item_text(self, rid: str, title: str) -> str:
        title = safe_text(title) or _("(no title)")
        outcome = self._outcomes.get(rid)
        return f"{title}\n    {outcome}" if outcome else title

    def clear(self) -> None:
        self.set_records([])

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    def media_items(self) -> list[Media]:
        out = []
        for row in range(self.media.count()):
            out.append(self.media.item(row).data(ID_ROLE))
        return out

    def _current_changed(self, current: QListWidgetItem | None, _previous: Any) -> None:
        rid = str(current.data(ID_ROLE)) if current is not None else None
        self._show(rid)
        if rid:
            self.record_selected.emit(rid)

    def record_data(self, rid: str) -> Mapping[str, Any] | None:
        """The record's data if it was read already."""
        return self._records.get(rid)

    def _show(self, rid: str | None) -> None:
        self.media.clear()
        data = self._records.get(rid) if rid else None
        if data is None:
            loading = rid is not None and self._loader is not None
            text = _("Loading…") if loading else _("Choose a record on the left to read it.")
            self.detail.setHtml("<p>" + html.escape(text) + "</p>")
            self.media_caption.hide()
            self.media.hide()
            self.open_media_button.hide()
            if loading and rid is not None and self._loading != rid and self._loader is not None:
                self._loading = rid
                self._loader(rid, functools.partial(self._loaded, rid))
            return
        self.detail.setHtml(record_html(data))
        entries = data.get("media")
        usable: list[Media] = []
        if isinstance(entries, list):
            for entry in entries:
                media = media_from_json(entry) if isinstance(entry, dict) else None
                if media is not None:
                    usable.append(media)
        for m in usable:
            parts = [names.media_kind_name(m.kind), m.caption or m.file_name]
            if m.size:
                parts.append(size_text(m.size))
            if m.content_warning:
                parts.append(_("content warning"))
            item = QListWidgetItem(" · ".join(parts))
            item.setData(ID_ROLE, m)
            self.media.addItem(item)
        for widget in (self.media_caption, self.media, self.open_media_button):
            widget.setVisible(bool(usable))
        if usable:
            self.media.setCurrentRow(0)
        if rid is not None:
            self.record_shown.emit(rid)

    def _loaded(self, rid: str, data: Mapping[str, Any]) -> None:
        if rid not in self._records:
            return  # another bundle is shown now
        self._records[rid] = data
        if self._loading == rid:
            self._loading = None
        if self.current_id() == rid:
            self._show(rid)

    def open_current_media(self) -> QWidget | None:
        """Open the chosen photo or recording in the media viewer (read from memory)."""
        item = self.media.currentItem()
        if item is None or self.media_runner is None:
            return None
        from tkapp.ui.records.media_viewer import MediaViewerDialog

        media: Media = item.data(ID_ROLE)
        dialog = MediaViewerDialog(
            self.media_runner, media, warning=media.content_warning, parent=self.window()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(window_title(media.caption or names.media_kind_name(media.kind)))
        self.viewers.append(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._forget(d))
        dialog.show()
        return dialog

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self.viewers:
            self.viewers.remove(dialog)

    def close_viewers(self) -> None:
        for dialog in list(self.viewers):
            with contextlib.suppress(RuntimeError):  # already deleted
                dialog.close()
        self.viewers.clear()


__all__ = [
    "BUSY",
    "INVALID",
    "NONE",
    "TRUSTED",
    "UNTRUSTED",
    "MediaSourceRunner",
    "RecordBrowser",
    "VerdictBanner",
    "media_from_json",
    "record_html",
    "verdict_color",
    "verdict_icon",
]
