"""Media streamed in chunks: bounded memory, seekable reads, atomic add."""

from __future__ import annotations

import hashlib
import io
import tracemalloc

import pytest

from tkapp.core.model import KnowledgeRecord, Media, MediaKind
from tkapp.errors import Cancelled, NotFound, ValidationError
from tkapp.services.catalogue import Catalogue
from tkapp.store.media import CHUNK_SIZE


class Generated(io.RawIOBase):
    """``size`` pseudo-random bytes produced on the fly (never held whole)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pos = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.size - self.pos)
        if n <= 0:
            return 0
        block = hashlib.sha256(str(self.pos).encode()).digest() * (n // 32 + 1)
        buffer[:n] = block[:n]
        self.digest.update(block[:n])
        self.pos += n
        return n


def test_large_stream_in_and_out_with_bounded_memory(cat: Catalogue) -> None:
    rec = cat.add_record(KnowledgeRecord("Video"))
    size = 50 * 1024 * 1024 + 12345
    source = Generated(size)
    seen: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        media = cat.add_media(
            Media(MediaKind.VIDEO, "video/mp4", "fiesta.mp4", record_id=rec.id),
            io.BufferedReader(source),
            progress=lambda done, total: seen.append((done, total)),
        )
        _, peak_in = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = hashlib.sha256()
        total = 0
        with cat.open_media(media.id) as reader:
            while block := reader.read(1024 * 1024):
                out.update(block)
                total += len(block)
        _, peak_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert media.size == size == total
    assert media.sha256 == source.digest.hexdigest() == out.hexdigest()
    assert seen[-1][0] == size
    # A few chunks at most, never the 50 MB.
    assert peak_in < 8 * CHUNK_SIZE, peak_in
    assert peak_out < 12 * CHUNK_SIZE, peak_out
    assert cat.get_media(media.id).sha256 == media.sha256


def test_reader_seeks_across_chunks(cat: Catalogue) -> None:
    data = bytes(range(256)) * (3 * CHUNK_SIZE // 256 + 7)
    media = cat.add_media(Media(MediaKind.DOCUMENT, "application/pdf", "a.pdf"), io.BytesIO(data))
    reader = cat.open_media(media.id)
    assert reader.seekable()
    for offset, length in [
        (0, 10),
        (CHUNK_SIZE - 5, 10),
        (2 * CHUNK_SIZE + 3, CHUNK_SIZE),
        (len(data) - 4, 100),
    ]:
        reader.seek(offset)
        assert reader.read(length) == data[offset : offset + length]
    reader.seek(-3, io.SEEK_END)
    assert reader.read() == data[-3:]
    assert reader.read() == b""
    reader.seek(0)
    assert reader.read() == data
    reader.close()


def test_empty_media(cat: Catalogue) -> None:
    media = cat.add_media(Media(MediaKind.DOCUMENT, "text/plain", "e.txt"), io.BytesIO(b""))
    assert media.size == 0
    assert media.sha256 == hashlib.sha256(b"").hexdigest()
    assert cat.open_media(media.id).read() == b""


def test_cancel_leaves_nothing(cat: Catalogue) -> None:
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        cat.add_media(
            Media(MediaKind.VIDEO, "video/mp4", "v.mp4"),
            io.BytesIO(b"x" * (5 * CHUNK_SIZE)),
            cancel=lambda: next(calls) >= 2,
        )
    assert cat.list_media() == []
    assert cat._db.conn.execute("SELECT count(*) FROM media_chunk").fetchone()[0] == 0
    assert cat.check().ok


def test_update_and_delete_media(cat: Catalogue) -> None:
    rec = cat.add_record(KnowledgeRecord("A"))
    media = cat.add_media(
        Media(MediaKind.PHOTO, "image/png", "a.png", record_id=rec.id), io.BytesIO(b"abc")
    )
    media.caption = "Hojas"
    media.size = 999  # ignored: the bytes decide
    updated = cat.update_media(media)
    assert updated.caption == "Hojas" and updated.size == 3
    assert cat.list_media(record_id=rec.id) == [updated]
    cat.delete_media(media.id)
    with pytest.raises(NotFound):
        cat.open_media(media.id)
    with pytest.raises(ValidationError):
        cat.add_media(Media(MediaKind.PHOTO, "png", "a.png"), io.BytesIO(b""))
    with pytest.raises(ValidationError):
        cat.add_media(
            Media(MediaKind.PHOTO, "image/png", "a.png", record_id="nope"), io.BytesIO(b"")
        )


def test_reader_after_lock_fails_cleanly(cat: Catalogue) -> None:
    media = cat.add_media(
        Media(MediaKind.DOCUMENT, "text/plain", "a.txt"), io.BytesIO(b"y" * (2 * CHUNK_SIZE))
    )
    reader = cat.open_media(media.id)
    reader.read(10)
    cat.close()
    with pytest.raises(ValueError):
        reader.read()
