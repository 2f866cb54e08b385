"""The catalogue use cases both front ends call (services-api.md).

A :class:`Catalogue` wraps one open, unlocked catalogue file. Every changing call is one
transaction and appends to the hash-chained audit log in that same transaction. Use it from
the thread that opened it (the GUI's serial worker does this).
"""

from __future__ import annotations

import contextlib
import copy
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from tkapp.core.model import (
    Community,
    ConsentRecord,
    KnowledgeRecord,
    Media,
    Person,
    Taxon,
)
from tkapp.crypto.keys import KeyPair, generate_keypair, keypair_from_seed
from tkapp.errors import CatalogueCorrupt, StoreError, ValidationError
from tkapp.services.terms import install_default_terms, install_missing_default_terms
from tkapp.store import Database, audit, codec, entities, maintenance, records
from tkapp.store import media as media_store
from tkapp.store.audit import AuditChain, AuditEntry, AuditReport
from tkapp.store.codec import to_jsonable
from tkapp.store.connection import Connection
from tkapp.store.records import RecordFilter, RecordSummary, SearchPage

__all__ = [
    "CATALOGUE_SUFFIX",
    "AuditEntry",
    "AuditReport",
    "CancelCheck",
    "Catalogue",
    "CatalogueStats",
    "CheckReport",
    "Progress",
    "RecordFilter",
    "RecordSummary",
    "SearchPage",
    "Session",
    "create_catalogue",
    "open_catalogue",
    "restore_backup",
    "to_jsonable",
]

#: Suggested file name ending for catalogues (not required by anything).
CATALOGUE_SUFFIX = ".tkc"

Progress = Callable[[int, int], None]  # (done, total)
CancelCheck = Callable[[], bool]  # True -> stop and raise errors.Cancelled


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    integrity: list[str]
    cipher_integrity: list[str]
    audit: AuditReport


@dataclass(frozen=True)
class CatalogueStats:
    records: int
    taxa: int
    persons: int
    media: int
    consents: int
    in_trash: int


def _now() -> datetime:
    return datetime.now(UTC)


def _check_new_passphrase(passphrase: str) -> None:
    if not passphrase or not passphrase.strip():
        raise ValidationError("required", field="passphrase")
    if "\x00" in passphrase:
        raise ValidationError("control_character", field="passphrase")


def create_catalogue(
    path: Path, passphrase: str, community: Community, *, actor: str = "", template: str = "cbrl"
) -> Catalogue:
    """Create a new catalogue at ``path`` with a fresh community signing key.

    Raises:
        CatalogueExists: something is already at ``path``.
        ValidationError: empty passphrase or invalid community.
    """
    _check_new_passphrase(passphrase)
    community.validate()
    catalogue_id = str(uuid.uuid4())

    def setup(conn: Connection, chain: AuditChain) -> None:
        now = _now().isoformat()
        entities.set_meta(conn, "catalogue_id", catalogue_id)
        entities.set_meta(conn, "created", now)
        state = codec.dumps(community)
        entities.set_meta(conn, "community", state)
        keys = generate_keypair()
        entities.save_signing_key(conn, keys.key_id, keys.secret_seed, keys.public)
        install_default_terms(conn, community, template)  # default terms from ``template``
        chain.append(
            conn,
            actor=actor,
            action="create",
            entity="catalogue",
            entity_id=catalogue_id,
            state_json=json.dumps({"community": community.id, "key": keys.public.hex()}),
        )

    db = Database.create(Path(path), passphrase, setup)
    return Catalogue(db, actor=actor)


def open_catalogue(path: Path, passphrase: str, *, actor: str = "") -> Catalogue:
    """Open and unlock a catalogue; an older one is brought up to date first (schema
    migrations, then its default terms if it was made before terms existed).

    Raises:
        WrongPassphrase, NotACatalogue, CatalogueCorrupt, CatalogueMissing,
        UnsupportedCatalogue, CatalogueLocked: a failed open never changes the file.
    """
    cat = Catalogue(Database.open(Path(path), passphrase), actor=actor)
    try:
        # Part of bringing an older catalogue up to date, like the schema migrations: from
        # here on, reading never writes.
        install_missing_default_terms(cat)
    except BaseException:
        cat.close()
        raise
    return cat


def restore_backup(
    backup: Path,
    dest: Path,
    passphrase: str,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    overwrite: bool = False,
) -> None:
    """Check that ``backup`` opens with ``passphrase`` and passes both integrity checks, then
    write it atomically to ``dest`` (an existing ``dest`` only with ``overwrite``)."""
    maintenance.restore(
        Path(backup), Path(dest), passphrase, progress=progress, cancel=cancel, overwrite=overwrite
    )


class Session:
    """One unit of work on a catalogue: a write transaction and the audit entries that
    describe it, committed together or not at all (see :meth:`Catalogue.session`).

    Services outside this module change the catalogue only through a session: they call the
    store's functions with :attr:`conn` and record what they did with :meth:`audit`.
    """

    def __init__(self, catalogue: Catalogue, conn: Connection) -> None:
        self.conn = conn
        self._catalogue = catalogue

    def audit(self, action: str, entity: str, entity_id: str, state: str = "{}") -> None:
        """Append one entry to the hash-chained audit log, in this transaction.

        Args:
            action: what happened (``create``, ``update``, ``delete``, ``import``...).
            entity: the kind of thing (``record``, ``terms``, ``recipient``...).
            entity_id: its id.
            state: its new state as JSON (what a later reader needs to see the change).
        """
        self._catalogue._audit(self.conn, action, entity, entity_id, state)


class Catalogue:
    """One open catalogue. Changing calls are single, audited transactions."""

    def __init__(self, db: Database, *, actor: str = "") -> None:
        self._db = db
        self.path = db.path
        self.actor = actor
        with db.reading() as conn:
            self.id = entities.get_meta(conn, "catalogue_id")
            self._community = codec.loads(Community, entities.get_meta(conn, "community", "{}"))

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def community(self) -> Community:
        return copy.deepcopy(self._community)

    @property
    def is_open(self) -> bool:
        return self._db.is_open

    def update_community(self, community: Community) -> None:
        community.validate()
        state = codec.dumps(community)
        with self._db.transaction() as conn:
            entities.set_meta(conn, "community", state)
            self._audit(conn, "update", "community", community.id, state)
        self._community = copy.deepcopy(community)

    def close(self) -> None:
        """Lock: close the connection and forget the key. Safe to call twice."""
        self._db.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- units of work (for the services beside this one) ---------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) with its audit entries.

        Everything done through the session commits together when the block ends, or is
        rolled back (audit entries included) when it raises::

            with cat.session() as s:
                terms_store.insert(s.conn, row)
                s.audit("create", "terms", row.id, state)

        Raises:
            StoreError and its kinds (DiskFull...): SQLite failed; nothing was written.
        """
        with self._db.transaction() as conn:
            yield Session(self, conn)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only use of the connection (a read never writes: no audit entry, no
        default created on the way). SQLite errors leave as typed errors."""
        with self._db.reading() as conn:
            yield conn

    def connection_source(self) -> Callable[[], Connection]:
        """How a streaming reader finds the live connection (each read asks again, so a
        reader used after :meth:`close` fails cleanly instead of reading a stale handle)."""
        return lambda: self._db.conn

    def _audit(
        self, conn: Connection, action: str, entity: str, entity_id: str, state: str
    ) -> None:
        self._db.audit.append(
            conn,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            state_json=state,
        )

    # --- records ------------------------------------------------------------------------

    def _check_links(self, conn: Connection, rec: KnowledgeRecord) -> None:
        for taxon_id in rec.taxon_ids:
            if not entities.taxon_exists(conn, taxon_id):
                raise ValidationError("unknown_taxon", field="taxon_ids", id=taxon_id)
        people = [h.person_id for h in rec.holders]
        if rec.recorded_by:
            people.append(rec.recorded_by)
        for person_id in people:
            if not entities.person_exists(conn, person_id):
                raise ValidationError("unknown_person", field="holders", id=person_id)

    def add_record(self, rec: KnowledgeRecord) -> KnowledgeRecord:
        """Save a new record (version 1, created and modified now)."""
        rec = copy.deepcopy(rec)
        rec.validate()
        now = _now()
        rec.created = rec.modified = now
        rec.version = 1
        with self._db.transaction() as conn:
            if records.exists(conn, rec.id):
                raise ValidationError("duplicate_id", field="id", id=rec.id)
            self._check_links(conn, rec)
            state = codec.dumps(rec)
            records.save(conn, rec, state, new=True)
            self._audit(conn, "create", "record", rec.id, state)
        return rec

    def update_record(self, rec: KnowledgeRecord) -> KnowledgeRecord:
        """Save an edit: version + 1, modified now."""
        rec = copy.deepcopy(rec)
        rec.validate()
        with self._db.transaction() as conn:
            old, _trashed = records.load(conn, rec.id)
            self._check_links(conn, rec)
            rec.version = old.version + 1
            rec.created = old.created
            rec.modified = _now()
            state = codec.dumps(rec)
            records.save(conn, rec, state, new=False)
            self._audit(conn, "update", "record", rec.id, state)
        return rec

    def get_record(self, record_id: str) -> KnowledgeRecord:
        with self._db.reading() as conn:
            return records.load(conn, record_id)[0]

    def is_trashed(self, record_id: str) -> bool:
        with self._db.reading() as conn:
            return records.load(conn, record_id)[1]

    def delete_record(self, record_id: str) -> None:
        """Move a record to the trash (it can be restored)."""
        self._set_trashed(record_id, True, "delete")

    def restore_record(self, record_id: str) -> None:
        """Take a record out of the trash."""
        self._set_trashed(record_id, False, "restore")

    def _set_trashed(self, record_id: str, trashed: bool, action: str) -> None:
        with self._db.transaction() as conn:
            records.set_trashed(conn, record_id, trashed)
            state = json.dumps({"id": record_id, "trashed": trashed})
            self._audit(conn, action, "record", record_id, state)

    def purge_record(self, record_id: str) -> None:
        """Delete a record for good, with its media."""
        with self._db.transaction() as conn:
            records.load(conn, record_id)  # NotFound
            for media_id in media_store.ids_for_record(conn, record_id):
                media_store.delete(conn, media_id)
            records.purge(conn, record_id)
            self._audit(conn, "purge", "record", record_id, json.dumps({"id": record_id}))

    def search_ids(self, query: str = "", filters: RecordFilter | None = None) -> list[str]:
        """Matching ids: by relevance for a query (accents and case folded), else newest
        first."""
        with self._db.reading() as conn:
            return records.search_ids(conn, query, filters)

    def search_page(
        self,
        query: str = "",
        filters: RecordFilter | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        total: int | None = None,
    ) -> SearchPage:
        """The ids of one page of a search and the number of matches in all (pass the
        ``total`` of the first page back for later pages: it is not counted again)."""
        with self._db.reading() as conn:
            return records.search_page(
                conn, query, filters, offset=offset, limit=limit, total=total
            )

    def summaries(self, ids: Sequence[str]) -> list[RecordSummary]:
        """Table rows for ``ids`` in the same order (unknown ids left out)."""
        with self._db.reading() as conn:
            return records.summaries(conn, ids)

    def search(
        self, query: str, filters: RecordFilter | None = None, limit: int = 50
    ) -> list[RecordSummary]:
        with self._db.reading() as conn:
            return records.summaries(conn, records.search_ids(conn, query, filters, limit))

    def count(self, filters: RecordFilter | None = None) -> int:
        with self._db.reading() as conn:
            return records.count(conn, filters)

    def stats(self) -> CatalogueStats:
        with self._db.reading() as conn:
            return CatalogueStats(**entities.counts(conn))

    # --- taxa, persons, consents ----------------------------------------------------------

    def add_taxon(self, t: Taxon) -> Taxon:
        t = copy.deepcopy(t)
        t.validate()
        state = codec.dumps(t)
        with self._db.transaction() as conn:
            if entities.taxon_exists(conn, t.id):
                raise ValidationError("duplicate_id", field="id", id=t.id)
            entities.save_taxon(conn, t, state, new=True)
            self._audit(conn, "create", "taxon", t.id, state)
        return t

    def update_taxon(self, t: Taxon) -> Taxon:
        """Save a taxon; records naming it are re-indexed in the same transaction."""
        t = copy.deepcopy(t)
        t.validate()
        state = codec.dumps(t)
        with self._db.transaction() as conn:
            entities.save_taxon(conn, t, state, new=False)
            records.reindex(conn, records.rowids_linking_taxon(conn, t.id))
            self._audit(conn, "update", "taxon", t.id, state)
        return t

    def get_taxon(self, taxon_id: str) -> Taxon:
        with self._db.reading() as conn:
            return entities.get_taxon(conn, taxon_id)

    def list_taxa(self, query: str = "") -> list[Taxon]:
        """Taxa whose scientific or vernacular names contain ``query`` (accents folded)."""
        with self._db.reading() as conn:
            return entities.list_taxa(conn, query)

    def add_person(self, p: Person) -> Person:
        p = copy.deepcopy(p)
        p.validate()
        state = codec.dumps(p)
        with self._db.transaction() as conn:
            if entities.person_exists(conn, p.id):
                raise ValidationError("duplicate_id", field="id", id=p.id)
            entities.save_person(conn, p, state, new=True)
            self._audit(conn, "create", "person", p.id, state)
        return p

    def update_person(self, p: Person) -> Person:
        p = copy.deepcopy(p)
        p.validate()
        state = codec.dumps(p)
        with self._db.transaction() as conn:
            entities.save_person(conn, p, state, new=False)
            records.reindex(conn, records.rowids_linking_person(conn, p.id))
            self._audit(conn, "update", "person", p.id, state)
        return p

    def get_person(self, person_id: str) -> Person:
        with self._db.reading() as conn:
            return entities.get_person(conn, person_id)

    def list_persons(self, query: str = "") -> list[Person]:
        with self._db.reading() as conn:
            return entities.list_persons(conn, query)

    def add_consent(self, c: ConsentRecord) -> ConsentRecord:
        c = copy.deepcopy(c)
        c.validate()
        state = codec.dumps(c)
        with self._db.transaction() as conn:
            self._check_consent_links(conn, c)
            entities.save_consent(conn, c, state, new=True)
            self._audit(conn, "create", "consent", c.id, state)
        return c

    def update_consent(self, c: ConsentRecord) -> ConsentRecord:
        c = copy.deepcopy(c)
        c.validate()
        state = codec.dumps(c)
        with self._db.transaction() as conn:
            self._check_consent_links(conn, c)
            entities.save_consent(conn, c, state, new=False)
            self._audit(conn, "update", "consent", c.id, state)
        return c

    def _check_consent_links(self, conn: Connection, c: ConsentRecord) -> None:
        for record_id in c.record_ids:
            if not records.exists(conn, record_id):
                raise ValidationError("unknown_record", field="record_ids", id=record_id)
        for person_id in c.person_ids:
            if not entities.person_exists(conn, person_id):
                raise ValidationError("unknown_person", field="person_ids", id=person_id)

    def get_consent(self, consent_id: str) -> ConsentRecord:
        with self._db.reading() as conn:
            return entities.get_consent(conn, consent_id)

    def list_consents(self, record_id: str | None = None) -> list[ConsentRecord]:
        with self._db.reading() as conn:
            return entities.list_consents(conn, record_id)

    # --- media --------------------------------------------------------------------------

    def add_media(
        self,
        meta: Media,
        source: BinaryIO,
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> Media:
        """Stream ``source`` into the catalogue in chunks; fills ``size`` and ``sha256``.

        ``meta.record_id`` or ``meta.consent_id`` links it. A cancel or an error leaves
        nothing behind (one transaction).
        """
        meta = copy.deepcopy(meta)
        meta.validate()
        with self._db.transaction() as conn:
            if meta.record_id and not records.exists(conn, meta.record_id):
                raise ValidationError("unknown_record", field="record_id", id=meta.record_id)
            if meta.consent_id:
                entities.get_consent(conn, meta.consent_id)
            stored = media_store.write(conn, meta, source, progress=progress, cancel=cancel)
            self._audit(conn, "create", "media", stored.id, codec.dumps(stored))
        return stored

    def open_media(self, media_id: str) -> BinaryIO:
        """A read-only, seekable reader streaming the bytes chunk by chunk.

        Use it on this catalogue's thread, and before the catalogue is closed.
        """
        return media_store.open_reader(self.connection_source(), media_id)

    def get_media(self, media_id: str) -> Media:
        with self._db.reading() as conn:
            return media_store.get(conn, media_id)

    def list_media(
        self, record_id: str | None = None, consent_id: str | None = None
    ) -> list[Media]:
        with self._db.reading() as conn:
            return media_store.list_for(conn, record_id, consent_id)

    def update_media(self, meta: Media) -> Media:
        """Change descriptive fields (caption, creator, date, warning...); the bytes, size and
        hash stay as stored."""
        meta = copy.deepcopy(meta)
        meta.validate()
        with self._db.transaction() as conn:
            old = media_store.get(conn, meta.id)
            meta.size, meta.sha256 = old.size, old.sha256
            if meta.record_id and not records.exists(conn, meta.record_id):
                raise ValidationError("unknown_record", field="record_id", id=meta.record_id)
            media_store.update_meta(conn, meta)
            self._audit(conn, "update", "media", meta.id, codec.dumps(meta))
        return meta

    def delete_media(self, media_id: str) -> None:
        with self._db.transaction() as conn:
            media_store.delete(conn, media_id)
            self._audit(conn, "delete", "media", media_id, json.dumps({"id": media_id}))

    # --- maintenance --------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-encrypt the catalogue under a new passphrase (atomic file swap)."""
        _check_new_passphrase(new_passphrase)
        maintenance.change_passphrase(self._db, new_passphrase)
        with self._db.transaction() as conn:
            self._audit(conn, "passphrase", "catalogue", self.id, "{}")

    def check(self, *, progress: Progress | None = None) -> CheckReport:
        """``integrity_check`` + ``cipher_integrity_check`` + the audit chain."""
        with self._db.reading() as conn:
            problems, cipher = maintenance.integrity(conn)
        try:
            with self._db.reading() as conn:
                report = audit.verify(conn, progress)
        except CatalogueCorrupt as exc:
            # The log itself sits on a damaged page: say so instead of stopping the check.
            report = AuditReport(ok=False, entries=0, problems=[exc.detail])
        return CheckReport(
            ok=not problems and not cipher and report.ok,
            integrity=problems,
            cipher_integrity=cipher,
            audit=report,
        )

    def backup(
        self,
        dest: Path,
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
        overwrite: bool = False,
    ) -> None:
        """Write an encrypted copy (same passphrase) to ``dest``, atomically."""
        maintenance.backup(
            self._db, Path(dest), progress=progress, cancel=cancel, overwrite=overwrite
        )

    def audit_entries(self, entity_id: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Newest first."""
        with self._db.reading() as conn:
            return audit.entries(conn, entity_id, limit)

    # --- keys and settings --------------------------------------------------------------

    def signing_key(self) -> KeyPair:
        """The community's Ed25519 key pair (the private half never leaves the catalogue)."""
        with self._db.reading() as conn:
            row = entities.load_signing_key(conn)
        if row is None:
            raise StoreError("no signing key", path=str(self.path))
        key_id, seed, _public = row
        return keypair_from_seed(key_id, seed)

    def get_setting(self, key: str, default: str = "") -> str:
        with self._db.reading() as conn:
            return entities.get_setting(conn, key, default)

    def set_setting(self, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            entities.set_setting(conn, key, value)
