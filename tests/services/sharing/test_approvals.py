"""Shared approval of exports (issue 13, k of n), with real people, real keys, real bundles:
refused with one approval, written with two, approvers in the ledger, the audit log and the
bundle; a forged or moved approval does not count; a wrong approver passphrase changes nothing.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import bagit
import pytest

from tkapp.bundle.verifier import verify_bundle
from tkapp.core.users import Role
from tkapp.crypto import keyring
from tkapp.errors import (
    AlreadyApproved,
    ApprovalsMissing,
    PermissionDenied,
    UnknownPerson,
    ValidationError,
    WrongPassphrase,
)
from tkapp.services import approvals, keys, sharing
from tkapp.services.catalogue import Catalogue, open_catalogue
from tkapp.store import approvals as approval_rows

from .conftest import PASSPHRASE, RESEARCHER

MARTA, LUIS = "marta: custodian phrase", "luis: viewer phrase"
FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def village(demo: Catalogue) -> Catalogue:
    """The demo catalogue, its custodian, Marta (a second custodian), Luis (a viewer)."""
    people = demo.people()
    people.add("Marta", Role.CUSTODIAN, [], MARTA)
    people.add("Luis", Role.VIEWER, [], LUIS)
    return demo


def _state(cat: Catalogue) -> tuple[int, int]:
    with cat.reading() as conn:
        rows = conn.execute("SELECT count(*) FROM export_approval").fetchone()[0]
        audit = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return int(rows), int(audit)


def _bundle_json(path: Path, name: str) -> dict[str, object]:
    with zipfile.ZipFile(path) as z:
        [member] = [n for n in z.namelist() if n.endswith("/" + name)]
        return json.loads(z.read(member))  # type: ignore[no-any-return]


def test_default_policy_is_the_exporting_custodian_alone(
    village: Catalogue, tmp_path: Path
) -> None:
    plan = sharing.plan_export(village, None, RESEARCHER, "research")
    assert approvals.needed_for(village, plan) == 1
    result = sharing.export(village, plan, tmp_path / "one.tkb")
    entry = sharing.get_export(village, result.bundle_id)
    assert [a.name for a in entry.approvers] == [village.user.name]  # type: ignore[union-attr]
    with zipfile.ZipFile(result.path) as z:  # no shared approval in force: no extra file
        assert not any(n.endswith("data/approvals.json") for n in z.namelist())


def test_two_approvals_refused_with_one_written_with_two(
    village: Catalogue, tmp_path: Path
) -> None:
    approvals.set_approval_policy(village, 2, 2)
    plan = sharing.plan_export(village, None, RESEARCHER, "research")
    with pytest.raises(ApprovalsMissing) as info:
        sharing.export(village, plan, tmp_path / "refused.tkb")
    assert info.value.params == {"needed": 2, "have": 1}
    assert not (tmp_path / "refused.tkb").exists() and sharing.list_exports(village) == []

    # Wrong passphrase, a viewer, a stranger: typed errors and not a byte written.
    before = _state(village)
    with pytest.raises(WrongPassphrase):
        approvals.approve(village, plan, "Marta", LUIS)
    with pytest.raises(PermissionDenied):
        approvals.approve(village, plan, "Luis", LUIS)
    with pytest.raises(UnknownPerson):
        approvals.approve(village, plan, "Nadie", MARTA)
    assert _state(village) == before

    approval = approvals.approve(village, plan, "marta", MARTA)
    assert village.user is not None and village.user.name != "Marta"  # who is unlocked stays
    with pytest.raises(AlreadyApproved):
        approvals.approve(village, plan, "Marta", MARTA)
    entry = village.audit_entries(approval.digest)[0]
    assert (entry.action, entry.entity) == ("approve", "export_plan")

    result = sharing.export(village, plan, tmp_path / "two.tkb", created=FIXED)
    ledger = sharing.get_export(village, result.bundle_id)
    assert {a.name for a in ledger.approvers} == {village.user.name, "Marta"}
    assert village.audit_entries(result.bundle_id)[0].action == "export"

    # The bundle says who approved it; each signature checks against its approval key.
    with verify_bundle(
        result.path, trust=None, trust_key=keys.public_key(village), now=FIXED
    ) as report:
        assert sorted(report.approved_by) == sorted([village.user.name, "Marta"])
    listed = _bundle_json(result.path, "data/approvals.json")
    assert listed["digest"] == approval.digest and listed["required"] == 2
    names = []
    for item in listed["approvals"]:  # type: ignore[attr-defined]
        message = b"tkapp/approval/v1\x00" + approval.digest.encode()
        public = bytes.fromhex(item["approval_public_key"])
        assert keyring.approval_valid(public, bytes.fromhex(item["signature"]), message)
        names.append(item["name"])
    assert sorted(names) == sorted([village.user.name, "Marta"])
    # Stock BagIt validates the unzipped bundle, approvals file included.
    with zipfile.ZipFile(result.path) as z:
        z.extractall(tmp_path / "x")
    [top] = list((tmp_path / "x").iterdir())
    bag = bagit.Bag(str(top))
    bag.validate()
    assert "data/approvals.json" in bag.payload_files()

    # An approval counts for one export: the same plan again needs a new one.
    again = sharing.plan_export(village, None, RESEARCHER, "research")
    with pytest.raises(ApprovalsMissing):
        sharing.export(village, again, tmp_path / "again.tkb")


def test_forged_or_moved_approvals_do_not_count(village: Catalogue, tmp_path: Path) -> None:
    approvals.set_approval_policy(village, 2, 2)
    plan = sharing.plan_export(village, None, RESEARCHER, "research")
    other = sharing.plan_export(village, None, RESEARCHER, "education")
    digest = approvals.plan_digest(plan)
    assert approvals.plan_digest(other) != digest
    moved = approvals.approve(village, other, "Marta", MARTA)  # an approval of another plan
    forged_key = keyring.new_box_keypair()
    with village.session() as s:
        marta = s.conn.execute("SELECT id FROM app_user WHERE name = 'Marta'").fetchone()[0]
        # Marta's signature over the other plan, relabelled as an approval of this one.
        approval_rows.insert(
            s.conn,
            approval_rows.ApprovalRow(
                digest, marta, "Marta", moved.approval_public, moved.signature, "2026-01-01"
            ),
        )
        # A signature by a key that is not the one stored with Marta.
        approval_rows.insert(
            s.conn,
            approval_rows.ApprovalRow(
                digest,
                marta,
                "Marta",
                keyring.approval_public(forged_key),
                keyring.sign_approval(forged_key, b"tkapp/approval/v1\x00" + digest.encode()),
                "2026-01-01",
            ),
        )
    assert approvals.valid_approvals(village, plan) == []
    with pytest.raises(ApprovalsMissing):
        sharing.export(village, plan, tmp_path / "forged.tkb")


def test_sensitive_material_needs_its_own_count() -> None:
    policy = approvals.ApprovalPolicy(required=1, sensitive=3)
    assert approvals.approvals_needed(False, policy) == 1
    assert approvals.approvals_needed(True, policy) == 3
    assert approvals.approvals_needed(True, approvals.ApprovalPolicy(2, 1)) == 2


def test_only_custodians_set_the_policy(village: Catalogue, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        approvals.set_approval_policy(village, 0, 1)
    path = village.path
    village.close()
    with open_catalogue(path, LUIS, person="Luis") as cat, pytest.raises(PermissionDenied):
        approvals.set_approval_policy(cat, 2, 2)
    with open_catalogue(path, MARTA, person="Marta") as cat:
        assert approvals.set_approval_policy(cat, 2, 3) == approvals.ApprovalPolicy(2, 3)
        assert approvals.approval_policy(cat) == approvals.ApprovalPolicy(2, 3)


def test_approval_key_is_filled_at_the_next_unlock(village: Catalogue) -> None:
    path = village.path
    with village.session() as s:
        s.conn.execute("UPDATE app_user SET approval_public = NULL WHERE name = 'Marta'")
    village.close()
    with open_catalogue(path, MARTA, person="Marta") as cat, cat.reading() as conn:
        row = conn.execute("SELECT approval_public FROM app_user WHERE name = 'Marta'").fetchone()
        assert row[0] is not None and len(bytes(row[0])) == 32
    assert PASSPHRASE  # the demo's custodian keeps their own passphrase


def test_cli_export_with_approvers(
    demo_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tkapp.cli.main import run_cli

    monkeypatch.delenv("TKAPP_PERSON", raising=False)
    monkeypatch.delenv("TKAPP_APPROVER_PASSPHRASE_1", raising=False)
    cat = tmp_path / "demo.tkc"
    cat.write_bytes(demo_file.read_bytes())
    secret = tmp_path / "me.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    marta = tmp_path / "marta.txt"
    marta.write_text(MARTA + "\n", encoding="utf-8")
    me = ["--passphrase-file", str(secret), "--person", "Sisa Tanguila"]

    def cli(*args: str) -> tuple[int, str, str]:
        code = run_cli(["--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = cli(
        "people", "add", str(cat), "Marta", "--role", "custodian",
        "--new-passphrase-file", str(marta), *me,
    )  # fmt: skip
    assert code == 0, err
    # In the address book: the same recipient (and id) in every run, so the same plan.
    code, out, err = cli(
        "recipients", "add", str(cat), "Ana Paz", "--organisation", "Universidad Central",
        "--as", "public_research", *me,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli("people", "approvals", str(cat), "--required", "2", *me)
    assert code == 0 and "needs: 2" in out, err
    export = [
        "export", str(cat), str(tmp_path / "out.tkb"), "--recipient-name", "Ana Paz",
        "--as", "public_research", "--purpose", "research", "--yes", *me,
    ]  # fmt: skip
    code, out, err = cli(*export)
    assert code == 2 and "approval of 2 custodians and has 1" in err
    assert not (tmp_path / "out.tkb").exists()
    code, out, err = cli(
        *export, "--approve-as", "Marta", "--approver-passphrase-file", str(secret)
    )
    assert code == 5 and not (tmp_path / "out.tkb").exists()  # wrong passphrase for Marta
    monkeypatch.setenv("TKAPP_APPROVER_PASSPHRASE_1", MARTA)
    code, out, err = cli(*export, "--approve-as", "Marta", "--approve-as", "Nadie")
    assert code == 4 and not (tmp_path / "out.tkb").exists()  # no passphrase for Nadie
    # Run again: Marta's approval from the stopped run still counts; she is not asked again.
    monkeypatch.delenv("TKAPP_APPROVER_PASSPHRASE_1")
    code, out, err = cli(*export, "--approve-as", "Marta")
    assert code == 0, err
    assert (tmp_path / "out.tkb").exists()
    # The researcher's side: `tkapp verify` says who approved it.
    code, out, err = cli("verify", str(tmp_path / "out.tkb"), "--tofu")
    assert code == 0, err
    assert "Approved by: " in out and "Marta" in out and "Sisa Tanguila" in out


def test_culturally_sensitive_plan_needs_the_sensitive_count(village: Catalogue) -> None:
    approvals.set_approval_policy(village, 1, 3)
    plan = sharing.plan_export(village, None, RESEARCHER, "research")
    chosen = plan.included[0].record_id
    plain = sharing.plan_export(village, [chosen], RESEARCHER, "research")
    record = village.get_record(chosen)
    assert "tkcs" not in record.labels and record.access.value in {"public", "community"}
    assert approvals.needed_for(village, plain) == 1
    village.update_record(replace(record, labels=[*record.labels, "tkcs"]))
    sensitive = sharing.plan_export(village, [chosen], RESEARCHER, "research")
    assert approvals.needed_for(village, sensitive) == 3
    # The edit changed the record's version: the plan (and its digest) changed with it.
    assert approvals.plan_digest(sensitive) != approvals.plan_digest(plain)
