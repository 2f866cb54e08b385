"""GeoJSON export: RFC 7946 structure, generalised coordinates, nothing withheld leaks."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from opendata.mixed import Mixed, build
from tkapp.errors import NothingToPublish
from tkapp.licensing.places import generalise
from tkapp.services.catalogue import Catalogue
from tkapp.services.geojson import export_geojson


def _check_structure(doc: Any) -> None:
    """The parts of RFC 7946 a FeatureCollection of Points must satisfy."""
    assert isinstance(doc, dict)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert isinstance(doc["features"], list)
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str)
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        coordinates = geometry["coordinates"]
        assert isinstance(coordinates, list) and len(coordinates) == 2
        lon, lat = coordinates
        for value in coordinates:
            assert isinstance(value, float) and not isinstance(value, bool)
            assert math.isfinite(value)
        assert -180.0 <= lon <= 180.0
        assert -90.0 <= lat <= 90.0


@pytest.fixture
def mixed(open_cat: Catalogue) -> Mixed:
    return build(open_cat)


def test_geojson_structure_and_generalised_coordinates(
    open_cat: Catalogue, mixed: Mixed, tmp_path: Path
) -> None:
    dest = tmp_path / "places.geojson"
    report = export_geojson(open_cat, dest)
    raw = dest.read_bytes()
    doc = json.loads(raw)
    _check_structure(doc)
    by_id = {f["id"]: f for f in doc["features"]}
    # Withheld (confidential place, sensitivity withhold) -> no feature.
    assert set(by_id) == {mixed.public_exact, mixed.public_rounded}
    assert report.rows == 2
    for record_id, feature in by_id.items():
        record = open_cat.get_record(record_id)
        expected = generalise(record.place, confidential="place" in record.confidential)
        assert expected.latitude is not None and expected.longitude is not None
        # [longitude, latitude], equal to the generalised value the DwC-A publishes.
        assert feature["geometry"]["coordinates"] == [
            float(expected.longitude),
            float(expected.latitude),
        ]
        props = feature["properties"]
        assert props["dataGeneralizations"] == expected.data_generalizations
        assert props["title"] == record.title
        assert props["category"] == record.category.value
    assert by_id[mixed.public_rounded]["geometry"]["coordinates"] == [-77.1, -1.0]
    for marker in mixed.markers + mixed.exact_coordinates[:2] + mixed.exact_coordinates[4:6]:
        assert marker.encode() not in raw, marker


def test_geojson_nothing_to_publish(open_cat: Catalogue, tmp_path: Path) -> None:
    dest = tmp_path / "none.geojson"
    with pytest.raises(NothingToPublish):
        export_geojson(open_cat, dest)
    assert not dest.exists()
