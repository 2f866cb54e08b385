"""Hash-chained, append-only audit log.

Each entry stores ``hash = SHA-256(canonical(seq, time, actor, action, entity, entity_id,
digest, prev_hash))`` where ``digest`` is the SHA-256 of the new state's JSON (the state itself
is never copied into the log) and ``prev_hash`` the previous entry's hash. The head hash and
the entry count are kept in ``meta`` and updated in the same transaction, so deleting the last
entries is detected as well as editing or deleting one in the middle.

A bulk import writes one *batch* entry per few thousand new records instead of one entry per
record (entity :data:`BATCH_ENTITY`, ``entity_id`` the file imported): its ``digest`` hashes
the list of the records it created with the SHA-256 of each one's state, and that list is kept
in ``audit_item`` (16-byte record id, 32-byte content hash), so the chain covers every record
and a record's history still finds "created by the import of FILE" through its id.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tkapp.i18n import _
from tkapp.store.connection import Connection

GENESIS = "0" * 64
# ASCII-only compact JSON array: the canonical bytes that are hashed. Never change it: every
# existing log would stop verifying.
_CANONICAL = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_BATCH = 2000
#: The entity of a batch entry: the records (new ones) an import created, listed in audit_item.
BATCH_ENTITY = "records"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    digest: str
    prev_hash: str
    hash: str
    #: Asked for one record, a batch entry that created it gives the hash of the record's
    #: state then (the entry's own ``digest`` covers the whole batch); "" otherwise.
    item_digest: str = ""


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    entries: int
    problems: list[str] = field(default_factory=list)


def state_digest(state_json: str) -> str:
    return hashlib.sha256(state_json.encode("utf-8")).hexdigest()


def entry_hash(  # noqa: PLR0917 - the chained fields, in their canonical order
    seq: int,
    time: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    digest: str,
    prev_hash: str,
) -> str:
    """SHA-256 over canonical bytes: a compact JSON array (no key order to get wrong)."""
    canonical = _CANONICAL([seq, time, actor, action, entity, entity_id, digest, prev_hash])
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def batch_digest(listing: Iterable[tuple[str, str]]) -> str:
    """The digest of a batch entry: SHA-256 over the canonical list ``[[record id, content
    hash], ...]`` (both text: the UUID as usually written, the hash in hex), sorted by id (the
    order audit_item keeps them in, so a reader recomputes it without sorting)."""
    return hashlib.sha256(_CANONICAL([list(item) for item in listing]).encode("ascii")).hexdigest()


def _id_bytes(record_id: str) -> bytes:
    """The 16 bytes of a UUID's text; canonical text (what new_id writes) read directly, without
    building a UUID (an import lists every record it creates), any other spelling by uuid.

    Raises:
        ValueError: not a UUID.
    """
    dashes = len(record_id) == 36 and record_id[8] == record_id[13] == "-"
    if dashes and record_id[18] == record_id[23] == "-":
        try:
            raw = bytes.fromhex(record_id.replace("-", ""))
        except ValueError:
            raw = b""
        if len(raw) == 16:
            return raw
    return uuid.UUID(record_id).bytes


def _uuid_text(raw: bytes) -> str:
    """``str(uuid.UUID(bytes=raw))`` without building a UUID (a million of them at a check)."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class AuditChain:
    """Chains entries inside the caller's transaction.

    Entries are buffered and written in bulk by :meth:`flush` (an import appends thousands),
    together with the new head; :class:`tkapp.store.database.Database` flushes before every
    commit.
    """

    def __init__(self) -> None:
        self.head = GENESIS
        self.count = 0
        self._pending: list[tuple[int, str, str, str, str, str, str, str, str]] = []
        self._dirty = False

    def load(self, conn: Connection) -> None:
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('audit_head', 'audit_count')"
            ).fetchall()
        )
        self.head = rows.get("audit_head", GENESIS)
        self.count = int(rows.get("audit_count", "0"))
        self._pending.clear()
        self._dirty = False

    def append(
        self,
        conn: Connection,
        *,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        state_json: str,
        now: datetime | None = None,
    ) -> None:
        self._chain(actor, action, entity, entity_id, state_digest(state_json), now)
        if len(self._pending) >= _BATCH:
            self.write_pending(conn)

    def _chain(  # noqa: PLR0917 - the chained fields, in their canonical order
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        digest: str,
        now: datetime | None,
    ) -> int:
        """Link the next entry to the head (pending until written); its sequence number."""
        seq = self.count + 1
        time = (now or datetime.now(UTC)).isoformat()
        new_hash = entry_hash(seq, time, actor, action, entity, entity_id, digest, self.head)
        self._pending.append(
            (seq, time, actor, action, entity, entity_id, digest, self.head, new_hash)
        )
        self.head, self.count, self._dirty = new_hash, seq, True
        return seq

    def append_batch(
        self,
        conn: Connection,
        *,
        actor: str,
        action: str,
        source: str,
        created: Sequence[tuple[str, str]],
        now: datetime | None = None,
    ) -> None:
        """One entry for many new records: ``created`` is ``(record id, state JSON)``; the
        records are listed in audit_item (written now, in the caller's transaction)."""
        if not created:
            return
        # Canonical UUID text sorts as its bytes do: the list is in audit_item's key order.
        items = sorted((_id_bytes(rid), state_digest(state)) for rid, state in created)
        listing = [(_uuid_text(raw), digest) for raw, digest in items]
        seq = self._chain(actor, action, BATCH_ENTITY, source, batch_digest(listing), now)
        conn.executemany(
            "INSERT INTO audit_item (seq, record_id, digest) VALUES (?, ?, ?)",
            [(seq, raw, bytes.fromhex(digest)) for raw, digest in items],
        )

    def write_pending(self, conn: Connection) -> None:
        if self._pending:
            conn.executemany(
                "INSERT INTO audit (seq, time, actor, action, entity, entity_id, digest,"
                " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._pending,
            )
            self._pending.clear()

    def flush(self, conn: Connection) -> None:
        if not self._dirty:
            return
        self.write_pending(conn)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [("audit_head", self.head), ("audit_count", str(self.count))],
        )
        self._dirty = False


def verify(conn: Connection, progress: Callable[[int, int], None] | None = None) -> AuditReport:
    """Walk the chain; report every edited, missing or reordered entry."""
    chain = AuditChain()
    chain.load(conn)
    problems: list[str] = []
    total = int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])
    expected_seq, prev, seen, last_seq, items_seen = 1, GENESIS, 0, 0, 0
    cursor = conn.execute(
        "SELECT seq, time, actor, action, entity, entity_id, digest, prev_hash, hash"
        " FROM audit ORDER BY seq"
    )
    while True:
        rows = cursor.fetchmany(_BATCH)
        if not rows:
            break
        for seq, time, actor, action, entity, entity_id, digest, prev_hash, stored in rows:
            if seq != expected_seq:
                problems.append(
                    _("Audit entries {first} to {last} are missing.").format(
                        first=expected_seq, last=seq - 1
                    )
                    if seq > expected_seq
                    else _("Audit entry {seq} is out of order.").format(seq=seq)
                )
            if prev_hash != prev:
                problems.append(
                    _("Audit entry {seq} does not follow the entry before it.").format(seq=seq)
                )
            recomputed = entry_hash(seq, time, actor, action, entity, entity_id, digest, prev_hash)
            if recomputed != stored:
                problems.append(_("Audit entry {seq} was edited.").format(seq=seq))
            if entity == BATCH_ENTITY:
                listed = _batch_items(conn, seq)
                items_seen += len(listed)
                if batch_digest(listed) != digest:
                    problems.append(
                        _("The list of records in audit entry {seq} was changed.").format(seq=seq)
                    )
            prev, expected_seq, last_seq = stored, seq + 1, seq
            seen += 1
        if progress:
            progress(seen, total)
    if last_seq < chain.count:
        problems.append(
            _("Audit entries {first} to {last} are missing.").format(
                first=last_seq + 1, last=chain.count
            )
        )
    elif last_seq > chain.count:
        problems.append(
            _("The audit log has more entries than recorded ({count}).").format(count=chain.count)
        )
    if prev != chain.head and last_seq == chain.count:
        problems.append(_("The last audit entry does not match the recorded head."))
    if int(conn.execute("SELECT count(*) FROM audit_item").fetchone()[0]) != items_seen:
        problems.append(_("The audit log lists records under no batch entry."))
    return AuditReport(ok=not problems, entries=seen, problems=problems)


def _batch_items(conn: Connection, seq: int) -> list[tuple[str, str]]:
    return [
        (_uuid_text(bytes(r[0])), bytes(r[1]).hex())
        for r in conn.execute(
            "SELECT record_id, digest FROM audit_item WHERE seq = ? ORDER BY record_id", (seq,)
        )
    ]


def _record_key(entity_id: str) -> bytes | None:
    try:
        return uuid.UUID(entity_id).bytes
    except ValueError:
        return None


def entries(conn: Connection, entity_id: str | None, limit: int) -> list[AuditEntry]:
    """Newest first. For one entity: its own entries and the batch entries that list it."""
    if entity_id:
        rows = conn.execute(
            "SELECT seq, time, actor, action, entity, entity_id, digest, prev_hash, hash, ''"
            " FROM audit WHERE entity_id = ? ORDER BY seq DESC LIMIT ?",
            (entity_id, limit),
        ).fetchall()
        key = _record_key(entity_id)
        if key is not None:
            rows += conn.execute(
                "SELECT a.seq, a.time, a.actor, a.action, a.entity, a.entity_id, a.digest,"
                " a.prev_hash, a.hash, lower(hex(i.digest)) FROM audit_item i"
                " JOIN audit a ON a.seq = i.seq WHERE i.record_id = ? ORDER BY i.seq DESC"
                " LIMIT ?",
                (key, limit),
            ).fetchall()
            rows = sorted(rows, key=lambda r: -int(r[0]))[:limit]
    else:
        rows = conn.execute(
            "SELECT seq, time, actor, action, entity, entity_id, digest, prev_hash, hash, ''"
            " FROM audit ORDER BY seq DESC LIMIT ?",
            (limit,),
        ).fetchall()
    return [
        AuditEntry(
            r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]
        )
        for r in rows
    ]
