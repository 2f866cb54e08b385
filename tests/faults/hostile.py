"""Signed hostile bundles: valid signature, hostile content (issue 20, item 2).

A real bundle is written by the real writer with placeholder records; their bytes are then
swapped for hostile ones, the manifest and BagIt files regenerated to match, and the manifest
signed again with the community key: exactly what a trusted but careless or compromised
partner could send. Used by ``tests/faults/test_hostile_bounds.py`` and
``benchmarks/hostile_bench.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tkapp.bundle import bagit
from tkapp.bundle.canonical import canonical
from tkapp.bundle.content import BundleContent, MediaItem, RecipientSpec
from tkapp.bundle.limits import Limits
from tkapp.bundle.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    TAGMANIFEST_PATH,
    FileEntry,
    parse_manifest,
)
from tkapp.bundle.signing import TrustedComment, untrusted_comment
from tkapp.bundle.writer import write_bundle
from tkapp.bundle.zipread import read_index
from tkapp.bundle.zipwrite import StoredZipWriter
from tkapp.crypto.keys import KeyPair, keypair_from_seed
from tkapp.crypto.minisign import encode_public_key, sign
from tkapp.licensing.terms import from_template

CREATED = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)
MiB = 1024 * 1024


def community_key() -> KeyPair:
    seed = hashlib.sha256(b"tkapp hostile bundle key").digest()
    return keypair_from_seed(hashlib.sha256(b"hostile key id").digest()[:8], seed)


def write_pubkey(path: Path) -> Path:
    path.write_text(encode_public_key(community_key().public_key))
    return path


def _content(n_records: int) -> BundleContent:
    terms = from_template(
        "cbrl", attribution="Comunidad", contact="c@example.org", languages=("es",)
    )
    rng = uuid.UUID(int=0)
    records = []
    for i in range(n_records):
        rid = str(uuid.UUID(int=rng.int + i + 1, version=4))
        records.append((rid, {"id": rid, "title": f"R{i}", "labels": [], "access": "public"}))
    return BundleContent(
        bundle_id=str(uuid.uuid4()),
        catalogue_id="7f1d2c3b-4a59-4e68-8d7c-6b5a49382716",
        sequence=1,
        community="Comunidad Hostil",
        recipient=RecipientSpec("Ana", "Uni", "public_research", "research"),
        terms_json=terms.to_json(),
        terms_texts={"es": "Términos.\n"},
        records=records,
        media=[MediaItem(hashlib.sha256(b"m").hexdigest(), "jpg", 1, lambda: io.BytesIO(b"m"))],
    )


def tiny_records_bundle(dest: Path, n_records: int) -> Path:
    """A valid signed bundle of ``n_records`` small records (the writer's own output)."""
    write_bundle(_content(n_records), community_key(), dest, created=CREATED)
    return dest


def hostile_bundle(dest: Path, records: Sequence[bytes | Callable[[str], bytes]]) -> Path:
    """A signed bundle whose records' bytes are exactly ``records`` (any content; a callable
    is given the record's id, for records that must name it to pass the schema)."""
    draft = dest.with_name(dest.name + ".draft")
    write_bundle(_content(len(records)), community_key(), draft, created=CREATED)
    with draft.open("rb") as f:
        index = read_index(f, draft.stat().st_size, Limits())
        files: dict[str, bytes] = {}
        for rel, entry in index.entries.items():
            f.seek(entry.data_offset)
            files[rel] = f.read(entry.size)
    draft.unlink()
    manifest = parse_manifest(files[MANIFEST_PATH])
    record_paths = sorted(p for p in files if p.startswith("data/records/"))
    for path, data in zip(record_paths, records, strict=True):
        record_id = path.removeprefix("data/records/").removesuffix(".json")
        files[path] = data(record_id) if callable(data) else data
    entries = [
        FileEntry(e.path, len(files[e.path]), hashlib.sha256(files[e.path]).hexdigest())
        if e.path.startswith("data/")
        else e
        for e in manifest.files
    ]
    files["bag-info.txt"] = bagit.bag_info_txt(
        bundle_id=manifest.bundle_id,
        community=manifest.signer.community,
        created=manifest.created,
        generator=manifest.generator,
        files=entries,
    )
    files["manifest-sha256.txt"] = bagit.manifest_sha256_txt(entries)
    entries = [
        FileEntry(e.path, len(files[e.path]), hashlib.sha256(files[e.path]).hexdigest())
        for e in entries
    ]
    manifest = dataclasses.replace(manifest, files=tuple(entries))
    manifest_bytes = canonical(manifest.to_json())
    files[MANIFEST_PATH] = manifest_bytes
    comment = TrustedComment(
        bundle_uuid=manifest.bundle_uuid,
        sequence=manifest.sequence,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        community=manifest.signer.community,
    )
    key = community_key()
    files[SIGNATURE_PATH] = sign(
        manifest_bytes, key, comment.text(), untrusted_comment(key.public_key)
    ).encode()
    files[TAGMANIFEST_PATH] = bagit.tagmanifest_sha256_txt(manifest.files, manifest_bytes)
    with dest.open("wb") as out:
        writer = StoredZipWriter(out)
        for rel in sorted(files, key=lambda r: f"{index.top}/{r}".encode()):
            writer.add_bytes(f"{index.top}/{rel}", files[rel])
        writer.close()
    return dest


def many_keys(size: int) -> bytes:
    """One JSON object of about ``size`` bytes made of as many short keys as fit."""
    n = size // 11
    return b"{" + b",".join(b'"%06x":0' % i for i in range(n)) + b"}"


def many_items(size: int) -> Callable[[str], bytes]:
    """A valid record of about ``size`` bytes: its one list holds as many short strings as fit
    (the record schema is closed, so the bulk must sit in a field it knows)."""
    n = (size - 120) // 9

    def record(record_id: str) -> bytes:
        items = b",".join(b'"%06x"' % i for i in range(n))
        head = b'{"id":"%s","title":"R","withheld_fields":[' % record_id.encode()
        return head + items + b"]}"

    return record


def deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"0" + b"}" * depth
