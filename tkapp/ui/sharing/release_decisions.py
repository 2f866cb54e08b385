"""The custodian's explicit decisions on the export plan (issue 12): release a record that has
no consent record, or send a media file whose metadata cannot be removed.

The release gate decides which records and files these are (its reason codes
``consent_missing`` and ``metadata_cannot_be_cleaned``); this module only offers the actions
the gate's answer allows and asks the custodian who decides and why. The wizard re-plans with
the answers, through the same service call as ``tkapp export --release-without-consent`` and
``--confirm-media``, so the decision lands in the audit log and the sharing ledger.

No modal loop: the dialogs are opened with ``open()`` and answer through ``accepted``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tkapp.i18n import _
from tkapp.i18n import names as display_names
from tkapp.licensing import release_text
from tkapp.licensing.gate import ConsentOverride, MediaRelease, ReleaseDecision
from tkapp.licensing.text import describe_reason
from tkapp.services.sharing import SharingPlan
from tkapp.ui.common.dialogs import window_title

#: The gate's reason codes that open a custodian's decision.
CONSENT_MISSING = "consent_missing"
CANNOT_CLEAN = "metadata_cannot_be_cleaned"


def releasable_without_consent(plan: SharingPlan) -> list[ReleaseDecision]:
    """Records that stay only because no consent record covers them (the gate's code)."""
    return [item for item in plan.excluded if [r.code for r in item.reasons] == [CONSENT_MISSING]]


def sendable_as_is(plan: SharingPlan) -> list[tuple[ReleaseDecision, MediaRelease]]:
    """Media of going records withheld only because their metadata cannot be removed."""
    return [
        (item, m)
        for item in plan.included
        for m in item.media
        if not m.included and [r.code for r in m.reasons] == [CANNOT_CLEAN]
    ]


def media_label(m: MediaRelease) -> str:
    return _("{kind} “{name}”").format(
        kind=display_names.media_kind_name(m.media.kind), name=m.media.caption or m.media.file_name
    )


class ReleaseActions(QFrame):
    """One row per decision the plan allows: the record or file, and a button."""

    release_requested = Signal(str)  # record id
    send_as_is_requested = Signal(str)  # media id
    undo_release = Signal(str)  # record id
    undo_send_as_is = Signal(str)  # media id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Decisions you can make"))
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setText(_("Decisions you can make (each is recorded with the export)"))
        self.rows = QWidget()
        self.rows_box = QVBoxLayout(self.rows)
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.rows)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.addWidget(self.title)
        box.addWidget(self.scroll_area)
        #: The buttons by record or media id (tests press them).
        self.buttons: dict[str, QPushButton] = {}
        self.hide()

    def show_plan(self, plan: SharingPlan) -> None:
        """Offer what the gate's answer allows; hide when there is nothing to decide."""
        while self.rows_box.count():
            child = self.rows_box.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        count = 0
        for item in releasable_without_consent(plan):
            self._row(
                _("“{title}” has no consent record.").format(title=plan.title(item.record_id)),
                _("Release without consent…"),
                item.record_id,
                self.release_requested,
            )
            count += 1
        for item in plan.included:
            if item.consent is not None and item.consent.override is not None:
                self._row(
                    _("“{title}” goes without a consent record, released by {who}.").format(
                        title=plan.title(item.record_id), who=item.consent.override.who
                    ),
                    _("Keep it home"),
                    item.record_id,
                    self.undo_release,
                )
                count += 1
        for item, m in sendable_as_is(plan):
            self._row(
                _("{media} of “{title}”: its hidden metadata cannot be removed.").format(
                    media=media_label(m), title=plan.title(item.record_id)
                ),
                _("Send as it is…"),
                m.media.id,
                self.send_as_is_requested,
            )
            count += 1
        for item in plan.included:
            for m in item.media:
                if m.included and m.confirmed:
                    self._row(
                        _("{media} goes as it is, with its hidden metadata.").format(
                            media=media_label(m)
                        ),
                        _("Keep it home"),
                        m.media.id,
                        self.undo_send_as_is,
                    )
                    count += 1
        # Up to three rows show at once; more scroll (the plan above keeps its room).
        row_height = self.fontMetrics().height() * 2 + 8
        self.scroll_area.setFixedHeight(min(count, 3) * row_height)
        self.setVisible(count > 0)

    def _row(self, text: str, button_text: str, key: str, signal: SignalInstance) -> None:
        row = QWidget(self.rows)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        label = QLabel(text, row)
        label.setWordWrap(True)
        button = QPushButton(button_text, row)
        button.setAccessibleName(button_text.rstrip("…") + " — " + text)
        button.clicked.connect(lambda _checked=False, k=key: signal.emit(k))
        line.addWidget(label, 1)
        line.addWidget(button)
        self.rows_box.addWidget(row)
        self.buttons[key] = button

    def set_busy(self, busy: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(not busy)


class OverrideDialog(QDialog):
    """Who releases a record that has no consent record, and why (both required)."""

    def __init__(self, item: ReleaseDecision, title: str, actor: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.record_id = item.record_id
        self.setWindowTitle(window_title(_("Release without consent")))
        intro = QLabel(
            _("“{title}” stays home: {why}").format(
                title=title, why=" ".join(release_text.stay_reasons(item))
            ),
            self,
        )
        intro.setWordWrap(True)
        ask = QLabel(
            _(
                "If the community decided that it may go, say who decided and why. Both are "
                "written to the audit log and the sharing ledger with this export."
            ),
            self,
        )
        ask.setWordWrap(True)
        self.who = QLineEdit(actor, self)
        self.who.setAccessibleName(_("Who decides"))
        self.why = QPlainTextEdit(self)
        self.why.setAccessibleName(_("Why it may go"))
        self.why.setPlaceholderText(_("For example: the assembly of 3 May agreed (minutes n.º 14)"))
        self.why.setTabChangesFocus(True)
        self.why.setMaximumHeight(self.fontMetrics().height() * 6)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(_("Release it"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Who decides:"), self.who)
        form.addRow(_("Why it may go:"), self.why)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(ask)
        box.addLayout(form)
        box.addWidget(self.buttons)
        self.who.textChanged.connect(lambda _t: self._update())
        self.why.textChanged.connect(self._update)
        self._update()
        self.resize(580, 300)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.who.text().strip() and self.why.toPlainText().strip()))

    def override(self, when: datetime | None = None) -> ConsentOverride:
        """The custodian's answer (call after ``accepted``)."""
        moment = when or datetime.now(UTC).replace(microsecond=0)
        return ConsentOverride(self.who.text().strip(), moment, self.why.toPlainText().strip())


class SendAsIsDialog(QDialog):
    """An explicit confirmation before a file leaves with metadata that cannot be removed."""

    def __init__(self, m: MediaRelease, parent: QWidget) -> None:
        super().__init__(parent)
        self.media_id = m.media.id
        self.setWindowTitle(window_title(_("Send as it is")))
        reasons = " ".join(describe_reason(r) for r in m.reasons)
        intro = QLabel(
            _(
                "{media}: {why} Sent as it is, it may carry the place where it was made, "
                "people's names and the device, hidden inside the file."
            ).format(media=media_label(m), why=reasons),
            self,
        )
        intro.setWordWrap(True)
        self.check = QCheckBox(
            _("I confirm that this file may leave with everything hidden in it."), self
        )
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(_("Send as it is"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(self.check)
        box.addWidget(self.buttons)
        self.check.toggled.connect(self.ok.setEnabled)
        self.ok.setEnabled(False)
        self.setMinimumWidth(520)


def with_override(
    overrides: Mapping[str, ConsentOverride], record_id: str, override: ConsentOverride | None
) -> dict[str, ConsentOverride]:
    """``overrides`` with ``record_id`` set (or removed when ``override`` is None)."""
    out = {k: v for k, v in overrides.items() if k != record_id}
    if override is not None:
        out[record_id] = override
    return out
