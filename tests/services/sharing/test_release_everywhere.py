"""Every export path writes exactly what the release gate lets go (issue 12).

Hypothesis builds random catalogues: records with random access levels, labels,
confidentiality flags, place sensitivities, statuses, open licences, consents (granted,
limited, withdrawn, unknown, expired, out of scope, missing), media (a real PNG whose author is
in its metadata, an opaque file the custodian may or may not confirm), some in the Trash, and a
random request. Every free text carries a unique marker. Then each path writes its bytes (a
``.tkb`` bundle, a Darwin Core Archive, GeoJSON, the CSV exchange) and the test reads them back:
no marker of anything the gate withheld is in them, and every marker of what it included is.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from catalogue_fixture import PASSPHRASE
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tkapp.core.model import (
    AccessLevel,
    Community,
    ConsentRecord,
    ConsentStatus,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Place,
    Recipient,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
)
from tkapp.errors import NothingToExport, NothingToPublish
from tkapp.licensing.evaluate import Request
from tkapp.licensing.gate import (
    Destination,
    Disposition,
    ReleaseDecision,
    ReleaseRequest,
    decide_release,
)
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import csv_exchange, dwca, geojson, sharing
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import Catalogue, create_catalogue

DAY = date(2026, 6, 1)
FIXED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LABELS = ["tkss", "tkwr", "tknc", "tkcs", "tkco", "tka", "tkoc"]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(author: str) -> bytes:
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    text = _chunk(b"tEXt", b"Author\x00" + author.encode())
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00\x7f"))
    return b"\x89PNG\r\n\x1a\n" + header + text + pixels + _chunk(b"IEND", b"")


_record_spec = st.fixed_dictionaries(
    {
        # Weighted towards what can leave, so most examples write something.
        "access": st.sampled_from([AccessLevel.PUBLIC] * 4 + list(AccessLevel)),
        "labels": st.sets(st.sampled_from(LABELS + ["tka"] * 8), max_size=2),
        "confidential": st.sets(
            st.sampled_from(["description", "holders", "place", "preparation", "media"]),
            max_size=3,
        ),
        "sensitivity": st.sampled_from(list(Sensitivity)),
        "status": st.sampled_from([RecordStatus.VERIFIED] * 3 + list(RecordStatus)),
        "licence": st.sampled_from(["CC-BY-4.0"] * 3 + ["", "CC-BY-NC-4.0"]),
        "consent": st.sampled_from(
            ["granted"] * 6 + ["limited", "withdrawn", "unknown", "expired", "narrow", "missing"]
        ),
        "trashed": st.sampled_from([False, False, False, True]),
        "anonymous": st.booleans(),
        "confirm_blob": st.booleans(),
        "warning": st.booleans(),
    }
)


@dataclass
class Marks:
    """Markers per record, and what each belongs to."""

    title: str
    description: str
    preparation: str
    locality: str
    holder: str
    png_author: str
    png_caption: str
    blob: str
    blob_caption: str
    creator: str
    media_ids: dict[str, str] = field(default_factory=dict)  # media id -> caption marker


def _build(
    folder: Path, specs: list[dict[str, object]], template: str
) -> tuple[Catalogue, dict[str, Marks]]:
    cat = create_catalogue(
        folder / "c.tkc", PASSPHRASE, Community("Sacha Yaku"), actor="t", template=template
    )
    taxon = cat.add_taxon(Taxon("Ilex guayusa"))
    marks: dict[str, Marks] = {}
    for n, spec in enumerate(specs):
        m = Marks(*(f"ZQ{kind}{n}X" for kind in "TDPLHACBNK"))
        holder = cat.add_person(Person(m.holder, anonymous_outside=bool(spec["anonymous"])))
        record = cat.add_record(
            KnowledgeRecord(
                m.title,
                description=m.description,
                access=spec["access"],  # type: ignore[arg-type]
                restricted_group="grupo",
                labels=sorted(spec["labels"]),  # type: ignore[call-overload]
                confidential=set(spec["confidential"]),  # type: ignore[call-overload]
                uses=[Use(part="hoja", preparation=m.preparation)],
                holders=[HolderLink(holder.id, "elder")],
                taxon_ids=[taxon.id],
                place=Place(m.locality, -1.23456, -77.65432, 10, spec["sensitivity"]),  # type: ignore[arg-type]
                status=spec["status"],  # type: ignore[arg-type]
                open_licence=str(spec["licence"]),
            )
        )
        photo = cat.add_media(
            Media(
                MediaKind.PHOTO,
                "image/png",
                "p.png",
                record_id=record.id,
                caption=m.png_caption,
                creator=m.creator,
                content_warning="Ceremonia" if spec["warning"] else "",
            ),
            io.BytesIO(_png(m.png_author)),
        )
        blob = cat.add_media(
            Media(MediaKind.DOCUMENT, "application/x-opaque", "b.bin", record_id=record.id,
                  caption=m.blob_caption),
            io.BytesIO(m.blob.encode() * 3),
        )  # fmt: skip
        m.media_ids = {photo.id: m.png_caption, blob.id: m.blob_caption}
        consent = str(spec["consent"])
        if consent != "missing":
            everything = [p.value for p in Purpose]
            classes = [u.value for u in UserClass]
            cat.add_consent(
                ConsentRecord(
                    "Asamblea",
                    record_ids=[record.id],
                    status={
                        "limited": ConsentStatus.LIMITED,
                        "withdrawn": ConsentStatus.WITHDRAWN,
                        "unknown": ConsentStatus.UNKNOWN,
                    }.get(consent, ConsentStatus.GRANTED),
                    purposes=["education"] if consent == "narrow" else everything,
                    user_classes=classes,
                    expires=date(2020, 1, 1) if consent == "expired" else None,
                )
            )
        if spec["trashed"]:
            cat.delete_record(record.id)
        marks[record.id] = m
    return cat, marks


def _texts(path: Path) -> bytes:
    """Every byte a path wrote, zip members decompressed (markers must not hide in deflate)."""
    if path.is_dir():
        return b"\n".join(p.read_bytes() for p in sorted(path.iterdir()))
    raw = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return raw + b"\n".join(z.read(name) for name in z.namelist())
    return raw


def _expect(
    item: ReleaseDecision, m: Marks, *, names_leave: bool = True
) -> tuple[set[str], set[str]]:
    """(markers that must be in the bytes, markers that must not) for one gate answer."""
    every = {m.title, m.description, m.preparation, m.locality, m.holder, m.png_author,
             m.png_caption, m.blob, m.blob_caption, m.creator}  # fmt: skip
    must: set[str] = set()
    if item.included:
        must.add(m.title)
        if not item.withholds("description"):
            must.add(m.description)
        if not item.withholds("preparation"):
            must.add(m.preparation)
        if item.field("locality").disposition is Disposition.INCLUDED:
            must.add(m.locality)
        if names_leave and m.holder in item.holders:
            must.add(m.holder)
        for release in item.released_media:
            must.add(m.media_ids[release.media.id])
            if release.creator is not None:
                must.add(m.creator)
            if release.confirmed:
                must.add(m.blob)
    return must, every - must


def _check(blob: bytes, expectations: list[tuple[set[str], set[str]]], where: str) -> None:
    for must, never in expectations:
        for marker in must:
            assert marker.encode() in blob, (where, "missing", marker)
        for marker in never:
            assert marker.encode() not in blob, (where, "leaked", marker)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    specs=st.lists(_record_spec, min_size=1, max_size=4),
    user_class=st.sampled_from([UserClass.PUBLIC_RESEARCH] * 6 + list(UserClass)),
    purpose=st.sampled_from([Purpose.RESEARCH] * 6 + list(Purpose)),
    template=st.sampled_from(["open_attribution"] * 2 + ["cbrl"]),
)
def test_every_export_path_writes_only_what_the_gate_lets_go(
    specs: list[dict[str, object]], user_class: UserClass, purpose: Purpose, template: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cat, marks = _build(folder, specs, template)
        with cat:
            confirmed = [
                mid
                for rid, m in marks.items()
                for mid, caption in m.media_ids.items()
                if caption == m.blob_caption and specs[list(marks).index(rid)]["confirm_blob"]
            ]
            all_ids = list(marks)
            # --- bundle
            recipient = Recipient("Ana", user_class=user_class.value)
            plan = sharing.plan_export(
                cat, all_ids, recipient, purpose.value, on=DAY, confirmed_media=confirmed
            )
            assert len(plan.included) + len(plan.excluded) == len(all_ids)
            event("bundle carries records" if plan.included else "bundle: all stay home")
            try:
                sharing.export(cat, plan, folder / "b.tkb", created=FIXED, confirmed_sensitive=True)
            except NothingToExport:
                assert not plan.included
            else:
                expectations = [
                    _expect(item, marks[item.record_id]) for item in plan.included + plan.excluded
                ]
                _check(_texts(folder / "b.tkb"), expectations, "bundle")

            # --- Darwin Core and GeoJSON (open data judges by the open licence)
            open_plan = sharing_open_plan(cat)
            answers = {i.record.id: i.release for i in open_plan.included}
            event("open data publishes" if answers else "open data: nothing")
            try:
                dwca.export_dwca(
                    cat, folder / "d.zip", on=DAY, media_base_url="https://data.example.org/sy/"
                )
            except NothingToPublish:
                assert not any(answers.values())
            else:
                expectations = []
                for rid, m in marks.items():
                    item = answers.get(rid)
                    if item is None:
                        expectations.append((set(), _expect(_stays(rid), m)[1]))
                    else:
                        expectations.append(_expect(item, m, names_leave=True))
                _check(_texts(folder / "d.zip"), expectations, "dwca")
            try:
                geojson.export_geojson(cat, folder / "g.geojson", on=DAY)
            except NothingToPublish:
                pass
            else:
                blob = _texts(folder / "g.geojson")
                for rid, m in marks.items():
                    item = answers.get(rid)
                    # GeoJSON carries titles and the locality of what goes, nothing else.
                    leaves = item is not None and item.place is not None and item.place.latitude
                    assert (m.title.encode() in blob) == bool(leaves), ("geojson", m.title)
                    for marker in (m.description, m.preparation, m.holder, m.png_author, m.blob):
                        assert marker.encode() not in blob
                    locality = None if item is None else item.field("locality")
                    if locality is None or locality.disposition is not Disposition.INCLUDED:
                        assert m.locality.encode() not in blob

            # --- the CSV exchange (the community's own round trip)
            csv_exchange.export_csv(cat, folder / "x")
            blob = _texts(folder / "x")
            people = sharing.PeopleCache(cat)
            resolve = terms_service.terms_resolver(cat)
            for rid, m in marks.items():
                record = cat.get_record(rid)
                item = decide_release(
                    record,
                    terms=resolve(record),
                    release=ReleaseRequest(
                        Request(UserClass.COMMUNITY, Purpose.PERSONAL_STUDY),
                        Destination.CSV_EXCHANGE,
                    ),
                    people=people.for_record(record, ()),
                    trashed=cat.is_trashed(rid),
                )
                # No media in the exchange; the holder's name (people.csv) only as the gate
                # lets it leave (not when confidential or anonymous).
                assert not item.media
                _check(blob, [_expect(item, m)], "csv")


def _stays(record_id: str) -> ReleaseDecision:
    return ReleaseDecision(record_id, False)


def sharing_open_plan(cat: Catalogue):  # type: ignore[no-untyped-def]
    from tkapp.services.opendata import plan_open_data

    return plan_open_data(cat, on=DAY)
