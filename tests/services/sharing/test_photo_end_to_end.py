"""A real phone-like photo through a real export (issue 12, "Media are cleaned on the way out").

A JPEG with EXIF GPS, Artist, a camera serial, a maker note, an XMP creator and an IPTC
by-line (made by Pillow and the stock ``exiftool``) is attached to a public record that a
granted consent covers, in a real SQLCipher catalogue; ``sharing.export`` writes a ``.tkb``.
The file taken out of the bundle (read with the stdlib ``zipfile``: it is our own output) is
read by the independent ``exiftool -j``: no location and no name remain, the orientation and
colour profile that display it do, and it decodes to the same pixels (Pillow). The record's
JSON says what was removed.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.mediaclean.mediaclean_factory import (
    CREATOR,
    MARKERS,
    PERSON,
    exiftool,
    make_jpeg,
    pixels,
)
from tkapp.core.model import AccessLevel, KnowledgeRecord, Media, MediaKind, Place, Sensitivity
from tkapp.services import sharing
from tkapp.services.catalogue import Catalogue

from .conftest import RESEARCHER, grant_consent


def _location_keys(tags: dict[str, object]) -> list[str]:
    return [key for key in tags if "GPS" in key.upper() or "LOCATION" in key.upper()]


def test_photo_leaves_without_place_or_names_and_with_the_same_pixels(
    community: Catalogue, tmp_path: Path
) -> None:
    original = make_jpeg(tmp_path)
    # The test photo really carries what must not leave (so this test can fail).
    before = exiftool(original)
    assert _location_keys(before)
    assert PERSON in json.dumps(before, ensure_ascii=False)
    assert CREATOR in json.dumps(before, ensure_ascii=False)

    record = community.add_record(
        KnowledgeRecord(
            "Chuchuwasi",
            access=AccessLevel.PUBLIC,
            place=Place(latitude=-0.2299, longitude=-78.5249, sensitivity=Sensitivity.HIGH),
        )
    )
    grant_consent(community, [record.id])
    media = community.add_media(
        Media(
            kind=MediaKind.PHOTO,
            mime_type="image/jpeg",
            file_name="IMG_0001.jpg",
            record_id=record.id,
            caption="Corteza",
        ),
        io.BytesIO(original),
    )
    plan = sharing.plan_export(community, [record.id], RESEARCHER, "research")
    assert [p.record_id for p in plan.included] == [record.id]
    [released] = plan.included[0].media
    assert released.included and not released.confirmed
    assert {"exif_gps", "exif_names"} <= set(released.removed)

    dest = tmp_path / "ana.tkb"
    result = sharing.export(community, plan, dest)
    assert result.media == 1

    with zipfile.ZipFile(dest) as archive:
        names = archive.namelist()
        [photo_name] = [n for n in names if "/data/media/" in n and n.endswith(".jpg")]
        bundled = archive.read(photo_name)
        [record_name] = [n for n in names if n.endswith(f"/data/records/{record.id}.json")]
        record_json = json.loads(archive.read(record_name))
    assert bundled != original
    assert media.sha256 != released.sha256 and photo_name.endswith(f"{released.sha256}.jpg")

    # The independent reader finds no location and no name.
    after = exiftool(bundled)
    assert _location_keys(after) == []
    text = json.dumps(after, ensure_ascii=False)
    assert [m for m in MARKERS if m in text or m.encode() in bundled] == []
    # What displays the photo stays: its orientation and colour profile.
    assert after["IFD0:Orientation"] == "Rotate 90 CW"
    assert after["ICC_Profile:ProfileDescription"] == "sRGB built-in"
    # Segments removed, nothing re-encoded: the same pixels.
    assert pixels(bundled) == pixels(original)

    # The bundle says what was removed.
    [described] = record_json["media"]
    assert {"exif_gps", "exif_names"} <= set(described["metadata_removed"])
    assert described["metadata_not_cleaned"] is False
