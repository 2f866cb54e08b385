"""``tkapp search`` says how many more match than it printed, and when the count stopped at
its cap says "more than" (issue 19), in English and Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalogue_fixture import PASSPHRASE

from tkapp.cli.main import run_cli
from tkapp.core.model import Community, KnowledgeRecord
from tkapp.services.catalogue import create_catalogue
from tkapp.store import records


@pytest.fixture
def twelve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "c.tkc"
    with create_catalogue(path, PASSPHRASE, Community("Sacha Yaku")) as cat:
        for n in range(12):
            cat.add_record(KnowledgeRecord(f"Chicha de yuca {n}"))
    return path


def test_search_says_how_many_more(
    twelve: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(["search", str(twelve), "yuca", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("Chicha de yuca") == 3
    assert out.rstrip().endswith("The first 3 of 12 records (--limit shows more).")
    assert run_cli(["search", str(twelve), "yuca"]) == 0
    assert "The first" not in capsys.readouterr().out  # all shown: nothing to add

    monkeypatch.setattr(records, "COUNT_CAP", 5)
    assert run_cli(["search", str(twelve), "yuca", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("The first 3 of more than 5 records (--limit shows more).")
    assert run_cli(["--lang", "es", "search", str(twelve), "yuca", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Los primeros 3 de más de 5 registros (--limit muestra más).")
