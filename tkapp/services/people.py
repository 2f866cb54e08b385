"""People who unlock the catalogue: unlock by person, add, remove, roles, groups, passphrases.

The key model (README, "People, roles and protocol keys"):

- Each person has an X25519 key pair; its private half is locked under their own passphrase.
- The database key is wrapped to each person in the key slots file beside the catalogue
  (:mod:`tkapp.store.keyslots`); the database keeps the authoritative list (``app_user``) and
  a mirror of the slots, and the file is rewritten from the mirror after every unlock.
- Each protocol group's key is wrapped to each member (a custodian who holds it adds people
  without knowing their passphrase); removing someone from a group makes a new version of its
  key for the remaining members and deletes every wrap the removed person had.
- The community signing key is wrapped to custodians only.

Database access goes through :mod:`tkapp.store.people` and the few ``_db_*`` helpers below,
so the catalogue's session object can replace them in one place.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tkapp.core.users import CUSTODIANS_GROUP, GroupKey, Reader, Role, User
from tkapp.crypto import keyring
from tkapp.errors import (
    GroupKeyNotHeld,
    KeyringError,
    PersonRequired,
    StoreError,
    UnknownPerson,
    ValidationError,
    WrongPassphrase,
)
from tkapp.services.permissions import Action, require
from tkapp.store import Database, kdf, keyslots, maintenance
from tkapp.store import approvals as approval_rows
from tkapp.store import people as rows
from tkapp.store.audit import AuditChain
from tkapp.store.connection import Connection

#: The name of the first custodian when the catalogue's creator gives none.
DEFAULT_CUSTODIAN = "custodian"
_NAME_MAX = 80


@dataclass(frozen=True)
class Session:
    """The unlocked person: who, their key pair and protocol keys (memory only)."""

    user: User
    keypair: keyring.BoxKeyPair = field(repr=False)
    reader: Reader = field(repr=False)


# --- contexts binding each wrapped key to where it belongs ------------------------------------


def _group_context(grp: str, version: int, user_id: str) -> bytes:
    return b"tkapp/group-key/v1\x00" + f"{grp}\x00{version}\x00{user_id}".encode()


def _signing_context(key_id: bytes, user_id: str) -> bytes:
    return b"tkapp/signing-key/v1\x00" + key_id + user_id.encode("utf-8")


# --- checks ------------------------------------------------------------------------------------


def check_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("required", field="name")
    if len(clean) > _NAME_MAX or any(ord(c) < 32 for c in name):
        raise ValidationError("invalid_name", field="name")
    return clean


def check_passphrase(passphrase: str) -> None:
    if not passphrase or not passphrase.strip():
        raise ValidationError("required", field="passphrase")
    if "\x00" in passphrase:
        raise ValidationError("control_character", field="passphrase")


def clean_groups(groups: Iterable[str]) -> frozenset[str]:
    """Group names as the community types them, compared without case (``protocol_group``)."""
    out = set()
    for grp in groups:
        clean = " ".join(grp.split()).casefold()
        if clean:
            if len(clean) > _NAME_MAX:
                raise ValidationError("invalid_group", field="groups")
            out.add(clean)
    return frozenset(out)


def effective_groups(role: Role, groups: Iterable[str]) -> frozenset[str]:
    """A custodian always belongs to the custodians' group (secret/sacred material)."""
    chosen = clean_groups(groups)
    if role == Role.CUSTODIAN:
        return chosen | {CUSTODIANS_GROUP}
    return chosen - {CUSTODIANS_GROUP}


# --- creating and unlocking --------------------------------------------------------------------


def new_person_keys(passphrase: str) -> tuple[keyring.BoxKeyPair, bytes]:
    pair = keyring.new_box_keypair()
    return pair, keyring.lock_keypair(pair, passphrase, keyslots.person_cost())


def create_database(
    path: Path,
    passphrase: str,
    name: str,
    setup_more: Callable[[Connection, AuditChain, Session], None],
) -> tuple[Database, Session]:
    """A new catalogue with its first custodian ``name``.

    The database key is derived from the founding custodian's passphrase (as in a catalogue
    from before people, so both kinds behave alike): the catalogue file copied alone still
    opens with it, and the keys file is then rewritten from the database. After a removal,
    :meth:`People.rotate_database_key` moves it to a random key that only key slots hold.

    ``setup_more(conn, chain, session)`` adds the first contents in the same transaction.
    The key slots file is written before the catalogue gets its name.
    """
    check_passphrase(passphrase)
    name = check_name(name)
    salt = kdf.new_salt()
    key = kdf.derive_key(passphrase, salt)
    pair, locked = new_person_keys(passphrase)
    user = User(name, Role.CUSTODIAN, effective_groups(Role.CUSTODIAN, ()))
    slots = (
        keyslots.make_slot(
            salt, key, person_id=user.id, name=name, public=pair.public, locked=locked
        ),
    )
    session_box: list[Session] = []

    def setup(conn: Connection, chain: AuditChain) -> None:
        rows.insert_user(conn, user, pair.public, locked)
        keep_approval_key(conn, user.id, pair)
        session_box.append(_new_groups_for(conn, user, pair))
        rows.set_slots_mirror(conn, keyslots.mirror_text(slots))
        setup_more(conn, chain, session_box[0])

    def write_slots() -> None:
        keyslots.write(path, slots, {salt: key})

    db = Database.create_keyed(path, key, salt, setup, write_slots)
    return db, session_box[0]


def _new_groups_for(conn: Connection, user: User, pair: keyring.BoxKeyPair) -> Session:
    """First person of a new catalogue: a key for each of their groups."""
    keys = []
    for grp in sorted(user.groups):
        version = rows.latest_group_version(conn, grp) + 1
        rows.add_group_version(conn, grp, version)
        key = keyring.new_key()
        wrapped = keyring.wrap_to(pair.public, key, _group_context(grp, version, user.id))
        rows.save_group_wrap(conn, grp, version, user.id, wrapped)
        keys.append(GroupKey(grp, version, key))
    return Session(user, pair, Reader(user, tuple(keys)))


class SlotKey:
    """``key_for`` for :meth:`Database.open_with`: the database key from ``person``'s slot, or
    (a catalogue from before people, or whose slots file is gone) from the passphrase."""

    def __init__(self, catalogue: Path, passphrase: str, person: str | None) -> None:
        self.catalogue = catalogue
        self.passphrase = passphrase
        self.person = person
        self.unlocked: keyslots.Unlocked | None = None
        self.file: keyslots.SlotFile | None = None

    def __call__(self, salt: bytes) -> bytes:
        self.file = keyslots.read(self.catalogue)
        slots = self.file.for_salt(salt) if self.file is not None else ()
        if not slots:
            return kdf.derive_key(self.passphrase, salt)
        slot = keyslots.choose(slots, self.person)
        try:
            self.unlocked = keyslots.unlock(slot, self.passphrase)
        except KeyringError as exc:
            raise WrongPassphrase("wrong passphrase", path=str(self.catalogue)) from exc
        return self.unlocked.key


def open_database(
    path: Path, passphrase: str, person: str | None, *, default_name: str = DEFAULT_CUSTODIAN
) -> tuple[Database, Session]:
    """Open ``path`` as ``person`` (or its only person). A catalogue from before people is
    migrated here: its passphrase becomes the first custodian's (the database key stays)."""
    unlock = SlotKey(path, passphrase, person)
    db = Database.open_with(path, unlock)
    try:
        session = _session_after_open(db, unlock, passphrase, person, default_name)
        with contextlib.suppress(StoreError):  # a read-only stick: filled at a later unlock
            _fill_approval_key(db, session)
        # On a read-only stick the keys file is brought in line at a later open.
        with contextlib.suppress(StoreError):
            sync_slots_file(db)
    except BaseException:
        db.close()
        raise
    return db, session


def _session_after_open(
    db: Database, unlock: SlotKey, passphrase: str, person: str | None, default_name: str
) -> Session:
    if unlock.unlocked is not None:
        slot = unlock.unlocked.slot
        with db.reading() as conn:
            row = rows.find_user(conn, slot.person_id)
        if row is None or row.public != slot.public:
            # A slot left in an old copy of the file for someone since removed.
            raise UnknownPerson(slot.name, name=slot.name)
        return _session(db, row, unlock.unlocked.keypair)
    with db.reading() as conn:
        people = rows.list_users(conn)
    if not people:
        return _migrate_first_custodian(db, passphrase, check_name(person or default_name))
    # People exist but their slots file is gone: the key came from the passphrase (a migrated
    # catalogue keeps its passphrase-derived key), so the person's own key opens here.
    row = _choose_row(people, person)
    try:
        pair = keyring.unlock_keypair(row.public, row.locked, passphrase)
    except KeyringError as exc:
        raise WrongPassphrase("wrong passphrase", path=str(db.path)) from exc
    return _session(db, row, pair)


def _choose_row(people: list[rows.UserRow], person: str | None) -> rows.UserRow:
    if person is None or not person.strip():
        if len(people) == 1:
            return people[0]
        raise PersonRequired("who are you?", names=", ".join(r.user.name for r in people))
    wanted = person.strip().casefold()
    for row in people:
        if row.user.id == person.strip() or row.user.name.casefold() == wanted:
            return row
    raise UnknownPerson(person, name=person)


def _session(db: Database, row: rows.UserRow, pair: keyring.BoxKeyPair) -> Session:
    keys = []
    with db.reading() as conn:
        wraps = rows.group_wraps_for(conn, row.user.id)
    for grp, version, wrapped in wraps:
        key = keyring.unwrap(pair, wrapped, _group_context(grp, version, row.user.id))
        keys.append(GroupKey(grp, version, key))
    return Session(row.user, pair, Reader(row.user, tuple(keys)))


def _migrate_first_custodian(db: Database, passphrase: str, name: str) -> Session:
    """A catalogue from before people: its passphrase becomes the first custodian's."""
    pair, locked = new_person_keys(passphrase)
    user = User(name, Role.CUSTODIAN, effective_groups(Role.CUSTODIAN, ()))
    with db.transaction() as conn:
        rows.insert_user(conn, user, pair.public, locked)
        keep_approval_key(conn, user.id, pair)
        session = _new_groups_for(conn, user, pair)
        for key_id, seed in rows.plain_signing_seeds(conn):
            wrapped = keyring.wrap_to(pair.public, seed, _signing_context(key_id, user.id))
            rows.save_signing_wrap(conn, key_id, user.id, wrapped)
        rows.clear_signing_seeds(conn)
        slot = keyslots.make_slot(
            db.salt, db.key, person_id=user.id, name=name, public=pair.public, locked=locked
        )
        rows.set_slots_mirror(conn, keyslots.mirror_text((slot,)))
        _audit(
            db,
            conn,
            actor=name,
            action="create",
            entity_id=user.id,
            state={"name": name, "role": "custodian"},
        )
    return session


def keep_approval_key(conn: Connection, user_id: str, pair: keyring.BoxKeyPair) -> bool:
    """Store the person's approval public key (derived from their box key) when it is missing;
    True when written. A stored key that differs is refused (:class:`KeyringError`)."""
    derived = keyring.approval_public(pair)
    stored = approval_rows.approval_public(conn, user_id)
    if stored is None:
        approval_rows.set_approval_public(conn, user_id, derived)
        return True
    if stored != derived:
        raise KeyringError("stored approval key does not match the person's key")
    return False


def _fill_approval_key(db: Database, session: Session) -> None:
    """People from before approval keys get theirs at their next unlock: it is derived from
    their private key, which only their passphrase opens, so no migration can fill it."""
    with db.reading() as conn:
        missing = approval_rows.approval_public(conn, session.user.id) is None
    if missing:
        with db.transaction() as conn:
            keep_approval_key(conn, session.user.id, session.keypair)


def sync_slots_file(db: Database) -> bool:
    """Rewrite the slots file from the database's mirror when it differs (a stale, tampered
    or missing file; slots left by an interrupted rotation). True when it was rewritten."""
    with db.reading() as conn:
        text = rows.get_slots_mirror(conn)
    if text is None:
        return False
    wanted = keyslots.from_mirror(text)
    try:
        current = keyslots.read(db.path)
    except StoreError:
        current = None
    if current is not None and current.slots == wanted and current.mac_ok(db.salt, db.key):
        return False
    keyslots.write(db.path, wanted, {db.salt: db.key})
    return True


def people_names(path: Path) -> list[str]:
    """Names offered at "who are you" (from the slots file; empty: no question to ask)."""
    try:
        from tkapp.store.connection import read_salt

        file = keyslots.read(Path(path))
        salt = read_salt(Path(path))
    except StoreError:
        return []
    if file is None:
        return []
    return sorted((s.name for s in file.for_salt(salt)), key=str.casefold)


# --- managing people (custodians) --------------------------------------------------------------


class People:
    """People management on an open catalogue, as its unlocked person.

    ``db`` is the catalogue's store and ``session`` who unlocked it; ``actor`` names them in
    the audit log. Every change is one transaction, then the slots file is rewritten.
    """

    def __init__(
        self,
        db: Database,
        session: Session,
        on_change: Callable[[Session], None] | None = None,
    ) -> None:
        self._database = db
        self.session = session
        # The open catalogue's follow-up after each change (fresh keys in use, records
        # re-sealed under a rotated group key): see Catalogue.people.
        self._on_change = on_change

    # -- store access (the few places to switch to the catalogue's session object) --

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._database.transaction() as conn:
            yield conn
        sync_slots_file(self._database)
        if self._on_change is not None:
            self._on_change(self.session)

    def _read(self) -> Connection:
        return self._database.conn

    def _log_change(
        self, conn: Connection, action: str, user_id: str, state: dict[str, object]
    ) -> None:
        _audit(
            self._database,
            conn,
            actor=self.session.user.name,
            action=action,
            entity_id=user_id,
            state=state,
        )

    # -- queries --

    def everyone(self) -> list[User]:
        require(self.session.user, Action.READ)
        return [r.user for r in rows.list_users(self._read())]

    def groups(self) -> list[str]:
        return rows.group_names(self._read())

    def _find(self, conn: Connection, who: str) -> rows.UserRow:
        row = rows.find_user(conn, who.strip())
        if row is None:
            raise UnknownPerson(who, name=who)
        return row

    # -- changes --

    def add(self, name: str, role: Role, groups: Iterable[str], passphrase: str) -> User:
        """Add a person with their own passphrase; wraps them the database key, the keys of
        their groups (held by the custodian adding them) and, for a custodian, the signing key.
        """
        require(self.session.user, Action.MANAGE_PEOPLE)
        name = check_name(name)
        check_passphrase(passphrase)
        pair, locked = new_person_keys(passphrase)
        user = User(name, Role(role), effective_groups(Role(role), groups))
        with self._write() as conn:
            if rows.find_user(conn, name) is not None:
                raise ValidationError("duplicate_name", field="name", name=name)
            rows.insert_user(conn, user, pair.public, locked)
            keep_approval_key(conn, user.id, pair)
            for grp in sorted(user.groups):
                self._give_group(conn, grp, user.id, pair.public)
            if user.role == Role.CUSTODIAN:
                self._give_signing_key(conn, user.id, pair.public)
            self._set_slots(conn, add=(user.id, name, pair.public, locked))
            self._log_change(conn, "create", user.id, _user_state(user))
        return user

    def remove(self, who: str) -> None:
        """Remove a person: their slot, their wraps; each group they were in gets a new key
        version for the remaining members. Offer :meth:`rotate_database_key` afterwards."""
        require(self.session.user, Action.MANAGE_PEOPLE)
        with self._write() as conn:
            row = self._find(conn, who)
            self._keep_a_custodian(conn, row.user.id)
            rows.delete_user(conn, row.user.id)
            for grp in sorted(row.user.groups):
                self._rotate_group(conn, grp)
            self._set_slots(conn, drop=row.user.id)
            self._log_change(conn, "delete", row.user.id, {"name": row.user.name})

    def found_group(self, conn: Connection, group: str) -> GroupKey | None:
        """Make me the first member of ``group`` when nobody holds a key of it yet (the writer
        of a group's first protected record founds it; a custodian adds the others later), in
        the caller's transaction. None when the group already has a key: a member must add me.
        """
        if rows.latest_group_version(conn, group) != 0:
            return None
        me = self.session.user
        row = self._find(conn, me.id)
        rows.add_to_group(conn, me.id, group)
        self._give_group(conn, group, me.id, row.public)  # its first key, remembered as mine
        user = User(me.name, me.role, me.groups | {group}, me.id)
        self.session = Session(user, self.session.keypair, Reader(user, self.session.reader.keys))
        self._log_change(conn, "update", me.id, _user_state(user))
        return self.session.reader.current(group)

    def set_role(self, who: str, role: Role) -> User:
        require(self.session.user, Action.MANAGE_PEOPLE)
        role = Role(role)
        with self._write() as conn:
            row = self._find(conn, who)
            if row.user.role == Role.CUSTODIAN and role != Role.CUSTODIAN:
                self._keep_a_custodian(conn, row.user.id)
            rows.set_role(conn, row.user.id, role)
            if role == Role.CUSTODIAN:
                self._give_signing_key(conn, row.user.id, row.public)
            else:
                rows.drop_signing_wraps(conn, row.user.id)
            user = self._regroup(conn, row, role, row.user.groups)
            self._log_change(conn, "update", row.user.id, _user_state(user))
        return user

    def set_groups(self, who: str, groups: Iterable[str]) -> User:
        require(self.session.user, Action.MANAGE_PEOPLE)
        with self._write() as conn:
            row = self._find(conn, who)
            user = self._regroup(conn, row, row.user.role, groups)
            self._log_change(conn, "update", row.user.id, _user_state(user))
        return user

    def change_my_passphrase(self, new_passphrase: str) -> None:
        """Lock my key pair under a new passphrase: only my slot changes, nobody else's."""
        check_passphrase(new_passphrase)
        me = self.session.user
        locked = keyring.lock_keypair(self.session.keypair, new_passphrase, keyslots.person_cost())
        with self._write() as conn:
            rows.set_locked(conn, me.id, locked)
            self._set_slots(conn, relock=(me.id, locked))
            self._log_change(conn, "passphrase", me.id, {"name": me.name})

    def rotate_database_key(self) -> None:
        """Re-encrypt the catalogue under a new random database key (after removing someone).

        Order, so a kill at any moment leaves everyone able to open: the new file is written
        beside the old one (with its own mirror of the new slots); the slots file then holds
        slots for both keys; the new file replaces the old; the slots file keeps the new only.
        """
        require(self.session.user, Action.MANAGE_PEOPLE)
        db = self._database
        old_slots = keyslots.from_mirror(rows.get_slots_mirror(self._read()) or "[]")
        key, salt = keyring.new_key(), kdf.new_salt()
        new_slots = tuple(
            keyslots.make_slot(
                salt, key, person_id=s.person_id, name=s.name, public=s.public, locked=s.locked
            )
            for s in old_slots
        )
        old_key, old_salt = db.key, db.salt

        def in_new_file(conn: Connection, schema: str) -> None:
            # ``schema`` is the fixed name maintenance.rekey attaches the new file as.
            rows.set_slots_mirror(conn, keyslots.mirror_text(new_slots), schema)

        def before_swap() -> None:
            keyslots.write(db.path, old_slots + new_slots, {old_salt: old_key, salt: key})

        maintenance.rekey(db, key, salt, in_new_file=in_new_file, before_swap=before_swap)
        keyslots.write(db.path, new_slots, {salt: key})
        with db.transaction() as conn:
            self._log_change(conn, "rotate", "database_key", {})

    # -- helpers (inside a transaction) --

    def _keep_a_custodian(self, conn: Connection, leaving_id: str) -> None:
        others = [
            r
            for r in rows.list_users(conn)
            if r.user.role == Role.CUSTODIAN and r.user.id != leaving_id
        ]
        if not others:
            raise ValidationError("last_custodian", field="role")

    def _held_keys(self, grp: str) -> list[GroupKey]:
        return sorted(
            (k for k in self.session.reader.keys if k.group == grp), key=lambda k: k.version
        )

    def _give_group(self, conn: Connection, grp: str, user_id: str, public: bytes) -> None:
        """Wrap ``grp``'s keys to a newcomer: a new group gets its first key; an existing one
        needs a custodian who holds its current key (the newcomer's passphrase is not needed).
        """
        latest = rows.latest_group_version(conn, grp)
        if latest == 0:
            rows.add_group_version(conn, grp, 1)
            key = keyring.new_key()
            self._remember(GroupKey(grp, 1, key), user_id)
            rows.save_group_wrap(
                conn, grp, 1, user_id, keyring.wrap_to(public, key, _group_context(grp, 1, user_id))
            )
            return
        held = self._held_keys(grp)
        if not held or held[-1].version != latest:
            raise GroupKeyNotHeld(grp, group=grp)
        for gk in held:
            wrapped = keyring.wrap_to(public, gk.key, _group_context(grp, gk.version, user_id))
            rows.save_group_wrap(conn, grp, gk.version, user_id, wrapped)

    def _remember(self, gk: GroupKey, user_id: str) -> None:
        """A key made now for a group I am joining myself is usable at once."""
        if user_id == self.session.user.id:
            reader = self.session.reader
            self.session = Session(
                self.session.user, self.session.keypair, Reader(reader.user, (*reader.keys, gk))
            )

    def _rotate_group(self, conn: Connection, grp: str) -> None:
        """A new version of ``grp``'s key, wrapped to its remaining members only."""
        members = rows.group_members(conn, grp)
        version = rows.latest_group_version(conn, grp) + 1
        rows.add_group_version(conn, grp, version)
        key = keyring.new_key()
        for member in members:
            ctx = _group_context(grp, version, member.user.id)
            rows.save_group_wrap(
                conn, grp, version, member.user.id, keyring.wrap_to(member.public, key, ctx)
            )
            self._remember(GroupKey(grp, version, key), member.user.id)

    def _regroup(
        self, conn: Connection, row: rows.UserRow, role: Role, groups: Iterable[str]
    ) -> User:
        wanted = effective_groups(role, groups)
        for grp in sorted(wanted - row.user.groups):
            rows.add_to_group(conn, row.user.id, grp)
            self._give_group(conn, grp, row.user.id, row.public)
        for grp in sorted(row.user.groups - wanted):
            rows.remove_from_group(conn, row.user.id, grp)
            self._rotate_group(conn, grp)
        return User(row.user.name, role, wanted, row.user.id)

    def _give_signing_key(self, conn: Connection, user_id: str, public: bytes) -> None:
        me = self.session.user.id
        for key_id in rows.signing_key_ids(conn):
            wrapped = rows.signing_wrap_for(conn, key_id, me)
            if wrapped is None:
                continue
            seed = keyring.unwrap(self.session.keypair, wrapped, _signing_context(key_id, me))
            rows.save_signing_wrap(
                conn,
                key_id,
                user_id,
                keyring.wrap_to(public, seed, _signing_context(key_id, user_id)),
            )

    def _set_slots(
        self,
        conn: Connection,
        *,
        add: tuple[str, str, bytes, bytes] | None = None,
        drop: str | None = None,
        relock: tuple[str, bytes] | None = None,
    ) -> None:
        db = self._database
        slots = list(keyslots.from_mirror(rows.get_slots_mirror(conn) or "[]"))
        if drop is not None:
            slots = [s for s in slots if s.person_id != drop]
        if relock is not None:
            slots = [
                keyslots.Slot(s.salt, s.person_id, s.name, s.public, relock[1], s.db_key)
                if s.person_id == relock[0]
                else s
                for s in slots
            ]
        if add is not None:
            user_id, name, public, locked = add
            slots.append(
                keyslots.make_slot(
                    db.salt, db.key, person_id=user_id, name=name, public=public, locked=locked
                )
            )
        rows.set_slots_mirror(conn, keyslots.mirror_text(tuple(slots)))


# --- the signing key, for custodians only ------------------------------------------------------


def store_signing_key(conn: Connection, key_id: bytes, seed: bytes) -> None:
    """Wrap a new community signing key to every custodian (its row keeps no plain seed)."""
    for row in rows.list_users(conn):
        if row.user.role == Role.CUSTODIAN:
            ctx = _signing_context(key_id, row.user.id)
            rows.save_signing_wrap(
                conn, key_id, row.user.id, keyring.wrap_to(row.public, seed, ctx)
            )
    rows.clear_signing_seeds(conn)


def signing_seed(conn: Connection, session: Session | None, key_id: bytes, stored: bytes) -> bytes:
    """The seed of signing key ``key_id`` for the unlocked person (custodians only)."""
    if session is None:
        if stored:
            return stored
        raise StoreError("no signing key")
    require(session.user, Action.SIGN)
    wrapped = rows.signing_wrap_for(conn, key_id, session.user.id)
    if wrapped is None:
        raise StoreError("signing key not wrapped to this custodian")
    return keyring.unwrap(session.keypair, wrapped, _signing_context(key_id, session.user.id))


def _audit(
    db: Database,
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity_id: str,
    state: dict[str, object],
) -> None:
    db.audit.append(
        conn,
        actor=actor,
        action=action,
        entity="app_user",
        entity_id=entity_id,
        state_json=json.dumps(state, sort_keys=True, ensure_ascii=False),
    )


def _user_state(user: User) -> dict[str, object]:
    return {"name": user.name, "role": str(user.role), "groups": sorted(user.groups)}
