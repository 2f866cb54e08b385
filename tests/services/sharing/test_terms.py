"""Terms storage, immutability after export, label wording and ask()."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.errors import NotFound, StoreError, TermsInUse, ValidationError
from tkapp.licensing.labels import LabelCustomisation
from tkapp.licensing.terms import from_template, new_version
from tkapp.licensing.vocab import DutyKind, Outcome
from tkapp.services import sharing
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import Catalogue, create_catalogue, open_catalogue

from .conftest import PASSPHRASE, RESEARCHER, grant_consent

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _public(cat: Catalogue, title: str = "Guayusa", **kw: object) -> KnowledgeRecord:
    record = cat.add_record(KnowledgeRecord(title, access=AccessLevel.PUBLIC, **kw))  # type: ignore[arg-type]
    grant_consent(cat, [record.id])
    return record


def _export(cat: Catalogue, dest: Path, ids: list[str] | None = None) -> sharing.ExportResult:
    plan = sharing.plan_export(cat, ids, RESEARCHER, "research")
    return sharing.export(cat, plan, dest, created=FIXED)


def test_new_catalogue_has_default_terms_from_its_community(community: Catalogue) -> None:
    terms = terms_service.default_terms(community)
    assert terms.template == "cbrl" and terms.version == 1
    assert terms.attribution == "Sacha Yaku"
    assert terms.contact == "asamblea@sachayaku.example"
    assert list(terms.languages) == ["es", "en"]
    [info] = terms_service.list_terms(community)
    assert info.id == terms.id and info.is_default and not info.used
    # Part of the catalogue's creation: no extra audit entry.
    assert [e.action for e in community.audit_entries()] == ["create"]


def test_create_catalogue_with_another_template(tmp_path: Path) -> None:
    with create_catalogue(
        tmp_path / "c.tkc", PASSPHRASE, Community("C"), template="community_only"
    ) as cat:
        assert terms_service.default_terms(cat).template == "community_only"
    with pytest.raises(ValidationError):
        create_catalogue(tmp_path / "d.tkc", PASSPHRASE, Community("D"), template="nope")
    assert not (tmp_path / "d.tkc").exists()


def test_terms_survive_reopen_and_assign(community: Catalogue) -> None:
    nc = from_template(
        "noncommercial_research", attribution="Sacha Yaku", contact="x", name="Solo NC"
    )
    terms_service.save_terms(community, nc)
    rec = _public(community)
    assert terms_service.terms_for_record(community, rec).template == "cbrl"
    assert terms_service.assign(community, [rec.id], nc.id) == 1
    again = community.get_record(rec.id)
    assert again.terms_id == nc.id and again.version == rec.version + 1
    assert terms_service.terms_for_record(community, again) == nc
    assert terms_service.assign(community, [rec.id], nc.id) == 0  # already there
    with pytest.raises(NotFound):
        terms_service.assign(community, [rec.id], "00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        terms_service.assign(community, [rec.id, "no-such-record"], "")
    assert community.get_record(rec.id).terms_id == nc.id  # nothing changed
    path = community.path
    community.close()
    with open_catalogue(path, PASSPHRASE) as cat:
        infos = {i.id: i for i in terms_service.list_terms(cat)}
        assert infos[nc.id].records == 1 and not infos[nc.id].is_default
        terms_service.set_default(cat, nc.id)
        assert terms_service.default_terms(cat) == nc
        assert terms_service.assign(cat, [rec.id], "") == 1
        assert terms_service.terms_for_record(cat, cat.get_record(rec.id)) == nc


def test_unused_terms_edit_in_place_used_terms_never_change(
    community: Catalogue, tmp_path: Path
) -> None:
    default = terms_service.default_terms(community)
    edited = terms_service.edit_terms(community, default.id, attribution="Pueblo Sacha Yaku")
    assert edited.id == default.id and edited.version == 1
    assert terms_service.get_terms(community, default.id).attribution == "Pueblo Sacha Yaku"

    _public(community)
    result = _export(community, tmp_path / "a.tkb")
    info = terms_service.get_terms_info(community, default.id)
    assert info.used and info.first_export_id == result.bundle_id

    stored = terms_service.get_terms(community, default.id)
    with pytest.raises(TermsInUse):
        terms_service.save_terms(community, dataclasses.replace(stored, attribution="changed"))
    assert terms_service.get_terms(community, default.id) == stored


def test_editing_used_terms_makes_a_new_version(community: Catalogue, tmp_path: Path) -> None:
    default = terms_service.default_terms(community)
    pinned = _public(community, "Pinned")
    terms_service.assign(community, [pinned.id], default.id)
    _export(community, tmp_path / "a.tkb")
    v2 = terms_service.edit_terms(community, default.id, attribution="Nuevo texto")
    assert (v2.version, v2.set_id, v2.previous_id) == (2, default.set_id, default.id)
    assert terms_service.get_terms(community, default.id) == default  # unchanged
    assert terms_service.default_terms(community).id == v2.id
    assert community.get_record(pinned.id).terms_id == v2.id
    with pytest.raises(ValidationError):
        terms_service.save_terms(community, new_version(default))  # version 2 exists already
    # The schema refuses a direct change too.
    with pytest.raises(StoreError), community._db.transaction() as conn:
        conn.execute("UPDATE terms_version SET name = 'x' WHERE id = ?", (default.id,))


def test_label_customisation_and_ask(community: Catalogue) -> None:
    seasonal = _public(community, "Cosecha", labels=["tks"])
    own = LabelCustomisation("tks", text="Solo en luna nueva", translations={"en": "New moon only"})
    terms_service.set_label_customisation(community, own)
    assert terms_service.label_customisations(community) == {"tks": own}
    listed = {i.label.code: i.customisation for i in terms_service.list_labels(community)}
    assert len(listed) == 30 and listed["tks"] == own and listed["tka"] is None

    decision = terms_service.ask(community, seasonal.id, "public_research", "research")
    assert decision.outcome is Outcome.ALLOWED_WITH_DUTIES
    protocol = [d for d in decision.duties if d.kind is DutyKind.RESPECT_PROTOCOLS]
    assert protocol and "Solo en luna nueva" in protocol[0].params.values()
    assert terms_service.remove_label_customisation(community, "tks")
    assert not terms_service.remove_label_customisation(community, "tks")


@pytest.mark.parametrize(
    ("access", "labels", "user_class", "purpose", "outcome"),
    [
        ("public", [], "public_research", "research", Outcome.ALLOWED_WITH_DUTIES),
        ("public", [], "for_profit", "commercial_sale", Outcome.NEEDS_AGREEMENT),
        ("public", ["tknc"], "for_profit", "commercial_sale", Outcome.NOT_ALLOWED),
        ("public", [], "public_research", "ip_claim", Outcome.NOT_ALLOWED),
        ("secret_sacred", [], "public_research", "research", Outcome.NOT_ALLOWED),
        ("public", ["tkss"], "noncommercial", "education", Outcome.NOT_ALLOWED),
    ],
)
def test_ask_follows_terms_labels_and_access(
    community: Catalogue,
    access: str,
    labels: list[str],
    user_class: str,
    purpose: str,
    outcome: Outcome,
) -> None:
    rec = community.add_record(KnowledgeRecord("R", access=AccessLevel(access), labels=labels))
    assert terms_service.ask(community, rec.id, user_class, purpose).outcome is outcome


def test_ask_rejects_unknown_codes_and_records(community: Catalogue) -> None:
    rec = _public(community)
    with pytest.raises(ValidationError):
        terms_service.ask(community, rec.id, "pirate", "research")
    with pytest.raises(ValidationError):
        terms_service.ask(community, rec.id, "public_research", "plunder")
    with pytest.raises(NotFound):
        terms_service.ask(community, "nope", "public_research", "research")
