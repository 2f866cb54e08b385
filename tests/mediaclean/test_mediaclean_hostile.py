"""Hostile or unknown input: always a MediaNotCleanable with a reason, never another error."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mediaclean_factory import (
    HashSink,
    Synthetic,
    box,
    clean,
    ffmpeg,
    ftyp,
    mp4_index,
)

from tkapp.errors import MediaNotCleanable, TkError
from tkapp.i18n.messages import describe_error
from tkapp.mediaclean import MAX_TAGGED, clean_media, describe_reason


def _refused(data: bytes, mime: str) -> str:
    with pytest.raises(MediaNotCleanable) as caught:
        clean(data, mime)
    return caught.value.reason


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.mark.parametrize("cut", [3, 20, 200, -300, -2])
def test_truncated_jpeg(phone_jpeg: bytes, cut: int) -> None:
    assert _refused(phone_jpeg[:cut], "image/jpeg") in ("malformed", "unsupported_format")


@pytest.mark.parametrize("cut", [12, 40, -40, -12, -1])
def test_truncated_png(tagged_png: bytes, cut: int) -> None:
    assert _refused(tagged_png[:cut], "image/png") == "malformed"


def test_png_with_a_bad_crc(tagged_png: bytes) -> None:
    at = tagged_png.index(b"IDAT") + 10
    damaged = tagged_png[:at] + bytes([tagged_png[at] ^ 0x01]) + tagged_png[at + 1 :]
    assert _refused(damaged, "image/png") == "malformed"


def test_png_with_a_huge_declared_length(tagged_png: bytes) -> None:
    at = tagged_png.index(b"IDAT") - 4
    damaged = tagged_png[:at] + struct.pack(">I", 0x7FFFFFF0) + tagged_png[at + 4 :]
    assert _refused(damaged, "image/png") == "malformed"


def test_png_with_an_unknown_critical_chunk(tagged_png: bytes) -> None:
    at = tagged_png.index(b"IDAT") - 4
    damaged = tagged_png[:at] + _png_chunk(b"ZZZZ", b"x") + tagged_png[at:]
    assert _refused(damaged, "image/png") == "unsupported_format"


def test_box_size_pointing_past_the_end() -> None:
    moov = mp4_index([100])
    damaged = moov[:0] + struct.pack(">I", len(moov) + 10_000) + moov[4:]
    assert _refused(ftyp() + damaged + box(b"mdat", bytes(64)), "video/mp4") == "malformed"


def test_box_with_a_huge_64_bit_size() -> None:
    huge = struct.pack(">I4sQ", 1, b"mdat", 1 << 62)
    assert _refused(ftyp() + mp4_index([100]) + huge + bytes(32), "video/mp4") == "malformed"


def test_child_box_larger_than_its_parent() -> None:
    moov = bytearray(mp4_index([100]))
    at = moov.index(b"trak") - 4
    moov[at : at + 4] = struct.pack(">I", len(moov))
    assert _refused(ftyp() + bytes(moov) + box(b"mdat", bytes(64)), "video/mp4") == "malformed"


def test_chunk_offset_outside_the_media_data() -> None:
    data = ftyp() + mp4_index([4]) + box(b"mdat", bytes(64))  # offset 4 is inside ftyp
    assert _refused(data, "video/mp4") == "malformed"


def test_gps_track_in_a_video_is_refused_not_half_cleaned() -> None:
    head = ftyp() + mp4_index([0], handler=b"meta", entry=b"gpmd")
    assert _refused(head + box(b"mdat", bytes(64)), "video/mp4") == "timed_metadata"


def test_fragmented_mp4_is_refused() -> None:
    data = ftyp() + mp4_index([]) + box(b"moof", bytes(16)) + box(b"mdat", bytes(16))
    assert _refused(data, "video/mp4") == "unsupported_format"


def test_wav_chunk_size_past_the_end(media_dir: Path) -> None:
    wav = ffmpeg(media_dir / "plain.wav", "-f", "lavfi", "-i", "sine=duration=0.1").read_bytes()
    at = wav.index(b"data") + 4
    damaged = wav[:at] + struct.pack("<I", 0xFFFFFFF0) + wav[at + 4 :]
    assert _refused(damaged, "audio/wav") == "malformed"


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
        (b"GIF89a" + bytes(40), "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(8), "image/webp"),
        (box(b"ftyp", b"heic", bytes(4), b"mif1heic") + bytes(16), "image/heic"),
        (b"plain text about the garden", "text/plain"),
        (b"", "image/jpeg"),
    ],
)
def test_unknown_formats_are_unsupported(data: bytes, mime: str) -> None:
    assert _refused(data, mime) == "unsupported_format"


def test_content_and_declared_type_must_agree(phone_jpeg: bytes, tagged_png: bytes) -> None:
    assert _refused(phone_jpeg, "image/png") == "malformed"
    assert _refused(tagged_png, "audio/mpeg") == "malformed"
    assert _refused(phone_jpeg, "application/octet-stream") == "malformed"


def test_too_large_for_the_in_memory_cleaners() -> None:
    frame = b"\xff\xfb\x90\x64" + bytes(413)  # an MPEG-1 layer III frame header
    stream = Synthetic(frame, bytes(1 << 20), (MAX_TAGGED >> 20) + 1, b"")
    with pytest.raises(MediaNotCleanable) as caught:
        clean_media(stream, HashSink(), "audio/mpeg")
    assert caught.value.reason == "too_large"


def test_the_error_reads_as_plain_words() -> None:
    error = MediaNotCleanable("malformed", "PNG chunk CRC mismatch")
    assert isinstance(error, TkError) and error.code == "media_not_cleanable"
    assert "PNG chunk CRC mismatch" in describe_error(error)
    assert describe_reason("timed_metadata").startswith("the video carries")


class _Samples(list[tuple[bytes, str]]):
    def __repr__(self) -> str:  # keeps Hypothesis' failure report readable
        return f"<{len(self)} sample files>"


@pytest.fixture(scope="session")
def samples(media_dir: Path, phone_jpeg: bytes, tagged_png: bytes) -> _Samples:
    sine = ("-f", "lavfi", "-i", "sine=duration=0.2")
    made = [
        (ffmpeg(media_dir / "f.mp3", *sine, "-c:a", "libmp3lame"), "audio/mpeg"),
        (ffmpeg(media_dir / "f.ogg", *sine, "-c:a", "libvorbis"), "audio/ogg"),
        (ffmpeg(media_dir / "f.flac", *sine), "audio/flac"),
        (ffmpeg(media_dir / "f.m4a", *sine, "-c:a", "aac", "-movflags", "+faststart"), "audio/mp4"),
        (ffmpeg(media_dir / "f.wav", *sine), "audio/wav"),
    ]
    return _Samples(
        [(phone_jpeg, "image/jpeg"), (tagged_png, "image/png")]
        + [(path.read_bytes(), mime) for path, mime in made]
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=6),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
    insert=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.binary(max_size=16))),
)
def test_mutated_inputs_clean_or_refuse(
    samples: _Samples,
    which: int,
    flips: list[tuple[float, int]],
    cut: float | None,
    insert: tuple[float, bytes] | None,
) -> None:
    original, mime = samples[which]
    data = bytearray(original)
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    if insert is not None:
        at = int(insert[0] * len(data))
        data[at:at] = insert[1]
    if cut is not None:
        del data[int(cut * len(data)) :]
    try:
        report = clean_media(io.BytesIO(bytes(data)), io.BytesIO(), mime)
    except MediaNotCleanable as refused:
        assert refused.reason in ("malformed", "unsupported_format", "timed_metadata")
    else:
        assert report.lossless
