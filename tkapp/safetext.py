"""Text from outside (bundle titles, file names, error details) made safe to show.

One function decides what may reach a terminal or a label: :func:`safe_text`. A received
title could otherwise carry terminal escape sequences (rewrite the screen, set the window
title) or bidi controls (show ``gpj.exe`` as ``exe.jpg``). Every CLI line and every GUI label
that shows received text goes through it.
"""

from __future__ import annotations

import unicodedata

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
# Joiners shape Indic scripts and emoji; everything else in these categories is invisible
# control: C0/C1 controls (ESC...), format characters (bidi overrides and isolates, zero
# width spaces), line/paragraph separators, surrogates, private use and unassigned.
_KEEP = frozenset("\u200c\u200d")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch not in _KEEP


def safe_text(value: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """``value`` as text with every control, bidi or invisible character replaced by U+FFFD.

    Args:
        multiline: keep line feeds and tabs (a record description); otherwise they go too.
        limit: shorten to this many characters (with an ellipsis) against floods.
    """
    text = str(value)
    if text.isascii() and text.isprintable():
        cleaned = text  # the common case, fast
    else:
        allowed = "\n\t" if multiline else ""
        cleaned = "".join(REPLACEMENT if (_unsafe(ch) and ch not in allowed) else ch for ch in text)
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return cleaned


def escape_json_text(text: str) -> str:
    """JSON output with invisible/bidi characters as ``\\uXXXX`` escapes (same data, safe to
    print): ``json.dumps(ensure_ascii=False)`` escapes controls but keeps bidi marks raw."""
    if text.isascii():
        return text
    # Raw line feeds in JSON text are its own indentation (inside strings they are escaped).
    return "".join(_json_escape(ch) if _unsafe(ch) and ch != "\n" else ch for ch in text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes characters beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
