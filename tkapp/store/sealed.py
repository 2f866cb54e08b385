"""Protocol-key sealing inside the catalogue (issue 13, PROTOCOLS.md "Keys").

A record at access *restricted* or *secret/sacred* is sealed under its protocol group's key
(:func:`tkapp.core.users.protocol_group`): its full JSON, and its media's description and
bytes. Whoever holds only the database key sees the narrow row (id, access, group, status,
category, labels, dates) and ciphertext. The associated data of every sealed value names the
record or media id, the field and the key version, so a ciphertext copied to another record,
field or version does not open.

The person reading is a :class:`~tkapp.core.users.Reader` *attached* to the open connection
(:func:`attach`); the record and media store functions ask :func:`key_to_read` and
:func:`key_to_write` here, so every path that loads or saves a record (services, imports,
terms changes) seals and opens the same way.

Search: the on-disk full-text index holds nothing of sealed records. For the reader, the
records they may read are indexed in memory (``temp`` schema, ``temp_store = MEMORY``):
``temp.sealed_fts`` (same tokenizer and prefixes as ``record_fts``) and ``temp.sealed_view``
(title and names for the records table). Both go with the connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tkapp.core.model import AccessLevel
from tkapp.core.users import GroupKey, Reader, protocol_group
from tkapp.crypto import keyring
from tkapp.errors import NotPermitted
from tkapp.store.connection import Connection

#: Meta key set once a record was sealed: from then on, a protected record is never written
#: in the clear, even by a session opened without a reader.
PROTECTED_META = "protocol_keys"

# sqlcipher3 connections take no weak references: the entry keeps its connection (so its id
# is never reused while the entry lives) and the catalogue detaches it when it closes.
_readers: dict[int, tuple[Any, Reader]] = {}

#: Called when the reader writes a protected record for a group they hold no key of, inside
#: the write transaction: returns the group's first key (the writer founds the group) or None
#: (the group exists and the writer is not in it). Set by the services that know people.
FoundGroup = Callable[[Connection, str], "GroupKey | None"]
_founders: dict[int, FoundGroup] = {}


def attach(conn: Connection, reader: Reader | None, found: FoundGroup | None = None) -> None:
    """Make ``reader`` the person reading through ``conn`` (None: detach, nobody reads)."""
    if reader is None:
        _readers.pop(id(conn), None)
        _founders.pop(id(conn), None)
        _indexes.pop(id(conn), None)  # nobody reads: searches leave the sealed index alone
    else:
        _readers[id(conn)] = (conn, reader)
        if found is None:
            _founders.pop(id(conn), None)
        else:
            _founders[id(conn)] = found


def reader_for(conn: Connection) -> Reader | None:
    entry = _readers.get(id(conn))
    return entry[1] if entry is not None and entry[0] is conn else None


def record_context(record_id: str, field: str, key_version: int) -> bytes:
    return f"tkapp/record:{record_id}:{field}:{key_version}".encode()


def media_context(media_id: str, field: str, key_version: int) -> bytes:
    """``field`` is ``meta`` or ``chunk:<seq>`` (a chunk cannot move within its file either)."""
    return f"tkapp/media:{media_id}:{field}:{key_version}".encode()


def is_protected(conn: Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PROTECTED_META,)).fetchone()
    return row is not None and row[0] == "1"


def mark_protected(conn: Connection) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = '1'",
        (PROTECTED_META,),
    )


def key_to_write(
    conn: Connection, access: AccessLevel, restricted_group: str, record_id: str
) -> GroupKey | None:
    """The key to seal a record at this access under; None: stored in the clear.

    The clear only for unprotected records, or in a catalogue where nothing is sealed yet and
    nobody unlocked as a person (today's single-passphrase catalogues).

    Raises:
        NotPermitted: a protected record, and the reader does not hold its group's key.
    """
    group = protocol_group(access, restricted_group)
    if group is None:
        return None
    reader = reader_for(conn)
    if reader is None:
        if is_protected(conn):
            raise NotPermitted(record_id, group=group)
        return None
    key = reader.current(group)
    if key is None:
        found = _founders.get(id(conn))
        key = found(conn, group) if found is not None else None
    if key is None:
        raise NotPermitted(record_id, group=group)
    return key


def key_to_read(conn: Connection, group: str, version: int, entity_id: str) -> GroupKey:
    """The key a value sealed under ``group`` at ``version`` opens with.

    Raises:
        NotPermitted: the reader does not hold it.
    """
    reader = reader_for(conn)
    key = reader.key(group, version) if reader is not None else None
    if key is None:
        raise NotPermitted(entity_id, group=group)
    return key


def may_open(conn: Connection, group: str, version: int) -> bool:
    reader = reader_for(conn)
    return reader is not None and reader.key(group, version) is not None


def seal_text(key: GroupKey, text: str, context: bytes) -> bytes:
    return keyring.seal(key.key, text.encode("utf-8"), context)


def open_text(key: GroupKey, blob: bytes, context: bytes) -> str:
    """Raises :class:`~tkapp.errors.KeyringError` if the blob does not belong here."""
    return keyring.open_sealed(key.key, bytes(blob), context).decode("utf-8")


# --- the in-memory index of sealed records the reader may read -----------------------------

_TEMP_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.sealed_fts USING fts5 ("
    " title, body, names, content = '', contentless_delete = 1, detail = column,"
    " prefix = '1 2', tokenize = \"unicode61 remove_diacritics 2\")",
    "CREATE TABLE IF NOT EXISTS temp.sealed_view ("
    " rowid INTEGER PRIMARY KEY, title TEXT NOT NULL, taxa_text TEXT NOT NULL,"
    " names_text TEXT NOT NULL)",
)


#: Per connection (kept with it, as :data:`_readers`): whether the in-memory index exists and
#: whether anything was ever put into it. Searches ask here, not the database: a plain
#: catalogue's search pays no probe statement, and an empty index is never queried.
_indexes: dict[int, tuple[Any, bool]] = {}


#: The weights of title, body and names in a hit's relevance (bm25), as ``record_fts`` ranks.
RANK_WEIGHTS = "10.0, 1.0, 5.0"


def create_index(conn: Connection) -> None:
    """Create the empty in-memory tables (the connection's temp store is in memory)."""
    for sql in _TEMP_SCHEMA:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO sealed_fts (sealed_fts, rank) VALUES ('rank', ?)",
        ("bm25(" + RANK_WEIGHTS + ")",),
    )
    _indexes[id(conn)] = (conn, False)


def has_index(conn: Connection) -> bool:
    entry = _indexes.get(id(conn))
    return entry is not None and entry[0] is conn


def index_in_use(conn: Connection) -> bool:
    """True when searches must also ask the in-memory index (something was put into it).

    Never cleared by deletes: a rolled-back delete would bring a row back unseen. An index
    emptied since costs a search one cheap statement more, never a missed record."""
    entry = _indexes.get(id(conn))
    return entry is not None and entry[0] is conn and entry[1]


def _filled(conn: Connection) -> None:
    _indexes[id(conn)] = (conn, True)


def index_put(
    conn: Connection,
    rowid: int,
    *,
    title: str,
    body: str,
    names: str,
    taxa_text: str,
    names_text: str,
) -> None:
    if not has_index(conn):
        return
    index_drop(conn, rowid)
    _filled(conn)
    conn.execute(
        "INSERT INTO temp.sealed_fts (rowid, title, body, names) VALUES (?, ?, ?, ?)",
        (rowid, title, body, names),
    )
    conn.execute(
        "INSERT INTO temp.sealed_view (rowid, title, taxa_text, names_text) VALUES (?, ?, ?, ?)",
        (rowid, title, taxa_text, names_text),
    )


def index_put_many(conn: Connection, rows: list[tuple[int, str, str, str, str, str]]) -> None:
    """Fill a freshly created index: (rowid, title, body, names, taxa_text, names_text)."""
    if rows:
        _filled(conn)
    conn.executemany(
        "INSERT INTO temp.sealed_fts (rowid, title, body, names) VALUES (?, ?, ?, ?)",
        [r[:4] for r in rows],
    )
    conn.executemany(
        "INSERT INTO temp.sealed_view (rowid, title, taxa_text, names_text) VALUES (?, ?, ?, ?)",
        [(r[0], r[1], r[4], r[5]) for r in rows],
    )


def index_drop(conn: Connection, rowid: int) -> None:
    if not has_index(conn):
        return
    conn.execute("DELETE FROM temp.sealed_fts WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM temp.sealed_view WHERE rowid = ?", (rowid,))


def drop_index(conn: Connection) -> None:
    _indexes.pop(id(conn), None)
    conn.execute("DROP TABLE IF EXISTS temp.sealed_fts")
    conn.execute("DROP TABLE IF EXISTS temp.sealed_view")
