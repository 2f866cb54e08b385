"""A catalogue mixing publishable and protected knowledge, with marker strings in every place
that must never leave it (the no-leak tests search exported bytes for them)."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date

from tkapp.core.model import (
    AccessLevel,
    Category,
    ConsentRecord,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Place,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.licensing.terms import from_template
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import Catalogue

PUBLIC = AccessLevel.PUBLIC


@dataclass
class Mixed:
    """Ids of the interesting records and every marker that must stay home."""

    public_exact: str = ""  # CC-BY, sensitivity none, with allowed media
    public_rounded: str = ""  # CC-BY-NC, sensitivity high
    public_confidential: str = ""  # CC-BY with confidential fields
    public_no_taxon: str = ""
    allowed_media_bytes: bytes = b""
    allowed_media_id: str = ""
    taxon_id: str = ""
    markers: list[str] = field(default_factory=list)
    # Exact coordinates (as text) of places that are published only rounded.
    exact_coordinates: list[str] = field(default_factory=list)

    def mark(self, text: str) -> str:
        self.markers.append(text)
        return text


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*, author: str = "") -> bytes:
    """A real 2x2 grey PNG; with ``author``, a tEXt chunk naming the photographer (the
    metadata an export must remove)."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00\x40\x80\x00\xc0\xff"))
    text = _chunk(b"tEXt", b"Author\x00" + author.encode()) if author else b""
    return b"\x89PNG\r\n\x1a\n" + header + text + pixels + _chunk(b"IEND", b"")


def _media(cat: Catalogue, record_id: str, data: bytes, **kw: object) -> Media:
    meta = Media(MediaKind.PHOTO, "image/jpeg", "foto.jpg", record_id=record_id, **kw)  # type: ignore[arg-type]
    return cat.add_media(meta, io.BytesIO(data))


def build(cat: Catalogue) -> Mixed:
    m = Mixed()
    rosa = cat.add_person(Person("Rosa Grefa", roles=["healer"]))
    anon = cat.add_person(Person(m.mark("LEAKANONNAME"), anonymous_outside=True))
    hidden_holder = cat.add_person(Person(m.mark("LEAKHOLDERNAME")))
    hidden_recorder = cat.add_person(Person(m.mark("LEAKRECORDERNAME")))
    cat.add_person(Person("Contacto", contact=m.mark("LEAKCONTACT")))
    deceased = cat.add_person(Person("Abuelo Tito", deceased=True))

    taxon = cat.add_taxon(
        Taxon(
            "Uncaria tomentosa",
            authorship="(Willd. ex Schult.) DC.",
            family="Rubiaceae",
            genus="Uncaria",
            kingdom="Plantae",
            vernacular_names=[
                VernacularName("uña de gato", "es"),
                VernacularName("paraguayo", "qu"),
                VernacularName(m.mark("LEAKREVIEWNAME"), "qu", community_review=True),
            ],
        )
    )
    m.taxon_id = taxon.id
    secret_taxon = cat.add_taxon(
        Taxon(
            m.mark("LEAKSECRETTAXON"),
            vernacular_names=[VernacularName(m.mark("LEAKSECRETVERNACULAR"), "qu")],
        )
    )
    named_taxon = cat.add_taxon(
        Taxon("Ilex guayusa", vernacular_names=[VernacularName(m.mark("LEAKLOCALNAME"), "qu")])
    )

    rec = cat.add_record(
        KnowledgeRecord(
            "Corteza para el dolor",
            summary="Cocimiento de corteza",
            description="Se hierve la corteza.\nSe toma tibio.",
            category=Category.MEDICINAL,
            uses=[Use("corteza", "cocimiento", "dolor de huesos", "todo el año")],
            taxon_ids=[taxon.id],
            holders=[HolderLink(rosa.id, "healer"), HolderLink(anon.id, "healer")],
            recorded_date=date(2024, 3, 2),
            place=Place("Río Napo", -0.953211, -77.81234, 30, Sensitivity.NONE),
            access=AccessLevel.PUBLIC,
            labels=["tka", "tkv"],
            status=RecordStatus.VERIFIED,
            open_licence="CC-BY-4.0",
        )
    )
    m.public_exact = rec.id
    # What leaves is the photo without its metadata (the author's name in a tEXt chunk).
    m.allowed_media_bytes = png()
    photo = Media(
        MediaKind.PHOTO,
        "image/png",
        "foto.png",
        record_id=rec.id,
        caption="Corteza seca",
        creator="Rosa Grefa",
    )
    m.allowed_media_id = cat.add_media(photo, io.BytesIO(png(author=m.mark("LEAKPNGAUTHOR")))).id
    _media(cat, rec.id, m.mark("LEAKWARNINGMEDIA").encode(), content_warning="Muestra a un difunto")
    _media(cat, rec.id, m.mark("LEAKDECEASEDMEDIA").encode(), person_ids=[deceased.id])
    _media(cat, rec.id, m.mark("LEAKANONMEDIA").encode(), person_ids=[anon.id])

    rec = cat.add_record(
        KnowledgeRecord(
            "Guayusa de la mañana",
            category=Category.FOOD,
            taxon_ids=[taxon.id, named_taxon.id],
            place=Place(m.mark("LEAKHIGHLOCALITY"), -0.987654321, -77.123456789, None),
            access=AccessLevel.PUBLIC,
            open_licence="CC-BY-NC-4.0",
            confidential={"local_names"},
        )
    )
    m.public_rounded = rec.id
    m.exact_coordinates += ["0.987654321", "77.123456789", "0.98765", "77.12345"]

    rec = cat.add_record(
        KnowledgeRecord(
            "Tinte de achiote",
            description=m.mark("LEAKCONFDESCRIPTION"),
            category=Category.CRAFT,
            uses=[Use("semilla", m.mark("LEAKPREPARATION"), "tinte", "")],
            taxon_ids=[taxon.id],
            holders=[HolderLink(hidden_holder.id, "weaver")],
            recorded_by=hidden_recorder.id,
            place=Place(m.mark("LEAKCONFLOCALITY"), -1.111222333, -78.444555666, 5),
            access=AccessLevel.PUBLIC,
            open_licence="CC-BY-4.0",
            confidential={"description", "preparation", "holders", "recorded_by", "place", "media"},
        )
    )
    m.public_confidential = rec.id
    m.exact_coordinates += ["1.111222333", "78.444555666", "1.1", "78.4"]
    _media(cat, rec.id, m.mark("LEAKCONFMEDIA").encode(), caption=m.mark("LEAKCONFCAPTION"))

    rec = cat.add_record(
        KnowledgeRecord(
            "Sin especie",
            place=Place(
                m.mark("LEAKWITHHOLDLOCALITY"), -2.5551111, -79.6662222, 10, Sensitivity.WITHHOLD
            ),
            access=AccessLevel.PUBLIC,
            open_licence="CC-BY-4.0",
        )
    )
    m.public_no_taxon = rec.id
    m.exact_coordinates += ["2.5551111", "79.6662222", "2.6", "79.7"]

    # Protected records, each marked for open publication (the community's mark is not enough).
    protected: list[KnowledgeRecord] = [
        KnowledgeRecord(
            m.mark("LEAKSECRETTITLE"),
            description=m.mark("LEAKSECRETBODY"),
            taxon_ids=[secret_taxon.id],
            access=AccessLevel.SECRET_SACRED,
        ),
        KnowledgeRecord(
            m.mark("LEAKRESTRICTED"),
            taxon_ids=[taxon.id],
            access=AccessLevel.RESTRICTED,
            restricted_group="women healers",
        ),
        KnowledgeRecord(
            m.mark("LEAKCOMMUNITY"), taxon_ids=[taxon.id], access=AccessLevel.COMMUNITY
        ),
        KnowledgeRecord(m.mark("LEAKTKSS"), taxon_ids=[taxon.id], labels=["tkss"], access=PUBLIC),
        KnowledgeRecord(m.mark("LEAKTKWR"), taxon_ids=[taxon.id], labels=["tkwr"], access=PUBLIC),
        KnowledgeRecord(m.mark("LEAKTKCO"), taxon_ids=[taxon.id], labels=["tkco"], access=PUBLIC),
        KnowledgeRecord(m.mark("LEAKTKCS"), taxon_ids=[taxon.id], labels=["tkcs"], access=PUBLIC),
        KnowledgeRecord(m.mark("LEAKTKNC"), taxon_ids=[taxon.id], labels=["tknc"], access=PUBLIC),
        KnowledgeRecord(
            m.mark("LEAKDISPUTED"),
            taxon_ids=[taxon.id],
            status=RecordStatus.DISPUTED,
            access=PUBLIC,
        ),
    ]
    for item in protected:
        item.open_licence = "CC-BY-4.0"
        item.place = Place("x", -3.3, -80.8, None, Sensitivity.NONE)
        saved = cat.add_record(item)
        _media(cat, saved.id, (saved.title + "MEDIA").encode())
        m.markers.append(saved.title + "MEDIA")
    # Public, but the community did not mark it for open publication.
    cat.add_record(
        KnowledgeRecord(m.mark("LEAKNOTMARKED"), taxon_ids=[taxon.id], access=AccessLevel.PUBLIC)
    )
    # Marked and public, but in the trash.
    trashed = cat.add_record(
        KnowledgeRecord(
            m.mark("LEAKTRASHED"),
            taxon_ids=[taxon.id],
            access=AccessLevel.PUBLIC,
            open_licence="CC-BY-4.0",
        )
    )
    cat.delete_record(trashed.id)
    # Marked and public, but under reciprocity (CBRL) terms: CC BY would give too much away.
    cbrl = terms_service.save_terms(
        cat,
        from_template("cbrl", attribution="Comunidad Sacha Yaku", contact="consejo@example"),
    )
    cat.add_record(
        KnowledgeRecord(
            m.mark("LEAKCBRL"),
            taxon_ids=[taxon.id],
            access=AccessLevel.PUBLIC,
            open_licence="CC-BY-4.0",
            terms_id=cbrl.id,
        )
    )
    # Prior informed consent for everything an open licence grants, for every record: the
    # protected ones must still stay home for their own reasons.
    cat.add_consent(
        ConsentRecord(
            "Asamblea de Sacha Yaku",
            record_ids=[*cat.search_ids(""), trashed.id],
            purposes=["redistribution", "product_development", "commercial_sale"],
            user_classes=["for_profit", "noncommercial"],
        )
    )
    return m
