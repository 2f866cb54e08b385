"""The catalogue use cases both front ends call (services-api.md).

A :class:`Catalogue` wraps one open, unlocked catalogue file. Every changing call is one
transaction and appends to the hash-chained audit log in that same transaction. Use it from
the thread that opened it (the GUI's serial worker does this).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from tkapp.atomicfile import atomic_write_bytes
from tkapp.core.model import (
    Community,
    ConsentRecord,
    KnowledgeRecord,
    Media,
    Person,
    RecordStatus,
    Taxon,
)
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import approval_public, sign_approval
from tkapp.crypto.keys import KeyPair, PublicKey, generate_keypair, keypair_from_seed
from tkapp.errors import CatalogueCorrupt, NotPermitted, StoreError, ValidationError
from tkapp.services import people as people_service
from tkapp.services.permissions import Action, require
from tkapp.services.protocols import placeholder_title
from tkapp.services.terms import install_default_terms, install_missing_default_terms
from tkapp.store import Database, audit, codec, entities, keyslots, maintenance, records, sealed
from tkapp.store import media as media_store
from tkapp.store import people as people_store
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
    path: Path,
    passphrase: str,
    community: Community,
    *,
    actor: str = "",
    template: str = "cbrl",
    custodian: str = "",
    reader: Reader | None = None,
) -> Catalogue:
    """Create a new catalogue at ``path`` with a fresh community signing key.

    The database key is random; ``passphrase`` becomes the first custodian's, named
    ``custodian`` (default: "custodian"); the key slots file is written beside the catalogue.
    The audit log names that custodian as the actor.

    Raises:
        CatalogueExists: something is already at ``path``.
        ValidationError: empty passphrase or invalid community.
    """
    _check_new_passphrase(passphrase)
    community.validate()
    catalogue_id = str(uuid.uuid4())

    name = custodian or people_service.DEFAULT_CUSTODIAN

    def setup(conn: Connection, chain: AuditChain, session: people_service.Session) -> None:
        now = _now().isoformat()
        entities.set_meta(conn, "catalogue_id", catalogue_id)
        entities.set_meta(conn, "created", now)
        state = codec.dumps(community)
        entities.set_meta(conn, "community", state)
        keys = generate_keypair()
        entities.save_signing_key(conn, keys.key_id, keys.secret_seed, keys.public)
        people_service.store_signing_key(conn, keys.key_id, keys.secret_seed)
        install_default_terms(conn, community, template)  # default terms from ``template``
        chain.append(
            conn,
            actor=actor or session.user.name,
            action="create",
            entity="catalogue",
            entity_id=catalogue_id,
            state_json=json.dumps({"community": community.id, "key": keys.public.hex()}),
        )

    _check_new_passphrase(passphrase)
    db, session = people_service.create_database(Path(path), passphrase, name, setup)
    return Catalogue(db, actor=actor, session=session, reader=reader)


def open_catalogue(
    path: Path,
    passphrase: str,
    *,
    actor: str = "",
    person: str | None = None,
    reader: Reader | None = None,
) -> Catalogue:
    """Open and unlock a catalogue as ``person`` (name or id) with their own passphrase; an
    older one is brought up to date first (schema migrations, then its default terms if it
    was made before terms existed).

    ``person`` may be left out when one person uses the catalogue. A catalogue from before
    people opens with its old passphrase, which becomes the first custodian's (migration).
    The audit log names the unlocked person as the actor of every change. ``reader`` (tools
    and tests): read with these protocol keys instead of the unlocked person's.

    Raises:
        WrongPassphrase, NotACatalogue, CatalogueCorrupt, CatalogueMissing,
        UnsupportedCatalogue, CatalogueLocked: a failed open never changes the file.
        PersonRequired: several people and no ``person``. UnknownPerson.
    """
    db, session = people_service.open_database(Path(path), passphrase, person)
    cat = Catalogue(db, actor=actor, session=session, reader=reader)
    try:
        # Part of bringing an older catalogue up to date, like the schema migrations: from
        # here on, reading never writes. Each step writes only when something is behind.
        install_missing_default_terms(cat)
        if cat.reader is not None:
            cat.seal_existing()  # protected records from before protocol keys
            cat.finish_key_rotations()  # a re-seal a kill cut short
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
    person: str | None = None,
) -> None:
    """Check that ``backup`` opens with ``passphrase`` and passes both integrity checks, then
    write it atomically to ``dest`` (an existing ``dest`` only with ``overwrite``).

    The backup's key slots file is restored with it (written first), so everyone who could
    open the backup can open the restored catalogue."""
    backup, dest = Path(backup), Path(dest)
    key_for = people_service.SlotKey(backup, passphrase, person)

    def restore_slots() -> None:
        if key_for.file is not None and key_for.unlocked is not None:
            data = keyslots.slots_path(backup).read_bytes()
            atomic_write_bytes(keyslots.slots_path(dest), data)

    maintenance.restore(
        backup,
        dest,
        key_for,
        progress=progress,
        cancel=cancel,
        overwrite=overwrite,
        before_place=restore_slots,
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

    def audit_created(self, source: str, created: Sequence[tuple[str, str]]) -> None:
        """One ``import`` audit entry for many records an import of ``source`` (the file's
        name) created: ``(record id, state JSON)`` each. Each record's history shows it."""
        self._catalogue._db.audit.append_batch(
            self.conn,
            actor=self._catalogue.actor,
            action="import",
            source=source,
            created=created,
        )


#: Record ids per statement of :meth:`Catalogue.walk_readable_ids`.
ID_BATCH = 500


def _placeholders(found: list[RecordSummary]) -> list[RecordSummary]:
    return [s if s.readable else dataclasses.replace(s, title=placeholder_title(s)) for s in found]


class Catalogue:
    """One open catalogue. Changing calls are single, audited transactions."""

    def __init__(
        self,
        db: Database,
        *,
        actor: str = "",
        session: people_service.Session | None = None,
        reader: Reader | None = None,
    ) -> None:
        self._db = db
        self.path = db.path
        self._session = session
        self._reader_override = reader
        self._sealing_existing = False
        # The unlocked person is the actor of every change (issue 13); front ends pass no
        # ``actor``. Tools and tests may name another (the same process holds the keys).
        self.actor = actor or (session.user.name if session is not None else "")
        with db.reading() as conn:
            self.id = entities.get_meta(conn, "catalogue_id")
            self._community = codec.loads(Community, entities.get_meta(conn, "community", "{}"))
        self._unlock_protocols()

    def _unlock_protocols(self) -> None:
        """Attach the reader to the connection and index in memory the sealed records they
        may read (again after the connection changed: a passphrase change reopens it)."""
        with self._db.reading() as conn:
            sealed.attach(conn, self.reader, found=self._found_group)
            if self.reader is not None:
                # Freed pages are zeroed: a record sealed after it was stored in the clear
                # leaves none of its old words in the file.
                conn.execute("PRAGMA secure_delete = ON")
                records.index_sealed(conn)

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def user(self) -> User | None:
        """Who unlocked the catalogue (None only for a catalogue built on a bare store)."""
        return self._session.user if self._session is not None else None

    @property
    def reader(self) -> Reader | None:
        """The unlocked person's protocol group keys (memory only), for sealed content."""
        if self._reader_override is not None:
            return self._reader_override
        return self._session.reader if self._session is not None else None

    def people(self) -> people_service.People:
        """People management as the unlocked person (custodians change; everyone reads)."""
        if self._session is None:
            raise StoreError("no person unlocked this catalogue", path=str(self.path))
        return people_service.People(self._db, self._session, on_change=self._people_changed)

    def _found_group(self, conn: Connection, group: str) -> GroupKey | None:
        """The store asks while writing a protected record for a group the person holds no
        key of: if the group has none yet, the writer founds it (people.found_group). Sealing
        records from before protocol keys founds groups for custodians only."""
        if self._session is None or self._reader_override is not None:
            return None
        if self._sealing_existing and self._session.user.role != Role.CUSTODIAN:
            return None
        if any(g == group for g, _version in records.sealed_versions(conn)):
            return None  # the group exists (its records are sealed): a member must add me
        people = people_service.People(self._db, self._session)
        key = people.found_group(conn, group)
        if key is not None:
            self._session = people.session
            sealed.attach(conn, self.reader, found=self._found_group)
        return key

    def _people_changed(self, session: people_service.Session) -> None:
        """After a change to people or groups: use the keys it gave me at once, and move the
        records of a group whose key was rotated (someone left it) onto the new key."""
        self._session = session
        self._unlock_protocols()
        self.finish_key_rotations()

    def finish_key_rotations(self) -> int:
        """Re-seal records still under an older version of a group key than the newest this
        person holds (a member left the group; or a re-seal cut short by a kill, resumed at
        the next unlock). Returns how many records moved; nothing is written when none is
        behind."""
        reader = self.reader
        if reader is None:
            return 0
        with self._db.reading() as conn:
            behind = records.sealed_versions(conn)
        moved = 0
        for group, version in sorted(behind):
            newest, old = reader.current(group), reader.key(group, version)
            if newest is not None and old is not None and version < newest.version:
                moved += self.reseal_group(old, newest)
        return moved

    def _require(self, action: Action) -> None:
        require(self.user, action)

    def _require_record_edit(self, status: RecordStatus) -> None:
        """Members add and edit drafts; anything past a draft is a custodian's."""
        self._require(Action.EDIT_DRAFT if status == RecordStatus.DRAFT else Action.EDIT)

    @property
    def community(self) -> Community:
        return copy.deepcopy(self._community)

    @property
    def is_open(self) -> bool:
        return self._db.is_open

    def update_community(self, community: Community) -> None:
        self._require(Action.MANAGE_TERMS)
        community.validate()
        state = codec.dumps(community)
        with self._db.transaction() as conn:
            entities.set_meta(conn, "community", state)
            self._audit(conn, "update", "community", community.id, state)
        self._community = copy.deepcopy(community)

    def close(self) -> None:
        """Lock: close the connection and forget the keys. Safe to call twice."""
        if self._db.is_open:
            sealed.attach(self._db.conn, None)
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
    def session(
        self, action: Action = Action.EDIT_DRAFT, *, bulk: bool = False
    ) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) with its audit entries.

        Everything done through the session commits together when the block ends, or is
        rolled back (audit entries included) when it raises::

            with cat.session() as s:
                terms_store.insert(s.conn, row)
                s.audit("create", "terms", row.id, state)

        ``action``: what the change is, checked against the unlocked person's role first
        (:func:`tkapp.services.permissions.require`: the one rule); a refusal writes nothing.
        ``bulk``: a large import; the same all-or-nothing transaction in rollback-journal
        mode, so no ``-wal`` file grows as large as the rows (``Database.bulk_transaction``).

        Raises:
            StoreError and its kinds (DiskFull...): SQLite failed; nothing was written.
        """
        require(self.user, action)
        begin = self._db.bulk_transaction if bulk else self._db.transaction
        with begin() as conn:
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
        self._require_record_edit(rec.status)
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
        self._require_record_edit(rec.status)
        with self._db.transaction() as conn:
            old, _trashed = records.load(conn, rec.id)
            self._require_record_edit(old.status)
            self._check_links(conn, rec)
            rec.version = old.version + 1
            rec.created = old.created
            rec.modified = _now()
            state = codec.dumps(rec)
            records.save(conn, rec, state, new=False)
            self._audit(conn, "update", "record", rec.id, state)
        return rec

    def get_record(self, record_id: str) -> KnowledgeRecord:
        """Raises NotFound, or NotPermitted for a sealed record whose key the reader lacks
        (the one answer to "may not read" everywhere: list it by :meth:`summaries`)."""
        with self._db.reading() as conn:
            return records.load(conn, record_id)[0]

    def readable_ids(self, record_ids: Sequence[str]) -> list[str]:
        """Those of ``record_ids`` the person who unlocked may read, in order. What may
        *leave* is decided from this: every export plan (bundle, open data, spreadsheet)
        starts here, so a record the person cannot read never reaches the release gate."""
        with self._db.reading() as conn:
            hidden = records.unreadable_ids(conn, record_ids)
        return [i for i in record_ids if i not in hidden]

    def walk_readable_ids(self, *, in_trash: bool = False, by_id: bool = False) -> Iterator[str]:
        """Every record id (in the trash or not) the person who unlocked may read, newest added
        first, or with ``by_id`` in the ids' own order (see :func:`records.ids_after`: a
        record edited during the walk is given once, one added during it not at all).

        For the passes over the whole catalogue (open data, spreadsheets): the ids come
        :data:`ID_BATCH` at a time, each batch read where the last one stopped, so memory does
        not grow with the records (a list of every id is about 100 bytes a record).
        """
        after: records.IdCursor | None = None
        while True:
            with self._db.reading() as conn:
                ids, after = records.ids_after(conn, in_trash, after, ID_BATCH, by_id=by_id)
                hidden = records.unreadable_ids(conn, ids)
            yield from (record_id for record_id in ids if record_id not in hidden)
            if after is None:
                return

    def count_readable(self, *, in_trash: bool = False) -> int:
        """How many records :meth:`walk_readable_ids` gives."""
        with self._db.reading() as conn:
            return records.count_readable(conn, in_trash)

    def seal_existing(self) -> tuple[int, int]:
        """Seal the protected records still stored in the clear (a catalogue from before
        protocol keys) under the keys the reader holds, one audited transaction.

        Returns:
            (sealed, left): records sealed now, and records left in the clear because the
            reader does not hold their group's key (a later reader who does seals them).
        """
        with self._db.reading() as conn:
            if not records.plain_protected_ids(conn):
                return 0, 0  # nothing to do: no write, no lock
        self._sealing_existing = True
        try:
            done, left = self._seal_plain()
        finally:
            self._sealing_existing = False
        return done, left

    def _seal_plain(self) -> tuple[int, int]:
        done = left = 0
        with self._db.transaction() as conn:
            for record_id in records.plain_protected_ids(conn):
                rec, trashed = records.load(conn, record_id)
                try:
                    records.save(conn, rec, codec.dumps(rec), new=False, trashed=trashed)
                except NotPermitted:
                    left += 1
                    continue
                done += 1
            if done:
                state = json.dumps({"sealed": done, "left": left})
                self._audit(conn, "seal", "catalogue", self.id, state)
        return done, left

    def reseal_group(self, old: GroupKey, new: GroupKey, *, batch: int = 200) -> int:
        """Move every record and media file of ``old``'s group and version to ``new`` (after a
        member left the group). Resumable: each batch is one transaction, and each record
        names its key version, so a kill leaves every record openable with the old or the new
        key; calling again finishes the rest.

        Returns:
            How many records moved.
        """
        if old.group != new.group or new.version <= old.version:
            raise ValidationError("key_version", field="group_key")
        moved = 0
        while True:
            with self._db.transaction() as conn:
                n = records.reseal_batch(conn, old, new, batch)
                if n:
                    state = json.dumps({"group": new.group, "version": new.version, "records": n})
                    self._audit(conn, "reseal", "catalogue", self.id, state)
            moved += n
            if n < batch:
                break
        if self.reader is not None:
            with self._db.reading() as conn:
                records.index_sealed(conn)
        return moved

    def get_record_and_trash(self, record_id: str) -> tuple[KnowledgeRecord, bool]:
        """The record and whether it is in the trash, from one read (an export plan asks
        both for every record; reading twice decoded each record twice)."""
        with self._db.reading() as conn:
            return records.load(conn, record_id)

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
        self._require(Action.EDIT)
        with self._db.transaction() as conn:
            records.load(conn, record_id)  # NotFound; NotPermitted: who may not read, may not
            records.set_trashed(conn, record_id, trashed)
            state = json.dumps({"id": record_id, "trashed": trashed})
            self._audit(conn, action, "record", record_id, state)

    def purge_record(self, record_id: str) -> None:
        """Delete a record for good, with its media."""
        self._require(Action.EDIT)
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
        count_to: int | None = None,
        with_rows: bool = False,
    ) -> SearchPage:
        """The ids of one page of a search (``with_rows``: and its table rows) and the number
        of matches, counted up to ``count_to`` (None: ``COUNT_CAP``; then ``capped``: "more
        than 10,000"). Pass the ``total`` of the first page back for later pages: it is not
        counted again."""
        with self._db.reading() as conn:
            page = records.search_page(
                conn,
                query,
                filters,
                offset=offset,
                limit=limit,
                total=total,
                count_to=count_to,
                with_rows=with_rows,
            )
        if with_rows:
            page = dataclasses.replace(page, rows=_placeholders(page.rows))
        return page

    def summaries(self, ids: Sequence[str]) -> list[RecordSummary]:
        """Table rows for ``ids`` in the same order (unknown ids left out). A sealed record
        the reader may not read has ``readable`` False and a neutral placeholder title."""
        with self._db.reading() as conn:
            return _placeholders(records.summaries(conn, ids))

    def search(
        self, query: str, filters: RecordFilter | None = None, limit: int = 50
    ) -> list[RecordSummary]:
        """The first ``limit`` table rows of a search (:meth:`search_page` has the count)."""
        return self.search_page(query, filters, limit=limit, with_rows=True).rows

    def count(self, filters: RecordFilter | None = None) -> int:
        with self._db.reading() as conn:
            return records.count(conn, filters)

    def stats(self) -> CatalogueStats:
        with self._db.reading() as conn:
            return CatalogueStats(**entities.counts(conn))

    # --- taxa, persons, consents ----------------------------------------------------------

    def add_taxon(self, t: Taxon) -> Taxon:
        self._require(Action.EDIT_DRAFT)
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
        self._require(Action.EDIT_DRAFT)
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
        self._require(Action.EDIT_DRAFT)
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
        self._require(Action.EDIT_DRAFT)
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
        self._require(Action.EDIT_DRAFT)
        c = copy.deepcopy(c)
        c.validate()
        state = codec.dumps(c)
        with self._db.transaction() as conn:
            self._check_consent_links(conn, c)
            entities.save_consent(conn, c, state, new=True)
            self._audit(conn, "create", "consent", c.id, state)
        return c

    def update_consent(self, c: ConsentRecord) -> ConsentRecord:
        self._require(Action.EDIT_DRAFT)
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

    def consent_ids(self, record_id: str) -> list[str]:
        """Ids of the consent records naming ``record_id`` (as :meth:`list_consents` orders
        them), without decoding them: a plan decodes each consent once
        (:class:`tkapp.services.sharing.ConsentCache`)."""
        with self._db.reading() as conn:
            return entities.consent_ids_for_record(conn, record_id)

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
        self._require(Action.EDIT_DRAFT)
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
        self._require(Action.EDIT_DRAFT)
        meta = copy.deepcopy(meta)
        meta.validate()
        with self._db.transaction() as conn:
            old = media_store.get(conn, meta.id)
            meta.size, meta.sha256 = old.size, old.sha256
            if meta.record_id and not records.exists(conn, meta.record_id):
                raise ValidationError("unknown_record", field="record_id", id=meta.record_id)
            media_store.update_meta(conn, meta)
            if meta.record_id and meta.record_id != old.record_id:
                media_store.follow_record(conn, meta.record_id)  # its new record's key
            self._audit(conn, "update", "media", meta.id, codec.dumps(meta))
        return meta

    def delete_media(self, media_id: str) -> None:
        self._require(Action.EDIT)
        with self._db.transaction() as conn:
            media_store.delete(conn, media_id)
            self._audit(conn, "delete", "media", media_id, json.dumps({"id": media_id}))

    # --- maintenance --------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        """Change the unlocked person's own passphrase: only their key slot changes (the
        catalogue is not re-encrypted; :meth:`People.rotate_database_key` does that)."""
        _check_new_passphrase(new_passphrase)
        if self._session is None:  # a bare store: the old whole-file passphrase
            sealed.attach(self._db.conn, None)
            try:
                maintenance.change_passphrase(self._db, new_passphrase)
            finally:
                self._unlock_protocols()  # the connection may be a new one
            with self._db.transaction() as conn:
                self._audit(conn, "passphrase", "catalogue", self.id, "{}")
            return
        people = self.people()
        people.change_my_passphrase(new_passphrase)
        self._session = people.session

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
        """Write an encrypted copy (same passphrases) to ``dest``, atomically, with its key
        slots file beside it (written first: a backup is never without the means to open it).
        """
        dest = Path(dest)
        db = self._db

        def write_slots() -> None:
            with db.reading() as conn:
                text = people_store.get_slots_mirror(conn)
            if text is not None:
                keyslots.write(dest, keyslots.from_mirror(text), {db.salt: db.key})

        maintenance.backup(
            db,
            dest,
            progress=progress,
            cancel=cancel,
            overwrite=overwrite,
            before_place=write_slots,
        )

    def audit_entries(self, entity_id: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Newest first."""
        with self._db.reading() as conn:
            return audit.entries(conn, entity_id, limit)

    # --- keys and settings --------------------------------------------------------------

    def signing_key(self) -> KeyPair:
        """The community's Ed25519 key pair (the private half never leaves the catalogue).

        It is wrapped to custodians only: anyone else gets :class:`PermissionDenied`.
        """
        self._require(Action.SIGN)
        with self._db.reading() as conn:
            row = entities.load_signing_key(conn)
            if row is None:
                raise StoreError("no signing key", path=str(self.path))
            key_id, stored, _public = row
            seed = people_service.signing_seed(conn, self._session, key_id, stored)
        return keypair_from_seed(key_id, seed)

    def my_approval(self, message: bytes) -> tuple[User, bytes, bytes] | None:
        """The unlocked person's approval of ``message`` (an export plan's digest): who, their
        approval public key and signature; None for a catalogue nobody unlocked. Whether it
        counts is decided in :mod:`tkapp.services.approvals`."""
        if self._session is None:
            return None
        pair = self._session.keypair
        return self._session.user, approval_public(pair), sign_approval(pair, message)

    def public_key(self) -> PublicKey:
        """The community's public signing key: anyone who unlocked may see it."""
        with self._db.reading() as conn:
            row = entities.load_signing_key(conn)
        if row is None:
            raise StoreError("no signing key", path=str(self.path))
        return PublicKey(row[0], row[2])

    def get_setting(self, key: str, default: str = "") -> str:
        with self._db.reading() as conn:
            return entities.get_setting(conn, key, default)

    def set_setting(self, key: str, value: str) -> None:
        self._require(Action.MANAGE_TERMS)
        with self._db.transaction() as conn:
            entities.set_setting(conn, key, value)
