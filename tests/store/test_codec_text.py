"""codec.dumps writes a dataclass straight to JSON text: the very text of the general path
(``_ENCODE(to_jsonable(v))``), which audit digests and stored records depend on."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tkapp.core import model
from tkapp.core.model import HolderLink, KnowledgeRecord, Place, Use
from tkapp.store import codec

MODEL_CLASSES = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__
]
# Any character, lone surrogates and control characters included.
TEXT = st.text(st.characters(codec="utf-8") | st.characters(categories=["Cs", "Cc"]), max_size=40)


def general(value: Any) -> str:
    return codec._ENCODE(codec.to_jsonable(value))


def test_every_model_class_has_a_text_writer() -> None:
    assert len(MODEL_CLASSES) >= 10
    for cls in MODEL_CLASSES:
        assert callable(codec._text_encoder(cls))


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_same_text_as_the_general_path(cls: type, data: st.DataObject) -> None:
    value = data.draw(st.from_type(cls))
    # Values of their fields' types: the text writer itself, no fall-back to the general path.
    assert codec._text_encoder(cls)(value) == general(value)
    assert codec.dumps(value) == general(value)


@settings(max_examples=200, deadline=None)
@given(
    title=TEXT,
    description=TEXT,
    lat=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    uncertainty=st.none() | st.integers(min_value=-(2**70), max_value=2**70),
    labels=st.lists(TEXT, max_size=4),
    confidential=st.sets(st.sampled_from(model.CONFIDENTIAL_FIELDS)),
    moment=st.none() | st.datetimes(timezones=st.just(UTC)),
    day=st.none() | st.dates(),
)
def test_records_with_odd_values(
    title: str,
    description: str,
    lat: float | None,
    uncertainty: int | None,
    labels: list[str],
    confidential: set[str],
    moment: datetime | None,
    day: date | None,
) -> None:
    rec = KnowledgeRecord(
        title=title,
        description=description,
        uses=[Use(part=title), Use()],
        holders=[HolderLink("p", description)],
        place=Place(latitude=lat, longitude=lat, uncertainty_m=uncertainty),
        labels=labels,
        confidential=confidential,
        created=moment,
        modified=moment,
        recorded_date=day,
    )
    text = codec._text_encoder(KnowledgeRecord)(rec)
    assert text == general(rec) == codec.dumps(rec)
    if lat is None or math.isfinite(lat):
        assert json.loads(text)["place"]["latitude"] == lat


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 5),  # not a str: the general path writes a number
        ("title", None),
        ("version", True),  # a bool in an int field: true, not 1
        ("version", 2.5),
        ("labels", ("a", "b")),  # a tuple for a list
        ("taxon_ids", [1, None]),
        ("confidential", frozenset({"place"})),
    ],
)
def test_values_not_of_their_field_type_give_the_general_text(field: str, value: Any) -> None:
    rec = KnowledgeRecord(title="t")
    setattr(rec, field, value)
    assert codec.dumps(rec) == general(rec)


def test_place_numbers_of_other_types() -> None:
    for lat in (-1, True, float("nan"), float("-inf")):
        place = Place(latitude=lat, longitude=0.5, uncertainty_m=False)
        assert codec.dumps(place) == general(place)
