"""What goes into a bundle, as plain data: the writer's only input besides the key.

The export service fills a :class:`BundleContent` from the catalogue (after the licensing plan
has removed what may not leave); the bundle layer never sees the database. Media arrive as
openers so their bytes are streamed, never held whole in memory.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
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
    records: Sequence[tuple[str, Mapping[str, Any]]] = ()  # (record UUID, JSON-able dict)
    media: Sequence[MediaItem] = ()
    consents: Sequence[tuple[str, Mapping[str, Any]]] = ()  # (consent UUID, dict)
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


def check_content(content: BundleContent) -> None:
    """Reject inputs the v1 format cannot carry; raises :class:`ValidationError`."""
    normalise_uuid(content.bundle_id, "bundle_id")
    normalise_uuid(content.catalogue_id, "catalogue_id")
    if not content.community.strip():
        raise ValidationError("required", field="community")
    seen: set[str] = set()
    for record_id, _record in content.records:
        rid = normalise_uuid(record_id, "records")
        if rid in seen:
            raise ValidationError("duplicate record", field="records")
        seen.add(rid)
    seen.clear()
    for consent_id, _consent in content.consents:
        cid = normalise_uuid(consent_id, "consents")
        if cid in seen:
            raise ValidationError("duplicate consent", field="consents")
        seen.add(cid)
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
