"""Domain rules of tkapp.core.model and the JSON codec the store uses for them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tkapp.core.model import (
    AccessLevel,
    Category,
    Community,
    ConsentRecord,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Place,
    Recipient,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.errors import ValidationError
from tkapp.store import codec


def _field(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(exc.value.params["field"])


def full_record() -> KnowledgeRecord:
    return KnowledgeRecord(
        "Uña de gato",
        summary="Corteza",
        description="Larga\ndescripción",
        language="es",
        category=Category.MEDICINAL,
        uses=[Use("corteza", "cocimiento", "dolor", "todo el año")],
        taxon_ids=["t1"],
        holders=[HolderLink("p1", "healer")],
        recorded_by="p2",
        recorded_date=date(2024, 3, 2),
        place=Place("Río Napo", -0.95, -77.8, 100, Sensitivity.MEDIUM),
        access=AccessLevel.RESTRICTED,
        restricted_group="women healers",
        labels=["tka", "tkwr"],
        terms_id="terms-1",
        consent_ids=["c1"],
        confidential={"place", "holders"},
        version=3,
        created=datetime(2024, 1, 1, tzinfo=UTC),
        modified=datetime(2024, 2, 1, 12, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "value",
    [
        full_record(),
        KnowledgeRecord("Mínimo"),
        Taxon("Ilex guayusa", vernacular_names=[VernacularName("wayusa", "qu", True)]),
        Person("Rosa", roles=["healer"], deceased=True),
        Community("Sacha Yaku", languages=["es", "qu"]),
        ConsentRecord(
            "Asamblea", record_ids=["r"], granted_on=date(2024, 1, 1), confidential={"holders"}
        ),
        Media(MediaKind.AUDIO, "audio/wav", "a.wav", size=3, created=date(2024, 1, 1)),
        Recipient("Universidad", age_recipient=""),
    ],
)
def test_codec_roundtrip(value: object) -> None:
    text = codec.dumps(value)
    assert codec.loads(type(value), text) == value
    assert codec.dumps(codec.loads(type(value), text)) == text


def test_codec_ignores_unknown_keys_and_fills_defaults() -> None:
    rec = codec.from_jsonable(KnowledgeRecord, {"title": "x", "future_field": 1})
    assert rec.title == "x" and rec.access is AccessLevel.COMMUNITY


def test_codec_rejects_bad_values() -> None:
    with pytest.raises(ValidationError):
        codec.from_jsonable(KnowledgeRecord, {"title": "x", "access": "everyone"})
    with pytest.raises(ValidationError):
        codec.from_jsonable(KnowledgeRecord, {"title": "x", "recorded_date": "soon"})
    with pytest.raises(ValidationError):
        codec.from_jsonable(KnowledgeRecord, {"title": "x", "labels": "tka"})
    with pytest.raises(ValidationError):
        codec.from_jsonable(KnowledgeRecord, {"summary": "no title"})


def test_record_rules() -> None:
    full_record().validate()
    with pytest.raises(ValidationError) as exc:
        KnowledgeRecord(" ").validate()
    assert _field(exc) == "title"
    with pytest.raises(ValidationError) as exc:
        KnowledgeRecord("x", access=AccessLevel.RESTRICTED).validate()
    assert _field(exc) == "restricted_group"
    with pytest.raises(ValidationError) as exc:
        KnowledgeRecord("x", labels=["tka", "tka"]).validate()
    assert _field(exc) == "labels"
    with pytest.raises(ValidationError) as exc:
        KnowledgeRecord("x", confidential={"everything"}).validate()
    assert _field(exc) == "confidential"
    with pytest.raises(ValidationError) as exc:
        KnowledgeRecord("x", language="not a tag").validate()
    assert _field(exc) == "language"
    with pytest.raises(ValidationError):
        KnowledgeRecord("x\x00").validate()


def test_place_rules() -> None:
    with pytest.raises(ValidationError) as exc:
        Place(latitude=1.0).validate()
    assert _field(exc) == "place"
    with pytest.raises(ValidationError) as exc:
        Place(latitude=91.0, longitude=0.0).validate()
    assert _field(exc) == "latitude"
    with pytest.raises(ValidationError) as exc:
        Place(latitude=0.0, longitude=-181.0).validate()
    assert _field(exc) == "longitude"
    Place(latitude=-90.0, longitude=180.0, uncertainty_m=0).validate()


def test_other_entities() -> None:
    with pytest.raises(ValidationError):
        Person("Rosa", roles=["queen"]).validate()
    with pytest.raises(ValidationError):
        Community("X", languages=[]).validate()
    with pytest.raises(ValidationError):
        Taxon("x", vernacular_names=[VernacularName("", "qu")]).validate()
    with pytest.raises(ValidationError):
        Media(MediaKind.PHOTO, "png", "a.png").validate()
    with pytest.raises(ValidationError):
        ConsentRecord("A", granted_on=date(2024, 2, 1), expires=date(2024, 1, 1)).validate()
    with pytest.raises(ValidationError):
        Recipient("R", age_recipient="age1short").validate()


def test_new_id_is_a_canonical_random_uuid() -> None:
    import uuid

    from tkapp.core.model import new_id

    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in list(ids)[:200]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text  # canonical: lower case, dashes where uuid puts them
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
