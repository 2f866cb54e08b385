"""Records, taxa, persons, consents: one audited transaction each; search and filters."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from catalogue_fixture import PASSPHRASE

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
    Taxon,
    Use,
    VernacularName,
)
from tkapp.errors import DiskFull, NotFound, ValidationError
from tkapp.services.catalogue import Catalogue, RecordFilter, open_catalogue


def test_add_get_update_roundtrip(cat: Catalogue) -> None:
    rec = KnowledgeRecord(
        "Uña de gato",
        summary="Corteza",
        description="Para la inflamación",
        category=Category.MEDICINAL,
        uses=[Use("corteza", "cocimiento", "dolor", "todo el año")],
        place=Place("Río Napo", -0.95, -77.8, 100),
        labels=["tka", "tkcs"],
        confidential={"place"},
    )
    saved = cat.add_record(rec)
    assert saved.version == 1 and saved.created is not None
    loaded = cat.get_record(rec.id)
    assert loaded == saved
    loaded.title = "Uña de gato (corteza)"
    updated = cat.update_record(loaded)
    assert updated.version == 2
    assert updated.created == saved.created
    assert updated.modified is not None and saved.modified is not None
    assert updated.modified >= saved.modified
    assert cat.get_record(rec.id).title == "Uña de gato (corteza)"


def test_invalid_record_writes_nothing(cat: Catalogue) -> None:
    entries = len(cat.audit_entries())
    with pytest.raises(ValidationError) as info:
        cat.add_record(KnowledgeRecord("  "))
    assert info.value.params["field"] == "title"
    with pytest.raises(ValidationError):
        cat.add_record(KnowledgeRecord("x", taxon_ids=["no-such-taxon"]))
    assert cat.count() == 0
    assert len(cat.audit_entries()) == entries


def test_duplicate_id_refused(cat: Catalogue) -> None:
    rec = cat.add_record(KnowledgeRecord("One"))
    with pytest.raises(ValidationError):
        cat.add_record(KnowledgeRecord("Two", id=rec.id))
    assert cat.get_record(rec.id).title == "One"


def test_trash_restore_purge(cat: Catalogue) -> None:
    rec = cat.add_record(KnowledgeRecord("Chonta"))
    cat.add_media(
        Media(MediaKind.PHOTO, "image/png", "c.png", record_id=rec.id), io.BytesIO(b"png")
    )
    cat.delete_record(rec.id)
    assert cat.search_ids() == []
    assert cat.search_ids(filters=RecordFilter(in_trash=True)) == [rec.id]
    assert cat.stats().in_trash == 1
    cat.restore_record(rec.id)
    assert cat.search_ids("chonta") == [rec.id]
    cat.purge_record(rec.id)
    with pytest.raises(NotFound):
        cat.get_record(rec.id)
    assert cat.list_media() == []
    assert cat.stats().media == 0
    with pytest.raises(NotFound):
        cat.delete_record(rec.id)


def test_search_folds_accents_and_case(cat: Catalogue) -> None:
    a = cat.add_record(KnowledgeRecord("Medicína de la selva"))
    b = cat.add_record(KnowledgeRecord("Otra cosa", description="MEDICINA tradicional"))
    cat.add_record(KnowledgeRecord("Comida"))
    assert set(cat.search_ids("medicina")) == {a.id, b.id}
    assert set(cat.search_ids("MEDICÍNA")) == {a.id, b.id}
    # Title matches rank above body matches.
    assert cat.search_ids("medicina")[0] == a.id
    # Prefixes, several words (all must match), punctuation and FTS syntax are harmless.
    assert cat.search_ids("medic selva") == [a.id]
    assert cat.search_ids('selva" OR "comida') == []
    assert cat.search_ids("NEAR(x y) *") == []
    assert cat.search_ids("!!!") == []
    # Decomposed accents (as some keyboards send them) in the query and in the text.
    assert set(cat.search_ids("Medici\u0301na")) == {a.id, b.id}
    d = cat.add_record(KnowledgeRecord("Ñan\u0303a", description="cafe\u0301 de olla"))
    assert cat.search_ids("cafe") == [d.id]
    assert cat.search_ids("café") == [d.id]


def test_search_covers_names_uses_and_holders(cat: Catalogue) -> None:
    rosa = cat.add_person(Person("Rosa Grefa"))
    taxon = cat.add_taxon(
        Taxon("Ilex guayusa", vernacular_names=[VernacularName("wayusa", "qu", True)])
    )
    rec = cat.add_record(
        KnowledgeRecord(
            "Bebida del amanecer",
            taxon_ids=[taxon.id],
            holders=[HolderLink(rosa.id, "healer")],
            uses=[Use(part="hojas", purpose="energía")],
        )
    )
    for query in ("ilex", "wayusa", "grefa", "hojas", "energia"):
        assert cat.search_ids(query) == [rec.id], query
    summary = cat.summaries([rec.id])[0]
    assert summary.taxa == "Ilex guayusa"
    assert summary.local_names == "wayusa"
    # Renaming the taxon and the person re-indexes the record.
    taxon.vernacular_names.append(VernacularName("guayusa", "es"))
    cat.update_taxon(taxon)
    rosa.name = "Rosa Andi"
    cat.update_person(rosa)
    assert cat.search_ids("guayusa") == [rec.id]
    assert cat.search_ids("andi") == [rec.id]
    assert cat.search_ids("grefa") == []
    assert cat.summaries([rec.id])[0].local_names == "wayusa; guayusa"
    assert [t.id for t in cat.list_taxa("WAYUSA")] == [taxon.id]
    assert [p.id for p in cat.list_persons("andi")] == [rosa.id]


def test_filters_count_and_order(cat: Catalogue) -> None:
    a = cat.add_record(
        KnowledgeRecord("A", category=Category.FOOD, access=AccessLevel.PUBLIC, labels=["tka"])
    )
    b = cat.add_record(
        KnowledgeRecord(
            "B",
            category=Category.MEDICINAL,
            access=AccessLevel.RESTRICTED,
            restricted_group="women healers",
            labels=["tkwr", "tka"],
            status=RecordStatus.VERIFIED,
        )
    )
    c = cat.add_record(KnowledgeRecord("C"))
    cat.add_media(Media(MediaKind.AUDIO, "audio/wav", "c.wav", record_id=c.id), io.BytesIO(b"x"))
    assert cat.search_ids() == [c.id, b.id, a.id]  # newest first
    assert cat.search_ids(filters=RecordFilter(category=Category.FOOD)) == [a.id]
    assert cat.search_ids(filters=RecordFilter(access=AccessLevel.RESTRICTED)) == [b.id]
    assert cat.search_ids(filters=RecordFilter(label="tka")) == [b.id, a.id]
    assert cat.search_ids(filters=RecordFilter(status=RecordStatus.VERIFIED)) == [b.id]
    assert cat.search_ids(filters=RecordFilter(has_media=True)) == [c.id]
    assert cat.search_ids(filters=RecordFilter(has_media=False)) == [b.id, a.id]
    assert cat.count() == 3
    assert cat.count(RecordFilter(label="tkwr")) == 1
    rows = cat.summaries([a.id, "missing", c.id])
    assert [r.id for r in rows] == [a.id, c.id]
    assert rows[1].media_count == 1
    assert rows[0].labels == ("tka",)
    assert [r.id for r in cat.search("", limit=2)] == [c.id, b.id]


def test_consents_and_settings(cat: Catalogue) -> None:
    rec = cat.add_record(KnowledgeRecord("A"))
    consent = cat.add_consent(ConsentRecord("Asamblea", record_ids=[rec.id]))
    assert cat.list_consents(rec.id) == [consent]
    assert cat.list_consents("other") == []
    consent.record_ids = []
    cat.update_consent(consent)
    assert cat.list_consents(rec.id) == []
    with pytest.raises(ValidationError):
        cat.add_consent(ConsentRecord("Asamblea", record_ids=["nope"]))
    assert cat.get_setting("x", "default") == "default"
    cat.set_setting("x", "1")
    assert cat.get_setting("x") == "1"


def test_audit_entries_per_change(cat: Catalogue) -> None:
    rec = cat.add_record(KnowledgeRecord("A"))
    rec.title = "B"
    cat.update_record(rec)
    cat.delete_record(rec.id)
    actions = [e.action for e in cat.audit_entries(rec.id)]
    assert actions == ["delete", "update", "create"]
    assert all(e.actor == "tester" for e in cat.audit_entries(rec.id))
    assert cat.check().audit.ok


def test_disk_full_is_typed_and_loses_nothing(cat: Catalogue, cat_path: Path) -> None:
    kept = cat.add_record(KnowledgeRecord("Kept"))
    conn = cat._db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(DiskFull):
        cat.add_record(KnowledgeRecord("Too big", description="x" * 200_000))
    with pytest.raises(DiskFull):
        cat.add_media(
            Media(MediaKind.VIDEO, "video/mp4", "v.mp4", record_id=kept.id),
            io.BytesIO(b"\x00" * 2_000_000),
        )
    assert cat.count() == 1
    assert cat.list_media() == []
    assert cat.check().ok
    cat.close()
    with open_catalogue(cat_path, PASSPHRASE) as again:
        assert again.search_ids() == [kept.id]
        assert again.check().ok
        again.add_record(KnowledgeRecord("Fits now"))


def test_community_update_and_key(cat: Catalogue) -> None:
    community = cat.community
    community.region = "Napo"
    cat.update_community(community)
    assert cat.community.region == "Napo"
    keys = cat.signing_key()
    assert len(keys.public) == 32 and len(keys.key_id) == 8
    assert "secret" not in repr(keys)


def test_search_orders_by_relevance_then_newest_for_huge_hit_sets(
    cat: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The title match weighs more than a description match, so it ranks first...
    strong = cat.add_record(KnowledgeRecord("Guayusa", description="hoja"))
    weak = [cat.add_record(KnowledgeRecord(f"Planta {n}", description="guayusa")) for n in range(3)]
    assert cat.search_ids("guayusa")[0] == strong.id
    # ...until there are more hits than are worth ranking: then the newest come first.
    import tkapp.store.records as records

    monkeypatch.setattr(records, "RANKED_HITS_MAX", 2)
    assert cat.search_ids("guayusa") == [r.id for r in reversed(weak)] + [strong.id]
