"""MP3, Ogg (Vorbis, Opus, FLAC, Speex, Theora) and FLAC: tags removed with ``mutagen``.

mutagen edits files in place, so the original is copied into memory first (never to disk)
and the cleaned copy is written out; files above ``MAX_TAGGED`` are refused as too large.
Beyond what mutagen's ``delete`` does, FLAC also loses its pictures and application blocks
(``delete`` keeps both), and Ogg files with more than one stream are refused (mutagen only
sees the first stream's comments).
"""

from __future__ import annotations

import io
from typing import BinaryIO

import mutagen
import mutagen.apev2
import mutagen.flac
import mutagen.id3
import mutagen.mp3
import mutagen.ogg
import mutagen.oggflac
import mutagen.oggopus
import mutagen.oggspeex
import mutagen.oggtheora
import mutagen.oggvorbis

from tkapp.errors import MediaNotCleanable
from tkapp.mediaclean._io import CHUNK, copy_exact, malformed, remaining
from tkapp.mediaclean._report import CleanReport, Findings

MAX_TAGGED = 512 << 20
_OGG_KINDS = (
    mutagen.oggvorbis.OggVorbis,
    mutagen.oggopus.OggOpus,
    mutagen.oggflac.OggFLAC,
    mutagen.oggspeex.OggSpeex,
    mutagen.oggtheora.OggTheora,
)
_FLAC_STREAMINFO, _FLAC_APPLICATION, _FLAC_COMMENT, _FLAC_PICTURE = 0, 2, 4, 6


def clean_tagged(src: BinaryIO, dst: BinaryIO, kind: str) -> CleanReport:
    size = remaining(src)
    if size > MAX_TAGGED:
        raise MediaNotCleanable("too_large", f"above {MAX_TAGGED >> 20} MiB")
    buffer = io.BytesIO()
    copy_exact(src, buffer, size)
    found = Findings()
    buffer.seek(0)
    try:
        if kind == "mp3":
            _mp3(buffer, found)
        elif kind == "flac":
            _flac(buffer, found)
        else:
            _ogg(buffer, found)
    except MediaNotCleanable:
        raise
    except Exception as error:
        # mutagen parses untrusted bytes; whatever it trips on means "we cannot clean this".
        raise malformed(f"{kind}: {type(error).__name__}") from error
    view = buffer.getbuffer()
    for start in range(0, len(view), CHUNK):
        dst.write(view[start : start + CHUNK])
    view.release()
    return found.report()


def _mp3(buffer: io.BytesIO, found: Findings) -> None:
    mutagen.mp3.MP3(buffer)  # refuses what is not MPEG audio
    buffer.seek(0)
    try:
        mutagen.apev2.APEv2(buffer)
    except mutagen.apev2.APENoHeaderError:
        pass
    else:
        found.removed("ape")
        buffer.seek(0)
        mutagen.apev2.delete(buffer)
    buffer.seek(0)
    head = buffer.read(3)
    buffer.seek(max(0, buffer.seek(0, io.SEEK_END) - 128))
    if head == b"ID3" or buffer.read(3) == b"TAG":
        found.removed("id3")
    buffer.seek(0)
    mutagen.id3.delete(buffer)
    buffer.seek(0)
    mutagen.mp3.MP3(buffer)  # still MPEG audio after the tags went


def _flac(buffer: io.BytesIO, found: Findings) -> None:
    audio = mutagen.flac.FLAC(buffer)
    codes = {block.code for block in audio.metadata_blocks}
    if _FLAC_COMMENT in codes and audio.tags:
        found.removed("vorbis_comment")
    if _FLAC_PICTURE in codes:
        found.removed("flac_picture")
    if _FLAC_APPLICATION in codes:
        found.removed("flac_application")
    # Only the stream's own description, its seek table and cue sheet stay.
    audio.metadata_blocks[:] = [
        block
        for block in audio.metadata_blocks
        if block.code not in (_FLAC_COMMENT, _FLAC_PICTURE, _FLAC_APPLICATION)
    ]
    audio.tags = None
    buffer.seek(0)
    had_id3 = buffer.read(3) == b"ID3"
    buffer.seek(0)
    audio.save(buffer, deleteid3=True, padding=lambda info: 0)
    if had_id3:
        found.removed("id3")
    buffer.seek(0)
    mutagen.flac.FLAC(buffer)


def _ogg(buffer: io.BytesIO, found: Findings) -> None:
    _refuse_multiplexed(buffer)
    buffer.seek(0)
    audio = mutagen.File(buffer, options=_OGG_KINDS)
    if audio is None:
        raise MediaNotCleanable("unsupported_format", "unknown Ogg stream")
    tags = audio.tags
    if tags is not None and (list(tags) or _has_picture(tags)):
        found.removed("vorbis_comment")
    buffer.seek(0)
    audio.delete(buffer)


def _has_picture(tags: object) -> bool:
    return bool(getattr(tags, "get", lambda key: None)("metadata_block_picture"))


def _refuse_multiplexed(buffer: io.BytesIO) -> None:
    buffer.seek(0)
    serials: set[int] = set()
    while True:
        try:
            page = mutagen.ogg.OggPage(buffer)
        except EOFError:
            break
        serials.add(page.serial)
        if len(serials) > 1:
            raise MediaNotCleanable("unsupported_format", "Ogg file with several streams")
    if not serials:
        raise malformed("no Ogg pages")
