"""Shared parts of the protocol-key tests: readers, marked records, and an attacker who holds
only the database key (decrypts every page of the file and of its WAL with it)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tkapp.core.model import AccessLevel, KnowledgeRecord, Media, MediaKind, Place, Use
from tkapp.core.users import GroupKey, Reader, Role, User
from tkapp.crypto.keyring import new_key
from tkapp.services.catalogue import Catalogue
from tkapp.store import kdf
from tkapp.store.connection import PAGE_SIZE, Connection, connect, read_salt

#: The protocol tests' own catalogue passphrase (the fast test KDF is on in tests/store).
PASSPHRASE = "protocols: one shared catalogue passphrase"

#: SQLCipher 4 page layout: each page ends with a 16-byte IV and a 64-byte HMAC.
_RESERVE = 80
_IV = 16
_WAL_HEADER = 32
_FRAME_HEADER = 24


def group_key(group: str, version: int = 1) -> GroupKey:
    return GroupKey(group, version, new_key())


def reader(name: str, *keys: GroupKey, role: Role = Role.MEMBER) -> Reader:
    groups = frozenset(k.group for k in keys)
    return Reader(User(name, role, groups), tuple(keys))


def marked_record(marker: str, access: AccessLevel, group: str = "") -> KnowledgeRecord:
    """A record whose title, text, uses, place and names all carry ``marker``."""
    return KnowledgeRecord(
        title=f"Title {marker}",
        summary=f"summary {marker}",
        description=f"description {marker}",
        uses=[Use(part=f"leaf{marker}", preparation="tea", purpose=f"purpose {marker}")],
        place=Place(locality=f"place {marker}"),
        access=access,
        restricted_group=group,
    )


def add_media(cat: Catalogue, record_id: str, marker: str, size: int = 300_000) -> Media:
    """A media file with ``marker`` in its name, caption and (repeated) bytes, over 2 chunks."""
    body = (marker.encode() * (size // len(marker) + 1))[:size]
    meta = Media(
        kind=MediaKind.DOCUMENT,
        mime_type="text/plain",
        file_name=f"{marker}.txt",
        record_id=record_id,
        caption=f"caption {marker}",
    )
    return cat.add_media(meta, io.BytesIO(body))


def database_key(path: Path, passphrase: str) -> tuple[bytes, bytes]:
    salt = read_salt(path)
    return kdf.derive_key(passphrase, salt), salt


def attacker_connection(path: Path, passphrase: str) -> Connection:
    """The catalogue opened with only the database key (no person, no group key)."""
    key, salt = database_key(path, passphrase)
    return connect(path, key, salt, probe=True)


def every_value(conn: Connection) -> Iterator[tuple[str, bytes]]:
    """(table, value as bytes) for every value of every table, FTS shadow tables included."""
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    ]
    for table in tables:
        sql_row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        if sql_row[0] and sql_row[0].upper().startswith("CREATE VIRTUAL"):
            continue  # its shadow tables are listed and read themselves
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            for value in row:
                if isinstance(value, str):
                    yield table, value.encode("utf-8")
                elif isinstance(value, bytes | memoryview):
                    yield table, bytes(value)


def _decrypt_page(key: bytes, page: bytes, first: bool) -> bytes:
    iv = page[PAGE_SIZE - _RESERVE : PAGE_SIZE - _RESERVE + _IV]
    start = 16 if first else 0  # page 1 starts with the file's salt, in the clear
    body = page[start : PAGE_SIZE - _RESERVE]
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(body) + dec.finalize()


def decrypted_pages(path: Path, passphrase: str) -> Iterator[tuple[str, bytes]]:
    """Every page of the main file and every frame of its WAL, decrypted with the database
    key (free pages and superseded WAL frames too: what a forensic reader would see)."""
    key, _salt = database_key(path, passphrase)
    return pages_with_key(path, key)


def pages_with_key(path: Path, key: bytes) -> Iterator[tuple[str, bytes]]:
    """As :func:`decrypted_pages`, for an attacker who holds the raw database key."""
    data = path.read_bytes()
    for n in range(len(data) // PAGE_SIZE):
        yield f"page {n + 1}", _decrypt_page(key, data[n * PAGE_SIZE : (n + 1) * PAGE_SIZE], n == 0)
    wal = Path(str(path) + "-wal")
    if wal.exists():
        raw = wal.read_bytes()
        at = _WAL_HEADER
        while at + _FRAME_HEADER + PAGE_SIZE <= len(raw):
            pgno = int.from_bytes(raw[at : at + 4], "big")
            page = raw[at + _FRAME_HEADER : at + _FRAME_HEADER + PAGE_SIZE]
            yield f"wal frame for page {pgno}", _decrypt_page(key, page, pgno == 1)
            at += _FRAME_HEADER + PAGE_SIZE


def hits(found: Iterator[tuple[str, bytes]], markers: list[str]) -> list[tuple[str, str]]:
    """(where, marker) for every marker seen, in any case."""
    needles = [(m, m.encode().lower()) for m in markers]
    return [
        (where, marker)
        for where, value in found
        for marker, needle in needles
        if needle in value.lower()
    ]
