"""What a cleaning removed and kept: stable codes, and the plain words a custodian reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tkapp.i18n import N_, translate


@dataclass(frozen=True)
class CleanReport:
    """The outcome of :func:`tkapp.mediaclean.clean_media`.

    Attributes:
        removed: stable codes of what was stripped (sorted, each once); see ``REMOVED_CODES``.
        kept: what was deliberately kept so the file still displays: ``orientation``,
            ``icc_profile``, ``colour_transform``.
        lossless: True when the pixels or samples were copied, not re-encoded.
    """

    removed: tuple[str, ...]
    kept: tuple[str, ...]
    lossless: bool


# Written for a custodian: what the hidden information was, in words, not format jargon.
REMOVED_CODES: dict[str, str] = {
    "exif_gps": N_("exact location (GPS)"),
    "exif_names": N_("names of people (artist, author, owner, copyright)"),
    "exif_device_serial": N_("serial numbers of the camera or lens"),
    "exif_maker_note": N_("the camera maker's hidden notes"),
    "exif_other": N_("other camera details (make, model, dates, settings)"),
    "thumbnail": N_("a small preview copy of the picture hidden inside the file"),
    "xmp": N_("XMP description (it can hold names, places and keywords)"),
    "iptc": N_("IPTC press details (captions, names, places)"),
    "jpeg_comment": N_("a comment written inside the picture file"),
    "vendor_segment": N_("extra data from the camera or software maker"),
    "trailing_data": N_("extra data hidden after the end of the file"),
    "png_text": N_("text notes inside the picture (title, author, comments)"),
    "png_exif": N_("camera details (EXIF)"),
    "png_time": N_("the date the picture was last changed"),
    "png_other": N_("other extra data inside the picture"),
    "id3": N_("sound tags (title, artist, comments, pictures)"),
    "ape": N_("APE sound tags (title, artist, comments)"),
    "vorbis_comment": N_("sound tags (title, artist, comments, pictures)"),
    "flac_picture": N_("pictures embedded in the sound file"),
    "flac_application": N_("program data embedded in the sound file"),
    "mp4_tags": N_("tags (title, artist, comments, pictures)"),
    "mp4_location": N_("the place where it was recorded"),
    "mp4_time": N_("the date and time it was recorded"),
    "mp4_user_data": N_("other data from the recording device or program"),
    "riff_info": N_("text tags in the sound file (title, artist, comments)"),
    "riff_bext": N_("broadcast details (who recorded it, when, description)"),
    "riff_ixml": N_("the recorder's notes (iXML)"),
    "riff_other": N_("other extra data inside the sound file"),
}

NOT_CLEANABLE_REASONS: dict[str, str] = {
    "unsupported_format": N_("this kind of file cannot be cleaned of its hidden information"),
    "malformed": N_("the file is damaged or is not the kind of file it claims to be"),
    "too_large": N_("the file is too large to be cleaned"),
    "timed_metadata": N_(
        "the video carries a track of hidden data (such as a GPS trail) that cannot be removed"
    ),
}


def describe_removed(codes: Iterable[str]) -> list[str]:
    """Translated phrases for removed-metadata ``codes``, in order, each phrase once."""
    phrases: list[str] = []
    for code in codes:
        template = REMOVED_CODES.get(code)
        phrase = translate(template) if template else translate(N_("other hidden information"))
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases


def describe_reason(reason: str) -> str:
    """A translated phrase for a :class:`MediaNotCleanable` ``reason`` code."""
    return translate(NOT_CLEANABLE_REASONS.get(reason, NOT_CLEANABLE_REASONS["malformed"]))


class Findings:
    """Collects codes while a cleaner walks a file (one place that sorts and dedups them)."""

    def __init__(self) -> None:
        self._removed: set[str] = set()
        self._kept: set[str] = set()

    def removed(self, code: str) -> None:
        assert code in REMOVED_CODES, code
        self._removed.add(code)

    def kept(self, code: str) -> None:
        self._kept.add(code)

    def report(self, *, lossless: bool = True) -> CleanReport:
        return CleanReport(tuple(sorted(self._removed)), tuple(sorted(self._kept)), lossless)
