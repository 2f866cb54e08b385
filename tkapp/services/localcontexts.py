"""Local Contexts Hub projects: which Labels and Notices a project applies, to which records,
and how that travels in bundles, Darwin Core (eml.xml and ``dcterms:accessRights``).

Everything works offline: a custodian types in the Hub project's id, page and the Labels and
Notices it applies. :func:`refresh_project` is the one *online* action: it reads the project
from the Hub's public API (``https://localcontextshub.org/api/v2/projects/<id>/``), updates
title, page, Labels and Notices and records when it did so. It is never called implicitly.

Which projects apply to a set of records is decided once, in :func:`projects_for`: a project
whose ``record_ids`` is empty covers the whole catalogue; otherwise it covers the records it
names. Exports render that answer; the release gate decides which records leave.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tkapp.core.model import HubProject
from tkapp.errors import HubUnavailable, NotFound, ValidationError
from tkapp.licensing.labels import LABELS, check_labels, get_label
from tkapp.licensing.notices import NOTICES, get_notice
from tkapp.services.permissions import Action
from tkapp.store import codec
from tkapp.store import hub as hub_store

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

HUB_URL = "https://localcontextshub.org"
#: The public project endpoint of the Hub API (v2); no key needed for public projects.
API_PROJECT = HUB_URL + "/api/v2/projects/{hub_id}/"
LOCALCONTEXTS_TYPE = "tkapp/localcontexts/v1"
_MAX_RESPONSE = 2 << 20  # a project is a few kilobytes; refuse floods
_TIMEOUT_S = 20

#: Reads a URL and returns the body (the online part; tests pass a recorded response).
Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class LocalContextsText:
    """What eml.xml says about the dataset's Local Contexts Notices, Labels and Hub project
    (English: metadata read by aggregators)."""

    text: str
    url: str = ""  # the first Hub project page
    url_title: str = ""


# --- the catalogue's projects -------------------------------------------------------------


def save_project(cat: Catalogue, project: HubProject) -> HubProject:
    """Add or update a Hub project. Raises ValidationError (unknown label or notice code, a
    page that is not https) or NotFound (an unknown record id)."""
    project.validate()
    project.labels = list(check_labels(project.labels))
    project.notices = list(dict.fromkeys(get_notice(code).code for code in project.notices))
    project.record_ids = list(dict.fromkeys(project.record_ids))
    for record_id in project.record_ids:
        cat.get_record(record_id)  # raises NotFound
    state = codec.dumps(project)
    with cat.session(Action.MANAGE_TERMS) as s:
        hub_store.save_project(s.conn, project.id, project.hub_id, state)
        s.audit("update", "hub_project", project.id, state)
    return project


def list_projects(cat: Catalogue) -> list[HubProject]:
    with cat.reading() as conn:
        return [codec.loads(HubProject, data) for data in hub_store.list_projects(conn)]


def get_project(cat: Catalogue, project_id: str) -> HubProject:
    """One project by our id or by its Hub id. Raises NotFound."""
    for project in list_projects(cat):
        if project_id in (project.id, project.hub_id):
            return project
    raise NotFound("hub project", id=project_id)


def remove_project(cat: Catalogue, project_id: str) -> bool:
    with cat.session(Action.MANAGE_TERMS) as s:
        removed = hub_store.delete_project(s.conn, project_id)
        if removed:
            s.audit("delete", "hub_project", project_id, json.dumps({"id": project_id}))
    return removed


def projects_for(projects: Iterable[HubProject], record_ids: Collection[str]) -> list[HubProject]:
    """The projects that apply to any of ``record_ids`` (the one rule: whole-catalogue
    projects apply to every record, the others to the records they name)."""
    wanted = set(record_ids)
    return [p for p in projects if p.whole_catalogue or wanted & set(p.record_ids)]


# --- what exports carry ---------------------------------------------------------------------


def project_json(project: HubProject, record_ids: Collection[str]) -> dict[str, Any]:
    """One project as a bundle carries it: only the ids of records that are in the bundle."""
    shared = set(record_ids)
    return {
        "hub_id": project.hub_id,
        "title": project.title,
        "page_url": project.page_url or f"{HUB_URL}/projects/{project.hub_id}",
        "labels": sorted(project.labels),
        "notices": [
            {"code": code, "name": NOTICES[code].name, "description": NOTICES[code].description}
            for code in project.notices
            if code in NOTICES
        ],
        "whole_catalogue": project.whole_catalogue,
        "record_ids": sorted(r for r in project.record_ids if r in shared),
        "synced_at": None if project.synced_at is None else project.synced_at.isoformat(),
    }


def bundle_json(projects: Iterable[HubProject], record_ids: Collection[str]) -> dict[str, Any]:
    """``data/terms/localcontexts.json``: the Hub projects that apply to the shared records."""
    applying = projects_for(projects, record_ids)
    return {
        "type": LOCALCONTEXTS_TYPE,
        "projects": [project_json(p, record_ids) for p in applying],
    }


def _describe(project: HubProject) -> str:
    names = [NOTICES[c].name for c in project.notices if c in NOTICES]
    names += [f"{get_label(c).name} ({c})" for c in project.labels]
    applies = "; ".join(names) if names else "no Notices or Labels yet"
    page = project.page_url or f"{HUB_URL}/projects/{project.hub_id}"
    title = f'"{project.title}" ' if project.title else ""
    return f"Local Contexts Hub project {title}({page}): {applies}"


def record_note(projects: Iterable[HubProject], record_id: str) -> str:
    """The Local Contexts sentence for one record (Darwin Core ``dcterms:accessRights``)."""
    applying = projects_for(projects, [record_id])
    return ". ".join(_describe(p) for p in applying)


def dataset_statement(
    projects: Iterable[HubProject], record_ids: Collection[str]
) -> LocalContextsText | None:
    """What eml.xml states about the Hub projects applying to the published records."""
    applying = projects_for(projects, record_ids)
    if not applying:
        return None
    text = (
        "The community links this knowledge to Local Contexts "
        "(https://localcontexts.org/), which records the Traditional Knowledge and "
        "Biocultural Labels and Notices that apply to it. "
        + ". ".join(_describe(p) for p in applying)
        + ". The project page holds the current Labels and Notices."
    )
    first = applying[0]
    return LocalContextsText(
        text=text,
        url=first.page_url or f"{HUB_URL}/projects/{first.hub_id}",
        url_title=first.title or "Local Contexts Hub project",
    )


# --- the online refresh ---------------------------------------------------------------------


def parse_hub_project(data: Mapping[str, Any]) -> tuple[str, str, list[str], list[str]]:
    """Title, page URL, label codes and notice codes from a Hub API v2 project response.

    The Hub names labels ("BC Non-Commercial (BC NC)"): they are matched to our codes by
    that name; a label or notice we do not know is skipped. Raises ValidationError when the
    response is not a project.
    """
    if isinstance(data.get("data"), list) and data["data"]:
        data = data["data"][0]  # some deployments wrap the project in {"data": [...]}
    if not isinstance(data, Mapping) or not isinstance(data.get("unique_id"), str):
        raise ValidationError("not_a_hub_project", field="hub")
    by_name = {label.name.lower(): label.code for label in LABELS}
    labels: list[str] = []
    for key in ("tk_labels", "bc_labels"):
        for item in data.get(key) or []:
            name = str(item.get("name", "")).split(" (")[0].strip().lower()
            if name in by_name:
                labels.append(by_name[name])
    notices = []
    for item in data.get("notice") or data.get("notices") or []:
        code = str(item.get("notice_type", ""))
        if code in NOTICES:
            notices.append(code)
    page = str(data.get("project_page") or "")
    return str(data.get("title") or ""), page, labels, list(dict.fromkeys(notices))


def fetch_url(url: str) -> bytes:
    """GET ``url`` over HTTPS (the one network call; Linux, macOS and Windows alike)."""
    if not url.startswith("https://"):
        raise HubUnavailable("not an https address: " + url[:100])
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:  # noqa: S310
            body = bytes(response.read(_MAX_RESPONSE + 1))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise HubUnavailable(str(exc)[:200]) from None
    if len(body) > _MAX_RESPONSE:
        raise HubUnavailable("response too large")
    return body


def refresh_project(
    cat: Catalogue,
    project_id: str,
    *,
    fetch: Fetch = fetch_url,
    now: datetime | None = None,
) -> HubProject:
    """ONLINE: read the project from the Hub's public API and save its title, page, Labels
    and Notices with the time of this refresh. The records it covers stay as they are.

    Raises:
        NotFound: no such project in the catalogue.
        HubUnavailable: no network, the Hub refused, or the answer is not a project (the
            saved project is left unchanged).
    """
    project = get_project(cat, project_id)
    body = fetch(API_PROJECT.format(hub_id=project.hub_id))
    try:
        data = json.loads(body)
        title, page, labels, notices = parse_hub_project(data)
    except (ValueError, ValidationError, AttributeError, TypeError):
        raise HubUnavailable("the answer is not a Hub project") from None
    if page and not page.startswith("https://"):
        page = ""
    updated = replace(
        project,
        title=title or project.title,
        page_url=page or project.page_url,
        labels=labels,
        notices=notices,
        synced_at=(now or datetime.now(UTC)).replace(microsecond=0),
    )
    return save_project(cat, updated)
