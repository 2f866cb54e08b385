"""Read a place's coordinates the way people have them: decimal degrees, degrees-minutes-
seconds, or whatever a phone's GPS or map app copies (``geo:`` links, map URLs, "Lat … Lon …").

Pure: text in, ``(latitude, longitude)`` in decimal degrees (WGS 84) out, or a
:class:`CoordinatesError` with a stable code saying what is wrong.

Accepted, for example::

    -1.4925, -77.9321            -1,4925; -77,9321         (decimal comma, Spanish style)
    1°29'33"S 77°55'56"W         S 1° 29' 33.5", O 77° 55' 56"   (O = oeste, Spanish west)
    1 29 33 S 77 55 56 W         S1°29.55' W77°55.933'    (degrees and decimal minutes)
    1.4925° S, 77.9321° W        Lat -1.4925 Lon -77.9321 / Latitud: … Longitud: …
    geo:-1.4925,-77.9321?z=15    https://maps.google.com/?q=-1.4925,-77.9321
    https://www.google.com/maps/@-1.4925,-77.9321,15z

Without hemisphere letters the first value is the latitude, as every phone writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CoordinatesError", "parse_coordinates"]


class CoordinatesError(ValueError):
    """The text is not a pair of coordinates; ``code`` says why (stable, for messages).

    Codes: ``empty``, ``not_two`` (not exactly a latitude and a longitude), ``bad_minutes``
    (minutes or seconds of 60 or more, or after a fractional degree), ``two_latitudes`` /
    ``two_longitudes`` (hemisphere letters name the same axis twice), ``latitude_range``,
    ``longitude_range``.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


_PRIMES = str.maketrans(
    {
        "º": "°",
        "˚": "°",
        "′": "'",
        "’": "'",
        "‘": "'",
        "´": "'",
        "″": '"',
        "”": '"',
        "“": '"',
    }
)
_WORDS = (
    ("LATITUDE", " "),
    ("LONGITUDE", " "),
    ("LATITUD", " "),
    ("LONGITUD", " "),
    ("LAT", " "),
    ("LON", " "),
    ("LNG", " "),
    ("NORTH", " N "),
    ("SOUTH", " S "),
    ("EAST", " E "),
    ("WEST", " W "),
    ("NORTE", " N "),
    ("OESTE", " W "),  # before ESTE, which it contains
    ("ESTE", " E "),
    ("SUR", " S "),
)
# A link or URL: the pair after "geo:", "q=", "ll=", "query=" or "@".
_LINK = re.compile(
    r"(?:geo:|[?&](?:q|ll|query|center)=|/@)\s*"
    r"(?P<pair>[-+]?\d+(?:\.\d+)?\s*,\s*[-+]?\d+(?:\.\d+)?)"
    # OpenStreetMap: #map=ZOOM/LAT/LON
    r"|#map=\d+/(?P<lat>[-+]?\d+(?:\.\d+)?)/(?P<lon>[-+]?\d+(?:\.\d+)?)"
)
_TOKEN = re.compile(
    r"(?P<number>[-+]?\d+(?:[.,]\d+)?)\s*(?P<unit>°|''|'|\")?"
    r"|(?<![A-Z])(?P<hemi>[NSEWO])(?![A-Z])"
    r"|(?P<sep>[,;/|])"
)
_UNIT_SLOT = {"°": 0, "'": 1, '"': 2, "''": 2}


@dataclass
class _Part:
    values: list[float | None] = field(default_factory=lambda: [None, None, None])
    texts: list[str] = field(default_factory=lambda: ["", "", ""])
    hemi: str = ""

    def empty(self) -> bool:
        return all(v is None for v in self.values)

    def last_slot(self) -> int:
        filled = [i for i, v in enumerate(self.values) if v is not None]
        return filled[-1] if filled else -1


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _parts(text: str) -> list[_Part]:
    parts: list[_Part] = []
    current = _Part()
    pending_hemi = ""

    def close() -> None:
        nonlocal current
        if not current.empty():
            parts.append(current)
        current = _Part()

    for match in _TOKEN.finditer(text):
        if match.group("sep"):
            close()
        elif match.group("hemi"):
            letter = match.group("hemi")
            if not current.empty() and not current.hemi:
                current.hemi = letter  # written after the numbers: "1°29'S"
                close()
            else:
                close()
                pending_hemi = letter  # written before: "S 1°29'"
        else:
            raw = match.group("number")
            unit = (match.group("unit") or "").upper()
            last = current.last_slot()
            if unit:
                slot = _UNIT_SLOT.get(unit, 0)
            else:
                slot = last + 1
                # A fractional or signed value ends a component: "-1.49 -77.93", "-1 -77".
                if last >= 0 and ("." in current.texts[last].replace(",", ".") or raw[0] in "+-"):
                    slot = 3
            if slot <= last or slot > 2:
                close()
                slot = _UNIT_SLOT.get(unit, 0) if unit else 0
            if current.empty() and pending_hemi:
                current.hemi, pending_hemi = pending_hemi, ""
            current.values[slot] = _number(raw)
            current.texts[slot] = raw
    close()
    return parts


def _value(part: _Part) -> float:
    degrees, minutes, seconds = part.values
    if degrees is None:
        raise CoordinatesError("bad_minutes")
    for extra in (minutes, seconds):
        if extra is not None and not 0 <= extra < 60:
            raise CoordinatesError("bad_minutes")
    if (minutes is not None or seconds is not None) and degrees != int(degrees):
        raise CoordinatesError("bad_minutes")
    if seconds is not None and minutes is not None and minutes != int(minutes):
        raise CoordinatesError("bad_minutes")
    negative = part.texts[0].startswith("-") or part.hemi in ("S", "W", "O")
    size = abs(degrees) + (minutes or 0) / 60 + (seconds or 0) / 3600
    return -size if negative else size


def parse_coordinates(text: str) -> tuple[float, float]:
    """``(latitude, longitude)`` from any of the forms in the module's docstring."""
    cleaned = text.strip().translate(_PRIMES)
    if not cleaned:
        raise CoordinatesError("empty")
    link = _LINK.search(cleaned)
    if link:
        cleaned = link.group("pair") or f"{link.group('lat')}, {link.group('lon')}"
    cleaned = cleaned.upper()
    for word, replacement in _WORDS:
        cleaned = re.sub(rf"(?<![A-Z]){word}(?![A-Z])\.?:?", replacement, cleaned)
    parts = _parts(cleaned)
    if len(parts) != 2:
        raise CoordinatesError("not_two")
    latitude = longitude = None
    unnamed = []
    for part in parts:
        if part.hemi in ("N", "S"):
            if latitude is not None:
                raise CoordinatesError("two_latitudes")
            latitude = _value(part)
        elif part.hemi in ("E", "W", "O"):
            if longitude is not None:
                raise CoordinatesError("two_longitudes")
            longitude = _value(part)
        else:
            unnamed.append(_value(part))
    for value in unnamed:
        if latitude is None:
            latitude = value
        else:
            longitude = value
    assert latitude is not None and longitude is not None
    if not -90 <= latitude <= 90:
        raise CoordinatesError("latitude_range")
    if not -180 <= longitude <= 180:
        raise CoordinatesError("longitude_range")
    return round(latitude, 7), round(longitude, 7)
