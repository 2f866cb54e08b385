"""The command line with sealed records (issue 13): someone without the group's key gets the
placeholder in lists and exit 2 for the record itself; its words find nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkapp.core.model import AccessLevel, Community, KnowledgeRecord
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.services.catalogue import create_catalogue

from .test_cli import tk

PASSPHRASE = "protocols: one shared catalogue passphrase"


def test_show_and_search_without_the_group_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")
    path = tmp_path / "c.tkc"
    key = GroupKey("midwives", 1, new_key())
    member = Reader(User("Rosa", Role.MEMBER, frozenset({"midwives"})), (key,))
    with create_catalogue(path, PASSPHRASE, Community("Sacha Yaku"), reader=member) as cat:
        rec = cat.add_record(
            KnowledgeRecord(
                title="Parto con ortiga", access=AccessLevel.RESTRICTED, restricted_group="midwives"
            )
        )
    env = {"TKAPP_PASSPHRASE": PASSPHRASE}
    shown = tk("show", str(path), rec.id, env=env)
    assert shown.returncode == 2
    assert "protected for the group \u201cmidwives\u201d" in shown.stderr
    assert "ortiga" not in shown.stdout + shown.stderr
    listed = tk("search", str(path), "", env=env)
    assert listed.returncode == 0
    assert "Restricted to the group \u201cmidwives\u201d" in listed.stdout
    assert "ortiga" not in listed.stdout
    assert "No records found" in tk("search", str(path), "ortiga", env=env).stdout
