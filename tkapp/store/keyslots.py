"""Key slots: the catalogue's database key wrapped once per person, in a companion file.

Why a companion file (``<catalogue>-keys``, beside SQLite's own ``-wal``/``-shm``): SQLCipher
needs its key before it reads a single byte of the catalogue, and the only plaintext in the
file is its 16-byte salt, so the slots cannot live inside it.

The file is JSON. Each slot holds one person's id, name (shown at "who are you": it may be a
pseudonym, and anyone who copies the file can read it), box public key, private key locked
under the person's passphrase (:func:`tkapp.crypto.keyring.lock_keypair`) and the database key
wrapped to that person (:func:`tkapp.crypto.keyring.wrap_to`, bound to the database salt and
the person's id). Each slot names the database salt it belongs to: while the database key is
being rotated the file holds slots for both keys, so a kill at any moment leaves everyone able
to open whichever file is in place. One MAC per salt, under a key derived from that salt's
database key, covers the whole file; it is checked after unlocking (a tampered file is found).

The authoritative list of people lives inside the database (``app_user``, with a mirror of
these slots in ``meta``): after every unlock the companion file is brought back in line with
the mirror (:func:`tkapp.services.people` does this), so a stale or tampered file heals.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tkapp.atomicfile import atomic_write_bytes
from tkapp.crypto import keyring
from tkapp.errors import KeyringError, KeySlotsInvalid, PersonRequired, StoreError, UnknownPerson

SUFFIX = "-keys"
_FORMAT = "tkapp-keyslots"
_VERSION = 1
_MAX_BYTES = 4 * 1024 * 1024  # a thousand people fit in well under a megabyte


def slots_path(catalogue: Path) -> Path:
    """The companion file of ``catalogue``."""
    return Path(str(catalogue) + SUFFIX)


def person_cost() -> keyring.KdfCost:
    """Argon2 cost for a new person's key (tiny only for the test suite, as ``store/kdf``)."""
    if os.environ.get("TKAPP_KDF_PROFILE") == "fast":
        return keyring.TEST_COST
    return keyring.PERSON_COST


@dataclass(frozen=True)
class Slot:
    salt: bytes  # the database salt whose key ``db_key`` wraps
    person_id: str
    name: str
    public: bytes
    locked: bytes
    db_key: bytes


def db_key_context(salt: bytes, person_id: str) -> bytes:
    return b"tkapp/keyslots/db-key/v1\x00" + salt + person_id.encode("utf-8")


def make_slot(
    salt: bytes, key: bytes, *, person_id: str, name: str, public: bytes, locked: bytes
) -> Slot:
    wrapped = keyring.wrap_to(public, key, db_key_context(salt, person_id))
    return Slot(salt, person_id, name, public, locked, wrapped)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise KeySlotsInvalid("not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise KeySlotsInvalid("bad base64") from exc


def _slot_json(slot: Slot) -> dict[str, str]:
    return {
        "salt": slot.salt.hex(),
        "person": slot.person_id,
        "name": slot.name,
        "public": _b64(slot.public),
        "locked": _b64(slot.locked),
        "db_key": _b64(slot.db_key),
    }


def _body(slots: tuple[Slot, ...]) -> bytes:
    items = sorted((_slot_json(s) for s in slots), key=lambda d: (d["salt"], d["person"]))
    return json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(key: bytes, body: bytes) -> str:
    mac_key = hmac.new(key, b"tkapp/keyslots/mac/v1", hashlib.sha256).digest()
    return hmac.new(mac_key, body, hashlib.sha256).hexdigest()


def encode(slots: tuple[Slot, ...], keys: dict[bytes, bytes]) -> bytes:
    """The file's bytes; ``keys`` maps each salt present to its database key (for the MACs)."""
    body = _body(slots)
    salts = {s.salt for s in slots}
    if not salts <= set(keys):
        raise StoreError("a key slot's database key is not at hand")
    doc = {
        "format": _FORMAT,
        "version": _VERSION,
        "slots": json.loads(body),
        "macs": {salt.hex(): _mac(keys[salt], body) for salt in sorted(salts)},
    }
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class SlotFile:
    slots: tuple[Slot, ...]
    macs: dict[bytes, str]

    def for_salt(self, salt: bytes) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.salt == salt)

    def mac_ok(self, salt: bytes, key: bytes) -> bool:
        expected = self.macs.get(salt, "")
        return hmac.compare_digest(expected, _mac(key, _body(self.slots)))


def decode(data: bytes) -> SlotFile:
    """Parse a companion file; :class:`KeySlotsInvalid` for anything not well formed."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise KeySlotsInvalid("not JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
        raise KeySlotsInvalid("not a key slots file")
    if doc.get("version") != _VERSION:
        raise KeySlotsInvalid("unsupported version")
    raw_slots, raw_macs = doc.get("slots"), doc.get("macs")
    if not isinstance(raw_slots, list) or not isinstance(raw_macs, dict):
        raise KeySlotsInvalid("missing slots")
    slots: list[Slot] = []
    for item in raw_slots:
        if not isinstance(item, dict):
            raise KeySlotsInvalid("bad slot")
        person, name, salt = item.get("person"), item.get("name"), item.get("salt")
        if not (isinstance(person, str) and isinstance(name, str) and isinstance(salt, str)):
            raise KeySlotsInvalid("bad slot")
        try:
            salt_bytes = bytes.fromhex(salt)
        except ValueError as exc:
            raise KeySlotsInvalid("bad salt") from exc
        slots.append(
            Slot(
                salt_bytes,
                person,
                name,
                _unb64(item.get("public")),
                _unb64(item.get("locked")),
                _unb64(item.get("db_key")),
            )
        )
    macs: dict[bytes, str] = {}
    for salt_hex, mac in raw_macs.items():
        if not isinstance(mac, str):
            raise KeySlotsInvalid("bad mac")
        try:
            macs[bytes.fromhex(salt_hex)] = mac
        except ValueError as exc:
            raise KeySlotsInvalid("bad salt") from exc
    return SlotFile(tuple(slots), macs)


def read(catalogue: Path) -> SlotFile | None:
    """The companion file of ``catalogue``, or None when there is none."""
    path = slots_path(catalogue)
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(str(exc), path=str(path)) from exc
    if len(data) > _MAX_BYTES:
        raise KeySlotsInvalid("too large", path=str(path))
    return decode(data)


def write(catalogue: Path, slots: tuple[Slot, ...], keys: dict[bytes, bytes]) -> None:
    """Replace the companion file atomically (temp file, fsync, rename). Hold the lock."""
    path = slots_path(catalogue)
    try:
        atomic_write_bytes(path, encode(slots, keys))
    except OSError as exc:
        raise StoreError(str(exc), path=str(path)) from exc


def choose(slots: tuple[Slot, ...], person: str | None) -> Slot:
    """The slot of ``person`` (name, case-insensitive, or id); with no name, the only one.

    Raises:
        PersonRequired: several people and no name given (``params["names"]``).
        UnknownPerson: no slot by that name.
    """
    if person is None or not person.strip():
        if len(slots) == 1:
            return slots[0]
        raise PersonRequired("who are you?", names=", ".join(sorted(s.name for s in slots)))
    wanted = person.strip().casefold()
    for slot in slots:
        if slot.person_id == person.strip() or slot.name.casefold() == wanted:
            return slot
    raise UnknownPerson(person, name=person)


@dataclass(frozen=True)
class Unlocked:
    """What a passphrase opened: the database key and the person's key pair (memory only)."""

    key: bytes
    slot: Slot
    keypair: keyring.BoxKeyPair


def unlock(slot: Slot, passphrase: str) -> Unlocked:
    """Open ``slot`` with the person's passphrase.

    Raises:
        KeyringError: wrong passphrase (or a damaged slot: the two look the same on purpose).
    """
    keypair = keyring.unlock_keypair(slot.public, slot.locked, passphrase)
    key = keyring.unwrap(keypair, slot.db_key, db_key_context(slot.salt, slot.person_id))
    if len(key) != keyring.KEY_BYTES:
        raise KeyringError("database key has the wrong length")
    return Unlocked(key, slot, keypair)


def mirror_text(slots: tuple[Slot, ...]) -> str:
    """The slots as kept inside the database (no MAC: the database itself is authenticated)."""
    return _body(slots).decode("utf-8")


def from_mirror(text: str) -> tuple[Slot, ...]:
    doc = json.dumps(
        {"format": _FORMAT, "version": _VERSION, "slots": json.loads(text), "macs": {}}
    )
    return decode(doc.encode("utf-8")).slots
