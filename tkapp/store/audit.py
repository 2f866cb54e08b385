"""Hash-chained, append-only audit log.

Each entry stores ``hash = SHA-256(canonical(seq, time, actor, action, entity, entity_id,
digest, prev_hash))`` where ``digest`` is the SHA-256 of the new state's JSON (the state itself
is never copied into the log) and ``prev_hash`` the previous entry's hash. The head hash and
the entry count are kept in ``meta`` and updated in the same transaction, so deleting the last
entries is detected as well as editing or deleting one in the middle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tkapp.i18n import _
from tkapp.store.connection import Connection

GENESIS = "0" * 64
# ASCII-only compact JSON array: the canonical bytes that are hashed. Never change it: every
# existing log would stop verifying.
_CANONICAL = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_BATCH = 2000


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
        seq = self.count + 1
        time = (now or datetime.now(UTC)).isoformat()
        digest = state_digest(state_json)
        new_hash = entry_hash(seq, time, actor, action, entity, entity_id, digest, self.head)
        self._pending.append(
            (seq, time, actor, action, entity, entity_id, digest, self.head, new_hash)
        )
        self.head, self.count, self._dirty = new_hash, seq, True
        if len(self._pending) >= _BATCH:
            self.write_pending(conn)

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
    expected_seq, prev, seen, last_seq = 1, GENESIS, 0, 0
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
    return AuditReport(ok=not problems, entries=seen, problems=problems)


def entries(conn: Connection, entity_id: str | None, limit: int) -> list[AuditEntry]:
    """Newest first."""
    if entity_id:
        rows = conn.execute(
            "SELECT seq, time, actor, action, entity, entity_id, digest, prev_hash, hash"
            " FROM audit WHERE entity_id = ? ORDER BY seq DESC LIMIT ?",
            (entity_id, limit),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT seq, time, actor, action, entity, entity_id, digest, prev_hash, hash"
            " FROM audit ORDER BY seq DESC LIMIT ?",
            (limit,),
        ).fetchall()
    return [
        AuditEntry(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8])
        for r in rows
    ]
