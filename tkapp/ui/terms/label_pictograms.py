"""Our own simple pictograms for the Local Contexts TK and BC labels, drawn as SVG by code.

These are NOT the Local Contexts artwork (that belongs to Local Contexts and the communities);
they are plain badges so a custodian can tell labels apart at a glance:

- the outline tells the family: TK labels are rounded squares, BC labels are hexagons;
- the colour tells the category: provenance blue, protocol brown, permission green;
- a white symbol in the middle hints at the meaning (a check for "verified", a lock for
  "restricted", a crossed coin for "non-commercial"...), and the family's letters sit below.

No Qt here: the SVG text is turned into icons by :mod:`tkapp.ui.terms.labels_widgets`.
"""

from __future__ import annotations

from functools import cache

CATEGORY_COLOURS: dict[str, str] = {
    "provenance": "#1f5f99",
    "protocol": "#8a4a12",
    "permission": "#2f6f3a",
}
_FALLBACK_COLOUR = "#555555"


def _stroke(width: float = 5) -> str:
    return (
        f'stroke="#fff" stroke-width="{width}" fill="none" stroke-linecap="round" '
        'stroke-linejoin="round"'
    )


_S = _stroke()
_F = 'fill="#fff"'

# Symbols drawn in a 100x100 box, centred near (50, 42) to leave room for the letters.
_PERSON = f'<circle cx="50" cy="28" r="9" {_F}/><path d="M32 60 Q32 40 50 40 Q68 40 68 60 Z" {_F}/>'
_THREE = (
    f'<circle cx="34" cy="46" r="8" {_F}/><circle cx="66" cy="46" r="8" {_F}/>'
    f'<circle cx="50" cy="26" r="8" {_F}/><path d="M34 46 L50 26 L66 46" {_S}/>'
)
_FAMILY = (
    f'<circle cx="38" cy="26" r="8" {_F}/><path d="M24 60 Q24 38 38 38 Q52 38 52 60 Z" {_F}/>'
    f'<circle cx="64" cy="36" r="6" {_F}/><path d="M54 60 Q54 46 64 46 Q74 46 74 60 Z" {_F}/>'
)
_RINGS = f'<circle cx="40" cy="42" r="15" {_S}/><circle cx="60" cy="42" r="15" {_S}/>'
_SPEECH = f'<path d="M26 24 H74 V54 H46 L34 64 V54 H26 Z" {_S}/>'
_STAR = f'<path d="M50 18 L57 35 L75 36 L61 48 L66 66 L50 56 L34 66 L39 48 L25 36 L43 35 Z" {_F}/>'
_CHECK = f'<path d="M28 42 L44 58 L72 26" {_stroke(8)}/>'
_QUESTION = (
    f'<path d="M38 30 Q38 18 50 18 Q62 18 62 30 Q62 38 50 42 V50" {_stroke(7)}/>'
    f'<circle cx="50" cy="62" r="5" {_F}/>'
)
_SUN = (
    f'<circle cx="50" cy="42" r="11" {_F}/>'
    f'<path d="M50 18 V24 M50 60 V66 M26 42 H32 M68 42 H74 M33 25 L37 29 M63 55 L67 59 '
    f'M33 59 L37 55 M63 29 L67 25" {_stroke(4)}/>'
)
_FEMALE = f'<circle cx="50" cy="32" r="13" {_S}/><path d="M50 45 V66 M41 57 H59" {_S}/>'
_MALE = f'<circle cx="45" cy="47" r="13" {_S}/><path d="M54 38 L70 22 M58 22 H70 V34" {_S}/>'
_LOCK_SMALL = (
    f'<rect x="64" y="52" width="18" height="14" rx="2" {_F}/>'
    f'<path d="M68 52 V47 Q73 40 78 47 V52" {_stroke(3)}/>'
)
_WARNING = (
    f'<path d="M50 18 L76 64 H24 Z" {_S}/><path d="M50 34 V49" {_stroke(6)}/>'
    f'<circle cx="50" cy="57" r="3.5" {_F}/>'
)
_EYE_CLOSED = (
    f'<path d="M24 40 Q50 62 76 40" {_S}/>'
    f'<path d="M32 50 L27 58 M50 55 V64 M68 50 L73 58" {_stroke(4)}/>'
    f'<path d="M42 22 H58 M50 14 V30" {_stroke(4)}/>'
)
_COIN = (
    f'<ellipse cx="50" cy="56" rx="22" ry="7" {_S}/><ellipse cx="50" cy="44" rx="22" ry="7" {_S}/>'
    f'<ellipse cx="50" cy="32" rx="22" ry="7" {_F}/>'
)
# A "no" sign around smaller coins: a bare strike-through gets lost in the coin lines.
_COIN_CROSSED = (
    f'<g transform="translate(50 44) scale(0.62) translate(-50 -44)">{_COIN}</g>'
    f'<circle cx="50" cy="44" r="27" {_stroke(5)}/><path d="M31 25 L69 63" {_stroke(5)}/>'
)
_HOUSE = f'<path d="M26 44 L50 22 L74 44 M32 40 V64 H68 V40" {_S}/><rect x="45" y="50" width="10" height="14" {_F}/>'  # noqa: E501
_OUTREACH = f'<path d="M26 58 L26 30 Q38 24 50 30 Q62 24 74 30 V58 Q62 52 50 58 Q38 52 26 58 Z M50 30 V58" {_stroke(4)}/>'  # noqa: E501
_HANDS = (
    f'<path d="M40 24 Q22 42 40 60 M60 24 Q78 42 60 60" {_S}/>'
    f'<path d="M50 33 V51 M41 42 H59" {_stroke(6)}/>'
)
_LENS = f'<circle cx="45" cy="38" r="14" {_S}/><path d="M55 48 L70 63" {_stroke(7)}/>'
_SEED = (
    f'<path d="M50 64 V36" {_S}/><path d="M50 44 Q34 44 30 28 Q46 28 50 44 Z" {_F}/>'
    f'<path d="M50 38 Q66 38 70 22 Q54 22 50 38 Z" {_F}/>'
)

#: code -> (family, symbol). The label's category comes from the licensing package.
SYMBOLS: dict[str, str] = {
    "tka": _PERSON,
    "tkcl": _THREE,
    "tkf": _FAMILY,
    "tkmc": _RINGS,
    "tkcv": _SPEECH,
    "tkcr": _STAR,
    "tkv": _CHECK,
    "tknv": _QUESTION,
    "tks": _SUN,
    "tkwg": _FEMALE,
    "tkmg": _MALE,
    "tkmr": _MALE + _LOCK_SMALL,
    "tkwr": _FEMALE + _LOCK_SMALL,
    "tkcs": _WARNING,
    "tkss": _EYE_CLOSED,
    "tkoc": _COIN,
    "tknc": _COIN_CROSSED,
    "tkco": _HOUSE,
    "tko": _OUTREACH,
    "tkcb": _HANDS,
    "bcp": _SEED,
    "bcmc": _RINGS,
    "bccl": _THREE,
    "bccb": _HANDS,
    "bcoc": _COIN,
    "bcr": _LENS,
    "bccv": _CHECK,
    "bccnv": _QUESTION,
    "bco": _OUTREACH,
    "bcnc": _COIN_CROSSED,
}


def family_of(code: str) -> str:
    """``"tk"`` or ``"bc"`` from a label code."""
    return "bc" if code.startswith("bc") else "tk"


@cache
def pictogram_svg(code: str, category: str) -> str:
    """The SVG text of our pictogram for label ``code`` in ``category``.

    Args:
        code: a Local Contexts label code such as ``"tkcs"``.
        category: ``"provenance"``, ``"protocol"`` or ``"permission"``.

    Returns:
        A standalone 100x100 SVG document.
    """
    colour = CATEGORY_COLOURS.get(category, _FALLBACK_COLOUR)
    family = family_of(code)
    if family == "tk":
        outline = f'<rect x="3" y="3" width="94" height="94" rx="16" fill="{colour}"/>'
    else:
        outline = f'<path d="M50 2 L92 26 V74 L50 98 L8 74 V26 Z" fill="{colour}"/>'
    symbol = SYMBOLS.get(code, "")
    letters = (
        '<text x="50" y="90" text-anchor="middle" font-family="sans-serif" font-size="17" '
        f'font-weight="bold" fill="#fff">{family.upper()}</text>'
    )
    # The BC hexagon is narrower at the bottom: shrink the symbol a little so it fits.
    if family == "bc":
        symbol = f'<g transform="translate(9 6) scale(0.82)">{symbol}</g>'
        letters = letters.replace('y="90"', 'y="86"').replace('font-size="17"', 'font-size="15"')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
        f"{outline}{symbol}{letters}</svg>"
    )


# --- Local Contexts Notices ------------------------------------------------------------------
# Notices are what institutions and researchers apply; they get a circle (labels are squares
# and hexagons) in one dark slate colour, a symbol, and a short tag below.
NOTICE_COLOUR = "#37474f"
_NOTICE_SYMBOLS: dict[str, tuple[str, str]] = {
    "traditional_knowledge": (_SPEECH, "TK"),
    "biocultural": (_SEED, "BC"),
    # A person inside a broken ring: the names are incomplete.
    "attribution_incomplete": (
        _PERSON + '<circle cx="50" cy="42" r="30" stroke="#fff" stroke-width="4" fill="none" '
        'stroke-dasharray="9 7"/>',
        "AI",
    ),
    "open_to_collaborate": (_HANDS, "OC"),
}


@cache
def notice_svg(code: str) -> str:
    """The SVG text of our pictogram for the Local Contexts Notice ``code``."""
    symbol, tag = _NOTICE_SYMBOLS.get(code, ("", "N"))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
        f'<circle cx="50" cy="50" r="47" fill="{NOTICE_COLOUR}"/>'
        f'<g transform="translate(10 6) scale(0.8)">{symbol}</g>'
        '<text x="50" y="86" text-anchor="middle" font-family="sans-serif" font-size="15" '
        f'font-weight="bold" fill="#fff">{tag}</text></svg>'
    )
