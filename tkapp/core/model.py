"""The catalogue's entities (DATA-MODEL.md) as plain typed dataclasses.

Field names follow Darwin Core / Audiovisual Core where a term exists. Every entity has a
stable UUID (``id``) because records travel between catalogues in bundles. ``validate()``
raises :class:`tkapp.errors.ValidationError` with ``params['field']`` naming the bad field.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from tkapp.errors import ValidationError


def new_id() -> str:
    """A random (version 4) UUID as its canonical text, ``str(uuid.uuid4())``.

    Made from the 16 random bytes directly: ``uuid.UUID`` checks and converts its argument in
    Python, which was a tenth of an import's per-record work (issue 19).
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Category(StrEnum):
    MEDICINAL = "medicinal"
    FOOD = "food"
    AGRICULTURE = "agriculture"  # agriculture and seeds
    ECOLOGY = "ecology"  # ecology and land
    CRAFT = "craft"  # craft and materials
    RITUAL = "ritual"  # ritual and spiritual
    LANGUAGE = "language"  # language and oral tradition
    OTHER = "other"


class AccessLevel(StrEnum):
    """Cultural protocol: who may see a record. Strictest last."""

    PUBLIC = "public"
    COMMUNITY = "community"
    RESTRICTED = "restricted"
    SECRET_SACRED = "secret_sacred"  # noqa: S105 - an access level, not a password


class Sensitivity(StrEnum):
    """How much of a place leaves the catalogue."""

    NONE = "none"  # exact
    LOW = "low"  # 0.001 degree
    MEDIUM = "medium"  # 0.01 degree
    HIGH = "high"  # 0.1 degree
    WITHHOLD = "withhold"  # no location at all


class RecordStatus(StrEnum):
    DRAFT = "draft"
    VERIFIED = "verified"  # verified by the community (TK Verified)
    DISPUTED = "disputed"


class MediaKind(StrEnum):
    PHOTO = "photo"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"


class ConsentMethod(StrEnum):
    ASSEMBLY_MINUTES = "assembly_minutes"  # acta
    SIGNED_FORM = "signed_form"
    ORAL_RECORDED = "oral_recorded"


class ConsentStatus(StrEnum):
    UNKNOWN = "unknown"
    GRANTED = "granted"
    LIMITED = "limited"
    WITHDRAWN = "withdrawn"


#: Fields of a record that may be flagged confidential (left out of every export).
CONFIDENTIAL_FIELDS: tuple[str, ...] = (
    "description",
    "holders",
    "place",
    "preparation",
    "uses",
    "local_names",
    "media",
    "recorded_by",
)
_CONFIDENTIAL_SET = frozenset(CONFIDENTIAL_FIELDS)

#: Open licences a community may choose for publishing a record openly (GBIF accepts only
#: these three); "" = not for open publication. SPDX identifiers.
OPEN_LICENCES: tuple[str, ...] = ("", "CC0-1.0", "CC-BY-4.0", "CC-BY-NC-4.0")

PERSON_ROLES: tuple[str, ...] = (
    "elder",
    "healer",
    "midwife",
    "farmer",
    "hunter",
    "weaver",
    "translator",
    "recorder",
    "other",
)

_LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$")


def _require(ok: bool, field_name: str, detail: str) -> None:
    if not ok:
        raise ValidationError(detail, field=field_name)


def _check_text(value: str, field_name: str, *, required: bool = False, limit: int = 0) -> None:
    if required:
        _require(bool(value.strip()), field_name, "required")
    if limit:
        _require(len(value) <= limit, field_name, "too_long")
    _require("\x00" not in value, field_name, "control_character")


def check_language(tag: str, field_name: str = "language") -> None:
    _require(bool(_LANG_TAG.match(tag)), field_name, "bad_language_tag")


@dataclass
class Community:
    name: str
    id: str = field(default_factory=new_id)
    other_names: list[str] = field(default_factory=list)
    people: str = ""  # people / nation
    country: str = ""
    region: str = ""
    languages: list[str] = field(default_factory=lambda: ["es"])
    contact: str = ""
    governance: str = ""

    def validate(self) -> None:
        _check_text(self.name, "name", required=True, limit=200)
        _require(bool(self.languages), "languages", "required")
        for tag in self.languages:
            check_language(tag, "languages")


@dataclass
class Person:
    name: str  # display name or pseudonym
    id: str = field(default_factory=new_id)
    roles: list[str] = field(default_factory=list)
    community: str = ""  # community or family
    consent_status: ConsentStatus = ConsentStatus.UNKNOWN
    deceased: bool = False
    anonymous_outside: bool = False  # shown as "a knowledge holder" outside the catalogue
    contact: str = ""  # private; never exported

    def validate(self) -> None:
        _check_text(self.name, "name", required=True, limit=200)
        for role in self.roles:
            _require(role in PERSON_ROLES, "roles", "unknown_role")


@dataclass
class VernacularName:
    name: str
    language: str
    community_review: bool = False  # spelling/usage still to be checked by the community

    def validate(self) -> None:
        _check_text(self.name, "vernacular_names", required=True, limit=200)
        check_language(self.language, "vernacular_names")


@dataclass
class Taxon:
    scientific_name: str
    id: str = field(default_factory=new_id)
    authorship: str = ""
    rank: str = "species"
    kingdom: str = ""
    family: str = ""
    genus: str = ""
    vernacular_names: list[VernacularName] = field(default_factory=list)
    gbif_key: str = ""
    col_id: str = ""

    def validate(self) -> None:
        _check_text(self.scientific_name, "scientific_name", required=True, limit=300)
        for name in self.vernacular_names:
            name.validate()


@dataclass
class Use:
    part: str = ""  # part used
    preparation: str = ""
    purpose: str = ""
    season: str = ""

    def is_empty(self) -> bool:
        return not (self.part or self.preparation or self.purpose or self.season)


@dataclass
class HolderLink:
    person_id: str
    role: str = ""


@dataclass
class Place:
    locality: str = ""
    latitude: float | None = None
    longitude: float | None = None
    uncertainty_m: int | None = None
    sensitivity: Sensitivity = Sensitivity.HIGH

    def validate(self) -> None:
        has_lat = self.latitude is not None
        has_lon = self.longitude is not None
        _require(has_lat == has_lon, "place", "coordinates_need_both")
        if self.latitude is not None:
            _require(-90.0 <= self.latitude <= 90.0, "latitude", "out_of_range")
        if self.longitude is not None:
            _require(-180.0 <= self.longitude <= 180.0, "longitude", "out_of_range")
        if self.uncertainty_m is not None:
            _require(0 <= self.uncertainty_m <= 20_000_000, "uncertainty_m", "out_of_range")


@dataclass
class KnowledgeRecord:
    title: str
    id: str = field(default_factory=new_id)
    summary: str = ""
    description: str = ""
    language: str = "es"
    category: Category = Category.OTHER
    uses: list[Use] = field(default_factory=list)
    taxon_ids: list[str] = field(default_factory=list)
    holders: list[HolderLink] = field(default_factory=list)
    recorded_by: str = ""  # person id
    recorded_date: date | None = None
    place: Place = field(default_factory=Place)
    access: AccessLevel = AccessLevel.COMMUNITY
    restricted_group: str = ""  # who, when access is restricted
    labels: list[str] = field(default_factory=list)  # Local Contexts label codes (tkapp.licensing)
    terms_id: str = ""  # terms *version* id; "" means the catalogue default
    consent_ids: list[str] = field(default_factory=list)
    confidential: set[str] = field(default_factory=set)
    status: RecordStatus = RecordStatus.DRAFT
    version: int = 1  # bumped on every saved edit
    created: datetime | None = None
    modified: datetime | None = None
    #: The community marks the record for open publication (GBIF, GeoJSON) under this
    #: licence; "" = never published openly. Terms and labels still decide (open_licence.py).
    open_licence: str = ""

    def validate(self) -> None:
        _check_text(self.title, "title", required=True, limit=500)
        _check_text(self.summary, "summary", limit=2_000)
        _check_text(self.description, "description", limit=1_000_000)
        check_language(self.language)
        self.place.validate()
        _require(self.confidential <= _CONFIDENTIAL_SET, "confidential", "unknown_field")
        if self.access is AccessLevel.RESTRICTED:
            _require(bool(self.restricted_group.strip()), "restricted_group", "required")
        _require(len(set(self.labels)) == len(self.labels), "labels", "duplicate")
        _require(self.open_licence in OPEN_LICENCES, "open_licence", "unknown_value")


@dataclass
class Media:
    kind: MediaKind
    mime_type: str
    file_name: str
    id: str = field(default_factory=new_id)
    record_id: str = ""  # owning record ("" for consent evidence)
    consent_id: str = ""  # owning consent record, for evidence media
    size: int = 0
    sha256: str = ""
    caption: str = ""
    creator: str = ""
    created: date | None = None
    language: str = ""
    content_warning: str = ""
    person_ids: list[str] = field(default_factory=list)

    def validate(self) -> None:
        _check_text(self.file_name, "file_name", required=True, limit=255)
        _require("/" in self.mime_type, "mime_type", "bad_mime_type")


@dataclass
class ConsentRecord:
    granted_by: str
    id: str = field(default_factory=new_id)
    record_ids: list[str] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)
    granted_on: date | None = None
    method: ConsentMethod = ConsentMethod.ASSEMBLY_MINUTES
    #: Whether the consent stands: only granted or limited consent lets a record leave
    #: (LICENSING.md, "Consent is binding"). Records saved before this field existed
    #: documented a consent that was given, so they load as granted.
    status: ConsentStatus = ConsentStatus.GRANTED
    purposes: list[str] = field(default_factory=list)  # licensing purpose codes
    user_classes: list[str] = field(default_factory=list)  # licensing user class codes
    terms_id: str = ""  # mutually agreed terms (a terms version)
    expires: date | None = None
    confidential: set[str] = field(default_factory=set)
    notes: str = ""

    def validate(self) -> None:
        _check_text(self.granted_by, "granted_by", required=True, limit=500)
        if self.granted_on and self.expires:
            _require(self.expires >= self.granted_on, "expires", "before_granted")


@dataclass
class HubProject:
    """A Local Contexts Hub project the community links to its records (the Hub's unit).

    The Labels and Notices listed are the ones the project applies on the Hub; ``record_ids``
    empty means the project covers the whole catalogue. ``synced_at`` is when the project was
    last refreshed from the Hub (None: typed in by hand, never refreshed online).
    """

    hub_id: str  # the Hub's project unique_id (a UUID)
    id: str = field(default_factory=new_id)
    title: str = ""
    page_url: str = ""  # https://localcontextshub.org/projects/<hub_id>
    labels: list[str] = field(default_factory=list)  # TK/BC label codes (tka, bcp...)
    notices: list[str] = field(default_factory=list)  # notice codes (see licensing.notices)
    record_ids: list[str] = field(default_factory=list)
    synced_at: datetime | None = None

    def validate(self) -> None:
        _check_text(self.hub_id, "hub_id", required=True, limit=100)
        _check_text(self.title, "title", limit=500)
        _check_text(self.page_url, "page_url", limit=500)
        _require(not self.page_url or self.page_url.startswith("https://"), "page_url", "not_https")

    @property
    def whole_catalogue(self) -> bool:
        return not self.record_ids


@dataclass
class Recipient:
    name: str
    id: str = field(default_factory=new_id)
    organisation: str = ""
    user_class: str = "public_research"
    contact: str = ""
    age_recipient: str = ""  # age1... public key
    trusted_since: datetime | None = None

    def validate(self) -> None:
        _check_text(self.name, "name", required=True, limit=200)
        if self.age_recipient:
            _require(
                self.age_recipient.startswith("age1") and len(self.age_recipient) == 62,
                "age_recipient",
                "bad_age_recipient",
            )
