"""Location generalisation per sensitivity: rounding, uncertainty, Darwin Core texts, no leaks."""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tkapp.core.model import Place, Sensitivity
from tkapp.licensing.places import GeneralisedPlace, generalise, rounding_error_m

# Sensitivity -> (decimals, text that must appear in dataGeneralizations); from DATA-MODEL.md.
ROUNDED = {
    Sensitivity.HIGH: (1, "0.1 degree"),
    Sensitivity.MEDIUM: (2, "0.01 degree"),
    Sensitivity.LOW: (3, "0.001 degree"),
}
LOCALITY = "Cascada Sacha Yaku, 300 m upstream of the Rio Bobonaza bend"

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


def _place(lat: float, lon: float, sensitivity: Sensitivity, uncertainty: int | None = 30) -> Place:
    return Place(
        locality=LOCALITY,
        latitude=lat,
        longitude=lon,
        uncertainty_m=uncertainty,
        sensitivity=sensitivity,
    )


@settings(max_examples=200, deadline=None)
@given(lats, lons, st.sampled_from(list(ROUNDED)), st.none() | st.integers(0, 100_000))
def test_rounded_coordinates(
    lat: float, lon: float, sensitivity: Sensitivity, unc: int | None
) -> None:
    decimals, text = ROUNDED[sensitivity]
    out = generalise(_place(lat, lon, sensitivity, unc))
    assert out.latitude is not None and out.longitude is not None
    for published, true in ((out.latitude, lat), (out.longitude, lon)):
        assert re.fullmatch(rf"-?\d+\.\d{{{decimals}}}", published), published
        assert abs(Decimal(published) - Decimal(repr(true))) <= Decimal(5) / 10 ** (decimals + 1)
    assert -90 <= float(out.latitude) <= 90 and -180 <= float(out.longitude) <= 180
    assert text in out.data_generalizations
    # The published circle still covers the true point: uncertainty grew by the rounding.
    assert out.uncertainty_m == (unc or 0) + rounding_error_m(decimals)
    dlat = (float(out.latitude) - lat) * 111_700
    dlon = (float(out.longitude) - lon) * 111_700
    assert math.hypot(dlat, dlon) <= rounding_error_m(decimals)


def test_rounding_error_figures() -> None:
    assert rounding_error_m(1) == 7899  # 0.05 degree diagonal ~ 7.9 km
    assert rounding_error_m(2) == 790
    assert rounding_error_m(3) == 79


def test_exact_coordinates_when_sensitivity_is_none() -> None:
    out = generalise(_place(-1.4567891, -77.9000001, Sensitivity.NONE))
    assert (out.latitude, out.longitude, out.uncertainty_m) == ("-1.4567891", "-77.9000001", 30)
    assert out.locality == LOCALITY
    assert out.data_generalizations == "" and out.information_withheld == ""
    tiny = generalise(_place(1e-05, -0.0, Sensitivity.NONE))
    assert (tiny.latitude, tiny.longitude) == ("0.00001", "0.0")  # no exponent, no "-0.0"


def test_half_values_round_half_even_on_the_decimal_text() -> None:
    assert generalise(_place(0.15, 0.25, Sensitivity.HIGH)).latitude == "0.2"
    assert generalise(_place(0.15, 0.25, Sensitivity.HIGH)).longitude == "0.2"
    assert generalise(_place(-0.04, 0.0, Sensitivity.HIGH)).latitude == "0.0"


def _all_text(out: GeneralisedPlace) -> str:
    return " ".join(str(v) for v in dataclasses.astuple(out))


@settings(max_examples=100, deadline=None)
@given(lats, lons)
def test_withheld_location_leaks_nothing(lat: float, lon: float) -> None:
    for out in (
        generalise(_place(lat, lon, Sensitivity.WITHHOLD)),
        generalise(_place(lat, lon, Sensitivity.NONE), confidential=True),
    ):
        assert (out.latitude, out.longitude, out.uncertainty_m, out.locality) == (
            None,
            None,
            None,
            None,
        )
        assert out.withheld
        text = _all_text(out)
        assert "Bobonaza" not in text and "Sacha" not in text
        assert not re.search(r"\d", text)  # no coordinate, however rounded
        assert "withheld" in out.data_generalizations and "withheld" in out.information_withheld


def test_high_sensitivity_withholds_the_locality_text() -> None:
    out = generalise(_place(-1.456789, -77.912345, Sensitivity.HIGH))
    assert out.locality is None
    assert "Bobonaza" not in _all_text(out)
    assert "Locality text withheld" in out.information_withheld
    assert "0.1 degree" in out.data_generalizations and "Locality" in out.data_generalizations


@pytest.mark.parametrize("sensitivity", [Sensitivity.MEDIUM, Sensitivity.LOW])
def test_rounded_coordinates_take_the_locality_text_with_them(sensitivity: Sensitivity) -> None:
    # Issue 12: the free text is the most precise part of a place; it never leaves beside
    # rounded coordinates, whatever the rounding.
    out = generalise(_place(-1.456789, -77.912345, sensitivity))
    assert out.locality is None
    assert "Bobonaza" not in _all_text(out)
    assert "Locality text withheld" in out.information_withheld


def test_exact_place_keeps_the_locality() -> None:
    out = generalise(_place(-1.456789, -77.912345, Sensitivity.NONE))
    assert out.locality == LOCALITY
    assert out.information_withheld == "" and out.data_generalizations == ""


def test_place_without_coordinates() -> None:
    out = generalise(Place(locality="Sarayaku", sensitivity=Sensitivity.NONE))
    assert (out.latitude, out.uncertainty_m, out.locality) == (None, None, "Sarayaku")
    assert out.data_generalizations == ""
    rough = generalise(Place(locality="Sarayaku", sensitivity=Sensitivity.MEDIUM))
    assert rough.locality is None and rough.latitude is None
    empty = generalise(Place(sensitivity=Sensitivity.HIGH))
    assert empty.data_generalizations == "" and empty.information_withheld == ""
