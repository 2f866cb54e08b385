"""Generate the golden v1 bundles in this folder (run once per released format version).

    .venv/bin/python tests/data/golden/make_golden.py

Fixed key, fixed clock and fixed content, so the plain bundle is byte-for-byte reproducible
with the writer of the day; the encrypted one is not (age uses fresh randomness) and is kept
as committed. tests/bundle/test_golden.py verifies these files forever: never regenerate the
files of a released version, add new ones next to them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from tkapp.bundle.content import BundleContent, MediaItem, RecipientSpec
from tkapp.bundle.writer import write_bundle
from tkapp.crypto.age import AgeIdentity, format_identity_file
from tkapp.crypto.keys import keypair_from_seed
from tkapp.crypto.minisign import encode_public_key
from tkapp.licensing.terms import from_template

HERE = Path(__file__).resolve().parent
CREATED = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)
KEY = keypair_from_seed(
    bytes.fromhex("0102030405060708"),
    hashlib.sha256(b"tkapp golden v1 community key").digest(),
)
IDENTITY = AgeIdentity(hashlib.sha256(b"tkapp golden v1 researcher identity").digest())
MEDIA = b"golden media bytes\n" * 50


def content(age_recipients: tuple[str, ...]) -> BundleContent:
    terms = from_template(
        "cbrl",
        attribution="Comunidad de prueba",
        contact="consejo@example.org",
        set_id="00000000-0000-4000-8000-00000000a002",
        languages=("es", "en"),
    )
    terms = dataclasses.replace(terms, id="00000000-0000-4000-8000-00000000a001")
    record_id = "00000000-0000-4000-8000-00000000b001"
    return BundleContent(
        bundle_id="00000000-0000-4000-8000-00000000c001",
        catalogue_id="00000000-0000-4000-8000-00000000d001",
        sequence=1,
        community="Comunidad de prueba",
        recipient=RecipientSpec(
            "Golden Researcher", "Golden University", "public_research", "research", age_recipients
        ),
        terms_json=terms.to_json(),
        terms_texts={"es": "Términos de prueba.\n", "en": "Test terms.\n"},
        records=[
            (
                record_id,
                {
                    "id": record_id,
                    "title": "Registro dorado",
                    "labels": ["tka"],
                    "access": "public",
                },
            )
        ],
        media=[
            MediaItem(
                hashlib.sha256(MEDIA).hexdigest(), "txt", len(MEDIA), lambda: io.BytesIO(MEDIA)
            )
        ],
        consents=[],
        odrl=None,
        expires=None,  # golden bundles must verify forever
    )


def main() -> int:
    (HERE / "community.pub").write_text(encode_public_key(KEY.public_key))
    (HERE / "researcher.agekey").write_text(format_identity_file(IDENTITY, CREATED))
    recipient = str(IDENTITY.recipient())
    for name, encrypt in (("v1-plain.tkb", ()), ("v1-encrypted.tkb.age", (recipient,))):
        dest = HERE / name
        dest.unlink(missing_ok=True)
        written = write_bundle(
            content((recipient,)), KEY, dest, created=CREATED, encrypt_to=encrypt
        )
        print(name, written.sha256)
    return 0


if __name__ == "__main__":
    sys.exit(main())
