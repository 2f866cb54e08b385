"""Community names as a person sees them: TR39-style skeletons and suspicious characters.

A forged bundle can carry a name that *looks* like a trusted community's: a Cyrillic "а" for
a Latin "a", a zero-width space, an extra combining mark, full-width brackets, or a
right-to-left override that reorders what is shown. Comparing code points misses all of them.

:func:`skeleton` follows the idea of Unicode Technical Standard #39 ("skeleton"): two names
with the same skeleton look alike. Ours is deliberately coarser than TR39, because a false
"looks alike" only costs the user one explicit confirmation, while a missed one lets a forger
in: compatibility forms are folded (NFKD), invisible and bidirectional-control characters and
all combining marks are dropped, characters are mapped to their TR39 prototype
(:mod:`tkapp.crypto.confusables_data`, a generated subset of Unicode's confusables data), case
is folded and white space collapsed.

:func:`name_flags` says what a person cannot see in a name (invisible or bidi-control
characters, letters of several scripts, compatibility forms such as full-width letters).
"""

from __future__ import annotations

import unicodedata

from tkapp.crypto.confusables_data import PROTOTYPES

#: Bidirectional formatting characters (UAX #9): embeddings, overrides, isolates, marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Invisible characters that are not category Cf (which :func:`is_invisible` also covers).
_EXTRA_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)

#: Scripts whose letters are easily taken for each other's; mixing them in one name is
#: suspicious (mixing e.g. Han and Katakana is ordinary Japanese and is not flagged).
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})

FLAG_INVISIBLE = "invisible"
FLAG_BIDI = "bidi"
FLAG_MIXED_SCRIPTS = "mixed_scripts"
FLAG_COMPATIBILITY = "compatibility"
#: Flags that make a name unfit for a silent first contact.
HIDING_FLAGS = frozenset({FLAG_INVISIBLE, FLAG_BIDI, FLAG_MIXED_SCRIPTS})


def is_bidi_control(ch: str) -> bool:
    return ch in BIDI_CONTROLS


def is_invisible(ch: str) -> bool:
    """Default-ignorable or format characters (zero-width space/joiners, soft hyphen, BOM,
    tags, variation selectors, Hangul fillers); bidi controls count too."""
    if ch in _EXTRA_INVISIBLE or 0xE0100 <= ord(ch) <= 0xE01EF:
        return True
    return unicodedata.category(ch) == "Cf"


#: Brackets of every shape are one bracket (full-width square brackets fold to ASCII square
#: ones under NFKD, while TR39 maps them to parentheses).
_BRACKETS = str.maketrans("[{<]}>", "((()))")


def _prototype(text: str) -> str:
    return "".join(PROTOTYPES.get(ch, ch) for ch in text)


def skeleton(name: str) -> str:
    """A form in which names that look alike are equal (see the module docstring)."""
    visible = "".join(ch for ch in name if not is_invisible(ch))
    decomposed = unicodedata.normalize("NFKD", visible)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    mapped = _prototype(_prototype(bare).casefold()).casefold().translate(_BRACKETS)
    return " ".join(mapped.split())


def looks_alike(a: str, b: str) -> bool:
    """Whether a person could take one name for the other."""
    return skeleton(a) == skeleton(b)


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name (enough to tell Latin from Cyrillic or
    Greek; Python's ``unicodedata`` has no Script property)."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else None


def name_flags(name: str) -> tuple[str, ...]:
    """What in ``name`` a person cannot see as it is, sorted (empty for a plain name)."""
    flags: set[str] = set()
    if any(is_bidi_control(ch) for ch in name):
        flags.add(FLAG_BIDI)
    if any(is_invisible(ch) and not is_bidi_control(ch) for ch in name):
        flags.add(FLAG_INVISIBLE)
    nfkc = unicodedata.normalize("NFKC", name)
    if nfkc != unicodedata.normalize("NFC", name):
        flags.add(FLAG_COMPATIBILITY)
    scripts = {s for s in map(_script, nfkc) if s in _LOOKALIKE_SCRIPTS}
    if len(scripts) > 1:
        flags.add(FLAG_MIXED_SCRIPTS)
    return tuple(sorted(flags))


def visible_form(name: str) -> str:
    """The name with every invisible or bidi-control character shown as ``<U+XXXX>``, so a
    person sees what is really there (and a right-to-left override reorders nothing)."""
    return "".join(f"<U+{ord(ch):04X}>" if is_invisible(ch) else ch for ch in name)
