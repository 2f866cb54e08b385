"""import-bundle --revocations marks the bundles already in Received, not only the new one."""

from __future__ import annotations

import json
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


def test_a_list_marks_bundles_already_received(
    demo: Catalogue,
    researcher: Catalogue,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = _export(demo, tmp_path / "a.tkb", RESEARCHER, 0)
    b = _export(demo, tmp_path / "b.tkb", RESEARCHER, 1)
    c = _export(demo, tmp_path / "c.tkb", OTHER, 2)
    d = _export(demo, tmp_path / "d.tkb", RESEARCHER, 3)
    pub = keys.export_public_key(demo, tmp_path / "community.pub")
    received.import_bundle(researcher, a.path, trust_key=pub, now=LATER)
    received.import_bundle(researcher, b.path, trust_key=pub, now=LATER)
    grants.revoke(
        demo, bundle_ids=[a.bundle_id], reason="consent withdrawn", dest=tmp_path / "1.tkr"
    )
    grants.revoke(demo, recipient="ana paz", reason="left the project", dest=tmp_path / "2.tkr")
    assert all(r.revoked is None for r in received.list_received(researcher))

    # A list signed by another key for this catalogue is refused and marks nothing.
    forger = generate_keypair()
    data = revocation.list_bytes("urn:uuid:" + demo.id, demo.community.name, 2**41, LATER, [])
    revocation.write_list(tmp_path / "forged.tkr", forger, data)
    with pytest.raises(RevocationError):
        received.import_bundle(
            researcher,
            c.path,
            trust_key=pub,
            revocations=[revocation.load(tmp_path / "forged.tkr")],
            now=LATER,
        )
    assert all(r.revoked is None for r in received.list_received(researcher))

    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    path = str(researcher.path)
    researcher.close()
    # Importing an unrevoked bundle with the first list: the held bundle a is marked.
    code, out, err = _run(
        capsys,
        "import-bundle",
        path,
        str(c.path),
        "--trust",
        str(pub),
        "--revocations",
        str(tmp_path / "1.tkr"),
    )
    assert code == 0, err
    assert "1 bundle already received is now marked revoked" in out and a.bundle_id in out
    code, out, _ = _run(capsys, "received", path)
    assert code == 0 and out.count("REVOKED by the community on 2026-") == 1
    assert "consent withdrawn" in out
    # The newer list also withdraws b and d; d itself is refused, b is marked all the same.
    code, _, err = _run(
        capsys,
        "import-bundle",
        path,
        str(d.path),
        "--trust",
        str(pub),
        "--revocations",
        str(tmp_path / "2.tkr"),
    )
    assert code == 2 and "left the project" in err
    code, out, _ = _run(capsys, "received", path, "--json")
    rows = {row["bundle_id"]: row["revoked"] for row in json.loads(out)}
    assert set(rows) == {a.bundle_id, b.bundle_id, c.bundle_id}
    assert rows[a.bundle_id]["reason"] == "consent withdrawn"  # the first mark stays
    assert rows[b.bundle_id]["reason"] == "left the project"
    assert rows[c.bundle_id] is None
    # The refused bundle stays out of Received and is still reported revoked.
    with pytest.raises(Revoked):
        received.verify_file(d.path, revocations=[revocation.load(tmp_path / "2.tkr")], now=LATER)
