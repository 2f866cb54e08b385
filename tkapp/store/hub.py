"""Local Contexts Hub projects (one JSON row each; the service validates them)."""

from __future__ import annotations

from tkapp.errors import NotFound
from tkapp.store.connection import Connection


def save_project(conn: Connection, project_id: str, hub_id: str, data: str) -> None:
    conn.execute(
        "INSERT INTO hub_project (id, hub_id, data) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET hub_id = excluded.hub_id, data = excluded.data",
        (project_id, hub_id, data),
    )


def list_projects(conn: Connection) -> list[str]:
    """Every project's JSON, in the order they were first saved."""
    return [str(r[0]) for r in conn.execute("SELECT data FROM hub_project ORDER BY rowid")]


def get_project(conn: Connection, project_id: str) -> str:
    row = conn.execute("SELECT data FROM hub_project WHERE id = ?", (project_id,)).fetchone()
    if row is None:
        raise NotFound("hub project", id=project_id)
    return str(row[0])


def delete_project(conn: Connection, project_id: str) -> bool:
    cursor = conn.execute("DELETE FROM hub_project WHERE id = ?", (project_id,))
    return bool(cursor.rowcount)
