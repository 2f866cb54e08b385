"""CSV exchange round trip: export -> import into a new catalogue -> equal content, over
generated catalogues (Hypothesis); and export -> import into the same catalogue -> no change."""

from __future__ import annotations

import copy
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendata.conftest import new_catalogue
from tkapp.core.model import (
    CONFIDENTIAL_FIELDS,
    OPEN_LICENCES,
    PERSON_ROLES,
    AccessLevel,
    Category,
    ConsentStatus,
    HolderLink,
    KnowledgeRecord,
    Person,
    Place,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.licensing.places import generalise
from tkapp.services.catalogue import Catalogue
from tkapp.services.csv_exchange import export_csv
from tkapp.services.importing.exchange import apply_csv_import, preview_csv_import
from tkapp.store import codec

# Any text a custodian could type, including quotes, separators, line breaks, formula
# starters and leading/trailing spaces (no NUL: the model refuses it).
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
required_text = text.filter(lambda t: t.strip() != "")
tricky = st.sampled_from(["=1+1", "-3", "+x", "@cmd", "'quoted", "\ttab", "a,b;c", 'say "hi"'])
free_text = text | tricky
languages = st.sampled_from(["es", "qu", "en", "qu-EC"])
labels = st.lists(
    st.sampled_from(["tka", "tkv", "tks", "tknc", "tkss", "tkwr", "bcr"]), unique=True
)
coordinates = st.floats(-90, 90, allow_nan=False) | st.none()


@st.composite
def catalogues(draw: st.DrawFn) -> tuple[list[Person], list[Taxon], list[KnowledgeRecord]]:
    persons = [
        Person(
            draw(required_text | tricky),
            roles=draw(st.lists(st.sampled_from(PERSON_ROLES), unique=True, max_size=2)),
            community=draw(free_text),
            consent_status=draw(st.sampled_from(list(ConsentStatus))),
            deceased=draw(st.booleans()),
            anonymous_outside=draw(st.booleans()),
            contact=draw(free_text),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    taxa = [
        Taxon(
            draw(required_text),
            authorship=draw(free_text),
            rank=draw(st.sampled_from(["species", "genus", "variety"])),
            family=draw(free_text),
            vernacular_names=[
                VernacularName(draw(required_text), draw(languages), draw(st.booleans()))
                for _ in range(draw(st.integers(0, 2)))
            ],
            gbif_key=draw(st.sampled_from(["", "2914255"])),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    records = []
    for _ in range(draw(st.integers(1, 4))):
        access = draw(st.sampled_from(list(AccessLevel)))
        lat = draw(coordinates)
        holders = (
            draw(st.lists(st.sampled_from(persons), unique_by=lambda p: p.id, max_size=2))
            if persons
            else []
        )
        records.append(
            KnowledgeRecord(
                draw(required_text | tricky),
                summary=draw(free_text),
                description=draw(free_text),
                language=draw(languages),
                category=draw(st.sampled_from(list(Category))),
                uses=[
                    Use(draw(free_text), draw(free_text), draw(free_text), draw(free_text))
                    for _ in range(draw(st.integers(0, 2)))
                ],
                taxon_ids=[
                    t.id
                    for t in draw(
                        st.lists(st.sampled_from(taxa), unique_by=lambda t: t.id, max_size=2)
                    )
                ]
                if taxa
                else [],
                holders=[HolderLink(p.id, draw(free_text)) for p in holders],
                recorded_by=draw(st.sampled_from(["", *[p.id for p in persons]])),
                recorded_date=draw(st.none() | st.dates(date(1950, 1, 1), date(2030, 1, 1))),
                place=Place(
                    draw(free_text),
                    lat,
                    None if lat is None else draw(st.floats(-180, 180, allow_nan=False)),
                    draw(st.none() | st.integers(0, 20_000)),
                    draw(st.sampled_from(list(Sensitivity))),
                ),
                access=access,
                restricted_group=draw(required_text) if access is AccessLevel.RESTRICTED else "",
                labels=draw(labels),
                confidential=set(draw(st.lists(st.sampled_from(CONFIDENTIAL_FIELDS), max_size=3))),
                status=draw(st.sampled_from(list(RecordStatus))),
                open_licence=draw(st.sampled_from(OPEN_LICENCES)),
            )
        )
    return persons, taxa, records


def _fill(cat: Catalogue, data: tuple[list[Person], list[Taxon], list[KnowledgeRecord]]) -> None:
    persons, taxa, records = data
    for person in persons:
        cat.add_person(person)
    for taxon in taxa:
        cat.add_taxon(taxon)
    for record in records:
        cat.add_record(record)


def _content(value: Any) -> Any:
    data = codec.to_jsonable(value)
    for key in ("version", "created", "modified"):
        data.pop(key, None)
    return data


def never_leaves(record: KnowledgeRecord) -> bool:
    """The test's own statement of what the exchange keeps home (LICENSING.md)."""
    return record.access is AccessLevel.SECRET_SACRED or bool(
        {"tkss", "tkwr", "tkmr"} & set(record.labels)
    )


def _as_exported(record: KnowledgeRecord) -> KnowledgeRecord:
    """What a new catalogue should hold: confidential values absent (empty), the place as
    precise as its sensitivity lets it leave, its locality only beside exact coordinates."""
    out = copy.deepcopy(record)
    hidden = record.confidential
    if "description" in hidden:
        out.description = ""
    if "holders" in hidden:
        out.holders = []
    if "recorded_by" in hidden:
        out.recorded_by = ""
    if "uses" in hidden:
        out.uses = []
    elif "preparation" in hidden:
        for use in out.uses:
            use.preparation = ""
    place = record.place
    empty = place.latitude is None and not place.locality.strip()
    if empty or (place.sensitivity is Sensitivity.NONE and "place" not in hidden):
        return out  # nothing to generalise: the place travels as stored
    shown = generalise(record.place, confidential="place" in hidden)
    out.place = Place(
        shown.locality or "",
        None if shown.latitude is None else float(shown.latitude),
        None if shown.longitude is None else float(shown.longitude),
        shown.uncertainty_m,
        record.place.sensitivity,
    )
    return out


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.slow
@given(data=catalogues(), as_zip=st.booleans())
def test_round_trip_into_a_new_catalogue_and_back_into_the_same(
    data: tuple[list[Person], list[Taxon], list[KnowledgeRecord]], as_zip: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = new_catalogue(tmp / "source.tkc")
        target = new_catalogue(tmp / "target.tkc")
        try:
            _fill(source, data)
            dest = tmp / ("exchange.zip" if as_zip else "exchange")
            report = export_csv(source, dest)

            preview = preview_csv_import(target, dest)
            assert preview.errors == []
            assert not preview.records.updated and not preview.records.unchanged
            apply_csv_import(target, preview)
            _check_new_catalogue(source, target, data)
            assert report.records == len(target.search_ids(""))

            # Back into the same catalogue: nothing to do, and nothing withheld is lost.
            again = preview_csv_import(source, dest)
            assert again.errors == []
            assert again.change_count == 0, (again.records, again.taxa, again.persons)
        finally:
            source.close()
            target.close()


def _check_new_catalogue(
    source: Catalogue,
    target: Catalogue,
    data: tuple[list[Person], list[Taxon], list[KnowledgeRecord]],
) -> None:
    persons, taxa, records = data
    exported = [r for r in records if not never_leaves(r)]
    kept = {r.id for r in exported}
    assert set(target.search_ids("")) == kept
    for record in exported:
        assert _content(target.get_record(record.id)) == _content(_as_exported(record))

    new_taxa = {t.id: t for t in target.list_taxa()}
    for taxon in taxa:
        linking = [r for r in records if taxon.id in r.taxon_ids]
        if linking and all(never_leaves(r) for r in linking):
            assert taxon.id not in new_taxa  # known only through protected knowledge
            continue
        got = new_taxa[taxon.id]
        hide = any(never_leaves(r) or "local_names" in r.confidential for r in linking)
        expected = copy.deepcopy(taxon)
        if hide:
            expected.vernacular_names = []
        assert _content(got) == _content(expected)

    new_persons = {p.id: p for p in target.list_persons()}
    for person in persons:
        links = [
            not never_leaves(r) and field not in r.confidential
            for r in records
            for field, ids in (
                ("holders", [h.person_id for h in r.holders]),
                ("recorded_by", [r.recorded_by]),
            )
            if person.id in ids
        ]
        if links and not any(links):
            assert person.id not in new_persons
            continue
        got = new_persons[person.id]
        assert got.contact == ""  # private: never exported
        expected = copy.deepcopy(person)
        expected.contact = ""
        if person.anonymous_outside:
            assert got.name != person.name or person.name == "Anonymous knowledge holder"
            expected.name = got.name
        assert _content(got) == _content(expected)
