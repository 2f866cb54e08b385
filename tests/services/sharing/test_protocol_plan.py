"""The release gate decides from what the unlocking person may read (issue 13): a record sealed
for a group they are not in never enters an export plan, an open data plan or a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.services import sharing
from tkapp.services.catalogue import create_catalogue, open_catalogue

from .conftest import PASSPHRASE, RESEARCHER


def _planned(plan: sharing.SharingPlan) -> set[str]:
    return {item.record_id for item in [*plan.included, *plan.excluded]}


def test_unreadable_records_never_enter_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "c.tkc"
    key = GroupKey("midwives", 1, new_key())
    member = Reader(User("Rosa", Role.CUSTODIAN, frozenset({"midwives"})), (key,))
    with create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member) as cat:
        open_rec = cat.add_record(KnowledgeRecord(title="Chicha", access=AccessLevel.PUBLIC))
        sealed_rec = cat.add_record(
            KnowledgeRecord(
                title="Parto", access=AccessLevel.RESTRICTED, restricted_group="midwives"
            )
        )
        assert _planned(sharing.plan_export(cat, None, RESEARCHER, "research")) == {
            open_rec.id,
            sealed_rec.id,
        }
    outsider = Reader(User("Juan", Role.CUSTODIAN, frozenset()), ())
    with open_catalogue(path, PASSPHRASE, reader=outsider) as cat:
        assert _planned(sharing.plan_export(cat, None, RESEARCHER, "research")) == {open_rec.id}
        named = sharing.plan_export(cat, [sealed_rec.id, open_rec.id], RESEARCHER, "research")
        assert _planned(named) == {open_rec.id}
