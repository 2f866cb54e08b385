"""Key rotation end to end: the old key vouches for the new one; forgeries are refused."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tkapp.bundle import rotation
from tkapp.cli.main import run_cli
from tkapp.crypto.keys import generate_keypair
from tkapp.errors import RotationError
from tkapp.services import keys, received, sharing
from tkapp.services.catalogue import Catalogue

from .conftest import RESEARCHER

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _export(cat: Catalogue, dest: Path, hours: int) -> sharing.ExportResult:
    created = FIXED + timedelta(hours=hours)
    plan = sharing.plan_export(cat, None, RESEARCHER, "research", on=created.date())
    return sharing.export(cat, plan, dest, created=created)


def test_rotation_moves_a_recipient_to_the_new_key(
    demo: Catalogue, researcher: Catalogue, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_pub = keys.export_public_key(demo, tmp_path / "old.pub")
    before = _export(demo, tmp_path / "before.tkb", 0)
    received.import_bundle(researcher, before.path, trust_key=old_pub, now=LATER)

    new_key, statement_path = keys.rotate_signing_key(demo, tmp_path / "rot.tkrot")
    assert keys.public_key(demo) == new_key
    after = _export(demo, tmp_path / "after.tkb", 1)
    # Stock minisign checks the statement with the OLD public key.
    run = subprocess.run(
        ["minisign", "-Vm", str(statement_path), "-p", str(old_pub)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr

    # The export carries the statement (data/keys/1.tkrot): a recipient who trusted only the
    # old key moves to the new one with no --rotation file.
    with zipfile.ZipFile(after.path) as z:
        names = [n.split("/", 1)[1] for n in z.namelist()]
        assert "data/keys/1.tkrot" in names and "data/keys/1.tkrot.minisig" in names
        top = z.namelist()[0].split("/", 1)[0]
        assert z.read(f"{top}/data/keys/1.tkrot") == statement_path.read_bytes()
    assert received.verify_file(after.path, now=LATER, remember=False).trust == "rotation"
    summary = received.import_bundle(researcher, after.path, now=LATER)
    assert summary.trust == "rotation"
    stored = {k.public_key: k for k in keys.trusted_keys()}
    assert stored[new_key.public.hex()].how == "rotation"
    assert stored[keys.trusted_keys()[0].public_key].replaced_by == new_key.public.hex()
    # From now on the new key is known; old bundles still verify.
    code, out, _ = run_cli(["verify", str(after.path)]), capsys.readouterr().out, None
    assert code == 0 and "key change signed by a key you trusted" in out
    assert run_cli(["verify", str(before.path)]) == 0


def test_a_statement_signed_by_another_key_is_refused(demo: Catalogue, tmp_path: Path) -> None:
    old = demo.signing_key()
    forger = generate_keypair()
    # The forger names the community's real key as "old" but signs with its own key.
    rotation.write_statement(
        tmp_path / "forged.tkrot",
        forger,
        forger.public_key,
        catalogue_id="urn:uuid:" + demo.id,
        community=demo.community.name,
        when=LATER,
    )
    data = (tmp_path / "forged.tkrot").read_bytes()
    real_old = rotation.encode_public_key_line(old.public_key).encode()
    forged_old = rotation.encode_public_key_line(forger.public_key).encode()
    (tmp_path / "forged.tkrot").write_bytes(data.replace(forged_old, real_old, 1))
    with pytest.raises(RotationError):
        rotation.load(tmp_path / "forged.tkrot")
    # An edited statement is refused too.
    keys.rotate_signing_key(demo, tmp_path / "real.tkrot")
    raw = (tmp_path / "real.tkrot").read_bytes()
    edited = raw.replace(b'"date":"2', b'"date":"3', 1)
    assert edited != raw
    (tmp_path / "real.tkrot").write_bytes(edited)
    with pytest.raises(RotationError):
        rotation.load(tmp_path / "real.tkrot")
