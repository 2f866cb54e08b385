"""Write tests/data/catalogue-v1.tkc: a schema-version-1 catalogue for migration tests.

Run once with the code of schema version 1 and commit the output; never regenerate it with a
later version (the point is to keep a real old file). Real KDF parameters.

    .venv/bin/python tests/data/make_fixture_v1.py
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tkapp.core.model import (  # noqa: E402
    AccessLevel,
    Category,
    Community,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Taxon,
    VernacularName,
)
from tkapp.crypto.keys import generate_keypair  # noqa: E402
from tkapp.services.catalogue import Catalogue  # noqa: E402
from tkapp.store import Database, codec, entities, migrations  # noqa: E402

# Build exactly schema version 1, whatever migrations exist today.
migrations.MIGRATIONS[:] = [m for m in migrations.MIGRATIONS if m[0] <= 1]

FIXTURE = HERE / "catalogue-v1.tkc"
PASSPHRASE = "fixture passphrase v1"


def main() -> None:
    os.environ.pop("TKAPP_KDF_PROFILE", None)
    if FIXTURE.exists():
        FIXTURE.unlink()
    community = Community("Fixture community", languages=["es", "qu"])

    def setup(conn: object, chain: object) -> None:
        # What create_catalogue wrote at schema version 1 (later versions add more).
        entities.set_meta(conn, "catalogue_id", "00000000-0000-4000-8000-000000000001")
        entities.set_meta(conn, "created", "2026-01-01T00:00:00+00:00")
        entities.set_meta(conn, "community", codec.dumps(community))
        keys = generate_keypair()
        entities.save_signing_key(conn, keys.key_id, keys.secret_seed, keys.public)

    with Catalogue(Database.create(FIXTURE, PASSPHRASE, setup), actor="fixture") as cat:
        rosa = cat.add_person(Person("Rosa Grefa", roles=["healer"]))
        taxon = cat.add_taxon(
            Taxon("Uncaria tomentosa", vernacular_names=[VernacularName("uña de gato", "es")])
        )
        rec = cat.add_record(
            KnowledgeRecord(
                "Medicína de la corteza",
                description="Fixture record one",
                category=Category.MEDICINAL,
                taxon_ids=[taxon.id],
                holders=[HolderLink(rosa.id, "healer")],
                labels=["tka", "tkcs"],
            )
        )
        cat.add_record(KnowledgeRecord("Second record", access=AccessLevel.PUBLIC))
        cat.add_media(
            Media(MediaKind.DOCUMENT, "text/plain", "note.txt", record_id=rec.id),
            io.BytesIO(b"fixture media " * 1000),
        )
        cat.set_setting("fixture", "v1")
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
