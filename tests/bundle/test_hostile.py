"""Hand-made hostile bundles: each one refused with its expected code, nothing written."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import tkb_factory as factory
from tkb_hostile import RawEntry, members, raw_zip, rebuild, resign

from tkapp.bundle.manifest import MANIFEST_PATH, SIGNATURE_PATH
from tkapp.bundle.signing import TrustedComment, untrusted_comment
from tkapp.bundle.verifier import verify_bundle
from tkapp.bundle.writer import WrittenBundle
from tkapp.crypto.age import AgeIdentity
from tkapp.crypto.keys import KeyPair
from tkapp.crypto.minisign import TRUSTED_PREFIX, UNTRUSTED_PREFIX
from tkapp.crypto.trust import TrustStore
from tkapp.errors import (
    BadSignature,
    BundleError,
    ContainerError,
    DuplicateEntry,
    Expired,
    NonCanonicalManifest,
    SchemaError,
    SignatureFormatError,
    SignatureMetadataMismatch,
    UnsafePath,
    UnsupportedEntry,
)

TOP = factory.BUNDLE_ID


def _check(path: Path, error: type[BundleError], key: KeyPair, **kwargs: object) -> BundleError:
    before = set(path.parent.iterdir())
    start = time.perf_counter()
    with pytest.raises(error) as info:
        verify_bundle(path, trust=None, trust_key=key.public_key, now=factory.CREATED, **kwargs)  # type: ignore[arg-type]
    assert time.perf_counter() - start < 2.0
    assert set(path.parent.iterdir()) == before  # nothing extracted or left behind
    assert type(info.value) is error
    return info.value


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "hostile.tkb"
    path.write_bytes(data)
    return path


def _entry(name: str, data: bytes = b"x", **kw: object) -> RawEntry:
    return RawEntry(name.encode("utf-8"), data, **kw)  # type: ignore[arg-type]


# --- container -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [f"{TOP}/../evil.txt", f"{TOP}/data/../../evil.txt", "../evil.txt"],
    ids=["dotdot-inside", "dotdot-escape", "dotdot-top"],
)
def test_path_traversal_dotdot(tmp_path: Path, key: KeyPair, name: str) -> None:
    path = _write(tmp_path, raw_zip([_entry(f"{TOP}/bagit.txt"), _entry(name)]))
    _check(path, UnsafePath, key)


def test_absolute_path(tmp_path: Path, key: KeyPair) -> None:
    path = _write(tmp_path, raw_zip([_entry(f"/{TOP}/bagit.txt")]))
    _check(path, UnsafePath, key)


def test_backslash_path(tmp_path: Path, key: KeyPair) -> None:
    path = _write(tmp_path, raw_zip([_entry(f"{TOP}\\..\\evil.txt")]))
    _check(path, UnsafePath, key)


def test_control_character_and_non_nfc_names(tmp_path: Path, key: KeyPair) -> None:
    _check(_write(tmp_path, raw_zip([_entry(f"{TOP}/a\x1b[2Jb.txt")])), UnsafePath, key)
    _check(_write(tmp_path, raw_zip([_entry(f"{TOP}/cafe\u0301.txt")])), UnsafePath, key)


def test_symlink_entry(tmp_path: Path, key: KeyPair) -> None:
    link = _entry(f"{TOP}/data/link", b"/etc/passwd", external=(0o120777 << 16))
    path = _write(tmp_path, raw_zip([_entry(f"{TOP}/bagit.txt"), link]))
    _check(path, UnsupportedEntry, key)


def test_directory_entry(tmp_path: Path, key: KeyPair) -> None:
    folder = _entry(f"{TOP}/data/", b"", external=(0o040755 << 16) | 0x10)
    _check(_write(tmp_path, raw_zip([folder])), UnsupportedEntry, key)


def test_duplicate_names(tmp_path: Path, key: KeyPair) -> None:
    entries = [_entry(f"{TOP}/bagit.txt", b"one"), _entry(f"{TOP}/bagit.txt", b"two")]
    _check(_write(tmp_path, raw_zip(entries)), DuplicateEntry, key)


def test_case_twin_names(tmp_path: Path, key: KeyPair) -> None:
    entries = [_entry(f"{TOP}/data/Records.json"), _entry(f"{TOP}/data/records.JSON")]
    _check(_write(tmp_path, raw_zip(entries)), DuplicateEntry, key)


def test_deflated_entry_zip_bomb(tmp_path: Path, key: KeyPair) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = bomb.compress(bytes(200 * 1024 * 1024)) + bomb.flush()  # 200 MB of zeros
    assert len(compressed) < 300_000
    entry = _entry(f"{TOP}/data/media/bomb.bin", compressed, method=8, usize=200 * 1024 * 1024)
    _check(_write(tmp_path, raw_zip([entry])), UnsupportedEntry, key)


def test_encrypted_flag(tmp_path: Path, key: KeyPair) -> None:
    entry = _entry(f"{TOP}/bagit.txt", flags=0x0801)
    _check(_write(tmp_path, raw_zip([entry])), UnsupportedEntry, key)


def test_overlapping_entries(tmp_path: Path, key: KeyPair) -> None:
    entries = [_entry(f"{TOP}/a.txt", b"A" * 64), _entry(f"{TOP}/b.txt", b"B" * 64, offset=0)]
    _check(_write(tmp_path, raw_zip(entries)), ContainerError, key)


def test_data_appended_after_the_end_record(bundle: WrittenBundle, key: KeyPair) -> None:
    bundle.path.write_bytes(bundle.path.read_bytes() + b"PK\x05\x06 trailing")
    _check(bundle.path, ContainerError, key)


def test_data_before_the_first_entry(bundle: WrittenBundle, key: KeyPair) -> None:
    top, files = members(bundle.path)
    data = raw_zip([_entry(f"{top}/{rel}", b) for rel, b in sorted(files.items())], prepend=b"MZ")
    bundle.path.write_bytes(data)
    _check(bundle.path, ContainerError, key)


def test_two_top_level_folders(tmp_path: Path, key: KeyPair) -> None:
    entries = [_entry(f"{TOP}/bagit.txt"), _entry("other/bagit.txt")]
    _check(_write(tmp_path, raw_zip(entries)), ContainerError, key)


# --- manifest and signature ------------------------------------------------------------------


def _resigned(
    bundle: WrittenBundle, key: KeyPair, edit: Callable[[bytes], bytes], **kw: object
) -> Path:
    top, files = members(bundle.path)
    files = resign(files, edit(files[MANIFEST_PATH]), key, **kw)  # type: ignore[arg-type]
    return rebuild(bundle.path, top, files)


def test_manifest_with_duplicate_keys(bundle: WrittenBundle, key: KeyPair) -> None:
    path = _resigned(
        bundle, key, lambda m: m.replace(b'"sequence":42', b'"sequence":42,"sequence":41')
    )
    _check(path, NonCanonicalManifest, key)


def test_non_canonical_manifest(bundle: WrittenBundle, key: KeyPair) -> None:
    path = _resigned(bundle, key, lambda m: json.dumps(json.loads(m), indent=1).encode())
    _check(path, NonCanonicalManifest, key)


def test_manifest_with_unknown_field(bundle: WrittenBundle, key: KeyPair) -> None:
    def add_field(m: bytes) -> bytes:
        data = json.loads(m)
        data["zz_extra"] = "surprise"
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    _check(_resigned(bundle, key, add_field), SchemaError, key)


def test_manifest_with_a_float(bundle: WrittenBundle, key: KeyPair) -> None:
    path = _resigned(bundle, key, lambda m: m.replace(b'"sequence":42', b'"sequence":42.5'))
    _check(path, SchemaError, key)


def test_legacy_ed_signature(bundle: WrittenBundle, key: KeyPair) -> None:
    top, files = members(bundle.path)
    manifest = files[MANIFEST_PATH]
    lines = files[SIGNATURE_PATH].decode().splitlines()
    legacy = key.private_key().sign(manifest)  # Ed25519 over the raw data: minisign "Ed"
    lines[1] = base64.b64encode(b"Ed" + key.key_id + legacy).decode()
    comment = lines[2][len(TRUSTED_PREFIX) :]
    lines[3] = base64.b64encode(key.private_key().sign(legacy + comment.encode())).decode()
    files[SIGNATURE_PATH] = ("\n".join(lines) + "\n").encode()
    _check(rebuild(bundle.path, top, files), SignatureFormatError, key)


def test_edited_trusted_comment(bundle: WrittenBundle, key: KeyPair) -> None:
    top, files = members(bundle.path)
    files[SIGNATURE_PATH] = files[SIGNATURE_PATH].replace(b"seq:42", b"seq:99")
    _check(rebuild(bundle.path, top, files), BadSignature, key)


def test_signed_comment_that_does_not_match_the_manifest(
    bundle: WrittenBundle, key: KeyPair
) -> None:
    def same(m: bytes) -> bytes:
        return m

    manifest_sha = hashlib.sha256(members(bundle.path)[1][MANIFEST_PATH]).hexdigest()
    wrong = TrustedComment(factory.BUNDLE_ID, 7, manifest_sha, factory.COMMUNITY)
    _check(_resigned(bundle, key, same, comment=wrong), SignatureMetadataMismatch, key)


def test_untrusted_comment_must_carry_the_signing_key(bundle: WrittenBundle, key: KeyPair) -> None:
    top, files = members(bundle.path)
    other = factory.community_key(2)
    files[SIGNATURE_PATH] = files[SIGNATURE_PATH].replace(
        (UNTRUSTED_PREFIX + untrusted_comment(key.public_key)).encode(),
        (UNTRUSTED_PREFIX + untrusted_comment(other.public_key)).encode(),
    )
    _check(rebuild(bundle.path, top, files), SignatureMetadataMismatch, key)


# --- policy ----------------------------------------------------------------------------------


def test_expired(bundle: WrittenBundle, key: KeyPair) -> None:
    with pytest.raises(Expired):
        verify_bundle(
            bundle.path,
            trust=None,
            trust_key=key.public_key,
            now=factory.EXPIRES + timedelta(seconds=1),
        )


def test_an_older_sequence_is_reported_not_refused(tmp_path: Path, key: KeyPair) -> None:
    store = TrustStore(tmp_path / "trust.json")
    store.add(key.public_key, factory.COMMUNITY, "in_person")
    newer = factory.make_bundle(tmp_path, "new.tkb", sequence=43)
    older = factory.make_bundle(tmp_path, "old.tkb", sequence=42)
    verify_bundle(newer.path, trust=store, now=factory.CREATED).close()
    # A researcher may re-check an older authentic file: valid, and told a newer one exists.
    with verify_bundle(older.path, trust=store, now=factory.CREATED) as old:
        assert old.sequence_status == "older" and old.newest_seen == 43
        assert old.to_json()["trust"]["sequence_status"] == "older"
    # The identical bundle again is nothing new.
    with verify_bundle(newer.path, trust=store, now=factory.CREATED) as again:
        assert again.already_seen
    assert store.by_public_key(key.public).last_sequence == 43  # type: ignore[union-attr]


def test_decrypted_copy_is_private_and_removed(tmp_path: Path, key: KeyPair) -> None:
    identity = AgeIdentity.generate()
    recipient = str(identity.recipient())
    sealed = factory.make_bundle(
        tmp_path, "b.tkb.age", age_recipients=[recipient], encrypt_to=[recipient]
    )
    tmpdir = Path(tempfile.gettempdir())

    def ours() -> set[Path]:
        return {p for p in tmpdir.iterdir() if p.name.startswith("tkapp-verify-")}

    before = ours()
    report = verify_bundle(
        sealed.path,
        trust=None,
        trust_key=key.public_key,
        identities=[identity],
        now=factory.CREATED,
    )
    (folder,) = ours() - before
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert list(folder.iterdir()) == []  # the plaintext has no name on disk
    report.close()
    assert ours() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tkb.age"]
