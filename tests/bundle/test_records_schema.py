"""The bundle record schema (bundle/records.py): writer and reader agree; reading is strict."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tkapp.bundle.canonical import canonical, strict_loads
from tkapp.bundle.records import (
    RECORD_TYPE,
    BundleHolder,
    BundleMedia,
    BundlePlace,
    BundleRecord,
    BundleTaxon,
    BundleUse,
    BundleVernacularName,
)
from tkapp.errors import SchemaError, UnsupportedVersion

RID = "00000000-0000-4000-8000-00000000b001"


def full_record() -> BundleRecord:
    return BundleRecord(
        id=RID,
        title="Uso de la guayusa",
        summary="Infusión",
        language="es",
        category="medicinal",
        status="active",
        access="restricted",
        restricted_group="elders",
        labels=("tka", "tkcv"),
        version=3,
        created="2026-01-02T03:04:05+00:00",
        modified="2026-01-03T03:04:05+00:00",
        recorded_date=None,
        place=BundlePlace("-0.5", "-76.4", 10000, None, "rounded", ""),
        withheld_fields=("holders",),
        terms_id="t1",
        consent_ids=("c1",),
        taxa=(
            BundleTaxon("x1", "Ilex guayusa", family="Aquifoliaceae"),
            BundleTaxon("x2", "Ilex", vernacular_names=(BundleVernacularName("guayusa", "qu"),)),
        ),
        description="Se toma al amanecer.",
        uses=(BundleUse("hoja", "bebida", "todo el año", preparation=None),),
        holders=None,
        recorded_by="a knowledge holder",
        media=(
            BundleMedia(
                path="data/media/" + "a" * 64 + ".jpg",
                sha256="a" * 64,
                size=12,
                kind="photo",
                mime_type="image/jpeg",
                content_warnings=("ceremony",),
                content_warning="ceremony",
                metadata_removed=("gps",),
            ),
        ),
    )


def test_full_record_round_trips_through_canonical_json() -> None:
    record = full_record()
    data = strict_loads(canonical(record.to_json()))
    assert BundleRecord.from_json(data) == record
    assert BundleRecord.from_json(data).to_json() == data
    # Withheld fields are left out, not blanked.
    assert "holders" not in data and "preparation" not in data["uses"][0]
    assert "creator" not in data["media"][0] and data["type"] == RECORD_TYPE


def test_minimal_v1_record_is_read_with_the_defaults_the_decision_uses() -> None:
    # The record the golden v1 bundles carry (no type, no place).
    record = BundleRecord.from_json({"id": RID, "title": "Registro", "labels": ["tka"]})
    assert record.labels == ("tka",) and record.access == "public"
    assert record.place is None and record.media is None and record.restricted_group == ""


def _hostile(change: Any) -> dict[str, Any]:
    data = full_record().to_json()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d.update(extra=1), SchemaError),
        (lambda d: d.pop("id"), SchemaError),
        (lambda d: d.pop("title"), SchemaError),
        (lambda d: d.update(labels="tka"), SchemaError),
        (lambda d: d.update(labels=["tka", 3]), SchemaError),
        (lambda d: d.update(version=True), SchemaError),
        (lambda d: d.update(version=1.5), SchemaError),
        (lambda d: d["place"].update(decimalLatitude=-0.5), SchemaError),
        (lambda d: d["place"].pop("decimalLongitude"), SchemaError),
        (lambda d: d["place"].update(latitude="1"), SchemaError),
        (lambda d: d["media"][0].pop("sha256"), SchemaError),
        (lambda d: d["media"][0].update(size="12"), SchemaError),
        (lambda d: d["media"][0].update(metadata_not_cleaned=1), SchemaError),
        (lambda d: d["taxa"][1]["vernacularNames"][0].update(rank="x"), SchemaError),
        (lambda d: d["uses"].append("hoja"), SchemaError),
        (lambda d: d.update(holders=[{"role": "x"}]), SchemaError),
        (lambda d: d.update(description=None), SchemaError),
        (lambda d: d.update(media={}), SchemaError),
        (lambda d: d.update(place=None), SchemaError),
        (lambda d: d.update(type="tkapp/record/v2"), UnsupportedVersion),
    ],
)
def test_reading_is_strict(change: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        BundleRecord.from_json(_hostile(change))
    assert info.value.params["field"].startswith("record")


def test_not_an_object() -> None:
    for value in ([], "x", None, 3):
        with pytest.raises(SchemaError):
            BundleRecord.from_json(value)


_text = st.text(max_size=12)
_maybe_text = st.none() | _text
_texts = st.lists(_text, max_size=3).map(tuple)
_places = st.builds(
    BundlePlace,
    _maybe_text,
    _maybe_text,
    st.none() | st.integers(0, 10**6),
    _maybe_text,
    _text,
    _text,
)
_names = st.lists(st.builds(BundleVernacularName, _text, _text), max_size=2).map(tuple)
_taxa = st.builds(BundleTaxon, _text, _text, _text, vernacular_names=st.none() | _names)
_media = st.builds(
    BundleMedia,
    _text,
    _text,
    st.integers(0, 10**9),
    _text,
    _text,
    created=_maybe_text,
    content_warnings=_texts,
    metadata_removed=_texts,
    metadata_not_cleaned=st.booleans(),
    creator=_maybe_text,
)
_records = st.builds(
    BundleRecord,
    _text,
    _text,
    labels=_texts,
    version=st.integers(0, 10**6),
    recorded_date=_maybe_text,
    place=st.none() | _places,
    taxa=st.lists(_taxa, max_size=2).map(tuple),
    description=_maybe_text,
    uses=st.none()
    | st.lists(st.builds(BundleUse, _text, _text, _text, _maybe_text), max_size=2).map(tuple),
    holders=st.none() | st.lists(st.builds(BundleHolder, _text, _text), max_size=2).map(tuple),
    recorded_by=_maybe_text,
    media=st.none() | st.lists(_media, max_size=2).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(_records)
def test_any_record_round_trips(record: BundleRecord) -> None:
    data = record.to_json()
    assert BundleRecord.from_json(copy.deepcopy(data)) == record
    assert strict_loads(canonical(data)) == data
