"""The demo catalogue."""

from __future__ import annotations

import io
import wave
from pathlib import Path

from tkapp.core.model import AccessLevel, MediaKind
from tkapp.services.demo import create_demo, leaf_png, tones_wav


def test_demo_catalogue(tmp_path: Path) -> None:
    with create_demo(tmp_path / "demo.tkc", "demo passphrase") as cat:
        stats = cat.stats()
        assert 25 <= stats.records <= 35
        assert stats.media >= 5 and stats.consents >= 2 and stats.persons >= 5
        summaries = cat.summaries(cat.search_ids())
        levels = {s.access for s in summaries}
        assert levels == set(AccessLevel)
        assert {"tkss", "tkcs", "tka"} <= {label for s in summaries for label in s.labels}
        assert any(p.deceased for p in cat.list_persons())
        review = [v for t in cat.list_taxa() for v in t.vernacular_names if v.community_review]
        assert review and all(v.language == "qu" for v in review)
        assert len(cat.search_ids("corteza")) >= 2
        assert cat.search_ids("una de gato")
        audio = [m for m in cat.list_media() if m.kind is MediaKind.AUDIO]
        assert audio and audio[0].content_warning
        with wave.open(io.BytesIO(cat.open_media(audio[0].id).read())) as clip:
            assert clip.getnframes() / clip.getframerate() > 1.0
        photo = next(m for m in cat.list_media() if m.kind is MediaKind.PHOTO)
        assert cat.open_media(photo.id).read(8) == b"\x89PNG\r\n\x1a\n"
        assert cat.check().ok


def test_generated_media_are_valid() -> None:
    png = leaf_png((10, 100, 10), (200, 240, 200), size=32)
    assert png.startswith(b"\x89PNG") and png.endswith(b"IEND\xaeB`\x82")
    with wave.open(io.BytesIO(tones_wav(0.5))) as clip:
        assert clip.getnchannels() == 1 and clip.getsampwidth() == 2
