"""Real keys, real terms and small real bundles for the bundle tests (no mocks)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tkapp.bundle.content import BundleContent, MediaItem, RecipientSpec
from tkapp.bundle.writer import WrittenBundle, write_bundle
from tkapp.crypto.keys import KeyPair, keypair_from_seed
from tkapp.licensing.terms import from_template

CREATED = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)
EXPIRES = datetime(2027, 11, 26, 0, 0, 0, tzinfo=UTC)
BUNDLE_ID = "2b0c6a3e-3f8e-4a51-9d5e-0d9a1c6f4b11"
CATALOGUE_ID = "7f1d2c3b-4a59-4e68-8d7c-6b5a49382716"
RECORD_IDS = ("0a6d9a52-6a0f-4b7e-9f0e-2f3a4b5c6d7e", "1b7eab63-7b1f-4c8f-8a1f-3a4b5c6d7e8f")
CONSENT_ID = "c0ffee00-1234-4abc-8def-0123456789ab"
TERMS_ID = "5e5e5e5e-0000-4000-8000-000000000001"
TERMS_SET_ID = "5e5e5e5e-0000-4000-8000-000000000002"
COMMUNITY = "Comunidad Kichwa Añangu"


def community_key(n: int = 1) -> KeyPair:
    """A fixed test key (seed and key id derived from ``n``)."""
    seed = hashlib.sha256(f"tkapp test community key {n}".encode()).digest()
    key_id = hashlib.sha256(f"tkapp test key id {n}".encode()).digest()[:8]
    return keypair_from_seed(key_id, seed)


def terms_json(template: str = "cbrl") -> dict[str, Any]:
    terms = from_template(
        template,
        attribution="Comunidad Kichwa Añangu, Ecuador",
        contact="consejo@example.org",
        set_id=TERMS_SET_ID,
        languages=("es", "en"),
    )
    return dataclasses.replace(terms, id=TERMS_ID).to_json()


def media_item(data: bytes, ext: str = "jpg") -> MediaItem:
    return MediaItem(hashlib.sha256(data).hexdigest(), ext, len(data), lambda: io.BytesIO(data))


def file_media(path: Path, ext: str = "bin") -> MediaItem:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return MediaItem(digest.hexdigest(), ext, path.stat().st_size, lambda: path.open("rb"))


def content(
    *,
    sequence: int = 42,
    media: Sequence[MediaItem] | None = None,
    age_recipients: Sequence[str] = (),
    expires: datetime | None = EXPIRES,
    community: str = COMMUNITY,
    bundle_id: str = BUNDLE_ID,
    records: Sequence[tuple[str, dict[str, Any]]] | None = None,
    template: str = "cbrl",
    catalogue_id: str = CATALOGUE_ID,
) -> BundleContent:
    if records is None:
        records = [
            (
                RECORD_IDS[0],
                {
                    "id": RECORD_IDS[0],
                    "title": "Uso de la guayusa",
                    "summary": "Infusión de la mañana",
                    "labels": ["tka"],
                    "access": "public",
                    "place": {
                        "decimalLatitude": "-0.5",
                        "decimalLongitude": "-76.4",
                        "coordinateUncertaintyInMeters": 10000,
                        "locality": None,
                        "dataGeneralizations": "rounded to 0.1 degree",
                        "informationWithheld": "",
                    },
                },
            ),
            (
                RECORD_IDS[1],
                {"id": RECORD_IDS[1], "title": "Chakra", "labels": [], "access": "public"},
            ),
        ]
    if media is None:
        media = [media_item(b"\xff\xd8\xff fake jpeg bytes " * 8)]
    return BundleContent(
        bundle_id=bundle_id,
        catalogue_id=catalogue_id,
        sequence=sequence,
        community=community,
        recipient=RecipientSpec(
            name="Dra. Ana Researcher",
            organisation="Universidad Pública",
            user_class="public_research",
            purpose="research",
            age_recipients=tuple(age_recipients),
        ),
        terms_json=terms_json(template),
        terms_texts={"es": "Términos en español.\n", "en": "Terms in English.\n"},
        records=records,
        media=media,
        consents=[
            (CONSENT_ID, {"id": CONSENT_ID, "granted_by": "Asamblea", "method": "assembly_minutes"})
        ],
        odrl={
            "@context": "http://www.w3.org/ns/odrl.jsonld",
            "@type": "Agreement",
            "uid": "urn:uuid:" + BUNDLE_ID,
        },
        expires=expires,
    )


def make_bundle(
    folder: Path, name: str = "b.tkb", key: KeyPair | None = None, **kwargs: Any
) -> WrittenBundle:
    encrypt_to = kwargs.pop("encrypt_to", ())
    return write_bundle(
        content(**kwargs),
        key or community_key(),
        folder / name,
        created=CREATED,
        encrypt_to=encrypt_to,
    )
