"""Export and verify touch each byte once (issue 19), checked by structure, never by time.

The export reads every media chunk from the catalogue exactly once (counted through a trace
callback on the store's connection), and the verifier looks manifest entries up by path in a
mapping, not by scanning the file list per record.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tkapp.bundle.manifest import Manifest
from tkapp.bundle.verifier import verify_bundle
from tkapp.core.model import AccessLevel, KnowledgeRecord, Media, MediaKind
from tkapp.services import keys, sharing
from tkapp.services.catalogue import Catalogue
from tkapp.store.media import CHUNK_SIZE

from .conftest import RESEARCHER, grant_consent

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
_CHUNK_READ = re.compile(r"SELECT bytes FROM media_chunk WHERE media_rowid = (\d+) AND seq = (\d+)")


def test_export_reads_each_media_chunk_once(community: Catalogue, tmp_path: Path) -> None:
    sizes = (3 * CHUNK_SIZE + 17, CHUNK_SIZE, 5)
    media_ids = []
    for n, size in enumerate(sizes):
        record = community.add_record(KnowledgeRecord(f"Canto {n}", access=AccessLevel.PUBLIC))
        grant_consent(community, [record.id])
        media = community.add_media(
            Media(MediaKind.AUDIO, "audio/ogg", f"canto{n}.ogg", record_id=record.id),
            io.BytesIO(bytes([n + 1]) * size),
        )
        media_ids.append(media.id)
    # Opaque bytes cannot be cleaned: the custodian sends them as they are (read once).
    plan = sharing.plan_export(community, None, RESEARCHER, "research", confirmed_media=media_ids)
    reads: Counter[tuple[int, int]] = Counter()

    def trace(sql: str) -> None:
        match = _CHUNK_READ.search(sql)
        if match:
            reads[(int(match.group(1)), int(match.group(2)))] += 1

    conn = community._db.conn
    conn.set_trace_callback(trace)
    try:
        result = sharing.export(community, plan, tmp_path / "out.tkb", created=FIXED)
    finally:
        conn.set_trace_callback(None)
    chunks = sum(-(-size // CHUNK_SIZE) for size in sizes)
    assert len(reads) == chunks  # every chunk was read...
    assert set(reads.values()) == {1}  # ...exactly once
    with verify_bundle(
        result.path, trust=None, trust_key=keys.public_key(community), now=FIXED
    ) as report:
        assert len([f for f in report.manifest.files if f.path.startswith("data/media/")]) == 3


class _CountingFiles(tuple):  # type: ignore[type-arg]
    """A file list that counts how often it is walked."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).walks += 1
        return super().__iter__()


def test_manifest_lookup_is_a_mapping(community: Catalogue, tmp_path: Path) -> None:
    for n in range(30):
        record = community.add_record(KnowledgeRecord(f"Relato {n}", access=AccessLevel.PUBLIC))
        grant_consent(community, [record.id])
    plan = sharing.plan_export(community, None, RESEARCHER, "research")
    result = sharing.export(community, plan, tmp_path / "out.tkb", created=FIXED)
    with verify_bundle(
        result.path, trust=None, trust_key=keys.public_key(community), now=FIXED
    ) as report:
        manifest: Manifest = report.manifest
    counted = dataclasses.replace(manifest, files=_CountingFiles(manifest.files))
    paths = [entry.path for entry in manifest.files]
    _CountingFiles.walks = 0
    for path in paths:
        assert counted.file(path) == manifest.file(path)
    assert counted.file("data/records/missing.json") is None
    # One walk builds the mapping; every lookup after it is a dictionary access.
    assert _CountingFiles.walks == 1
    assert isinstance(counted.files_by_path, dict)
