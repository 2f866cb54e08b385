"""Scientific names as written in the field."""

from __future__ import annotations

import pytest

from tkapp.services.importing.sciname import parse_name


@pytest.mark.parametrize(
    ("text", "name", "authorship", "rank", "qualifier"),
    [
        ("Inga edulis", "Inga edulis", "", "species", ""),
        ("Inga edulis Mart.", "Inga edulis", "Mart.", "species", ""),
        ("  Inga   edulis  Mart. ", "Inga edulis", "Mart.", "species", ""),
        ("Cedrela odorata L.", "Cedrela odorata", "L.", "species", ""),
        ("Croton lechleri Müll.Arg.", "Croton lechleri", "Müll.Arg.", "species", ""),
        (
            "Maytenus macrocarpa (Ruiz & Pav.) Briq.",
            "Maytenus macrocarpa",
            "(Ruiz & Pav.) Briq.",
            "species",
            "",
        ),
        (
            "Banisteriopsis caapi (Spruce ex Griseb.) C.V.Morton",
            "Banisteriopsis caapi",
            "(Spruce ex Griseb.) C.V.Morton",
            "species",
            "",
        ),
        ("Inga edulis var. minutula Benth.", "Inga edulis var. minutula", "Benth.", "variety", ""),
        ("Inga edulis Mart. var. minutula", "Inga edulis var. minutula", "", "variety", ""),
        (
            "Bactris gasipaes subsp. chichagui",
            "Bactris gasipaes subsp. chichagui",
            "",
            "subspecies",
            "",
        ),
        (
            "Bactris gasipaes ssp. chichagui",
            "Bactris gasipaes subsp. chichagui",
            "",
            "subspecies",
            "",
        ),
        ("Tabebuia chrysantha f. alba", "Tabebuia chrysantha f. alba", "", "form", ""),
        ("Brugmansia × candida Pers.", "Brugmansia × candida", "Pers.", "species", ""),
        ("Piper cf. aduncum", "Piper aduncum", "", "species", "cf."),
        ("Piper aff. aduncum L.", "Piper aduncum", "L.", "species", "aff."),
        ("Inga sp.", "Inga", "", "genus", "sp."),
        ("Inga spp.", "Inga", "", "genus", "spp."),
        ("Inga", "Inga", "", "genus", ""),
        ("Inga Mill.", "Inga", "Mill.", "genus", ""),
        ("Annonaceae", "Annonaceae", "", "family", ""),
    ],
)
def test_parsed(text: str, name: str, authorship: str, rank: str, qualifier: str) -> None:
    parsed = parse_name(text)
    assert (parsed.name, parsed.authorship, parsed.rank, parsed.qualifier) == (
        name,
        authorship,
        rank,
        qualifier,
    )
    assert parsed.verbatim == " ".join(text.split())


@pytest.mark.parametrize("text", ["uña de gato", "", "INGA EDULIS", "Inga edulis 123", "12"])
def test_not_a_scientific_name_is_kept_whole(text: str) -> None:
    parsed = parse_name(text)
    assert parsed.rank == "unranked" and parsed.name == " ".join(text.split())
    assert not parsed.parsed
