"""Revoking grants end to end: signed .tkr lists, stock minisign, verify, import, ledger."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tkapp.bundle import revocation
from tkapp.cli.main import run_cli
from tkapp.core.model import Recipient
from tkapp.crypto.keys import generate_keypair
from tkapp.errors import RevocationError, Revoked
from tkapp.services import grants, keys, received, sharing
from tkapp.services.catalogue import Catalogue

from .conftest import PASSPHRASE, RESEARCHER

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OTHER = Recipient("Luis Tapia", organisation="Museo", user_class="public_research")


def _export(cat: Catalogue, dest: Path, who: Recipient, hours: int) -> sharing.ExportResult:
    created = FIXED + timedelta(hours=hours)
    plan = sharing.plan_export(cat, None, who, "research", on=created.date())
    return sharing.export(cat, plan, dest, created=created)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run_cli(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _minisign(data: Path, pub: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["minisign", "-Vm", str(data), "-p", str(pub)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_revoke_one_bundle_then_every_grant_to_a_recipient(
    demo: Catalogue,
    researcher: Catalogue,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = _export(demo, tmp_path / "a.tkb", RESEARCHER, 0)
    b = _export(demo, tmp_path / "b.tkb", RESEARCHER, 1)
    c = _export(demo, tmp_path / "c.tkb", OTHER, 2)
    pub = keys.export_public_key(demo, tmp_path / "community.pub")

    first = grants.revoke(
        demo, bundle_ids=[a.bundle_id], reason="terms broken", dest=tmp_path / "one.tkr"
    )
    assert first.newly_revoked == (a.bundle_id,) and first.total == 1
    # Stock minisign checks the list with the community's public key.
    run = _minisign(tmp_path / "one.tkr", pub)
    assert run.returncode == 0, run.stderr
    assert "tkr:v1 catalogue:" in run.stdout

    # The researcher's verify reports the revoked bundle (exit 2, reason and date).
    code, _, err = _run(
        capsys,
        "verify",
        str(a.path),
        "--trust",
        str(pub),
        "--revocations",
        str(tmp_path / "one.tkr"),
    )
    assert code == 2 and "terms broken" in err and "revoked" in err
    code, out, _ = _run(
        capsys,
        "verify",
        str(b.path),
        "--trust",
        str(pub),
        "--revocations",
        str(tmp_path / "one.tkr"),
    )
    assert code == 0, out
    code, out, _ = _run(
        capsys, "verify", str(a.path), "--revocations", str(tmp_path / "one.tkr"), "--json"
    )
    assert code == 2 and '"revoked"' in out

    # Every grant to one recipient; the new list holds all revocations so far.
    both = grants.revoke(
        demo, recipient="ana paz", reason="left the project", dest=tmp_path / "two.tkr"
    )
    assert both.newly_revoked == (b.bundle_id,) and both.total == 2
    lst = revocation.load(tmp_path / "two.tkr")
    assert {r.bundle_id for r in lst.revoked} == {a.bundle_id, b.bundle_id}
    assert c.bundle_id not in {r.bundle_id for r in lst.revoked}
    with pytest.raises(Revoked) as info:
        received.verify_file(b.path, trust_key=pub, revocations=[lst], now=LATER)
    assert info.value.params["reason"] == "left the project"
    with received.verify_file(c.path, trust_key=pub, revocations=[lst], now=LATER):
        pass

    # import-bundle applies the list: nothing stored.
    with pytest.raises(Revoked):
        received.import_bundle(researcher, a.path, trust_key=pub, revocations=[lst], now=LATER)
    assert received.list_received(researcher) == []

    # The sharing ledger shows what was revoked.
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    demo_path = str(demo.path)
    demo.close()
    code, out, _ = _run(capsys, "ledger", demo_path)
    assert code == 0 and out.count("REVOKED on") == 2 and "left the project" in out


def test_an_edited_or_resigned_list_is_refused(
    demo: Catalogue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _export(demo, tmp_path / "a.tkb", RESEARCHER, 0)
    pub = keys.export_public_key(demo, tmp_path / "community.pub")
    grants.revoke(demo, bundle_ids=[a.bundle_id], reason="stolen laptop", dest=tmp_path / "r.tkr")
    data = (tmp_path / "r.tkr").read_bytes()
    # Edited: the grant is taken off the list.
    edited = tmp_path / "edited.tkr"
    edited.write_bytes(data.replace(b"stolen laptop", b"stolen laptoq"))
    (tmp_path / "edited.tkr.minisig").write_bytes((tmp_path / "r.tkr.minisig").read_bytes())
    with pytest.raises(RevocationError):
        revocation.load(edited)
    assert _minisign(edited, pub).returncode != 0
    code, _, err = _run(
        capsys, "verify", str(a.path), "--trust", str(pub), "--revocations", str(edited)
    )
    assert code == 1 and "revocation list" in err
    # Re-signed by someone else's key: verifies as a file, but may not speak for the community.
    forger = generate_keypair()
    empty = revocation.list_bytes("urn:uuid:" + demo.id, demo.community.name, 2**40, LATER, [])
    revocation.write_list(tmp_path / "forged.tkr", forger, empty)
    forged = revocation.load(tmp_path / "forged.tkr")
    with pytest.raises(RevocationError):
        received.verify_file(a.path, trust_key=pub, revocations=[forged], now=LATER)
