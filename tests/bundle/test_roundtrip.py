"""Export -> verify round trips, determinism, and interop with tools no one here wrote."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import bagit
import pytest
import tkb_factory as factory

from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.writer import WrittenBundle
from tkapp.crypto.age import AgeIdentity, format_identity_file
from tkapp.crypto.keys import KeyPair
from tkapp.errors import HashMismatch, NotIntendedRecipient, SizeMismatch


def _extract(bundle: Path, dest: Path) -> Path:
    # Our own, known-good output: the standard library's reader is a second, independent check.
    with zipfile.ZipFile(bundle) as zf:
        assert zf.testzip() is None
        zf.extractall(dest)
    (top,) = list(dest.iterdir())
    return top


def test_round_trip_gives_same_records_media_and_terms(bundle: WrittenBundle, key: KeyPair) -> None:
    source = factory.content()
    with verify_bundle(
        bundle.path, trust=None, trust_key=key.public_key, now=factory.CREATED
    ) as report:
        assert dict(report.iter_records()) == {rid: dict(rec) for rid, rec in source.records}
        assert dict(report.iter_consents()) == {cid: dict(c) for cid, c in source.consents}
        for item in source.media:
            with report.open_member(item.path) as reader:
                assert reader.read() == item.opener().read()
        assert report.terms.to_json() == source.terms_json
        assert report.terms_texts == dict(source.terms_texts)
        assert report.odrl == source.odrl
        assert report.community == factory.COMMUNITY
        assert report.manifest.sequence == 42
        assert report.fingerprint.hex == key.fingerprint
        assert report.manifest_sha256 == bundle.manifest_sha256
    assert hashlib.sha256(bundle.path.read_bytes()).hexdigest() == bundle.sha256


def test_exporting_twice_with_a_fixed_clock_gives_identical_bytes(tmp_path: Path) -> None:
    first = factory.make_bundle(tmp_path, "one.tkb")
    second = factory.make_bundle(tmp_path, "two.tkb")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256


def test_large_media_streams_from_a_file(tmp_path: Path, key: KeyPair) -> None:
    media_file = tmp_path / "clip.bin"
    media_file.write_bytes(bytes(range(256)) * 20_000)  # 5 MB, several buffers
    written = factory.make_bundle(tmp_path, media=[factory.file_media(media_file, "ogg")])
    with verify_bundle(
        written.path, trust=None, trust_key=key.public_key, now=factory.CREATED
    ) as r:
        (entry,) = r.media
        with r.open_member(entry.path) as reader:
            assert reader.read() == media_file.read_bytes()


def test_media_differing_from_its_declared_hash_is_refused(tmp_path: Path) -> None:
    item = factory.media_item(b"real bytes")
    forged = type(item)(item.sha256, "jpg", item.size, lambda: io.BytesIO(b"fake bytes"))
    with pytest.raises(HashMismatch):
        factory.make_bundle(tmp_path, media=[forged])
    short = type(item)(item.sha256, "jpg", item.size + 5, item.opener)
    with pytest.raises(SizeMismatch):
        factory.make_bundle(tmp_path, media=[short])
    assert [p.name for p in tmp_path.iterdir()] == []  # no temp file left behind


def test_minisign_accepts_the_manifest_and_rejects_a_tampered_one(
    bundle: WrittenBundle, pubfile: Path, tmp_path: Path
) -> None:
    top = _extract(bundle.path, tmp_path / "x")
    ok = subprocess.run(
        ["minisign", "-Vm", "tkb/manifest.json", "-p", str(pubfile)],
        cwd=top,
        capture_output=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert b"tkb:v1 bundle:" in ok.stdout
    manifest = top / "tkb" / "manifest.json"
    data = manifest.read_bytes()
    manifest.write_bytes(data.replace(b'"sequence":42', b'"sequence":43'))
    bad = subprocess.run(
        ["minisign", "-Vm", "tkb/manifest.json", "-p", str(pubfile)],
        cwd=top,
        capture_output=True,
        check=False,
    )
    assert bad.returncode != 0


def test_bagit_validator_reports_the_unzipped_bundle_valid(
    bundle: WrittenBundle, tmp_path: Path
) -> None:
    top = _extract(bundle.path, tmp_path / "x")
    bag = bagit.Bag(str(top))
    bag.validate()  # raises BagValidationError when not valid
    assert bag.info["External-Identifier"] == bundle.bundle_id
    assert bag.version_info == (1, 0)


def _identity_file(folder: Path) -> tuple[AgeIdentity, Path]:
    identity = AgeIdentity.generate()
    path = folder / "me.txt"
    path.write_text(format_identity_file(identity))
    return identity, path


def test_encrypted_bundle_opens_with_age_and_with_us(tmp_path: Path, key: KeyPair) -> None:
    identity, id_file = _identity_file(tmp_path)
    recipient = str(identity.recipient())
    written = factory.make_bundle(
        tmp_path, "b.tkb.age", age_recipients=[recipient], encrypt_to=[recipient]
    )
    assert written.encrypted and written.path.read_bytes().startswith(b"age-encryption.org/v1\n")
    plain = subprocess.run(
        ["age", "-d", "-i", str(id_file), str(written.path)], capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(plain).hexdigest() == written.plain_sha256
    with verify_bundle(
        written.path,
        trust=None,
        trust_key=key.public_key,
        identities=[str(id_file)],
        now=factory.CREATED,
    ) as report:
        assert report.encrypted and report.decrypted_by == recipient
        assert len(report.records) == 2
    # Nothing but the encrypted bundle (and our identity file) in the destination folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tkb.age", "me.txt"]


def test_reader_opens_a_bundle_encrypted_by_age_r(tmp_path: Path, key: KeyPair) -> None:
    identity, _id_file = _identity_file(tmp_path)
    recipient = str(identity.recipient())
    plain = factory.make_bundle(tmp_path, "plain.tkb", age_recipients=[recipient])
    sealed = tmp_path / "sealed.tkb.age"
    subprocess.run(["age", "-r", recipient, "-o", str(sealed), str(plain.path)], check=True)
    with verify_bundle(
        sealed, trust=None, trust_key=key.public_key, identities=[identity], now=factory.CREATED
    ) as report:
        assert report.decrypted_by == recipient
        assert report.manifest_sha256 == plain.manifest_sha256


def test_reencrypted_to_a_third_party_is_not_for_them(tmp_path: Path, key: KeyPair) -> None:
    intended, _ = _identity_file(tmp_path)
    third = AgeIdentity.generate()
    plain = factory.make_bundle(tmp_path, "plain.tkb", age_recipients=[str(intended.recipient())])
    sealed = tmp_path / "forwarded.tkb.age"
    subprocess.run(
        ["age", "-r", str(third.recipient()), "-o", str(sealed), str(plain.path)], check=True
    )
    with pytest.raises(NotIntendedRecipient):
        verify_bundle(
            sealed, trust=None, trust_key=key.public_key, identities=[third], now=factory.CREATED
        )


def test_manifest_names_recipient_hashes_of_the_age1_strings(
    bundle: WrittenBundle, tmp_path: Path
) -> None:
    identity = AgeIdentity.generate()
    recipient = str(identity.recipient())
    written = factory.make_bundle(tmp_path, "r.tkb", age_recipients=[recipient])
    top = _extract(written.path, tmp_path / "x")
    manifest = json.loads((top / "tkb" / "manifest.json").read_bytes())
    expected = hashlib.sha256(recipient.encode("ascii")).hexdigest()
    assert manifest["recipient"]["age_recipients_sha256"] == [expected]


def test_encrypted_export_never_names_a_plaintext_file(
    tmp_path: Path, key: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from tkapp.bundle.writer import write_bundle

    marker = b"PLAINTEXT-MARKER-7f3a"
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    recipient = str(AgeIdentity.generate().recipient())
    records = [(factory.RECORD_IDS[0], {"id": factory.RECORD_IDS[0], "title": marker.decode()})]
    seen: list[str] = []

    def scan(_done: int, _total: int) -> None:
        # While the plaintext bundle is being written, no file anywhere holds the marker.
        for folder in (temp_root, out):
            for path in folder.rglob("*"):
                seen.append(path.name)
                assert not path.is_file() or marker not in path.read_bytes()

    written = write_bundle(
        factory.content(records=records, age_recipients=[recipient]),
        key,
        out / "b.tkb.age",
        created=factory.CREATED,
        encrypt_to=[recipient],
        progress=scan,
    )
    assert written.encrypted
    assert list(temp_root.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["b.tkb.age"]
    assert marker not in written.path.read_bytes()
