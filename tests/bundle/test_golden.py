"""Golden v1 bundles, made once by tests/data/golden/make_golden.py: verified forever."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tkapp.bundle.verifier import verify_bundle
from tkapp.crypto.age import load_identity_files
from tkapp.crypto.minisign import parse_public_key

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
FAR_FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
MEDIA = b"golden media bytes\n" * 50


@pytest.mark.parametrize("name", ["v1-plain.tkb", "v1-encrypted.tkb.age"])
def test_golden_v1_bundle_verifies(name: str) -> None:
    key = parse_public_key((GOLDEN / "community.pub").read_text())
    with verify_bundle(
        GOLDEN / name,
        trust=None,
        trust_key=key,
        identities=load_identity_files([GOLDEN / "researcher.agekey"]),
        now=FAR_FUTURE,
        intended=("public_research", "research"),
    ) as report:
        assert report.manifest.bundle_id == "urn:uuid:00000000-0000-4000-8000-00000000c001"
        assert report.community == "Comunidad de prueba"
        assert [r.title for r in report.records] == ["Registro dorado"]
        (media,) = report.media
        with report.open_member(media.path) as reader:
            assert reader.read() == MEDIA
        assert report.decision is not None and report.decision.permits
        assert report.encrypted == name.endswith(".age")


def test_golden_encrypted_bundle_opens_with_age(tmp_path: Path) -> None:
    plain = subprocess.run(
        [
            "age",
            "-d",
            "-i",
            str(GOLDEN / "researcher.agekey"),
            str(GOLDEN / "v1-encrypted.tkb.age"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    out = tmp_path / "x.tkb"
    out.write_bytes(plain)
    key = parse_public_key((GOLDEN / "community.pub").read_text())
    verify_bundle(out, trust=None, trust_key=key, now=FAR_FUTURE).close()
    assert hashlib.sha256(plain).hexdigest() != ""
