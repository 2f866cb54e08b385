"""Scientific names as written in the field, parsed into name, authorship and rank.

Why our own parser: GBIF's name parser is Java, and its Python routes either call a web
service (``pygnparser``: no network in a village) or wrap the Go ``gnparser`` library in a
0.1 release with a native library per platform (``gnparser`` on PyPI), too young to ship to
Windows users. The names that reach us from forms and spreadsheets are few shapes, handled
here and tested: "Inga edulis", "Inga edulis Mart.", "Cedrela odorata L.", "Ilex guayusa
Loes.", "Brugmansia × candida Pers.", "Inga edulis var. minutula Benth.", "Bactris gasipaes
subsp. chichagui", "Piper cf. aduncum", "Inga sp.", "Annonaceae". Anything else is kept whole
as the name, unranked (never guessed at).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Marker as written -> (marker as written in the canonical name, rank).
_INFRA = {
    "subsp.": ("subsp.", "subspecies"),
    "ssp.": ("subsp.", "subspecies"),
    "subsp": ("subsp.", "subspecies"),
    "var.": ("var.", "variety"),
    "var": ("var.", "variety"),
    "subvar.": ("subvar.", "subvariety"),
    "f.": ("f.", "form"),
    "fo.": ("f.", "form"),
    "forma": ("f.", "form"),
}
_QUALIFIERS = {"cf.", "cf", "aff.", "aff", "cfr.", "nr.", "?"}
_UNSPECIFIED = {"sp.", "sp", "spp.", "spp", "sp.nov.", "indet."}
_GENUS = re.compile(r"^[A-Z][a-zë]+$")
_EPITHET = re.compile(r"^[a-zë][a-zë-]+$")
_HYBRID = {"×", "x"}
_HIGHER_RANKS = (("aceae", "family"), ("idae", "family"), ("ales", "order"))


@dataclass(frozen=True)
class ParsedName:
    """``name`` is the canonical name with its rank marker (``Inga edulis var. minutula``),
    ``verbatim`` the text as written, ``qualifier`` an identification qualifier (``cf.``)."""

    name: str
    authorship: str
    rank: str
    genus: str
    verbatim: str
    qualifier: str = ""

    @property
    def parsed(self) -> bool:
        return self.rank != "unranked"


@lru_cache(maxsize=4096)  # a form names the same few species thousands of times
def parse_name(text: str) -> ParsedName:
    """Parse one scientific name (see the module docstring for the shapes understood)."""
    verbatim = " ".join(text.split())
    tokens = verbatim.split(" ")
    unparsed = ParsedName(verbatim, "", "unranked", "", verbatim)
    if not verbatim or not _GENUS.match(tokens[0]):
        return unparsed
    genus = tokens[0]
    rest = tokens[1:]
    qualifier = ""
    if len(tokens) == 1:
        for ending, rank in _HIGHER_RANKS:
            if genus.endswith(ending):
                return ParsedName(genus, "", rank, "", verbatim)
        return ParsedName(genus, "", "genus", genus, verbatim)
    if rest and rest[0].lower() in _QUALIFIERS:
        qualifier, rest = rest[0], rest[1:]
    if rest and rest[0].lower() in _UNSPECIFIED:
        return ParsedName(genus, "", "genus", genus, verbatim, qualifier or rest[0])
    hybrid = ""
    if rest and rest[0] in _HYBRID and len(rest) > 1 and _EPITHET.match(rest[1]):
        hybrid, rest = "× ", rest[1:]
    if not rest or not _EPITHET.match(rest[0]):
        # "Inga Mill.": a genus with its author.
        if rest and not qualifier and _is_authorship(rest):
            return ParsedName(genus, " ".join(rest), "genus", genus, verbatim)
        return unparsed
    name = f"{genus} {hybrid}{rest[0]}"
    rank = "species"
    rest = rest[1:]
    # Authorship of the species may come before an infraspecific part; the canonical name
    # keeps only the lowest rank's authorship (as GBIF's canonical name does).
    authorship: list[str] = []
    while rest:
        marker = rest[0].lower()
        if marker in _INFRA and len(rest) > 1 and _EPITHET.match(rest[1]):
            shown, rank = _INFRA[marker]
            name = f"{name} {shown} {rest[1]}"
            authorship = []
            rest = rest[2:]
            continue
        authorship.append(rest[0])
        rest = rest[1:]
    if authorship and not _is_authorship(authorship):
        return unparsed
    return ParsedName(name, " ".join(authorship), rank, genus, verbatim, qualifier)


def _is_authorship(tokens: list[str]) -> bool:
    """Authors start with a capital or a bracket: ``Mart.``, ``(Vell.) Mart.``, ``L. f.``,
    ``Ruiz & Pav.``, ``Humb. & Bonpl. ex Willd.``, ``de Candolle``."""
    first = tokens[0]
    return bool(first) and (first[0].isupper() or first[0] == "(" or first in ("de", "van", "von"))
