"""The bundle reader's English details reach people translated, by their fixed text."""

from __future__ import annotations

import re
from pathlib import Path

from tkapp.errors import ContainerError, UnsupportedEntry
from tkapp.i18n import set_language
from tkapp.i18n.messages import _DETAILS, describe_error

ZIPREAD = Path(__file__).parents[2] / "tkapp" / "bundle" / "zipread.py"


def test_every_reader_detail_has_a_sentence_and_every_sentence_a_detail() -> None:
    raised = set(re.findall(r'raise \w+\("([^"]+)"', ZIPREAD.read_text(encoding="utf-8")))
    assert raised == set(_DETAILS)


def test_details_are_shown_in_spanish() -> None:
    set_language("es")
    try:
        for error in (
            UnsupportedEntry("compressed entry (only stored entries are allowed)"),
            UnsupportedEntry("not a regular file (symlink, directory or device)"),
            ContainerError("entry fields differ from the bundle format"),
        ):
            text = describe_error(error)
            assert error.detail not in text
            assert "entry" not in text and "bundle" not in text, text
    finally:
        set_language("en")
    assert "a file inside is compressed" in describe_error(
        UnsupportedEntry("compressed entry (only stored entries are allowed)")
    )
