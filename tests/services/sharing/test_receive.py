"""Researcher side: export -> verify -> import round trips, re-import, one transaction."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tkapp.core.model import (
    AccessLevel,
    Community,
    KnowledgeRecord,
    Media,
    MediaKind,
    Place,
    Sensitivity,
    Use,
)
from tkapp.errors import DiskFull, NotFound, UntrustedKey, UsageError
from tkapp.services import keys, received, sharing
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import Catalogue, create_catalogue
from tkapp.services.received import trust_store

from .conftest import PASSPHRASE, RESEARCHER, grant_consent

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _export_demo(demo: Catalogue, dest: Path, **kw: object) -> sharing.ExportResult:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research", on=FIXED.date(), **kw)  # type: ignore[arg-type]
    return sharing.export(demo, plan, dest, created=FIXED)


def _expected_records(cat: Catalogue, plan: sharing.SharingPlan) -> dict[str, dict[str, object]]:
    """What the bundle must carry for each included record, computed from the source."""
    terms = terms_service.default_terms(cat)
    consents = {c.id: c for c in cat.list_consents()}
    result = {}
    for item in plan.included:
        record = cat.get_record(item.record_id)
        covering = sorted(c.id for c in consents.values() if record.id in c.record_ids)
        result[record.id] = sharing.bundle_record(
            record, item, terms_id=terms.id, taxon=cat.get_taxon, consent_ids=covering
        ).to_json()
    # Through JSON, as it travels.
    return json.loads(json.dumps(result))


def test_demo_round_trip_and_reimport(
    demo: Catalogue, researcher: Catalogue, tmp_path: Path
) -> None:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research", on=FIXED.date())
    result = sharing.export(demo, plan, tmp_path / "out.tkb", created=FIXED)
    with pytest.raises(UntrustedKey):
        received.import_bundle(researcher, result.path, now=LATER)
    assert received.list_received(researcher) == []
    assert trust_store().keys() == []

    summary = received.import_bundle(researcher, result.path, tofu=True, now=LATER)
    assert not summary.already_imported and summary.records == len(plan.included)
    assert summary.fingerprint == keys.fingerprint(demo).hex
    [stored] = trust_store().keys()
    assert stored.how == "tofu" and stored.last_sequence == result.sequence

    [bundle] = received.list_received(researcher)
    assert bundle.bundle_id == result.bundle_id and bundle.community == demo.community.name
    assert bundle.terms == terms_service.default_terms(demo)
    assert bundle.verified_at == LATER and bundle.recipient["name"] == "Ana Paz"
    got = {r.id: r.data for r in received.received_records(researcher, result.bundle_id)}
    assert got == _expected_records(demo, plan)
    released = {m.sha256 for p in plan.included for m in p.released_media}
    stored_media = received.list_received_media(researcher, result.bundle_id)
    assert stored_media and {m.sha256 for m in stored_media} == released
    for item in stored_media:
        with received.open_received_media(researcher, result.bundle_id, item.path) as f:
            data = f.read()
        assert hashlib.sha256(data).hexdigest() == item.sha256  # the cleaned file, intact
    assert received.received_consents(researcher, result.bundle_id)
    one = next(iter(got))
    assert received.get_received_record(researcher, result.bundle_id, one).data == got[one]

    again = received.import_bundle(researcher, result.path, now=LATER)
    assert again.already_imported and again.records == summary.records
    assert len(received.list_received(researcher)) == 1
    assert researcher.check().ok
    received.remove_received(researcher, result.bundle_id)
    assert received.list_received(researcher) == []
    with pytest.raises(NotFound):
        received.get_received(researcher, result.bundle_id)


def test_import_is_one_transaction(demo: Catalogue, researcher: Catalogue, tmp_path: Path) -> None:
    # A bundle with several media files, bigger than the room left in the catalogue.
    rec = demo.add_record(KnowledgeRecord("Fotos", access=AccessLevel.PUBLIC))
    grant_consent(demo, [rec.id])
    blobs = [
        demo.add_media(
            Media(MediaKind.DOCUMENT, "application/octet-stream", f"f{n}.bin", record_id=rec.id),
            io.BytesIO(bytes([n]) * 300_000),
        )
        for n in range(3)
    ]
    # Files whose metadata cannot be cleaned go only because the custodian confirmed them.
    result = _export_demo(demo, tmp_path / "big.tkb", confirmed_media=[m.id for m in blobs])
    conn = researcher._db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 60}")  # room for ~240 KiB: fails mid-media
    with pytest.raises(DiskFull):
        received.import_bundle(researcher, result.path, tofu=True, now=LATER)
    for table in ("received_bundle", "received_record", "received_media", "received_media_chunk"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert trust_store().keys() == []  # nothing remembered for a failed import
    assert researcher.check().ok
    conn.execute(f"PRAGMA max_page_count = {2**30}")
    summary = received.import_bundle(researcher, result.path, tofu=True, now=LATER)
    assert summary.media == result.media >= 3 and not summary.already_imported


def test_verify_file_uses_the_trust_store(demo: Catalogue, tmp_path: Path) -> None:
    result = _export_demo(demo, tmp_path / "out.tkb")
    pub = keys.export_public_key(demo, tmp_path / "community.pub")
    with pytest.raises(UntrustedKey):
        received.verify_file(result.path, now=LATER)
    with received.verify_file(result.path, trust_key=pub, now=LATER) as report:
        assert report.trust == "file" and report.newly_trusted
    assert [k.community for k in keys.trusted_keys()] == [demo.community.name]
    with received.verify_file(result.path, now=LATER) as report:
        assert report.already_seen
    assert keys.untrust(keys.trusted_keys()[0].key_id)
    assert keys.trusted_keys() == []
    entry = keys.trust_key_file(pub, demo.community.name, "in_person")
    assert entry.how == "in_person"


# --- property: generated catalogues round-trip ------------------------------------------

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")
_record = st.fixed_dictionaries(
    {
        "title": _text,
        "description": st.text(max_size=60).filter(lambda s: "\x00" not in s),
        # Mostly public, so most examples share something; the rest must stay home.
        "access": st.sampled_from([AccessLevel.PUBLIC] * 4 + list(AccessLevel)),
        "labels": st.lists(
            st.sampled_from(["tka", "tks", "tknc", "tka", "tks", "tkss", "tkco"]),
            unique=True,
            max_size=2,
        ),
        "sensitivity": st.sampled_from(list(Sensitivity)),
        "lat": st.floats(-89.9, 89.9, allow_nan=False),
        "lon": st.floats(-179.9, 179.9, allow_nan=False),
        "confidential": st.sets(st.sampled_from(["description", "place", "media", "uses"])),
        "media": st.lists(st.binary(min_size=0, max_size=3000), max_size=2),
        "preparation": _text,
    }
)


def _build(folder: Path, specs: list[dict[str, object]]) -> Catalogue:
    cat = create_catalogue(
        folder / "c.tkc", PASSPHRASE, Community("Comunidad " + uuid.uuid4().hex[:8])
    )
    for spec in specs:
        access = spec["access"]
        rec = cat.add_record(
            KnowledgeRecord(
                str(spec["title"]),
                description=str(spec["description"]),
                access=access,  # type: ignore[arg-type]
                restricted_group="grupo" if access is AccessLevel.RESTRICTED else "",
                labels=list(spec["labels"]),  # type: ignore[call-overload]
                uses=[Use(part="hoja", preparation=str(spec["preparation"]))],
                place=Place("Lugar", spec["lat"], spec["lon"], 10, spec["sensitivity"]),  # type: ignore[arg-type]
                confidential=set(spec["confidential"]),  # type: ignore[call-overload]
            )
        )
        grant_consent(cat, [rec.id])
        for n, data in enumerate(spec["media"]):  # type: ignore[arg-type]
            cat.add_media(
                Media(
                    MediaKind.DOCUMENT, "application/octet-stream", f"m{n}.dat", record_id=rec.id
                ),
                io.BytesIO(data),
            )
    return cat


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(_record, min_size=1, max_size=4))
def test_generated_catalogues_round_trip(specs: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        with (
            _build(folder / "a", specs) as source,
            create_catalogue(folder / "b" / "r.tkc", PASSPHRASE, Community("Lab")) as target,
        ):
            # The custodian confirms every file: opaque blobs cannot be cleaned.
            plan = sharing.plan_export(
                source,
                None,
                RESEARCHER,
                "research",
                on=FIXED.date(),
                confirmed_media=[m.id for m in source.list_media()],
            )
            event("included" if plan.included else "nothing to share")
            if not plan.included:
                return
            result = sharing.export(
                source, plan, folder / "x.tkb", created=FIXED, confirmed_sensitive=True
            )
            summary = received.import_bundle(
                target, result.path, trust_key=keys.public_key(source), now=LATER
            )
            assert summary.records == len(plan.included)
            got = {r.id: r.data for r in received.received_records(target)}
            assert got == _expected_records(source, plan)
            for record_id, data in got.items():
                original = source.get_record(record_id)
                assert data["title"] == original.title
                assert original.access is not AccessLevel.SECRET_SACRED
                assert "tkss" not in original.labels
                for field in original.confidential & {"description", "uses", "media"}:
                    assert field not in data
            expected_media = {m.sha256 for p in plan.included for m in p.released_media}
            assert expected_media == {
                m.sha256
                for p in plan.included
                if "media" not in source.get_record(p.record_id).confidential
                for m in source.list_media(p.record_id)
            }
            stored = received.list_received_media(target, result.bundle_id)
            assert {m.sha256 for m in stored} == expected_media
            for item in stored:
                [media] = [m for m in source.list_media() if m.sha256 == item.sha256][:1]
                with received.open_received_media(target, result.bundle_id, item.path) as f:
                    mine = f.read()
                with source.open_media(media.id) as f:
                    assert mine == f.read()
            assert received.get_received(target, result.bundle_id).terms == (
                terms_service.default_terms(source)
            )


def test_received_bundles_answer_may_i_like_verify_does(
    demo: Catalogue, researcher: Catalogue, tmp_path: Path
) -> None:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research", on=FIXED.date())
    result = sharing.export(demo, plan, tmp_path / "out.tkb", created=FIXED)
    received.import_bundle(researcher, result.path, tofu=True, now=LATER)
    for user_class, purpose in (("public_research", "research"), ("for_profit", "commercial_sale")):
        answer = received.ask_received(
            researcher, result.bundle_id, user_class, purpose, on=LATER.date()
        )
        with received.verify_file(
            result.path, intended=(user_class, purpose), now=LATER, remember=False
        ) as report:
            assert answer.overall == report.decision
            assert {rid: d for rid, _t, d in answer.records} == {
                r.record_id: r.decision for r in report.records
            }
    research = received.ask_received(researcher, result.bundle_id, "public_research", "research")
    selling = received.ask_received(researcher, result.bundle_id, "for_profit", "commercial_sale")
    assert research.overall.permits and not selling.overall.permits
    with pytest.raises(UsageError):
        received.ask_received(researcher, result.bundle_id, "pirate", "research")
