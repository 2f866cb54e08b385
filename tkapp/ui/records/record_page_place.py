"""The record editor's Place tab: where the knowledge belongs, with coordinates that may be
pasted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tkapp.core.model import (
    KnowledgeRecord,
    Place,
    Sensitivity,
)
from tkapp.errors import ValidationError
from tkapp.i18n import _, names
from tkapp.ui.common.help import with_help
from tkapp.ui.records.record_editor_widgets import (
    EnumCombo,
    format_decimal_text,
    heading,
    hint,
    parse_decimal_text,
    parse_int_text,
    with_error,
)
from tkapp.ui.records.record_page_base import EditorData, Page

# -- Place ----------------------------------------------------------------------------------


class PlacePage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.locality_edit = QLineEdit()
        self.locality_edit.setPlaceholderText(_("e.g. near the river, Sarayaku"))
        example = format_decimal_text(-1.4925)
        self.latitude_edit = QLineEdit()
        self.latitude_edit.setPlaceholderText(_("e.g. {example}").format(example=example))
        self.longitude_edit = QLineEdit()
        self.longitude_edit.setPlaceholderText(
            _("e.g. {example}").format(example=format_decimal_text(-77.9321))
        )
        self.uncertainty_edit = QLineEdit()
        self.uncertainty_edit.setPlaceholderText(_("metres, e.g. 50"))
        # Any form people have: degrees-minutes-seconds, or what a phone's GPS app copies.
        self.paste_edit = QLineEdit()
        self.paste_edit.setPlaceholderText(
            _("Type or paste: 1°29'33\"S 77°55'56\"W, or the text of a phone's GPS or map")
        )
        self.paste_edit.setAccessibleName(_("Coordinates in any form"))
        self.paste_result = QLabel()
        self.paste_result.setWordWrap(True)
        self.sensitivity_combo = EnumCombo(
            (
                Sensitivity.WITHHOLD,
                Sensitivity.HIGH,
                Sensitivity.MEDIUM,
                Sensitivity.LOW,
                Sensitivity.NONE,
            ),
            names.sensitivity_name,
        )
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(
            "background: #eef4fb; border: 1px solid #b8cde6; border-radius: 4px; padding: 8px;"
            " color: #1d3550;"
        )

        form = QFormLayout(self)
        form.addRow(
            _("Locality"), with_error(self.locality_edit, self.error("place"), self.toggle("place"))
        )
        form.addRow(_("From GPS or a map"), self.paste_edit)
        form.addRow("", self.paste_result)
        form.addRow(_("Latitude"), with_error(self.latitude_edit, self.error("latitude")))
        form.addRow(_("Longitude"), with_error(self.longitude_edit, self.error("longitude")))
        form.addRow(
            _("Uncertainty (metres)"),
            with_error(self.uncertainty_edit, self.error("uncertainty_m")),
        )
        form.addRow(
            hint(
                _(
                    "Decimal degrees; south and west are negative. A comma or a dot both work. "
                    "Or type the place in any form in “From GPS or a map”."
                )
            )
        )
        form.addRow(heading(_("What leaves the catalogue")))
        form.addRow(_("Sensitivity"), with_help(self.sensitivity_combo, "sensitivity"))
        form.addRow(self.explanation)

        for edit in (
            self.locality_edit,
            self.latitude_edit,
            self.longitude_edit,
            self.uncertainty_edit,
        ):
            edit.textChanged.connect(self.emit_changed)
        self.paste_edit.textChanged.connect(self._read_pasted)
        self.sensitivity_combo.currentIndexChanged.connect(self._explain)
        self.sensitivity_combo.currentIndexChanged.connect(self.emit_changed)
        self._explain()

    def _explain(self, *_args: object) -> None:
        self.explanation.setText(names.sensitivity_explanation(self.sensitivity_combo.value()))

    def _read_pasted(self, text: str) -> None:
        """Fill latitude and longitude from coordinates typed or pasted in any form."""
        from tkapp.core.coordinates import CoordinatesError, parse_coordinates

        if not text.strip():
            self.paste_result.setText("")
            return
        try:
            latitude, longitude = parse_coordinates(text)
        except CoordinatesError as exc:
            messages = {
                "not_two": _("Not understood yet: a latitude and a longitude are needed."),
                "bad_minutes": _("Minutes and seconds must be less than 60."),
                "two_latitudes": _("Both values are marked N or S; one must be E or W."),
                "two_longitudes": _("Both values are marked E or W; one must be N or S."),
                "latitude_range": _("The latitude must be between -90 and 90."),
                "longitude_range": _("The longitude must be between -180 and 180."),
            }
            self.paste_result.setText(messages.get(exc.code, messages["not_two"]))
            return
        self.latitude_edit.setText(format_decimal_text(latitude))
        self.longitude_edit.setText(format_decimal_text(longitude))
        self.paste_result.setText(
            _("Read as latitude {latitude}, longitude {longitude}.").format(
                latitude=format_decimal_text(latitude), longitude=format_decimal_text(longitude)
            )
        )

    def load(self, rec: KnowledgeRecord, data: EditorData) -> None:
        p = rec.place
        self.locality_edit.setText(p.locality)
        self.latitude_edit.setText(format_decimal_text(p.latitude))
        self.longitude_edit.setText(format_decimal_text(p.longitude))
        self.uncertainty_edit.setText("" if p.uncertainty_m is None else str(p.uncertainty_m))
        self.sensitivity_combo.set_value(p.sensitivity)
        self._explain()

    def collect(self, rec: KnowledgeRecord) -> None:
        rec.place = Place(
            locality=self.locality_edit.text().strip(),
            latitude=parse_decimal_text(self.latitude_edit.text(), "latitude"),
            longitude=parse_decimal_text(self.longitude_edit.text(), "longitude"),
            uncertainty_m=parse_int_text(self.uncertainty_edit.text(), "uncertainty_m"),
            sensitivity=self.sensitivity_combo.value(),
        )

    def parse_errors(self) -> list[ValidationError]:
        """Every number that cannot be read, so all of them are shown at once."""
        problems: list[ValidationError] = []
        for text, name, parse in (
            (self.latitude_edit.text(), "latitude", parse_decimal_text),
            (self.longitude_edit.text(), "longitude", parse_decimal_text),
            (self.uncertainty_edit.text(), "uncertainty_m", parse_int_text),
        ):
            try:
                parse(text, name)
            except ValidationError as exc:
                problems.append(exc)
        return problems

    def state(self) -> tuple[object, ...]:
        return (
            self.locality_edit.text(),
            self.latitude_edit.text(),
            self.longitude_edit.text(),
            self.uncertainty_edit.text(),
            self.sensitivity_combo.value(),
            *super().state(),
        )
