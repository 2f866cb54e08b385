"""SQL for the people who unlock the catalogue, their groups and the keys wrapped to them.

Only rows here: who may do what is decided in :mod:`tkapp.services.permissions`, and the key
handling in :mod:`tkapp.services.people`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tkapp.core.users import Role, User
from tkapp.store.connection import Connection

_MIRROR_KEY = "keyslots"


@dataclass(frozen=True)
class UserRow:
    user: User
    public: bytes
    locked: bytes


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _groups(conn: Connection, user_id: str) -> frozenset[str]:
    rows = conn.execute("SELECT grp FROM user_group WHERE user_id = ?", (user_id,)).fetchall()
    return frozenset(str(r[0]) for r in rows)


def _row(conn: Connection, row: tuple[Any, ...]) -> UserRow:
    user_id = str(row[0])
    user = User(str(row[1]), Role(str(row[2])), _groups(conn, user_id), user_id)
    return UserRow(user, bytes(row[3]), bytes(row[4]))


_SELECT = "SELECT id, name, role, public, locked FROM app_user"


def list_users(conn: Connection) -> list[UserRow]:
    rows = conn.execute(_SELECT + " ORDER BY name COLLATE NOCASE").fetchall()
    return [_row(conn, tuple(r)) for r in rows]


def find_user(conn: Connection, who: str) -> UserRow | None:
    """By id, or by name ignoring case."""
    row = conn.execute(_SELECT + " WHERE id = ? OR name = ? COLLATE NOCASE", (who, who)).fetchone()
    return _row(conn, tuple(row)) if row else None


def count_users(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM app_user").fetchone()[0])


def insert_user(conn: Connection, user: User, public: bytes, locked: bytes) -> None:
    conn.execute(
        "INSERT INTO app_user (id, name, role, public, locked, created) VALUES (?, ?, ?, ?, ?, ?)",
        (user.id, user.name, str(user.role), public, locked, _now()),
    )
    for grp in sorted(user.groups):
        conn.execute("INSERT INTO user_group (user_id, grp) VALUES (?, ?)", (user.id, grp))


def delete_user(conn: Connection, user_id: str) -> None:
    """The person, their groups and every key wrapped to them (cascade)."""
    conn.execute("DELETE FROM app_user WHERE id = ?", (user_id,))


def set_role(conn: Connection, user_id: str, role: Role) -> None:
    conn.execute("UPDATE app_user SET role = ? WHERE id = ?", (str(role), user_id))


def set_locked(conn: Connection, user_id: str, locked: bytes) -> None:
    conn.execute("UPDATE app_user SET locked = ? WHERE id = ?", (locked, user_id))


def add_to_group(conn: Connection, user_id: str, grp: str) -> None:
    conn.execute("INSERT OR IGNORE INTO user_group (user_id, grp) VALUES (?, ?)", (user_id, grp))


def remove_from_group(conn: Connection, user_id: str, grp: str) -> None:
    conn.execute("DELETE FROM user_group WHERE user_id = ? AND grp = ?", (user_id, grp))
    conn.execute("DELETE FROM group_key_wrap WHERE user_id = ? AND grp = ?", (user_id, grp))


def group_members(conn: Connection, grp: str) -> list[UserRow]:
    rows = conn.execute(
        "SELECT id, name, role, public, locked FROM app_user "
        "WHERE id IN (SELECT user_id FROM user_group WHERE grp = ?)",
        (grp,),
    ).fetchall()
    return [_row(conn, tuple(r)) for r in rows]


# --- group keys ------------------------------------------------------------------------------


def latest_group_version(conn: Connection, grp: str) -> int:
    """0 when the group has no key yet."""
    row = conn.execute("SELECT max(version) FROM group_key WHERE grp = ?", (grp,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def add_group_version(conn: Connection, grp: str, version: int) -> None:
    conn.execute(
        "INSERT INTO group_key (grp, version, created) VALUES (?, ?, ?)", (grp, version, _now())
    )


def save_group_wrap(conn: Connection, grp: str, version: int, user_id: str, wrapped: bytes) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO group_key_wrap (grp, version, user_id, wrapped) "
        "VALUES (?, ?, ?, ?)",
        (grp, version, user_id, wrapped),
    )


def group_wraps_for(conn: Connection, user_id: str) -> list[tuple[str, int, bytes]]:
    rows = conn.execute(
        "SELECT grp, version, wrapped FROM group_key_wrap WHERE user_id = ? ORDER BY grp, version",
        (user_id,),
    ).fetchall()
    return [(str(r[0]), int(r[1]), bytes(r[2])) for r in rows]


def group_names(conn: Connection) -> list[str]:
    rows = conn.execute(
        "SELECT grp FROM user_group UNION SELECT grp FROM group_key ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


# --- the community signing key ---------------------------------------------------------------


def save_signing_wrap(conn: Connection, key_id: bytes, user_id: str, wrapped: bytes) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO signing_key_wrap (key_id, user_id, wrapped) VALUES (?, ?, ?)",
        (key_id, user_id, wrapped),
    )


def signing_wrap_for(conn: Connection, key_id: bytes, user_id: str) -> bytes | None:
    row = conn.execute(
        "SELECT wrapped FROM signing_key_wrap WHERE key_id = ? AND user_id = ?", (key_id, user_id)
    ).fetchone()
    return bytes(row[0]) if row else None


def signing_key_ids(conn: Connection) -> list[bytes]:
    return [bytes(r[0]) for r in conn.execute("SELECT key_id FROM signing_key").fetchall()]


def drop_signing_wraps(conn: Connection, user_id: str) -> None:
    conn.execute("DELETE FROM signing_key_wrap WHERE user_id = ?", (user_id,))


def clear_signing_seeds(conn: Connection) -> None:
    """Once wrapped to the custodians, no plain seed stays in the database."""
    conn.execute("UPDATE signing_key SET seed = x'' WHERE length(seed) > 0")


def plain_signing_seeds(conn: Connection) -> list[tuple[bytes, bytes]]:
    """(key_id, seed) still stored plainly (catalogues from before people existed)."""
    rows = conn.execute("SELECT key_id, seed FROM signing_key WHERE length(seed) > 0").fetchall()
    return [(bytes(r[0]), bytes(r[1])) for r in rows]


# --- the mirror of the key slots file --------------------------------------------------------


def get_slots_mirror(conn: Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_MIRROR_KEY,)).fetchone()
    return str(row[0]) if row else None


def set_slots_mirror(conn: Connection, text: str, schema: str = "main") -> None:
    """``schema``: the attached file written (a rekey writes the new file before the swap)."""
    if not schema.isidentifier():
        raise ValueError("schema must be a plain name")
    upsert = " (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    conn.execute("INSERT INTO " + schema + ".meta" + upsert, (_MIRROR_KEY, text))
