"""The sharing commands end to end, as a user runs them: ``python -m tkapp ...``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tkapp.core.model import AccessLevel, Community, ConsentStatus, KnowledgeRecord
from tkapp.errors import UsageError
from tkapp.services import sharing
from tkapp.services.catalogue import create_catalogue, open_catalogue

from .conftest import PASSPHRASE, grant_consent


def _tkapp(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TKAPP_PASSPHRASE=PASSPHRASE, TKAPP_KDF_PROFILE="fast")
    return subprocess.run(
        [sys.executable, "-m", "tkapp", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_export_verify_import_received_ask(tmp_path: Path) -> None:
    assert _tkapp("demo", "demo.tkc", cwd=tmp_path).returncode == 0
    export = [
        "export", "demo.tkc", "out.tkb", "--recipient-name", "Ana Paz",
        "--organisation", "Universidad Central", "--as", "public_research",
        "--purpose", "research",
    ]  # fmt: skip

    refused = _tkapp(*export, cwd=tmp_path)  # not a terminal and no --yes: nothing written
    assert refused.returncode == 4, refused.stderr
    assert not (tmp_path / "out.tkb").exists()

    done = _tkapp(*export, "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "records go:" in done.stdout and "records stay:" in done.stdout
    assert "Ceremonia de aya waska" in done.stdout  # listed as staying, with its reasons
    assert "secret or sacred" in done.stdout.lower()
    assert (tmp_path / "out.tkb").exists()

    verify = _tkapp(
        "verify", "out.tkb", "--tofu", "--as", "public_research", "--purpose", "research",
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stderr
    report = json.loads(verify.stdout)
    assert report["valid"] and report["trust"]["newly_trusted"]

    assert _tkapp("init", "lab.tkc", "--community", "Laboratorio", cwd=tmp_path).returncode == 0
    imported = _tkapp("import-bundle", "lab.tkc", "out.tkb", "--json", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert summary["records"] == len(report["records"]) and not summary["already_imported"]
    again = _tkapp("import-bundle", "lab.tkc", "out.tkb", cwd=tmp_path)
    assert again.returncode == 0 and "already imported" in again.stdout

    listed = json.loads(_tkapp("received", "lab.tkc", "--json", cwd=tmp_path).stdout)
    assert [b["bundle_id"] for b in listed] == [report["bundle_id"]]
    shown = _tkapp("received", "lab.tkc", report["bundle_id"], "--json", cwd=tmp_path)
    assert len(json.loads(shown.stdout)["records"]) == summary["records"]

    ledger = json.loads(_tkapp("ledger", "demo.tkc", "--json", cwd=tmp_path).stdout)
    assert [e["bundle_id"] for e in ledger] == [report["bundle_id"]]
    assert ledger[0]["recipient"]["name"] == "Ana Paz"

    secret_id = next(r["id"] for r in _search(tmp_path, "aya waska"))
    ask = _tkapp(
        "ask", "demo.tkc", secret_id, "--as", "public_research", "--purpose", "research",
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert ask.returncode == 0, ask.stderr
    decision = json.loads(ask.stdout)
    assert decision["outcome"] == "not_allowed"
    assert "secret_sacred" in {r["code"] for r in decision["reasons"]}
    words = _tkapp(
        "ask", "demo.tkc", secret_id, "--as", "public_research", "--purpose", "research",
        "--lang", "es", cwd=tmp_path,
    )  # fmt: skip
    assert "No permitido" in words.stdout

    terms = json.loads(_tkapp("terms", "list", "demo.tkc", "--json", cwd=tmp_path).stdout)
    assert terms[0]["used"] and terms[0]["is_default"]
    assert "version 1" in _tkapp("terms", "show", "demo.tkc", cwd=tmp_path).stdout.lower()
    labels = _tkapp("labels", "list", cwd=tmp_path)
    assert labels.returncode == 0 and labels.stdout.count("\n") == 30


def _search(folder: Path, query: str) -> list[dict[str, str]]:
    found = _tkapp("search", "demo.tkc", query, "--json", cwd=folder)
    assert found.returncode == 0, found.stderr
    return list(json.loads(found.stdout))


def test_sensitive_records_need_explicit_confirmation(tmp_path: Path) -> None:
    with create_catalogue(tmp_path / "c.tkc", PASSPHRASE, Community("Sacha Yaku")) as cat:
        rec = cat.add_record(
            KnowledgeRecord("Sensible", access=AccessLevel.PUBLIC, labels=["tkcs"])
        )
        grant_consent(cat, [rec.id])
    base = [
        "export", "c.tkc", "s.tkb", "--recipient-name", "Ana", "--as", "public_research",
        "--purpose", "research", "--yes",
    ]  # fmt: skip
    refused = _tkapp(*base, cwd=tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "culturally sensitive" in refused.stderr
    assert not (tmp_path / "s.tkb").exists()
    done = _tkapp(*base, "--confirm-sensitive", cwd=tmp_path)
    assert done.returncode == 0, done.stderr and (tmp_path / "s.tkb").exists()

    nothing = _tkapp(
        "export", "c.tkc", "n.tkb", "--recipient-name", "Acme", "--as", "for_profit",
        "--purpose", "commercial_sale", "--yes", cwd=tmp_path,
    )  # fmt: skip
    assert nothing.returncode == 3 and not (tmp_path / "n.tkb").exists()

    added = _tkapp(
        "recipients", "add", "c.tkc", "Ana", "--organisation", "UC", "--as", "public_research",
        cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    people = json.loads(_tkapp("recipients", "list", "c.tkc", "--json", cwd=tmp_path).stdout)
    assert [(p["name"], p["organisation"]) for p in people] == [("Ana", "UC")]
    bad_age = _tkapp(
        "recipients", "add", "c.tkc", "B", "--as", "public_research", "--age", "age1xyz",
        cwd=tmp_path,
    )  # fmt: skip
    assert bad_age.returncode == 3 and "Traceback" not in bad_age.stderr


def test_consent_keeps_records_home_in_the_cli_plan_and_override_is_recorded(
    tmp_path: Path,
) -> None:
    with create_catalogue(tmp_path / "c.tkc", PASSPHRASE, Community("Sacha Yaku")) as cat:
        titles = ["Withdrawn one", "Expired one", "Out of scope", "No consent", "Granted"]
        ids = {t: cat.add_record(KnowledgeRecord(t, access=AccessLevel.PUBLIC)).id for t in titles}
        grant_consent(cat, [ids["Withdrawn one"]], status=ConsentStatus.WITHDRAWN)
        grant_consent(cat, [ids["Expired one"]], expires=date(2020, 1, 1))
        grant_consent(cat, [ids["Out of scope"]], purposes=("education",))
        grant_consent(cat, [ids["Granted"]], granted_by="Mama Rosa")
    base = [
        "export", "c.tkc", "s.tkb", "--recipient-name", "Ana", "--as", "public_research",
        "--purpose", "research",
    ]  # fmt: skip
    # Without --yes: the plan, then "not confirmed" (no terminal); nothing written.
    shown = _tkapp(*base, cwd=tmp_path)
    assert shown.returncode != 0 and not (tmp_path / "s.tkb").exists()
    text = shown.stdout
    assert "1 record goes" in text and "4 records stay" in text
    assert "Consent: given by Mama Rosa" in text
    assert "Consent was withdrawn (Asamblea)." in text
    assert "The consent from Asamblea ended on" in text
    assert "does not cover research" in text
    assert "No consent record covers it." in text
    # The override needs who and why, and releases only the record without consent.
    half = _tkapp(*base, "--yes", "--release-without-consent", ids["No consent"], cwd=tmp_path)
    assert half.returncode == UsageError.exit_code and "--override-by" in half.stderr
    done = _tkapp(
        *base, "--yes", "--release-without-consent", ids["No consent"],
        "--override-by", "Rosa Grefa", "--override-why", "Assembly of 3 May agreed", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "released by Rosa Grefa" in done.stdout
    with open_catalogue(tmp_path / "c.tkc", PASSPHRASE) as cat:
        [entry] = sharing.list_exports(cat)
        assert {rid for rid, _v in entry.records} == {ids["Granted"], ids["No consent"]}
        override = entry.consent_overrides[ids["No consent"]]
        assert override["who"] == "Rosa Grefa" and override["why"] == "Assembly of 3 May agreed"
        audit = cat.audit_entries(ids["No consent"])
        assert [a.action for a in audit if a.action == "consent_override"] == ["consent_override"]
