"""SQL for approvals of export plans (shared approval, k of n) and people's approval keys.

Rows only: how many approvals an export needs and which count is decided in
:mod:`tkapp.services.approvals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tkapp.store.connection import Connection


@dataclass(frozen=True)
class ApprovalRow:
    digest: str
    user_id: str
    name: str
    approval_public: bytes
    signature: bytes
    created: str
    bundle_id: str | None = None


_COLUMNS = "digest, user_id, name, approval_public, signature, created, bundle_id"


def _row(r: tuple[Any, ...]) -> ApprovalRow:
    return ApprovalRow(
        str(r[0]),
        str(r[1]),
        str(r[2]),
        bytes(r[3]),
        bytes(r[4]),
        str(r[5]),
        None if r[6] is None else str(r[6]),
    )


def approval_public(conn: Connection, user_id: str) -> bytes | None:
    row = conn.execute("SELECT approval_public FROM app_user WHERE id = ?", (user_id,)).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def set_approval_public(conn: Connection, user_id: str, public: bytes) -> None:
    conn.execute("UPDATE app_user SET approval_public = ? WHERE id = ?", (public, user_id))


def insert(conn: Connection, row: ApprovalRow) -> None:
    conn.execute(
        f"INSERT INTO export_approval ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
        (
            row.digest,
            row.user_id,
            row.name,
            row.approval_public,
            row.signature,
            row.created,
            row.bundle_id,
        ),
    )


def pending(conn: Connection, digest: str) -> list[ApprovalRow]:
    """Approvals of ``digest`` that no export has used yet, oldest first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM export_approval "  # noqa: S608
        "WHERE digest = ? AND bundle_id IS NULL ORDER BY id",
        (digest,),
    ).fetchall()
    return [_row(tuple(r)) for r in rows]


def use_for(conn: Connection, digest: str, user_ids: list[str], bundle_id: str) -> None:
    """Bind the pending approvals of ``user_ids`` to the export that used them."""
    for user_id in user_ids:
        conn.execute(
            "UPDATE export_approval SET bundle_id = ? "
            "WHERE digest = ? AND user_id = ? AND bundle_id IS NULL",
            (bundle_id, digest, user_id),
        )


def of_bundle(conn: Connection, bundle_id: str) -> list[ApprovalRow]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM export_approval WHERE bundle_id = ? ORDER BY id",  # noqa: S608
        (bundle_id,),
    ).fetchall()
    return [_row(tuple(r)) for r in rows]
