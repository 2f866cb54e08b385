"""Roles at the unit of work: every change a service makes declares what it is, and the one
rule (services.permissions.require) refuses it before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkapp.core.model import Community, Recipient
from tkapp.core.users import Role
from tkapp.errors import PermissionDenied
from tkapp.licensing.labels import LabelCustomisation
from tkapp.services import sharing
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import create_catalogue, open_catalogue
from tkapp.services.permissions import Action

ANA, ROSA, LUIS = "ana: custodian phrase", "rosa: member phrase", "luis: viewer phrase"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "village.tkc"
    with create_catalogue(p, ANA, Community("Sacha Yaku"), custodian="Ana") as cat:
        cat.people().add("Rosa", Role.MEMBER, [], ROSA)
        cat.people().add("Luis", Role.VIEWER, [], LUIS)
    return p


def _audit_count(path: Path) -> int:
    with open_catalogue(path, ANA, person="Ana") as cat:
        return len(cat.audit_entries(limit=100_000))


@pytest.mark.parametrize(("who", "passphrase"), [("Rosa", ROSA), ("Luis", LUIS)])
def test_only_custodians_change_terms_and_share(path: Path, who: str, passphrase: str) -> None:
    before = _audit_count(path)
    with open_catalogue(path, passphrase, person=who) as cat:
        default = terms_service.default_terms(cat)
        with pytest.raises(PermissionDenied):
            terms_service.set_default(cat, default.id)
        with pytest.raises(PermissionDenied):
            terms_service.set_label_customisation(cat, LabelCustomisation("tkcs", "ours"))
        with pytest.raises(PermissionDenied):
            sharing.add_recipient(cat, Recipient("Dr. Ruiz"))
        with pytest.raises(PermissionDenied), cat.session(Action.SIGN):
            pass
    assert _audit_count(path) == before  # nothing was written


def test_viewers_write_nothing_members_write_drafts(path: Path) -> None:
    with open_catalogue(path, LUIS, person="Luis") as cat:
        refused = pytest.raises(PermissionDenied)
        with refused, cat.session():
            pass
    with open_catalogue(path, ROSA, person="Rosa") as cat, cat.session() as s:
        s.audit("note", "catalogue", cat.id)
    with open_catalogue(path, ANA, person="Ana") as cat:
        sharing.add_recipient(cat, Recipient("Dr. Ruiz"))
        terms_service.set_label_customisation(cat, LabelCustomisation("tkcs", "ours"))
        assert [r.name for r in sharing.list_recipients(cat)] == ["Dr. Ruiz"]
