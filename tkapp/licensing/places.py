"""Location generalisation for exports (DATA-MODEL.md: place sensitivity).

A record's place leaves the catalogue only as its sensitivity allows:

=========  ===================  ==========================================
sensitivity coordinates           locality text
=========  ===================  ==========================================
none       exact                kept
low        rounded to 0.001°    withheld
medium     rounded to 0.01°     withheld
high       rounded to 0.1°      withheld
withhold   withheld             withheld
=========  ===================  ==========================================

The free-text locality follows the coordinates: it is the most precise part of a place ("the
garden beside the communal house"), so it leaves only beside exact coordinates, never beside
rounded ones (LICENSING.md, "One release gate").

If the record marks ``place`` confidential, everything is withheld whatever the sensitivity.
Coordinates come out as decimal *strings* (bundles hold no floats). The uncertainty is
enlarged by the largest distance rounding can move a point, so the published circle still
contains the true place. ``data_generalizations`` and ``information_withheld`` are in English
on purpose: they are Darwin Core data fields read by aggregators, not user interface text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from tkapp.core.model import Place, Sensitivity

#: Decimal places kept per sensitivity (None = exact, absent = withheld).
_DECIMALS: dict[Sensitivity, int | None] = {
    Sensitivity.NONE: None,
    Sensitivity.LOW: 3,
    Sensitivity.MEDIUM: 2,
    Sensitivity.HIGH: 1,
}
#: Rounded grid step in degrees, as written in dataGeneralizations, and its rough size.
_STEP_TEXT: dict[int, tuple[str, str]] = {
    1: ("0.1", "about 11 km"),
    2: ("0.01", "about 1.1 km"),
    3: ("0.001", "about 110 m"),
}
#: The Darwin Core note of each rounding, made once: a plan of many records shares it.
_ROUNDING_NOTES: dict[int, str] = {
    decimals: f"Coordinates rounded to {step} degree ({size}) by the community; "
    "uncertainty enlarged to cover the rounding"
    for decimals, (step, size) in _STEP_TEXT.items()
}
#: Metres per degree, rounded *up* from the longest degree of latitude on WGS 84 (~111.7 km
#: at the poles) so the enlarged uncertainty never understates the rounding.
_METRES_PER_DEGREE = 111_700

WITHHELD_LOCATION = "Location withheld by the community"
WITHHELD_CONFIDENTIAL = "Location withheld by the community (confidential)"
WITHHELD_LOCALITY = "Locality text withheld by the community"


@dataclass(frozen=True, slots=True)
class GeneralisedPlace:
    """What may be published of a place (Darwin Core terms in comments)."""

    latitude: str | None  # decimalLatitude
    longitude: str | None  # decimalLongitude
    uncertainty_m: int | None  # coordinateUncertaintyInMeters
    locality: str | None  # locality
    data_generalizations: str  # dataGeneralizations
    information_withheld: str  # informationWithheld

    @property
    def withheld(self) -> bool:
        """True when neither coordinates nor locality are published."""
        return self.latitude is None and self.locality is None


def rounding_error_m(decimals: int) -> int:
    """The farthest (in metres, rounded up) rounding to ``decimals`` places can move a point.

    Each coordinate moves by at most half a step; the worst case is the half diagonal.
    """
    half_step = 0.5 * 10.0**-decimals
    return math.ceil(math.hypot(half_step, half_step) * _METRES_PER_DEGREE)


def generalise(place: Place, *, confidential: bool = False) -> GeneralisedPlace:
    """Generalise ``place`` for export according to its sensitivity.

    Args:
        place: the record's place as stored.
        confidential: the record marks ``place`` confidential: withhold everything.

    Returns:
        The publishable place, with Darwin Core texts saying what was done.
    """
    if confidential or place.sensitivity is Sensitivity.WITHHOLD:
        text = WITHHELD_CONFIDENTIAL if confidential else WITHHELD_LOCATION
        return GeneralisedPlace(None, None, None, None, text, text)

    decimals = _DECIMALS[place.sensitivity]
    has_coordinates = place.latitude is not None and place.longitude is not None
    keep_locality = place.sensitivity is Sensitivity.NONE
    locality = place.locality if keep_locality and place.locality.strip() else None

    notes: list[str] = []
    withheld: list[str] = []
    latitude = longitude = None
    uncertainty = place.uncertainty_m
    if has_coordinates:
        assert place.latitude is not None and place.longitude is not None
        latitude = _decimal_text(place.latitude, decimals)
        longitude = _decimal_text(place.longitude, decimals)
        if decimals is not None:
            uncertainty = (uncertainty or 0) + rounding_error_m(decimals)
            notes.append(_ROUNDING_NOTES[decimals])
    if place.locality.strip() and locality is None:
        withheld.append(WITHHELD_LOCALITY)
        notes.append(WITHHELD_LOCALITY)
    return GeneralisedPlace(
        latitude=latitude,
        longitude=longitude,
        uncertainty_m=uncertainty if has_coordinates else None,
        locality=locality,
        data_generalizations=". ".join(notes),
        information_withheld=". ".join(withheld),
    )


def _decimal_text(value: float, decimals: int | None) -> str:
    # repr() gives the shortest text that reads back as the same float, so "exact" means
    # exactly what the custodian typed, and rounding works on that decimal text, not on
    # binary noise (0.15 stays 0.15, rounds half-even to 0.2).
    number = Decimal(repr(float(value)))
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    text = format(number, "f")
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]  # no "-0.0"
    return text
