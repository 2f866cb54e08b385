"""Terms, label wording and "may I?" answers for one catalogue (issue 3, LICENSING.md).

A terms version is immutable once an export used it: :func:`save_terms` refuses to change a
used version (:class:`~tkapp.errors.TermsInUse`) and :func:`edit_terms` makes the next version
instead. Every catalogue has a default terms version; catalogues made before terms existed get
one from the ``cbrl`` template the first time it is needed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast

from tkapp.core.model import Community, KnowledgeRecord
from tkapp.errors import NotFound, TermsInUse, ValidationError
from tkapp.licensing.evaluate import Decision, Request, evaluate_record
from tkapp.licensing.labels import LABELS, Label, LabelCustomisation, get_label
from tkapp.licensing.terms import Terms, canonical_terms_bytes, from_template, new_version
from tkapp.licensing.vocab import Purpose, UserClass
from tkapp.services.permissions import Action
from tkapp.store import codec, records
from tkapp.store import terms as terms_store
from tkapp.store.connection import Connection

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue, Session

__all__ = [
    "LabelInfo",
    "TermsInfo",
    "TermsResolver",
    "ask",
    "assign",
    "default_terms",
    "edit_terms",
    "get_terms",
    "get_terms_info",
    "install_missing_default_terms",
    "label_customisations",
    "list_labels",
    "list_terms",
    "remove_label_customisation",
    "save_terms",
    "set_default",
    "set_label_customisation",
    "terms_for_record",
    "terms_resolver",
]

DEFAULT_TEMPLATE = "cbrl"


@dataclass(frozen=True)
class TermsInfo:
    """One terms version as the terms list shows it."""

    id: str
    set_id: str
    version: int
    name: str
    template: str
    created: str  # ISO UTC
    used: bool  # an export used it: immutable
    first_export_id: str
    is_default: bool
    records: int  # records assigned to this version explicitly


@dataclass(frozen=True)
class LabelInfo:
    """A label with the community's own wording, if any."""

    label: Label
    customisation: LabelCustomisation | None


def _now() -> datetime:
    return datetime.now(UTC)


def _row_for(terms: Terms, created: str) -> terms_store.TermsRow:
    return terms_store.TermsRow(
        id=terms.id,
        set_id=terms.set_id,
        version=terms.version,
        name=terms.name,
        template=terms.template,
        data=canonical_terms_bytes(terms).decode("utf-8"),
        created=created,
        first_export_id="",
    )


def _terms_of(row: terms_store.TermsRow) -> Terms:
    return Terms.from_json(json.loads(row.data))


def _initial_terms(community: Community, template: str) -> Terms:
    """Version 1 of the default terms, worded from the community's own details."""
    languages = list(dict.fromkeys(community.languages)) or ["en"]
    return from_template(
        template,
        # The community edits these; its name and contact are the honest starting point.
        attribution=community.name,
        contact=community.contact or community.name,
        languages=languages,
    )


def install_default_terms(conn: Connection, community: Community, template: str) -> Terms:
    """Write version 1 of the default terms inside the caller's transaction (no audit entry:
    used while a new catalogue is being set up, as part of its "create" entry)."""
    terms = _initial_terms(community, template)
    terms_store.insert(conn, _row_for(terms, _now().isoformat()))
    terms_store.set_default_id(conn, terms.id)
    return terms


def install_missing_default_terms(cat: Catalogue, template: str = DEFAULT_TEMPLATE) -> Terms | None:
    """Give a catalogue made before terms existed version 1 of its default terms (from
    ``template``), audited; a catalogue that has them is left as it is.

    This is the explicit step that writes them: :func:`open_catalogue` calls it right after the
    schema migrations, so that reads (:func:`default_terms`, plans) never write. It runs on
    every open, so the usual case (terms present) is one small query and nothing parsed.

    Returns:
        The terms installed now, or None when the catalogue already had default terms.

    Raises:
        ValidationError: unknown template.
    """
    with cat.reading() as conn:
        if terms_store.find(conn, terms_store.default_id(conn)) is not None:
            return None
    with cat.session(Action.READ) as s:
        if terms_store.find(s.conn, terms_store.default_id(s.conn)) is not None:
            return None
        terms = install_default_terms(s.conn, cat.community, template)
        s.audit("create", "terms", terms.id, canonical_terms_bytes(terms).decode())
        return terms


def default_terms(cat: Catalogue) -> Terms:
    """The catalogue's default terms version (every open catalogue has one: it is made with
    the catalogue, or by :func:`install_missing_default_terms` when an older one is opened).

    Raises:
        NotFound: the catalogue has no default terms (it was not opened through
            :func:`~tkapp.services.catalogue.open_catalogue`).
    """
    with cat.reading() as conn:
        return _terms_of(terms_store.get(conn, terms_store.default_id(conn)))


def get_terms(cat: Catalogue, terms_id: str) -> Terms:
    """One terms version. Raises NotFound."""
    with cat.reading() as conn:
        return _terms_of(terms_store.get(conn, terms_id))


def _info(conn: Connection, row: terms_store.TermsRow, default_id: str) -> TermsInfo:
    return TermsInfo(
        id=row.id,
        set_id=row.set_id,
        version=row.version,
        name=row.name,
        template=row.template,
        created=row.created,
        used=row.used,
        first_export_id=row.first_export_id,
        is_default=row.id == default_id,
        records=terms_store.record_count_using(conn, row.id),
    )


def list_terms(cat: Catalogue) -> list[TermsInfo]:
    """Every terms version, grouped by set, oldest first."""
    with cat.reading() as conn:
        default_id = terms_store.default_id(conn)
        return [_info(conn, row, default_id) for row in terms_store.list_all(conn)]


def get_terms_info(cat: Catalogue, terms_id: str) -> TermsInfo:
    with cat.reading() as conn:
        return _info(conn, terms_store.get(conn, terms_id), terms_store.default_id(conn))


def set_default(cat: Catalogue, terms_id: str) -> None:
    """Make ``terms_id`` the version records without their own terms fall under."""
    with cat.session(Action.MANAGE_TERMS) as s:
        terms_store.set_default_id(s.conn, terms_id)
        s.audit("default", "terms", terms_id, json.dumps({"default": terms_id}))


def save_terms(cat: Catalogue, terms: Terms) -> Terms:
    """Store a new terms version, or overwrite a version that no export has used yet.

    Raises:
        TermsInUse: ``terms.id`` names a version an export used (use :func:`edit_terms`).
        ValidationError: another version of the set already has this version number, or the
            stored version belongs to another set.
    """
    state = canonical_terms_bytes(terms).decode("utf-8")
    with cat.session(Action.MANAGE_TERMS) as s:
        existing = terms_store.find(s.conn, terms.id)
        if existing is None:
            clash = terms_store.latest_in_set(s.conn, terms.set_id)
            if clash is not None and clash.version >= terms.version:
                raise ValidationError("version_exists", field="version", id=terms.id)
            terms_store.insert(s.conn, _row_for(terms, _now().isoformat()))
            s.audit("create", "terms", terms.id, state)
        else:
            if existing.used:
                raise TermsInUse("used in an export", id=terms.id, export=existing.first_export_id)
            if (existing.set_id, existing.version) != (terms.set_id, terms.version):
                raise ValidationError("identity_changed", field="id", id=terms.id)
            terms_store.replace_unused(s.conn, _row_for(terms, existing.created))
            s.audit("update", "terms", terms.id, state)
    return terms


def edit_terms(
    cat: Catalogue, terms_id: str, *, move_records: bool = True, **changes: Any
) -> Terms:
    """Apply ``changes`` (Terms field values) to a terms version.

    An unused version is changed in place. A used one stays as it was: the changes become the
    next version of the set, which also takes over as default (if the old one was) and, with
    ``move_records``, for the records that named the old version.

    Raises:
        ValidationError: unknown field, identity field, or invalid result.
    """
    old = get_terms(cat, terms_id)
    with cat.reading() as conn:
        used = terms_store.get(conn, terms_id).used
    if not used:
        for name in ("id", "set_id", "version", "previous_id"):
            if name in changes:
                raise ValidationError("read_only", field=name)
        known = {f.name for f in dataclasses.fields(Terms)}
        unknown = [name for name in changes if name not in known]
        if unknown:
            raise ValidationError("unknown_key", field=unknown[0])
        return save_terms(cat, dataclasses.replace(old, **changes))
    latest = _latest(cat, old.set_id)
    successor = new_version(latest, **changes)
    state = canonical_terms_bytes(successor).decode("utf-8")
    with cat.session(Action.MANAGE_TERMS) as s:
        terms_store.insert(s.conn, _row_for(successor, _now().isoformat()))
        s.audit("create", "terms", successor.id, state)
        if terms_store.default_id(s.conn) == terms_id:
            terms_store.set_default_id(s.conn, successor.id)
            state = json.dumps({"default": successor.id})
            s.audit("default", "terms", successor.id, state)
        if move_records:
            _assign_in(s, records.ids_under_terms(s.conn, terms_id), successor.id)
    return successor


def _latest(cat: Catalogue, set_id: str) -> Terms:
    with cat.reading() as conn:
        row = terms_store.latest_in_set(conn, set_id)
    if row is None:
        raise NotFound(set_id, entity="terms", id=set_id)
    return _terms_of(row)


def _assign_in(s: Session, record_ids: Iterable[str], terms_id: str) -> int:
    conn = s.conn
    changed = 0
    for record_id in dict.fromkeys(record_ids):
        rec, trashed = records.load(conn, record_id)
        if rec.terms_id == terms_id:
            continue
        rec.terms_id = terms_id
        rec.version += 1
        rec.modified = _now()
        state = codec.dumps(rec)
        records.save(conn, rec, state, new=False, trashed=trashed)
        s.audit("update", "record", rec.id, state)
        changed += 1
    return changed


def assign(cat: Catalogue, record_ids: Sequence[str], terms_id: str) -> int:
    """Put records under a terms version ("" = back to the catalogue default), in one
    transaction. Each changed record gets a new version, like any edit.

    Returns:
        How many records changed.

    Raises:
        NotFound: an unknown record or terms version (nothing is changed).
    """
    with cat.session(Action.MANAGE_TERMS) as s:
        if terms_id:
            terms_store.get(s.conn, terms_id)
        return _assign_in(s, record_ids, terms_id)


TermsResolver = Callable[[KnowledgeRecord], Terms]


def terms_resolver(cat: Catalogue) -> TermsResolver:
    """A ``record -> Terms`` function that loads each version once (for plans over many
    records). Use it while the catalogue's terms do not change."""
    cache: dict[str, Terms] = {}

    def resolve(record: KnowledgeRecord) -> Terms:
        key = record.terms_id
        if key not in cache:
            cache[key] = get_terms(cat, key) if key else default_terms(cat)
        return cache[key]

    return resolve


def terms_for_record(cat: Catalogue, record: KnowledgeRecord) -> Terms:
    """The terms version that governs ``record``: its own ``terms_id``, else the default.

    Raises:
        NotFound: the record names a terms version the catalogue does not have.
    """
    return get_terms(cat, record.terms_id) if record.terms_id else default_terms(cat)


# --- labels -------------------------------------------------------------------------------


def label_customisations(cat: Catalogue) -> dict[str, LabelCustomisation]:
    """The community's own wording of labels, by code."""
    with cat.reading() as conn:
        stored = terms_store.list_label_customisations(conn)
    return {code: LabelCustomisation.from_json(json.loads(data)) for code, data in stored.items()}


def list_labels(cat: Catalogue) -> list[LabelInfo]:
    """All 30 labels in the shipped order, with the community's wording where it has one."""
    own = label_customisations(cat)
    return [LabelInfo(label, own.get(label.code)) for label in LABELS]


def set_label_customisation(cat: Catalogue, customisation: LabelCustomisation) -> None:
    """Store the community's wording of one label (replacing any earlier wording)."""
    state = json.dumps(customisation.to_json(), ensure_ascii=False, sort_keys=True)
    with cat.session(Action.MANAGE_TERMS) as s:
        terms_store.set_label_customisation(s.conn, customisation.code, state)
        s.audit("update", "label", customisation.code, state)


def remove_label_customisation(cat: Catalogue, code: str) -> bool:
    """Go back to the shipped wording of a label; returns whether there was one."""
    get_label(code)
    with cat.session(Action.MANAGE_TERMS) as s:
        removed = terms_store.delete_label_customisation(s.conn, code)
        if removed:
            s.audit("delete", "label", code, json.dumps({"code": code}))
    return removed


# --- decisions ----------------------------------------------------------------------------


def ask(
    cat: Catalogue,
    record_id: str,
    user_class: UserClass | str,
    purpose: Purpose | str,
    *,
    on: date | None = None,
    inside_catalogue: bool = False,
) -> Decision:
    """May ``user_class`` use record ``record_id`` for ``purpose``? Outcome, duties, reasons.

    Args:
        on: the day of the use (default today, UTC), checked against the terms' validity.
        inside_catalogue: the community's own use inside the catalogue.

    Raises:
        NotFound: unknown record. ValidationError: unknown user class or purpose.
    """
    # Request validates the codes itself (ValidationError naming the field).
    request = Request(
        cast(UserClass, user_class),
        cast(Purpose, purpose),
        inside_catalogue=inside_catalogue,
        on=on or _now().date(),
    )
    record = cat.get_record(record_id)
    return evaluate_record(
        record, terms_for_record(cat, record), request, label_customisations(cat)
    )
