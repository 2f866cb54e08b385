"""Local Contexts Notices and Hub projects: kept offline, refreshed from a recorded Hub answer
(no network), and carried into bundles (read back by the verifier) and Darwin Core (eml.xml
and dcterms:accessRights)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dwca.read import DwCAReader
from opendata.conftest import PASSPHRASE as OPEN_PASSPHRASE
from opendata.conftest import new_catalogue
from opendata.mixed import build

from tkapp.bundle.verifier import verify_bundle
from tkapp.core.model import HubProject, KnowledgeRecord
from tkapp.errors import HubUnavailable, NotFound, ValidationError
from tkapp.licensing.notices import NOTICES
from tkapp.services import keys, localcontexts, sharing
from tkapp.services.catalogue import Catalogue
from tkapp.services.dwca import export_dwca

from .conftest import RESEARCHER

HUB_ID = "1d220c8c-1a9b-449c-a3d8-2baf48491336"
RECORDED = Path(__file__).parents[2] / "data" / "localcontexts" / "hub-project-v2.json"
FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_four_notices_have_names_and_our_descriptions() -> None:
    assert list(NOTICES) == [
        "traditional_knowledge",
        "biocultural",
        "attribution_incomplete",
        "open_to_collaborate",
    ]
    assert [n.name for n in NOTICES.values()] == [
        "TK Notice",
        "BC Notice",
        "Attribution Incomplete Notice",
        "Open to Collaborate Notice",
    ]
    assert all(len(n.description) > 60 for n in NOTICES.values())


def test_projects_are_kept_and_validated(community: Catalogue) -> None:
    record = community.add_record(KnowledgeRecord("Uña de gato"))
    project = localcontexts.save_project(
        community,
        HubProject(HUB_ID, labels=["tks", "tka", "tka"], notices=["traditional_knowledge"]),
    )
    assert project.labels == ["tka", "tks"]
    assert localcontexts.get_project(community, HUB_ID).id == project.id
    for bad in (
        HubProject(HUB_ID, labels=["tkzz"]),
        HubProject(HUB_ID, notices=["museum"]),
        HubProject(HUB_ID, page_url="http://localcontextshub.org/projects/x"),
        HubProject(""),
    ):
        with pytest.raises(ValidationError):
            localcontexts.save_project(community, bad)
    with pytest.raises(NotFound):
        localcontexts.save_project(community, HubProject(HUB_ID, record_ids=["nope"]))
    # Whole catalogue vs. named records: the one rule.
    other = localcontexts.save_project(community, HubProject("other", record_ids=[record.id]))
    projects = localcontexts.list_projects(community)
    assert [p.id for p in localcontexts.projects_for(projects, ["x"])] == [project.id]
    assert {p.id for p in localcontexts.projects_for(projects, [record.id])} == {
        project.id,
        other.id,
    }
    assert localcontexts.remove_project(community, other.id)
    assert community.audit_entries(project.id)[0].action == "update"


def test_refresh_reads_the_hub_answer_and_records_when(community: Catalogue) -> None:
    project = localcontexts.save_project(community, HubProject(HUB_ID, title="typed by hand"))
    asked: list[str] = []

    def recorded(url: str) -> bytes:
        asked.append(url)
        return RECORDED.read_bytes()

    fresh = localcontexts.refresh_project(community, HUB_ID, fetch=recorded, now=FIXED)
    assert asked == [f"https://localcontextshub.org/api/v2/projects/{HUB_ID}/"]
    assert fresh.title == "Plantas medicinales de Sacha Yaku"
    assert fresh.page_url == f"https://localcontextshub.org/projects/{HUB_ID}"
    assert fresh.labels == ["bcnc", "tka", "tks"]  # the unknown label is skipped
    assert fresh.notices == ["traditional_knowledge", "open_to_collaborate"]
    assert fresh.synced_at == FIXED
    assert localcontexts.get_project(community, project.id) == fresh

    def offline(url: str) -> bytes:
        raise HubUnavailable("no network")

    with pytest.raises(HubUnavailable):
        localcontexts.refresh_project(community, HUB_ID, fetch=offline)
    with pytest.raises(HubUnavailable):
        localcontexts.refresh_project(community, HUB_ID, fetch=lambda url: b"<html>")
    assert localcontexts.get_project(community, project.id) == fresh  # unchanged


def test_bundle_carries_projects_notices_and_the_profile(demo: Catalogue, tmp_path: Path) -> None:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research")
    shared = [p.record_id for p in plan.included]
    kept_home = plan.excluded[0].record_id
    localcontexts.save_project(
        demo,
        HubProject(
            HUB_ID,
            title="Plantas medicinales",
            labels=["tka"],
            notices=["traditional_knowledge", "attribution_incomplete"],
            record_ids=[shared[0], kept_home],
        ),
    )
    result = sharing.export(demo, plan, tmp_path / "out.tkb", created=FIXED)
    top = result.bundle_id.removeprefix("urn:uuid:")
    with zipfile.ZipFile(result.path) as zf:
        data = json.loads(zf.read(f"{top}/data/terms/localcontexts.json"))
        profile = zf.read(f"{top}/data/terms/tkapp-profile.ttl")
    assert b"<https://tkcommons.org/ns/tkapp>" in profile
    [project] = data["projects"]
    assert project["page_url"] == f"https://localcontextshub.org/projects/{HUB_ID}"
    assert [n["code"] for n in project["notices"]] == [
        "traditional_knowledge",
        "attribution_incomplete",
    ]
    assert project["record_ids"] == [shared[0]]  # a record that stayed home is not named
    with verify_bundle(result.path, trust=None, trust_key=keys.public_key(demo), now=FIXED) as rep:
        [summary] = rep.local_contexts
        assert summary.hub_id == HUB_ID and summary.labels == ("tka",)
        assert summary.notices == ("traditional_knowledge", "attribution_incomplete")
        assert rep.to_json()["local_contexts"][0]["title"] == "Plantas medicinales"


def test_cli_verify_names_the_hub_project(
    demo: Catalogue,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tkapp.cli.main import run_cli

    monkeypatch.setenv("TKAPP_LANG", "en")
    localcontexts.save_project(
        demo, HubProject(HUB_ID, title="Plantas medicinales", notices=["biocultural"])
    )
    plan = sharing.plan_export(demo, None, RESEARCHER, "research")
    result = sharing.export(demo, plan, tmp_path / "out.tkb")
    pub = tmp_path / "community.pub"
    pub.write_text(keys.public_key_file_text(demo))
    assert run_cli(["verify", str(result.path), "--trust", str(pub)]) == 0
    text = capsys.readouterr().out
    assert "Local Contexts Hub project: Plantas medicinales" in text
    assert f"https://localcontextshub.org/projects/{HUB_ID}" in text  # the page from the id
    assert "  BC Notice" in text


def test_darwin_core_names_the_hub_project(tmp_path: Path) -> None:
    with new_catalogue(tmp_path / "open.tkc") as cat:
        mixed = build(cat)
        localcontexts.save_project(
            cat,
            HubProject(
                HUB_ID,
                title="Plantas medicinales",
                notices=["open_to_collaborate"],
                record_ids=[mixed.public_exact],
            ),
        )
        dest = tmp_path / "dwca.zip"
        export_dwca(cat, dest)
    with zipfile.ZipFile(dest) as zf:
        eml = zf.read("eml.xml").decode("utf-8")
    assert f'url="https://localcontextshub.org/projects/{HUB_ID}"' in eml
    assert "Open to Collaborate Notice" in eml
    with DwCAReader(str(dest)) as dwca:
        rights = {row.id: row.data["http://purl.org/dc/terms/accessRights"] for row in dwca}
    marked = [r for r in rights.values() if HUB_ID in r]
    assert len(marked) == 1 and "Open to Collaborate Notice" in marked[0]


def test_cli_adds_lists_and_removes_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tkapp.cli.main import run_cli

    monkeypatch.setenv("TKAPP_LANG", "en")
    path = tmp_path / "c.tkc"
    with new_catalogue(path):
        pass
    monkeypatch.setenv("TKAPP_PASSPHRASE", OPEN_PASSPHRASE)
    args = ["localcontexts", "add", str(path), HUB_ID, "--title", "Plantas"]
    assert run_cli([*args, "--labels", "tka,tks", "--notices", "biocultural"]) == 0
    assert run_cli(["localcontexts", "add", str(path), "x", "--notices", "museum"]) == 3
    capsys.readouterr()
    assert run_cli(["localcontexts", "list", str(path)]) == 0
    text = capsys.readouterr().out
    assert "BC Notice" in text and "TK Seasonal (tks)" in text
    assert "applies to the whole catalogue" in text and "never synchronised" in text
    assert run_cli(["localcontexts", "list", str(path), "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["hub_id"] == HUB_ID and listed["notices"] == ["biocultural"]
    assert run_cli(["localcontexts", "remove", str(path), HUB_ID]) == 0
    capsys.readouterr()
    assert run_cli(["localcontexts", "list", str(path)]) == 0
    assert "No Local Contexts Hub project yet." in capsys.readouterr().out
