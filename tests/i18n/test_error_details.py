"""The bundle reader's English details reach people translated, by their fixed text."""

from __future__ import annotations

import re
from pathlib import Path

from tkapp.errors import ContainerError, UnsupportedEntry
from tkapp.i18n import set_language
from tkapp.i18n.messages import _DETAILS, describe_error

ZIPREAD = Path(__file__).parents[2] / "tkapp" / "bundle" / "zipread.py"
# The bundle reader also raises the one entry-name rule's reasons.
ZIPARCHIVE = Path(__file__).parents[2] / "tkapp" / "ziparchive.py"


def test_every_reader_detail_has_a_sentence_and_every_sentence_a_detail() -> None:
    raised = set(re.findall(r'raise \w+\("([^"]+)"', ZIPREAD.read_text(encoding="utf-8")))
    raised |= set(re.findall(r'return "([^"]+)"', ZIPARCHIVE.read_text(encoding="utf-8")))
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


def test_template_terms_names_are_shown_in_the_users_language() -> None:
    from tkapp.licensing.terms import from_template
    from tkapp.licensing.text import render_terms_text, terms_name

    terms = from_template("cbrl", attribution="Sarayaku", contact="Sarayaku")
    assert terms.name == "Reciprocity (CBRL)"  # stored: the template's key
    assert terms_name(terms.name, "es") == "Reciprocidad (CBRL)"
    assert terms_name(terms.name, "en") == "Reciprocity (CBRL)"
    # The community's own name is its own words, in every language.
    assert terms_name("Acuerdo de Sarayaku 2026", "en") == "Acuerdo de Sarayaku 2026"
    assert render_terms_text(terms, "es").splitlines()[0] == "Reciprocidad (CBRL)"


def test_language_names_say_kichwa_and_survive_odd_codes() -> None:
    from tkapp.i18n import names

    set_language("es")
    try:
        assert names.language_name("es") == "Español"
        assert names.language_name("qu") == names.language_name("qu_EC") == "Kichwa"
        assert names.language_name("qug") == "Kichwa"
        # Codes from untrusted bundles: shown as they are, never an error.
        for odd in ("xx", "zz_ZZ", "", "a b", "\x00"):
            assert names.language_name(odd) == odd
    finally:
        set_language("en")
