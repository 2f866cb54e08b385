"""Places as people have them: decimal degrees, degrees-minutes-seconds, phone GPS text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tkapp.core.coordinates import CoordinatesError, parse_coordinates

LAT, LON = -1.4925, -77.9321


@pytest.mark.parametrize(
    "text",
    [
        "-1.4925, -77.9321",
        "-1.4925,-77.9321",
        "  -1.4925   -77.9321 ",
        "-1,4925; -77,9321",
        "1.4925° S, 77.9321° W",
        "1.4925 S 77.9321 W",
        "S 1.4925 O 77.9321",
        "1.4925 sur, 77.9321 oeste",
        "77.9321° W, 1.4925° S",  # hemisphere letters decide, not the order
        "Lat -1.4925 Lon -77.9321",
        "Latitud: -1.4925, Longitud: -77.9321",
        "latitude=-1.4925 longitude=-77.9321",
        "geo:-1.4925,-77.9321?z=15",
        "geo:-1.4925,-77.9321;u=12",
        "https://maps.google.com/?q=-1.4925,-77.9321",
        "https://www.google.com/maps/@-1.4925,-77.9321,15z",
        "https://www.google.com/maps/place/Tena/@-1.4925,-77.9321,17z/data=!3m1",
        "https://www.openstreetmap.org/#map=15/-1.4925/-77.9321",
        "Mi ubicación: https://maps.google.com/?q=-1.4925,-77.9321 (compartida)",
    ],
)
def test_decimal_forms(text: str) -> None:
    assert parse_coordinates(text) == (LAT, LON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1°29'33\"S 77°55'56\"W", (-1.4925, -77.9322222)),
        ("1° 29′ 33″ S, 77° 55′ 56″ W", (-1.4925, -77.9322222)),
        ("S 1° 29' 33\", O 77° 55' 56\"", (-1.4925, -77.9322222)),
        ("1 29 33 S 77 55 56 W", (-1.4925, -77.9322222)),
        ("S1°29.55' W77°55.932'", (-1.4925, -77.9322)),
        ("0°12'30''N 78°30'0''W", (0.2083333, -78.5)),
        ("N 0º 12' 30\" W 78º 30' 00\"", (0.2083333, -78.5)),
        ("-1°29'33\" -77°55'56\"", (-1.4925, -77.9322222)),
        ("45 N 100 E", (45.0, 100.0)),
        ("-1 -77", (-1.0, -77.0)),
    ],
)
def test_degrees_minutes_seconds(text: str, expected: tuple[float, float]) -> None:
    assert parse_coordinates(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-1.4925", "not_two"),
        ("near the river", "not_two"),
        ("1.2, 3.4, 5.6", "not_two"),
        ("1°61'0\"S 77°0'0\"W", "bad_minutes"),
        ("1°20'75\"S 77°0'0\"W", "bad_minutes"),
        ("1.5°30'S 77°W", "bad_minutes"),
        ("1 N 2 S", "two_latitudes"),
        ("1 E 2 W", "two_longitudes"),
        ("91, 10", "latitude_range"),
        ("10, 181", "longitude_range"),
    ],
)
def test_errors_have_codes(text: str, code: str) -> None:
    with pytest.raises(CoordinatesError) as info:
        parse_coordinates(text)
    assert info.value.code == code


@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_decimal_round_trip(lat: float, lon: float) -> None:
    text = f"{lat:.6f}, {lon:.6f}"
    got = parse_coordinates(text)
    assert got == pytest.approx((round(lat, 6), round(lon, 6)), abs=1e-6)


@given(
    st.integers(0, 89),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from("NS"),
    st.integers(0, 179),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from("EWO"),
)
def test_dms_round_trip(d1, m1, s1, h1, d2, m2, s2, h2) -> None:
    text = f"{d1}°{m1}'{s1}\"{h1} {d2}°{m2}'{s2}\"{h2}"
    lat = (d1 + m1 / 60 + s1 / 3600) * (-1 if h1 == "S" else 1)
    lon = (d2 + m2 / 60 + s2 / 3600) * (-1 if h2 in "WO" else 1)
    assert parse_coordinates(text) == pytest.approx((lat, lon), abs=1e-6)
