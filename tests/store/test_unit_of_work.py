"""The catalogue's public unit of work (issue 18): ``cat.session()`` commits the change and
its audit entries together or not at all; ``cat.reading()`` and the plans built on it never
write, even on a catalogue made before terms existed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tkapp.core.model import Community, KnowledgeRecord, Recipient
from tkapp.services import sharing
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import Catalogue, create_catalogue, open_catalogue
from tkapp.store import entities

from .conftest import PASSPHRASE

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "catalogue-v1.tkc"
FIXTURE_PASSPHRASE = "fixture passphrase v1"
RESEARCHER = Recipient("Ana Paz", organisation="Universidad Central", user_class="public_research")


def test_a_session_commits_the_change_with_its_audit_entry(cat: Catalogue) -> None:
    before = len(cat.audit_entries())
    with cat.session() as s:
        entities.set_setting(s.conn, "colour", "green")
        s.audit("update", "setting", "colour", '{"colour": "green"}')
    assert cat.get_setting("colour") == "green"
    newest = cat.audit_entries(limit=1)[0]
    assert (newest.action, newest.entity, newest.entity_id) == ("update", "setting", "colour")
    assert newest.actor == "tester"
    assert len(cat.audit_entries()) == before + 1
    assert cat.check().audit.ok


def test_a_failed_session_leaves_neither_change_nor_audit_entry(cat: Catalogue) -> None:
    before = cat.audit_entries()
    with pytest.raises(RuntimeError), cat.session() as s:
        entities.set_setting(s.conn, "colour", "red")
        s.audit("update", "setting", "colour", '{"colour": "red"}')
        raise RuntimeError("stop")
    assert cat.get_setting("colour") == ""
    assert cat.audit_entries() == before
    # The chain goes on from where it was: the next entry links to the last committed one.
    with cat.session() as s:
        s.audit("update", "setting", "colour")
    assert cat.check().audit.ok


def _snapshot(cat: Catalogue) -> tuple[bytes, bytes, int, int]:
    """The catalogue file's bytes and its write-ahead log's, the connection's count of changed
    rows, and the number of audit entries."""
    wal = Path(str(cat.path) + "-wal")
    with cat.reading() as conn:
        changes = int(conn.execute("SELECT total_changes()").fetchone()[0])
    return (
        cat.path.read_bytes(),
        wal.read_bytes() if wal.exists() else b"",
        changes,
        len(cat.audit_entries(limit=100_000)),
    )


def _reads(cat: Catalogue) -> None:
    sharing.plan_export(cat, None, RESEARCHER, "research")
    sharing.plan_export_summary(cat, None, RESEARCHER, "research")
    terms_service.default_terms(cat)
    terms_service.list_terms(cat)
    for record_id in cat.search_ids(""):
        terms_service.terms_for_record(cat, cat.get_record(record_id))


def test_planning_an_export_on_a_fresh_catalogue_writes_nothing(cat: Catalogue) -> None:
    cat.add_record(KnowledgeRecord(title="Uña de gato"))
    before = _snapshot(cat)
    _reads(cat)
    assert _snapshot(cat) == before


@pytest.fixture
def old_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TKAPP_KDF_PROFILE", raising=False)  # the fixture uses the real KDF
    dest = tmp_path / "old.tkc"
    shutil.copyfile(FIXTURE, dest)
    return dest


def test_an_old_catalogue_gets_its_default_terms_when_opened_not_when_read(
    old_catalogue: Path,
) -> None:
    with open_catalogue(old_catalogue, FIXTURE_PASSPHRASE) as cat:
        # Opening (the migration step) wrote version 1 of the default terms, audited.
        created = [e for e in cat.audit_entries() if e.entity == "terms"]
        assert [e.action for e in created] == ["create"]
        terms = terms_service.default_terms(cat)
        assert created[0].entity_id == terms.id
        assert terms.template == "cbrl" and terms.version == 1
        before = _snapshot(cat)
        _reads(cat)
        assert _snapshot(cat) == before
    with open_catalogue(old_catalogue, FIXTURE_PASSPHRASE) as cat:
        # Opened again: nothing more to install.
        assert [e.action for e in cat.audit_entries() if e.entity == "terms"] == ["create"]
        assert terms_service.default_terms(cat).id == terms.id


def test_a_new_catalogue_has_its_default_terms_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "new.tkc"
    create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), template="community_only").close()
    with open_catalogue(path, PASSPHRASE) as cat:
        assert terms_service.default_terms(cat).template == "community_only"
        assert not [e for e in cat.audit_entries() if e.entity == "terms"]  # part of "create"
