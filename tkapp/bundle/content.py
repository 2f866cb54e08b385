"""What goes into a bundle, as plain data: the writer's only input besides the key.

The export service fills a :class:`BundleContent` from the catalogue (after the licensing plan
has removed what may not leave); the bundle layer never sees the database. Media arrive as
openers so their bytes are streamed, never held whole in memory.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from tkapp.bundle.manifest import LANG_RE, MEDIA_EXT_RE
from tkapp.errors import ValidationError

_HEX64 = re.compile(r"[0-9a-f]{64}")
_EXT = re.compile(MEDIA_EXT_RE)
_LANG = re.compile(LANG_RE)


@dataclass(frozen=True)
class MediaItem:
    """One media file, content-addressed, streamed from ``opener()`` when written."""

    sha256: str
    extension: str  # lower-case, without the dot: "jpg", "ogg"
    size: int
    opener: Callable[[], BinaryIO]

    @property
    def path(self) -> str:
        return f"data/media/{self.sha256}.{self.extension}"


#: JSON files made one at a time, as often as asked: a callable giving ``(UUID, JSON-able
#: dict)`` pairs in ascending UUID order (so in the ZIP's path order), the same each time.
#: The writer asks twice (once to size and hash every file for the signed manifest, which
#: ``bag-info.txt`` at the start of the ZIP summarises; once to write them) and keeps one
#: file at a time: a bundle's records are never all in memory at once.
JsonFiles = Callable[[], Iterable[tuple[str, Mapping[str, Any]]]]
#: A bundle's records or consents: held in a sequence (any order; small bundles, tests), or
#: made on demand (:data:`JsonFiles`).
JsonSource = Sequence[tuple[str, Mapping[str, Any]]] | JsonFiles


@dataclass(frozen=True)
class RecipientSpec:
    """Who the bundle is for and what for (named in the signed manifest)."""

    name: str
    organisation: str
    user_class: str  # tkapp.licensing.vocab.UserClass value
    purpose: str  # tkapp.licensing.vocab.Purpose value
    age_recipients: tuple[str, ...] = ()  # age1... keys the bundle may be encrypted to


@dataclass(frozen=True)
class BundleContent:
    """Everything a bundle holds, already filtered and generalised by the export plan."""

    bundle_id: str  # UUID, bare or urn:uuid:
    catalogue_id: str  # UUID, bare or urn:uuid:
    sequence: int  # increases per catalogue
    community: str
    recipient: RecipientSpec
    terms_json: Mapping[str, Any]  # terms.json (Terms.to_json())
    terms_texts: Mapping[str, str]  # language tag -> human-readable terms
    records: JsonSource = ()  # (record UUID, JSON-able dict)
    media: Sequence[MediaItem] = ()
    consents: JsonSource = ()  # (consent UUID, dict)
    odrl: Mapping[str, Any] | None = None
    expires: datetime | None = None
    odrl_profile: bytes | None = None  # the tkapp ODRL profile vocabulary (Turtle)
    local_contexts: Mapping[str, Any] | None = None  # Hub projects, Labels and Notices
    approvals: Mapping[str, Any] | None = None  # who approved the export (shared approval)
    # The catalogue's key rotation statements, oldest first: (statement, .minisig bytes).
    key_changes: Sequence[tuple[bytes, bytes]] = ()


def normalise_uuid(value: str, field_name: str) -> str:
    """Lower-case canonical UUID text from a bare or ``urn:uuid:`` form."""
    text = value.removeprefix("urn:uuid:")
    try:
        parsed = uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise ValidationError("not a UUID", field=field_name) from None
    if str(parsed) != text.lower():
        raise ValidationError("not a canonical UUID", field=field_name)
    return str(parsed)


def sorted_ids(
    items: Sequence[tuple[str, Mapping[str, Any]]], field_name: str
) -> list[tuple[str, Mapping[str, Any]]]:
    """``items`` by canonical UUID (their files' path order); raises :class:`ValidationError`
    for an id that is not a UUID or comes twice."""
    keyed = sorted(
        ((normalise_uuid(i, field_name), value) for i, value in items), key=lambda pair: pair[0]
    )
    for (before, _a), (after, _b) in itertools.pairwise(keyed):
        if before == after:
            raise ValidationError(f"duplicate {field_name.removesuffix('s')}", field=field_name)
    return keyed


def json_files(source: JsonSource, field_name: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """One pass over ``source`` in ascending canonical UUID order.

    Raises:
        ValidationError: an id that is not a UUID, comes twice, or (made on demand) out of
            order.
    """
    if not callable(source):
        yield from sorted_ids(source, field_name)
        return
    previous = ""
    for item_id, value in source():
        current = normalise_uuid(item_id, field_name)
        if current == previous:
            raise ValidationError(f"duplicate {field_name.removesuffix('s')}", field=field_name)
        if current < previous:
            raise ValidationError("not in UUID order", field=field_name)
        previous = current
        yield current, value


def check_content(content: BundleContent) -> None:
    """Reject inputs the v1 format cannot carry; raises :class:`ValidationError`."""
    normalise_uuid(content.bundle_id, "bundle_id")
    normalise_uuid(content.catalogue_id, "catalogue_id")
    if not content.community.strip():
        raise ValidationError("required", field="community")
    # Files made on demand are checked as the writer makes them (json_files).
    if not callable(content.records):
        sorted_ids(content.records, "records")
    if not callable(content.consents):
        sorted_ids(content.consents, "consents")
    for item in content.media:
        if not _HEX64.fullmatch(item.sha256):
            raise ValidationError("bad SHA-256", field="media")
        if not _EXT.fullmatch(item.extension):
            raise ValidationError("bad extension", field="media")
        if item.size < 0:
            raise ValidationError("bad size", field="media")
    if len(content.key_changes) > 999:
        raise ValidationError("too many key changes", field="key_changes")
    if not content.terms_texts:
        raise ValidationError("at least one language", field="terms_texts")
    for lang in content.terms_texts:
        if not _LANG.fullmatch(lang):
            raise ValidationError("bad language tag", field="terms_texts")
