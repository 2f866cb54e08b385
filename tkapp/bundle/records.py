"""The record a bundle carries (``data/records/<uuid>.json``): its one typed schema.

The writer (:meth:`BundleRecord.to_json`, used by the sharing service) and the reader
(:meth:`BundleRecord.from_json`, used by the verifier, the decision and the Received area)
sit side by side, so the format changes in one place.

Reading is strict, as for the manifest: an unknown key, a missing required key or a value of
the wrong JSON type is a :class:`~tkapp.errors.SchemaError`. Only ``id`` and ``title`` are
required at the top level: fields the release gate withholds are left out (not blanked), and
bundles of the first v1 writers (the golden files) carry a minimal record. A present
``type`` must be this version's.

What the JSON means (which labels exist, which access level) is judged by the licensing
engine, not here: an unknown label stays a :class:`~tkapp.errors.TermsError` there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tkapp.errors import SchemaError, UnsupportedVersion

RECORD_TYPE = "tkapp/record/v1"
_T = TypeVar("_T")


class _Fields:
    """Takes the keys of one JSON object, checking each type; :meth:`done` refuses the rest."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise SchemaError("expected a JSON object", field=where[:120])
        self._left: dict[str, Any] = dict(value)
        self._where = where

    def _bad(self, key: str, why: str) -> SchemaError:
        return SchemaError(why, field=f"{self._where}.{key}"[:120])

    def _take(self, key: str, required: bool) -> tuple[bool, Any]:
        if key not in self._left:
            if required:
                raise self._bad(key, "missing key")
            return False, None
        return True, self._left.pop(key)

    def text(self, key: str, default: str = "", *, required: bool = False) -> str:
        present, value = self._take(key, required)
        if not present:
            return default
        if not isinstance(value, str):
            raise self._bad(key, "expected a string")
        return value

    def text_or_none(self, key: str, *, required: bool = False) -> str | None:
        _present, value = self._take(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._bad(key, "expected a string or null")
        return value

    def absent_or_text(self, key: str) -> str | None:
        """A string that may be left out (withheld); never null."""
        present, value = self._take(key, False)
        if not present:
            return None
        if not isinstance(value, str):
            raise self._bad(key, "expected a string")
        return value

    def integer(self, key: str, default: int = 0, *, required: bool = False) -> int:
        present, value = self._take(key, required)
        if not present:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._bad(key, "expected an integer")
        return value

    def integer_or_none(self, key: str, *, required: bool = False) -> int | None:
        _present, value = self._take(key, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._bad(key, "expected an integer or null")
        return value

    def flag(self, key: str) -> bool:
        present, value = self._take(key, False)
        if not present:
            return False
        if not isinstance(value, bool):
            raise self._bad(key, "expected true or false")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        present, value = self._take(key, False)
        if not present:
            return ()
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self._bad(key, "expected a list of strings")
        return tuple(value)

    def objects(self, key: str) -> list[Any] | None:
        """A list of JSON objects that may be left out (``None``), each read by the caller."""
        present, value = self._take(key, False)
        if not present:
            return None
        if not isinstance(value, list):
            raise self._bad(key, "expected a list")
        return value

    def optional(self, key: str) -> tuple[bool, Any]:
        """(present, value) of a key whose value the caller reads (null is not absent)."""
        return self._take(key, False)

    def done(self) -> None:
        if self._left:
            raise self._bad(sorted(self._left)[0], "unknown key")


@dataclass(frozen=True)
class BundlePlace:
    """The generalised place (Darwin Core terms); coordinates are decimal strings."""

    latitude: str | None
    longitude: str | None
    uncertainty_m: int | None
    locality: str | None
    data_generalizations: str
    information_withheld: str

    def to_json(self) -> dict[str, Any]:
        return {
            "decimalLatitude": self.latitude,
            "decimalLongitude": self.longitude,
            "coordinateUncertaintyInMeters": self.uncertainty_m,
            "locality": self.locality,
            "dataGeneralizations": self.data_generalizations,
            "informationWithheld": self.information_withheld,
        }

    @classmethod
    def from_json(cls, value: object, where: str = "place") -> BundlePlace:
        f = _Fields(value, where)
        place = cls(
            latitude=f.text_or_none("decimalLatitude", required=True),
            longitude=f.text_or_none("decimalLongitude", required=True),
            uncertainty_m=f.integer_or_none("coordinateUncertaintyInMeters", required=True),
            locality=f.text_or_none("locality"),
            data_generalizations=f.text("dataGeneralizations"),
            information_withheld=f.text("informationWithheld"),
        )
        f.done()
        return place


@dataclass(frozen=True)
class BundleVernacularName:
    name: str
    language: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "language": self.language}

    @classmethod
    def from_json(cls, value: object, where: str) -> BundleVernacularName:
        f = _Fields(value, where)
        name = cls(f.text("name", required=True), f.text("language"))
        f.done()
        return name


@dataclass(frozen=True)
class BundleTaxon:
    """A taxon embedded in the record; ``vernacular_names`` is None when withheld."""

    id: str
    scientific_name: str
    authorship: str = ""
    rank: str = ""
    kingdom: str = ""
    family: str = ""
    genus: str = ""
    gbif_key: str = ""
    col_id: str = ""
    vernacular_names: tuple[BundleVernacularName, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "id": self.id,
            "scientificName": self.scientific_name,
            "scientificNameAuthorship": self.authorship,
            "taxonRank": self.rank,
            "kingdom": self.kingdom,
            "family": self.family,
            "genus": self.genus,
            "gbif_key": self.gbif_key,
            "col_id": self.col_id,
        }
        if self.vernacular_names is not None:
            value["vernacularNames"] = [v.to_json() for v in self.vernacular_names]
        return value

    @classmethod
    def from_json(cls, value: object, where: str) -> BundleTaxon:
        f = _Fields(value, where)
        names = f.objects("vernacularNames")
        taxon = cls(
            id=f.text("id", required=True),
            scientific_name=f.text("scientificName", required=True),
            authorship=f.text("scientificNameAuthorship"),
            rank=f.text("taxonRank"),
            kingdom=f.text("kingdom"),
            family=f.text("family"),
            genus=f.text("genus"),
            gbif_key=f.text("gbif_key"),
            col_id=f.text("col_id"),
            vernacular_names=None
            if names is None
            else tuple(
                BundleVernacularName.from_json(n, f"{where}.vernacularNames[{i}]")
                for i, n in enumerate(names)
            ),
        )
        f.done()
        return taxon


@dataclass(frozen=True)
class BundleUse:
    """One use; ``preparation`` is None when withheld."""

    part: str
    purpose: str
    season: str
    preparation: str | None = None

    def to_json(self) -> dict[str, Any]:
        value = {"part": self.part, "purpose": self.purpose, "season": self.season}
        if self.preparation is not None:
            value["preparation"] = self.preparation
        return value

    @classmethod
    def from_json(cls, value: object, where: str) -> BundleUse:
        f = _Fields(value, where)
        use = cls(
            part=f.text("part"),
            purpose=f.text("purpose"),
            season=f.text("season"),
            preparation=f.absent_or_text("preparation"),
        )
        f.done()
        return use


@dataclass(frozen=True)
class BundleHolder:
    """A knowledge holder reduced to the name that may leave, and a role."""

    name: str
    role: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role}

    @classmethod
    def from_json(cls, value: object, where: str) -> BundleHolder:
        f = _Fields(value, where)
        holder = cls(f.text("name", required=True), f.text("role"))
        f.done()
        return holder


@dataclass(frozen=True)
class BundleMedia:
    """A media file that leaves with the record, as cleaned (``creator`` None: withheld)."""

    path: str
    sha256: str
    size: int
    kind: str
    mime_type: str
    caption: str = ""
    created: str | None = None
    language: str = ""
    content_warning: str = ""
    content_warnings: tuple[str, ...] = ()
    metadata_removed: tuple[str, ...] = ()
    metadata_not_cleaned: bool = False
    creator: str | None = None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "kind": self.kind,
            "mime_type": self.mime_type,
            "caption": self.caption,
            "created": self.created,
            "language": self.language,
            # Every warning travels; the reader shows them before the file.
            "content_warning": self.content_warning,
            "content_warnings": list(self.content_warnings),
            # What cleaning removed (metadata codes), or that the custodian sent the file as
            # it is although its metadata could not be cleaned.
            "metadata_removed": list(self.metadata_removed),
            "metadata_not_cleaned": self.metadata_not_cleaned,
        }
        if self.creator is not None:
            value["creator"] = self.creator
        return value

    @classmethod
    def from_json(cls, value: object, where: str) -> BundleMedia:
        f = _Fields(value, where)
        media = cls(
            path=f.text("path", required=True),
            sha256=f.text("sha256", required=True),
            size=f.integer("size", required=True),
            kind=f.text("kind", required=True),
            mime_type=f.text("mime_type", required=True),
            caption=f.text("caption"),
            created=f.text_or_none("created"),
            language=f.text("language"),
            content_warning=f.text("content_warning"),
            content_warnings=f.texts("content_warnings"),
            metadata_removed=f.texts("metadata_removed"),
            metadata_not_cleaned=f.flag("metadata_not_cleaned"),
            creator=f.absent_or_text("creator"),
        )
        f.done()
        return media


def _each(
    items: list[Any] | None, where: str, read: Callable[[object, str], _T]
) -> tuple[_T, ...] | None:
    if items is None:
        return None
    return tuple(read(item, f"{where}[{i}]") for i, item in enumerate(items))


@dataclass(frozen=True)
class BundleRecord:
    """One shared record, redacted by the release gate.

    ``None`` in an optional field means the field is not in the bundle (withheld, or a
    minimal record); ``access``/``labels``/``restricted_group`` default to what a record
    without them is judged by: public, no labels.
    """

    id: str
    title: str
    summary: str = ""
    language: str = ""
    category: str = ""
    status: str = ""
    access: str = "public"
    restricted_group: str = ""
    labels: tuple[str, ...] = ()
    version: int = 0
    created: str | None = None
    modified: str | None = None
    recorded_date: str | None = None
    place: BundlePlace | None = None
    withheld_fields: tuple[str, ...] = ()
    terms_id: str = ""
    consent_ids: tuple[str, ...] = ()
    taxa: tuple[BundleTaxon, ...] = ()
    description: str | None = None
    uses: tuple[BundleUse, ...] | None = None
    holders: tuple[BundleHolder, ...] | None = None
    recorded_by: str | None = None
    media: tuple[BundleMedia, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The record's JSON object, keys in the order the writer has always used."""
        value: dict[str, Any] = {
            "type": RECORD_TYPE,
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "language": self.language,
            "category": self.category,
            "status": self.status,
            # The reader's verifier evaluates these three for its own use.
            "access": self.access,
            "restricted_group": self.restricted_group,
            "labels": list(self.labels),
            "version": self.version,
            "created": self.created,
            "modified": self.modified,
            "recorded_date": self.recorded_date,
        }
        if self.place is not None:
            value["place"] = self.place.to_json()
        value["withheld_fields"] = list(self.withheld_fields)
        value["terms_id"] = self.terms_id
        value["consent_ids"] = list(self.consent_ids)
        if self.description is not None:
            value["description"] = self.description
        if self.uses is not None:
            value["uses"] = [u.to_json() for u in self.uses]
        value["taxa"] = [t.to_json() for t in self.taxa]
        if self.holders is not None:
            value["holders"] = [h.to_json() for h in self.holders]
        if self.recorded_by is not None:
            value["recorded_by"] = self.recorded_by
        if self.media is not None:
            value["media"] = [m.to_json() for m in self.media]
        return value

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | object, where: str = "record") -> BundleRecord:
        """Read one record strictly (see the module's docstring).

        Raises:
            SchemaError: not an object, an unknown or missing key, a value of the wrong type.
            UnsupportedVersion: a ``type`` other than this version's.
        """
        f = _Fields(value, where)
        kind = f.text("type", RECORD_TYPE)
        if kind != RECORD_TYPE:
            raise UnsupportedVersion("unknown record type", field=f"{where}.type"[:120])
        has_place, place = f.optional("place")
        taxa = f.objects("taxa")
        record = cls(
            id=f.text("id", required=True),
            title=f.text("title", required=True),
            summary=f.text("summary"),
            language=f.text("language"),
            category=f.text("category"),
            status=f.text("status"),
            access=f.text("access", "public"),
            restricted_group=f.text("restricted_group"),
            labels=f.texts("labels"),
            version=f.integer("version"),
            created=f.text_or_none("created"),
            modified=f.text_or_none("modified"),
            recorded_date=f.text_or_none("recorded_date"),
            place=BundlePlace.from_json(place, f"{where}.place") if has_place else None,
            withheld_fields=f.texts("withheld_fields"),
            terms_id=f.text("terms_id"),
            consent_ids=f.texts("consent_ids"),
            taxa=_each(taxa, f"{where}.taxa", BundleTaxon.from_json) or (),
            description=f.absent_or_text("description"),
            uses=_each(f.objects("uses"), f"{where}.uses", BundleUse.from_json),
            holders=_each(f.objects("holders"), f"{where}.holders", BundleHolder.from_json),
            recorded_by=f.absent_or_text("recorded_by"),
            media=_each(f.objects("media"), f"{where}.media", BundleMedia.from_json),
        )
        f.done()
        return record
