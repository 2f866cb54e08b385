"""MP3, Ogg, FLAC, M4A/MP4 and WAV made with ffmpeg, tagged with mutagen and exiftool: after
cleaning, neither reader finds a tag, a place or a name, and the samples decode the same."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import mutagen
import pytest
from mediaclean_factory import (
    CREATOR,
    LOCALITY,
    PERSON,
    clean,
    cover_jpeg,
    decoded_md5,
    exiftool,
    ffmpeg,
    leaks,
    vorbis_picture_block,
)
from mutagen.apev2 import APEv2
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, COMM, ID3, TIT2, TPE1, TXXX
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

SINE = ("-f", "lavfi", "-i", "sine=frequency=440:duration=1")
PICTURE_FIELDS = ("Picture", "CoverArt")
QUICKTIME_PLACE = (
    "-UserData:GPSCoordinates=-0.2299, -78.5249",  # ©xyz in moov/udta (outside ilst)
    "-Keys:GPSCoordinates=-0.2299, -78.5249",  # Apple mdta keys in moov/meta
    f"-Keys:Author={PERSON}",
    f"-XMP-dc:Creator={CREATOR}",  # XMP uuid box
)


def _vorbis_tags(tags: mutagen.Tags) -> None:
    tags["title"] = "Secret title"
    tags["artist"] = PERSON
    tags["comment"] = LOCALITY
    tags["location"] = "0.2299 S 78.5249 W"
    tags["metadata_block_picture"] = [vorbis_picture_block()]


def _mp4_tags(path: Path) -> None:
    audio = MP4(path)
    audio["\xa9nam"] = "Secret title"
    audio["\xa9ART"] = PERSON
    audio["\xa9cmt"] = LOCALITY
    audio["covr"] = [MP4Cover(cover_jpeg(), MP4Cover.FORMAT_JPEG)]
    audio["----:com.apple.iTunes:LOCATION"] = [MP4FreeForm(b"0.2299 S 78.5249 W")]
    audio.save()


def _exiftool_write(path: Path, *args: str) -> None:
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", *args, str(path)], check=True, capture_output=True
    )


@pytest.fixture(scope="session")
def mp3(media_dir: Path) -> bytes:
    path = ffmpeg(media_dir / "a.mp3", *SINE, "-c:a", "libmp3lame", "-b:a", "64k")
    tags = ID3()
    tags.add(TIT2(text="Secret title"))
    tags.add(TPE1(text=PERSON))
    tags.add(COMM(lang="spa", desc="", text=LOCALITY))
    tags.add(TXXX(desc="LOCATION", text="0.2299 S 78.5249 W"))
    tags.add(APIC(mime="image/jpeg", type=3, desc="cover", data=cover_jpeg()))
    ape = APEv2()
    ape["Artist"] = PERSON
    ape.save(path)
    tags.save(path, v1=2)  # ID3v2 at the front and ID3v1 at the very end
    return path.read_bytes()


@pytest.fixture(scope="session")
def flac(media_dir: Path) -> bytes:
    path = ffmpeg(media_dir / "a.flac", *SINE, "-c:a", "flac")
    audio = FLAC(path)
    _vorbis_tags(audio.tags)
    del audio.tags["metadata_block_picture"]
    picture = Picture()
    picture.type, picture.mime, picture.desc, picture.data = 3, "image/jpeg", PERSON, cover_jpeg()
    audio.add_picture(picture)
    audio.save()
    return path.read_bytes()


@pytest.fixture(scope="session", params=["vorbis", "opus"])
def ogg(media_dir: Path, request: pytest.FixtureRequest) -> bytes:
    codec = "libvorbis" if request.param == "vorbis" else "libopus"
    path = ffmpeg(media_dir / f"a-{request.param}.ogg", *SINE, "-c:a", codec)
    audio = mutagen.File(path)
    _vorbis_tags(audio.tags)
    audio.save()
    return path.read_bytes()


@pytest.fixture(scope="session")
def m4a(media_dir: Path) -> bytes:
    path = ffmpeg(media_dir / "a.m4a", *SINE, "-c:a", "aac", "-b:a", "64k")
    _mp4_tags(path)
    _exiftool_write(path, *QUICKTIME_PLACE)
    return path.read_bytes()


@pytest.fixture(scope="session", params=["moov-first", "moov-last"])
def mp4(media_dir: Path, request: pytest.FixtureRequest) -> bytes:
    """A small video; "moov-first" makes the cleaner move every chunk offset."""
    flags = ["-movflags", "+faststart"] if request.param == "moov-first" else []
    path = ffmpeg(
        media_dir / f"v-{request.param}.mp4",
        "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10",
        *SINE, "-t", "1", "-c:v", "mpeg4", "-c:a", "aac",
        "-metadata", "creation_time=2024-05-01T10:00:00Z",
        "-metadata", "location=-00.2299-078.5249/",
        *flags,
    )  # fmt: skip
    _mp4_tags(path)
    if request.param == "moov-first":
        _exiftool_write(path, *QUICKTIME_PLACE)  # exiftool writes moov first
    data = path.read_bytes()
    moov, mdat = data.find(b"moov"), data.find(b"mdat")
    assert (moov < mdat) == (request.param == "moov-first")
    return data


@pytest.fixture(scope="session")
def wav(media_dir: Path) -> bytes:
    path = ffmpeg(
        media_dir / "a.wav", *SINE, "-c:a", "pcm_s16le",
        "-metadata", f"artist={PERSON}", "-metadata", f"comment={LOCALITY}",
        "-write_bext", "1", "-metadata", f"originator={CREATOR}",
    )  # fmt: skip
    return path.read_bytes()


def _assert_clean(original: bytes, cleaned: bytes) -> None:
    assert leaks(original), "the test file should carry the markers"
    assert leaks(cleaned) == []
    tags = exiftool(cleaned)
    assert not [key for key in tags if any(part in key for part in PICTURE_FIELDS)]
    assert not [key for key in tags if "GPS" in key or "XMP" in key or "Location" in key]
    reread = mutagen.File(io.BytesIO(cleaned))
    assert reread is not None
    assert not reread.tags, reread.tags
    # Same decoded samples: the sound is intact and just as long.
    assert decoded_md5(cleaned, "a") == decoded_md5(original, "a")


def test_mp3_loses_id3v2_id3v1_and_ape(mp3: bytes) -> None:
    assert mp3.startswith(b"ID3") and mp3[-128:-125] == b"TAG"
    cleaned, report = clean(mp3, "audio/mpeg")
    _assert_clean(mp3, cleaned)
    assert b"APETAGEX" not in cleaned and b"TAG" not in cleaned[-128:]
    assert report.removed == ("ape", "id3") and report.lossless


def test_flac_loses_comments_and_pictures(flac: bytes) -> None:
    cleaned, report = clean(flac, "audio/flac")
    _assert_clean(flac, cleaned)
    assert FLAC(io.BytesIO(cleaned)).pictures == []
    assert report.removed == ("flac_picture", "vorbis_comment")


def test_ogg_loses_comments_and_pictures(ogg: bytes) -> None:
    cleaned, report = clean(ogg, "audio/ogg")
    _assert_clean(ogg, cleaned)
    assert report.removed == ("vorbis_comment",)


def test_m4a_loses_ilst_tags_and_the_quicktime_place(m4a: bytes) -> None:
    cleaned, report = clean(m4a, "audio/mp4")
    _assert_clean(m4a, cleaned)
    assert set(report.removed) >= {"mp4_tags", "mp4_location", "xmp"}


def test_mp4_video_keeps_its_frames_and_loses_place_tags_and_times(mp4: bytes) -> None:
    assert b"\xa9xyz" in mp4 or b"loci" in mp4  # QuickTime and 3GPP place boxes
    cleaned, report = clean(mp4, "video/mp4")
    _assert_clean(mp4, cleaned)
    assert decoded_md5(cleaned, "v") == decoded_md5(mp4, "v")
    for box in (b"\xa9xyz", b"loci", b"udta", b"ilst"):
        assert box not in cleaned
    tags = exiftool(cleaned)
    assert tags["QuickTime:CreateDate"] == "0000:00:00 00:00:00"
    assert set(report.removed) >= {"mp4_tags", "mp4_location", "mp4_time"}


def test_mutagen_alone_leaves_the_quicktime_place_behind(mp4: bytes, tmp_path: Path) -> None:
    """Why MP4 is cleaned by our own box rewrite: mutagen's delete() only empties ``ilst``."""
    path = tmp_path / "v.mp4"
    path.write_bytes(mp4)
    MP4(path).delete()
    left = exiftool(path.read_bytes())
    assert not [key for key in left if key.startswith("ItemList:")]  # ilst: emptied
    # ©xyz or loci in moov/udta survive mutagen.
    assert "UserData:GPSCoordinates" in left or "UserData:LocationInformation" in left
    if b"uuid" in mp4:
        assert "Keys:GPSCoordinates" in left  # Apple mdta keys in moov/meta
        assert "XMP-dc:Creator" in left  # XMP uuid box


def test_wav_loses_info_and_xmp_chunks(wav: bytes) -> None:
    cleaned, report = clean(wav, "audio/wav")
    _assert_clean(wav, cleaned)
    assert set(report.removed) == {"riff_info", "riff_bext"}


def test_audio_cleaning_is_idempotent(mp3: bytes, flac: bytes, m4a: bytes, wav: bytes) -> None:
    for original, mime in (
        (mp3, "audio/mpeg"),
        (flac, "audio/flac"),
        (m4a, "audio/mp4"),
        (wav, "audio/wav"),
    ):
        once, _ = clean(original, mime)
        twice, report = clean(once, mime)
        assert twice == once, mime
        assert report.removed == (), mime


def test_report_json_ready(m4a: bytes) -> None:
    _, report = clean(m4a, "audio/mp4")
    assert json.loads(json.dumps(list(report.removed))) == list(report.removed)


def test_ffmpeg_and_exiftool_are_the_tools_in_use() -> None:
    assert shutil.which("ffmpeg") and shutil.which("exiftool") and shutil.which("ffprobe")
