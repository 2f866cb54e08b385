"""Key rotation statements carried inside bundles (``data/keys/<n>.tkrot``), real keys."""

from __future__ import annotations

import dataclasses
import subprocess
import zipfile
from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle import rotation
from tkapp.bundle.manifest import parse_manifest
from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.writer import _write_zip_to, build_layout, write_bundle
from tkapp.crypto.keys import KeyPair
from tkapp.crypto.minisign import encode_public_key_line
from tkapp.crypto.trust import TrustStore
from tkapp.errors import KeyMismatch, RotationError, SchemaError

URN = "urn:uuid:" + factory.CATALOGUE_ID


def _statement(old: KeyPair, new: KeyPair, catalogue: str = URN) -> tuple[bytes, bytes]:
    return rotation.statement_files(
        old,
        new.public_key,
        catalogue_id=catalogue,
        community=factory.COMMUNITY,
        when=factory.CREATED,
    )


def _store(tmp_path: Path, key: KeyPair) -> TrustStore:
    """A recipient who trusted only ``key`` (for the catalogue)."""
    store = TrustStore(tmp_path / "trust.json")
    store.add(key.public_key, factory.COMMUNITY, "in_person", catalogue_id=URN)
    return store


def _unchecked_bundle(path: Path, key: KeyPair, key_changes: list[tuple[bytes, bytes]]) -> Path:
    """A correctly signed bundle the writer's self-check would not let out (a forger's)."""
    content = dataclasses.replace(factory.content(), key_changes=key_changes)
    layout = build_layout(content, key, factory.CREATED)
    with path.open("wb") as out:
        _write_zip_to(layout, out, None)
    return path


def test_a_recipient_of_the_old_key_follows_the_statement_inside(tmp_path: Path) -> None:
    old, new = factory.community_key(1), factory.community_key(2)
    store = _store(tmp_path, old)
    content = dataclasses.replace(factory.content(), key_changes=[_statement(old, new)])
    written = write_bundle(content, new, tmp_path / "b.tkb", created=factory.CREATED)
    with zipfile.ZipFile(written.path) as z:
        top = factory.BUNDLE_ID
        manifest = parse_manifest(z.read(f"{top}/tkb/manifest.json"))
        listed = {e.path for e in manifest.files}
        assert {"data/keys/1.tkrot", "data/keys/1.tkrot.minisig"} <= listed
        assert "data/keys/1.tkrot" in z.read(f"{top}/manifest-sha256.txt").decode()
        (tmp_path / "1.tkrot").write_bytes(z.read(f"{top}/data/keys/1.tkrot"))
        (tmp_path / "1.tkrot.minisig").write_bytes(z.read(f"{top}/data/keys/1.tkrot.minisig"))
    # Stock minisign checks the statement taken out of the bundle with the OLD key.
    (tmp_path / "old.pub").write_text(
        "untrusted comment: old\n" + encode_public_key_line(old.public_key) + "\n"
    )
    run = subprocess.run(
        ["minisign", "-Vm", str(tmp_path / "1.tkrot"), "-p", str(tmp_path / "old.pub")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    # No --rotation given: the statement inside is enough.
    with verify_bundle(written.path, trust=store, now=factory.CREATED) as report:
        assert report.trust == "rotation"
        assert report.rotated_from is not None and report.rotated_from.key == old.public_key
    entry = store.by_public_key(new.public)
    assert entry is not None and entry.how == "rotation"
    assert store.by_public_key(old.public).replaced_by == new.public.hex()  # type: ignore[union-attr]


def test_a_chain_of_two_changes_is_followed(tmp_path: Path) -> None:
    k1, k2, k3 = (factory.community_key(n) for n in (1, 2, 3))
    store = _store(tmp_path, k1)
    content = dataclasses.replace(
        factory.content(), key_changes=[_statement(k1, k2), _statement(k2, k3)]
    )
    written = write_bundle(content, k3, tmp_path / "b.tkb", created=factory.CREATED)
    with verify_bundle(written.path, trust=store, now=factory.CREATED) as report:
        assert report.trust == "rotation"


def test_without_a_statement_the_new_key_is_a_mismatch(tmp_path: Path) -> None:
    old, new = factory.community_key(1), factory.community_key(2)
    store = _store(tmp_path, old)
    written = factory.make_bundle(tmp_path, key=new)
    with pytest.raises(KeyMismatch):
        verify_bundle(written.path, trust=store, now=factory.CREATED)
    # A statement given on its own (--rotation FILE) still does it.
    statement = rotation.parse(*_statement(old, new))
    with verify_bundle(
        written.path, trust=store, now=factory.CREATED, rotations=[statement]
    ) as report:
        assert report.trust == "rotation"


def test_a_statement_inside_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    old, new, forger = (factory.community_key(n) for n in (1, 2, 9))
    store = _store(tmp_path, old)
    # The forger names the real old key but signs with its own.
    data, sig = _statement(forger, new)
    data = data.replace(
        encode_public_key_line(forger.public_key).encode(),
        encode_public_key_line(old.public_key).encode(),
        1,
    )
    forged = _unchecked_bundle(tmp_path / "forged.tkb", new, [(data, sig)])
    with pytest.raises(RotationError) as caught:
        verify_bundle(forged, trust=store, now=factory.CREATED)
    assert caught.value.exit_code == 1
    # The writer itself never lets such a bundle out.
    content = dataclasses.replace(factory.content(), key_changes=[(data, sig)])
    with pytest.raises(RotationError):
        write_bundle(content, new, tmp_path / "never.tkb", created=factory.CREATED)
    assert not (tmp_path / "never.tkb").exists()


def test_a_sound_statement_from_an_untrusted_key_vouches_for_nothing(tmp_path: Path) -> None:
    old, new, stranger = (factory.community_key(n) for n in (1, 2, 9))
    store = _store(tmp_path, old)
    content = dataclasses.replace(factory.content(), key_changes=[_statement(stranger, new)])
    written = write_bundle(content, new, tmp_path / "b.tkb", created=factory.CREATED)
    with pytest.raises(KeyMismatch):
        verify_bundle(written.path, trust=store, now=factory.CREATED)


def test_a_statement_for_another_catalogue_is_refused(tmp_path: Path) -> None:
    old, new = factory.community_key(1), factory.community_key(2)
    other = "urn:uuid:00000000-0000-4000-8000-000000000000"
    forged = _unchecked_bundle(tmp_path / "b.tkb", new, [_statement(old, new, other)])
    with pytest.raises(RotationError):
        verify_bundle(forged, trust=_store(tmp_path, old), now=factory.CREATED)


def test_a_statement_without_its_signature_is_not_a_v1_bundle(tmp_path: Path) -> None:
    old, new = factory.community_key(1), factory.community_key(2)
    data, _sig = _statement(old, new)
    content = dataclasses.replace(factory.content(), key_changes=[(data, b"")])
    layout = build_layout(content, new, factory.CREATED)
    assert layout.small["data/keys/1.tkrot.minisig"] == b""
    manifest = layout.manifest.to_json()
    manifest["files"] = [f for f in manifest["files"] if not f["path"].endswith(".minisig")]
    from tkapp.bundle.manifest import validate

    with pytest.raises(SchemaError):
        validate(manifest)
