"""CSV exchange of the catalogue with spreadsheets and other tools: the export (its import is
one of the formats of :mod:`tkapp.services.importing`, in ``importing/exchange.py``).

An exchange is a folder or a ``.zip`` of six UTF-8 CSV files (comma-separated, a header row,
quotes where needed, as spreadsheets write them). Every entity keeps its stable id, so an
export imported into another catalogue recreates the same records, taxa and people, and an
export imported back into its own catalogue changes nothing.

``records.csv`` — one row per record. Column names are those of ``tkapp import``
(:mod:`tkapp.services.importing`) where the meaning is the same:
    id, title, summary, description, language, category, access, restricted_group, labels
    (``;``-separated codes), status, open_licence (``CC0-1.0``, ``CC-BY-4.0``,
    ``CC-BY-NC-4.0`` or empty), terms_id, recorded_date (``YYYY-MM-DD``), recorded_by_id
    (a person id), taxon_ids (``;``-separated taxon ids, in order), locality, latitude,
    longitude (decimal degrees), uncertainty_m, sensitivity, confidential (``;``-separated
    field names), withheld (fields this file leaves out, see below).
``uses.csv`` — record_id, part, preparation, purpose, season; file order is use order.
``holders.csv`` — record_id, person_id, role; file order is holder order.
``taxa.csv`` — id, scientific_name, authorship, rank, kingdom, family, genus, gbif_key,
    col_id, names_withheld (``true`` when the vernacular names were left out).
``vernacular_names.csv`` — taxon_id, name, language, community_review (``true``/``false``).
``people.csv`` — id, name, roles (``;``-separated), community, consent_status, deceased,
    anonymous_outside, withheld (``name`` when the name was left out).

What leaves is decided by the release gate (:func:`tkapp.licensing.gate.decide_release`,
destination ``csv_exchange``). Never here: records in the Trash; secret/sacred records and
those labelled TK Secret/Sacred, Women Restricted or Men Restricted; the values of
confidential fields (their names go in ``withheld``); private contacts of people; the names of
people who asked to stay anonymous outside the catalogue; taxa and people known only through
such withheld knowledge; the vernacular names of taxa that withheld knowledge or a record
with confidential local names points to. Media and consent records are not part of the
exchange (use an encrypted backup to move everything).

Place precision: the files are written unencrypted, so each place is written as precisely as
its sensitivity lets it leave the catalogue, like a bundle: exact for "none", rounded to
0.001°/0.01°/0.1° for low/medium/high, no coordinates for "withhold"; the free-text locality
only beside exact coordinates. A generalised or withheld place is named in ``withheld``, so
importing the file back into its own catalogue keeps the exact place there
(:data:`PLACE_PRECISION_NOTE` says this to the user).

Importing a file back: a withheld value keeps the catalogue's current value (it is absent
from the file, not empty). In a new catalogue it starts empty. Columns missing from a file
keep current values too; a missing ``uses.csv`` / ``holders.csv`` / ``vernacular_names.csv``
leaves those lists as they are.

Text cells that a spreadsheet could run as a formula (starting ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) are written with a leading apostrophe, as spreadsheets themselves
mark text; the importer removes one leading apostrophe from text cells.

Import is two steps (:mod:`tkapp.services.importing.exchange`): the preview parses and
checks everything and compares it with the catalogue (created / updated / unchanged counts,
row errors), writing nothing; the apply then writes it in ONE transaction, all or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO, cast

from tkapp.core.model import (
    CONFIDENTIAL_FIELDS,
    KnowledgeRecord,
    Taxon,
)
from tkapp.errors import Cancelled, CatalogueExists
from tkapp.i18n import N_
from tkapp.licensing.evaluate import Request
from tkapp.licensing.gate import (
    Destination,
    Disposition,
    ReleaseDecision,
    ReleaseRequest,
    decide_release,
    released_name,
)
from tkapp.licensing.terms import Terms
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.services.opendata import atomic_output
from tkapp.services.sharing import PeopleCache

RECORD_COLUMNS: tuple[str, ...] = (
    "id", "title", "summary", "description", "language", "category", "access",
    "restricted_group", "labels", "status", "open_licence", "terms_id", "recorded_date",
    "recorded_by_id", "taxon_ids", "locality", "latitude", "longitude", "uncertainty_m",
    "sensitivity", "confidential", "withheld",
)  # fmt: skip
USE_COLUMNS: tuple[str, ...] = ("record_id", "part", "preparation", "purpose", "season")
HOLDER_COLUMNS: tuple[str, ...] = ("record_id", "person_id", "role")
TAXON_COLUMNS: tuple[str, ...] = (
    "id", "scientific_name", "authorship", "rank", "kingdom", "family", "genus", "gbif_key",
    "col_id", "names_withheld",
)  # fmt: skip
NAME_COLUMNS: tuple[str, ...] = ("taxon_id", "name", "language", "community_review")
PERSON_COLUMNS: tuple[str, ...] = (
    "id", "name", "roles", "community", "consent_status", "deceased", "anonymous_outside",
    "withheld",
)  # fmt: skip

FILES: dict[str, tuple[str, ...]] = {
    "records.csv": RECORD_COLUMNS,
    "uses.csv": USE_COLUMNS,
    "holders.csv": HOLDER_COLUMNS,
    "taxa.csv": TAXON_COLUMNS,
    "vernacular_names.csv": NAME_COLUMNS,
    "people.csv": PERSON_COLUMNS,
}

#: Free-text columns (formula-escaped, never stripped); the rest are ids, codes and numbers.
TEXT_COLUMNS: frozenset[str] = frozenset(
    {
        "title", "summary", "description", "restricted_group", "locality", "part",
        "preparation", "purpose", "season", "role", "scientific_name", "authorship", "rank",
        "kingdom", "family", "genus", "name", "community", "gbif_key", "col_id",
    }
)  # fmt: skip

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_TRUE = {"true", "yes", "1", "si", "sí"}
_FALSE = {"false", "no", "0", ""}
_RECORD_LINK_FIELDS = ("holders", "recorded_by")


# --- what may leave ------------------------------------------------------------------------


#: What the CSV exchange writes of places, and why (shown in the GUI and the CLI).
PLACE_PRECISION_NOTE = N_(
    "Places are written only as precisely as each record's place sensitivity allows, as in "
    "a bundle: exact for none, rounded to about 110 m, 1 km or 11 km for low, medium and "
    "high, and left out for withhold; the place description only beside exact coordinates. "
    "The files are not encrypted. Imported back here, the exact places you keep stay as "
    "they are."
)


def _release(
    rec: KnowledgeRecord, terms: Terms, people: PeopleCache, trashed: bool
) -> ReleaseDecision:
    """The gate's answer for ``rec`` in the community's own CSV exchange."""
    return decide_release(
        rec,
        terms=terms,
        # The exchange is the community's own round trip: no recipient, no consent question.
        release=ReleaseRequest(
            Request(UserClass.COMMUNITY, Purpose.PERSONAL_STUDY), Destination.CSV_EXCHANGE
        ),
        people=people.for_record(rec, ()),
        trashed=trashed,
    )


def _escape(column: str, value: str) -> str:
    if column in TEXT_COLUMNS and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unescape(column: str, value: str) -> str:
    if column in TEXT_COLUMNS:
        return value[1:] if value.startswith("'") else value
    return value.strip()


def _join(items: Iterable[str]) -> str:
    return ";".join(items)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _int_text(value: int | None) -> str:
    return "" if value is None else str(value)


def _float_text(value: float | None) -> str:
    return "" if value is None else repr(float(value))


@dataclass(frozen=True)
class CsvExportReport:
    """What an exchange export wrote and left out."""

    path: Path
    records: int
    taxa: int
    persons: int
    uses: int
    holders: int
    vernacular_names: int
    records_left_out: int  # secret/sacred and gender-restricted records
    taxa_left_out: int
    persons_left_out: int


class _Sink:
    """The six CSV files being written, as rows arrive (nothing is gathered in memory).

    A folder takes every file at once, so the records are read in one pass; a ZIP writes one
    member at a time, so ``records.csv``, ``uses.csv`` and ``holders.csv`` each take a pass.
    Every file (or the ZIP) is an atomic output: on any error none of them appears.
    """

    def __init__(self, stack: ExitStack, dest: Path, overwrite: bool) -> None:
        self.stack = stack
        self.counts = dict.fromkeys(FILES, 0)
        self._tables: dict[str, _Table] = {}
        self._archive: zipfile.ZipFile | None = None
        self._folder = dest
        self._overwrite = overwrite
        self._stamp = datetime.now(UTC).timetuple()[:6]
        if dest.suffix.lower() == ".zip":
            handle = stack.enter_context(atomic_output(dest, overwrite=overwrite))
            self._archive = stack.enter_context(zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED))
        else:
            dest.mkdir(parents=True, exist_ok=True)
            if not overwrite:
                for name in FILES:
                    if (dest / name).exists():
                        raise CatalogueExists(str(dest / name), path=str(dest / name))

    @property
    def one_pass(self) -> bool:
        return self._archive is None

    def begin(self, names: Iterable[str]) -> None:
        """Open ``names`` for writing (a ZIP finishes the members of the pass before)."""
        if self._archive is not None:
            self.finish()
        for name in names:
            raw: IO[bytes]
            if self._archive is not None:
                info = zipfile.ZipInfo(name, date_time=self._stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                # zip64 up front: the size of a streamed member is known only at its end.
                raw = self._archive.open(info, "w", force_zip64=True)
            else:
                raw = self.stack.enter_context(
                    atomic_output(self._folder / name, overwrite=self._overwrite)
                )
            table = _Table(raw, FILES[name], close_raw=self._archive is not None)
            # Runs before its atomic output ends (callbacks unwind last-in, first-out).
            self.stack.callback(table.release)
            self._tables[name] = table

    def add(self, name: str, values: dict[str, str]) -> None:
        self._tables[name].row(values)
        self.counts[name] += 1

    def finish(self) -> None:
        for table in self._tables.values():
            table.release()
        self._tables.clear()


class _Table:
    """One CSV file: UTF-8 with a BOM (spreadsheet programs then read it as UTF-8)."""

    def __init__(self, raw: IO[bytes], columns: tuple[str, ...], *, close_raw: bool) -> None:
        self.raw: IO[bytes] | None = raw
        self.text = io.TextIOWrapper(cast(BinaryIO, raw), encoding="utf-8-sig", newline="")
        self.columns = columns
        self.close_raw = close_raw
        self.writer = csv.writer(self.text, lineterminator="\r\n")
        self.writer.writerow(columns)

    def row(self, values: dict[str, str]) -> None:
        self.writer.writerow([_escape(c, values.get(c, "")) for c in self.columns])

    def release(self) -> None:
        """Flush and let go of the file (a ZIP member is closed: its entry is complete)."""
        if self.raw is None:
            return
        raw, self.raw = self.raw, None
        self.text.flush()
        self.text.detach()
        if self.close_raw:
            raw.close()


def _record_row(rec: KnowledgeRecord, release: ReleaseDecision) -> dict[str, str]:
    """One records.csv row rendering the gate's answer (decides nothing itself)."""
    place = release.place
    assert place is not None  # an included record always has its publishable place
    generalised = any(
        f.disposition is not Disposition.INCLUDED
        for f in release.fields
        if f.name in ("place", "locality")
    )
    withheld = [f for f in release.withheld_fields if f not in ("place", "locality")]
    if generalised:
        # The import keeps the catalogue's own exact place for a row marked so.
        withheld.append("place")
    return {
        "id": rec.id,
        "title": rec.title,
        "summary": rec.summary,
        "description": "" if release.withholds("description") else rec.description,
        "language": rec.language,
        "category": rec.category.value,
        "access": rec.access.value,
        "restricted_group": rec.restricted_group,
        "labels": _join(rec.labels),
        "status": rec.status.value,
        "open_licence": rec.open_licence,
        "terms_id": rec.terms_id,
        "recorded_date": rec.recorded_date.isoformat() if rec.recorded_date else "",
        "recorded_by_id": "" if release.withholds("recorded_by") else rec.recorded_by,
        "taxon_ids": _join(rec.taxon_ids),
        # An included place is written as stored (exact round trip); a generalised one as
        # the gate lets it leave.
        "locality": rec.place.locality if not generalised else place.locality or "",
        "latitude": _float_text(rec.place.latitude) if not generalised else place.latitude or "",
        "longitude": _float_text(rec.place.longitude) if not generalised else place.longitude or "",
        "uncertainty_m": _int_text(
            rec.place.uncertainty_m if not generalised else place.uncertainty_m
        ),
        "sensitivity": rec.place.sensitivity.value,
        "confidential": _join(f for f in CONFIDENTIAL_FIELDS if f in rec.confidential),
        "withheld": _join(dict.fromkeys(withheld)),
    }


def _scan(
    cat: Catalogue, tick: Callable[[], None]
) -> Iterator[tuple[KnowledgeRecord, ReleaseDecision, bool]]:
    """Each record with the gate's answer and whether it is in the trash, one at a time (a
    pass over the catalogue): the records newest added first, then the trashed ones by id. Never a
    record the person who unlocked may not read; the ids come a batch at a time."""
    people = PeopleCache(cat)
    resolve = terms_service.terms_resolver(cat)
    for in_trash in (False, True):
        for record_id in cat.walk_readable_ids(in_trash=in_trash, by_id=in_trash):
            tick()
            rec = cat.get_record(record_id)
            yield rec, _release(rec, resolve(rec), people, in_trash), in_trash


def _record_files(
    rec: KnowledgeRecord, release: ReleaseDecision, names: set[str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """The rows a released record adds to ``names`` (of records.csv, uses.csv, holders.csv)."""
    if "records.csv" in names:
        yield "records.csv", _record_row(rec, release)
    if "uses.csv" in names and not release.withholds("uses"):
        for use in rec.uses:
            prep = "" if release.withholds("preparation") else use.preparation
            yield "uses.csv", {"record_id": rec.id, "part": use.part, "preparation": prep,
                               "purpose": use.purpose, "season": use.season}  # fmt: skip
    if "holders.csv" in names and not release.withholds("holders"):
        for link in rec.holders:
            yield "holders.csv", {"record_id": rec.id, "person_id": link.person_id,
                                  "role": link.role}  # fmt: skip


_RECORD_FILES = ("records.csv", "uses.csv", "holders.csv")


def _write(
    cat: Catalogue, sink: _Sink, progress: Progress | None, cancel: CancelCheck | None
) -> dict[str, int]:
    # Trashed records are asked about too: the taxa and people known only through them
    # must not leave either.
    passes = [set(_RECORD_FILES)] if sink.one_pass else [{name} for name in _RECORD_FILES]
    total = (cat.count_readable() + cat.count_readable(in_trash=True)) * len(passes)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 200 == 0:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(done, total)

    # Per taxon / person: [linked from a record, some link leaves] (not one entry per link:
    # memory stays constant in the number of records).
    taxon_links: dict[str, list[bool]] = {}
    names_hidden: set[str] = set()
    person_links: dict[str, list[bool]] = {}
    left_out = exported = 0
    for number, names in enumerate(passes):
        sink.begin(sorted(names, key=_RECORD_FILES.index))
        for rec, release, in_trash in _scan(cat, tick):
            leaves = release.included
            if leaves:
                for name, values in _record_files(rec, release, names):
                    sink.add(name, values)
            if number:
                continue  # the links are the same on every pass
            if leaves:
                exported += 1
            elif not in_trash:
                left_out += 1
            for taxon_id in rec.taxon_ids:
                _link(taxon_links, taxon_id, leaves)
                if release.withholds("local_names"):
                    names_hidden.add(taxon_id)
            for link in rec.holders:
                _link(person_links, link.person_id, not release.withholds("holders"))
            if rec.recorded_by:
                _link(person_links, rec.recorded_by, not release.withholds("recorded_by"))
    counts = {"records": exported, "records_left_out": left_out}
    sink.begin(["taxa.csv", "vernacular_names.csv"] if sink.one_pass else ["taxa.csv"])
    taxa_out = taxa_left = 0
    hidden_by_taxon: list[tuple[str, bool]] = []
    for taxon in cat.list_taxa():
        linked, leaves = taxon_links.get(taxon.id, (False, False))
        if linked and not leaves:
            taxa_left += 1
            continue
        taxa_out += 1
        hidden = taxon.id in names_hidden
        sink.add(
            "taxa.csv",
            {
                "id": taxon.id, "scientific_name": taxon.scientific_name,
                "authorship": taxon.authorship, "rank": taxon.rank, "kingdom": taxon.kingdom,
                "family": taxon.family, "genus": taxon.genus, "gbif_key": taxon.gbif_key,
                "col_id": taxon.col_id, "names_withheld": _bool_text(hidden),
            },
        )  # fmt: skip
        hidden_by_taxon.append((taxon.id, hidden))
        if sink.one_pass and not hidden:
            _vernacular_rows(sink, taxon)
    if not sink.one_pass:
        sink.begin(["vernacular_names.csv"])
        shown = {taxon_id for taxon_id, hidden in hidden_by_taxon if not hidden}
        for taxon in cat.list_taxa():
            if taxon.id in shown:
                _vernacular_rows(sink, taxon)
    sink.begin(["people.csv"])
    persons_out = persons_left = 0
    for person in cat.list_persons():
        linked, leaves = person_links.get(person.id, (False, False))
        if linked and not leaves:
            persons_left += 1
            continue
        persons_out += 1
        shown_name = released_name(person, Destination.CSV_EXCHANGE)
        sink.add(
            "people.csv",
            {
                "id": person.id, "name": shown_name or "",
                "roles": _join(person.roles), "community": person.community,
                "consent_status": person.consent_status.value,
                "deceased": _bool_text(person.deceased),
                "anonymous_outside": _bool_text(person.anonymous_outside),
                "withheld": "name" if shown_name is None else "",
            },
        )  # fmt: skip
    sink.finish()
    counts.update(
        taxa=taxa_out, taxa_left_out=taxa_left, persons=persons_out, persons_left_out=persons_left
    )
    return counts


def _link(links: dict[str, list[bool]], entity_id: str, leaves: bool) -> None:
    state = links.setdefault(entity_id, [True, False])
    state[1] = state[1] or leaves


def _vernacular_rows(sink: _Sink, taxon: Taxon) -> None:
    for name in taxon.vernacular_names:
        sink.add(
            "vernacular_names.csv",
            {"taxon_id": taxon.id, "name": name.name, "language": name.language,
             "community_review": _bool_text(name.community_review)},
        )  # fmt: skip


def export_csv(
    cat: Catalogue,
    dest: Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> CsvExportReport:
    """Export the catalogue's exchange files to a folder, or a zip when ``dest`` ends ``.zip``.

    Each file (or the zip) is written atomically. The files hold decrypted knowledge: they
    are written only where the user asked, never as temporary copies elsewhere.

    Raises:
        CatalogueExists: a target file exists and ``overwrite`` is false (nothing written).
        Cancelled: ``cancel()`` returned True (nothing written).
    """
    dest = Path(dest)
    with ExitStack() as stack:
        sink = _Sink(stack, dest, overwrite)
        counts = _write(cat, sink, progress, cancel)
    if progress is not None:
        progress(1, 1)
    return CsvExportReport(
        path=dest,
        records=counts["records"],
        taxa=counts["taxa"],
        persons=counts["persons"],
        uses=sink.counts["uses.csv"],
        holders=sink.counts["holders.csv"],
        vernacular_names=sink.counts["vernacular_names.csv"],
        records_left_out=counts["records_left_out"],
        taxa_left_out=counts["taxa_left_out"],
        persons_left_out=counts["persons_left_out"],
    )
