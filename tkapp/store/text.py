"""Text folding and full-text query building (accents and case folded, like FTS5's
``unicode61 remove_diacritics 2``)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters and digits: what FTS5's unicode61 tokenizer keeps as token characters. "_" is a
# word character to Python but a separator to FTS5; splitting on it here keeps every quoted
# word a single token (the index has no positions, detail = column, so no phrases).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, accents removed: ``Medicína`` -> ``medicina``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def words(text: str) -> list[str]:
    """Query words. NFC first: a decomposed accent (``i`` + U+0301) would otherwise split a
    word in two, since a combining mark is not a word character."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: every word must match, each as a prefix.

    Words are quoted, so user input can never inject FTS5 syntax (``OR``, ``NEAR``, ``*``,
    column filters); words never contain a double quote.
    """
    return " AND ".join(f'"{word}"*' for word in words(text))
