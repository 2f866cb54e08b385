"""JPEG and PNG: metadata removed by segment/chunk rewrite, pixels and display info kept."""

from __future__ import annotations

import io

import pytest
from mediaclean_factory import (
    CREATOR,
    PERSON,
    SERIAL,
    clean,
    exiftool,
    leaks,
    pixels,
)
from PIL import Image

from tkapp.i18n import set_language
from tkapp.mediaclean import describe_removed

# Tag names an independent reader must no longer find in a cleaned file.
FORBIDDEN_TAG_PARTS = (
    "GPS",
    "Artist",
    "Creator",
    "Copyright",
    "Serial",
    "MakerNote",
    "XMP",
    "Comment",
    "By-line",
    "OwnerName",
    "Author",
    "Description",
    "Make",
    "Model",
    "ModifyDate",
    "IPTC",
)


def _forbidden_tags(tags: dict[str, object]) -> list[str]:
    # The colour profile is kept on purpose: its own header names its maker and model fields.
    return [
        key
        for key in tags
        if any(part in key for part in FORBIDDEN_TAG_PARTS) and not key.startswith("ICC")
    ]


def test_the_test_photo_really_carries_the_metadata(phone_jpeg: bytes) -> None:
    tags = exiftool(phone_jpeg)
    assert tags["IFD0:Artist"] == PERSON
    assert tags["ExifIFD:SerialNumber"] == SERIAL
    assert tags["XMP-dc:Creator"] == CREATOR
    assert "GPS:GPSLatitude" in tags and "ExifIFD:MakerNoteUnknownText" in tags
    assert "File:Comment" in tags and "IPTC:By-line" in tags
    assert len(_forbidden_tags(tags)) > 10


def test_jpeg_loses_location_names_serials_and_text(phone_jpeg: bytes) -> None:
    cleaned, report = clean(phone_jpeg, "image/jpeg")
    tags = exiftool(cleaned)
    assert _forbidden_tags(tags) == []
    assert leaks(cleaned) == []
    assert tags["IFD0:Orientation"] == "Rotate 90 CW"
    assert tags["ICC_Profile:ProfileDescription"] == "sRGB built-in"
    assert set(report.removed) >= {
        "exif_gps",
        "exif_names",
        "exif_device_serial",
        "exif_maker_note",
        "exif_other",
        "xmp",
        "iptc",
        "jpeg_comment",
    }
    assert report.kept == ("icc_profile", "orientation")
    assert report.lossless


def test_jpeg_decodes_to_the_same_pixels_and_profile(phone_jpeg: bytes) -> None:
    cleaned, _ = clean(phone_jpeg, "image/jpeg")
    assert pixels(cleaned) == pixels(phone_jpeg)
    with Image.open(io.BytesIO(phone_jpeg)) as image:
        profile = image.info["icc_profile"]
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.info["icc_profile"] == profile
        assert image.getexif()[0x0112] == 6


def test_jpeg_without_rotation_gets_no_exif_at_all() -> None:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = PERSON
    Image.new("L", (16, 16), 128).save(out, format="JPEG", exif=exif)
    cleaned, report = clean(out.getvalue(), "image/jpeg")
    assert b"Exif" not in cleaned and PERSON.encode() not in cleaned
    assert report.removed == ("exif_names",) and report.kept == ()


def test_cleaning_is_idempotent(phone_jpeg: bytes, tagged_png: bytes) -> None:
    for original, mime in ((phone_jpeg, "image/jpeg"), (tagged_png, "image/png")):
        once, _ = clean(original, mime)
        twice, report = clean(once, mime)
        assert twice == once
        assert report.removed == ()


def test_jpeg_trailer_after_the_end_marker_is_dropped(phone_jpeg: bytes) -> None:
    # Motion photos and multi-picture files hide a second file after the end marker.
    cleaned, report = clean(phone_jpeg + b"MOTION" + PERSON.encode(), "image/jpeg")
    assert cleaned.endswith(b"\xff\xd9") and PERSON.encode() not in cleaned
    assert "trailing_data" in report.removed


def test_progressive_jpeg_with_restart_markers_keeps_its_pixels() -> None:
    out = io.BytesIO()
    picture = Image.effect_noise((96, 80), 60).convert("RGB")
    picture.save(out, format="JPEG", progressive=True, restart_marker_rows=1, comment=b"x")
    cleaned, report = clean(out.getvalue(), "image/jpeg")
    assert pixels(cleaned) == pixels(out.getvalue())
    assert report.removed == ("jpeg_comment",)


def test_the_test_png_really_carries_the_metadata(tagged_png: bytes) -> None:
    tags = exiftool(tagged_png)
    assert tags["PNG:Author"] == PERSON
    assert tags["XMP-dc:Creator"] == CREATOR
    assert "IFD0:Artist" in tags and "GPS:GPSLatitudeRef" in tags
    assert any("Description" in key for key in tags)


def test_png_loses_text_exif_xmp_and_time(tagged_png: bytes) -> None:
    cleaned, report = clean(tagged_png, "image/png")
    tags = exiftool(cleaned)
    assert _forbidden_tags(tags) == []
    assert leaks(cleaned) == []
    assert tags["IFD0:Orientation"] == "Rotate 90 CW"
    assert tags["PNG:ProfileName"] == "ICC Profile"
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"tIME"):
        assert chunk not in cleaned
    assert set(report.removed) >= {"png_text", "png_exif", "exif_gps", "exif_names", "xmp"}
    assert report.kept == ("icc_profile", "orientation")
    assert pixels(cleaned) == pixels(tagged_png)


def test_removed_codes_read_as_plain_words_in_spanish(phone_jpeg: bytes) -> None:
    _, report = clean(phone_jpeg, "image/jpeg")
    try:
        set_language("es")
        phrases = describe_removed(report.removed)
    finally:
        set_language("en")
    assert "ubicación exacta (GPS)" in phrases
    assert len(phrases) == len(report.removed)


def test_every_removed_code_has_its_own_phrase() -> None:
    from tkapp.mediaclean import REMOVED_CODES

    phrases = describe_removed(REMOVED_CODES)
    assert len(phrases) == len(REMOVED_CODES) - 1  # vorbis_comment and id3 read alike
    assert describe_removed(["no_such_code"]) == ["other hidden information"]


@pytest.mark.parametrize("mime", ["image/jpeg", "image/JPEG; charset=binary", "image/pjpeg"])
def test_declared_type_aliases_are_accepted(phone_jpeg: bytes, mime: str) -> None:
    cleaned, _ = clean(phone_jpeg, mime)
    assert cleaned.startswith(b"\xff\xd8")
