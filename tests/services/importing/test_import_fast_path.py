"""The import's per-record shortcuts keep its rules: a bad cell still gives the same typed error
with its field and row, nothing is written, and the work done once per distinct value or per
model class is done once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tkapp.core.model import KnowledgeRecord
from tkapp.errors import ValidationError
from tkapp.services.catalogue import Catalogue
from tkapp.services.importing import run_import, service
from tkapp.services.importing.rows import describe_problem
from tkapp.store import audit, codec

# (columns after "title", a good row's cells, a bad row's cells, field named, problem code)
BAD_CELLS = [
    ("confidential", "place;holders", "place;secreto", "confidential", "unknown_field"),
    ("latitude,longitude", "-0.9,-77.8", "norte,-77.8", "latitude", "not_a_number"),
    ("latitude,longitude", "-0.9,-77.8", "-95,-77.8", "latitude", "out_of_range"),
    ("latitude,longitude", "-0.9,-77.8", "-0.9,", "place", "coordinates_need_both"),
    ("category", "medicinal", "nonsense", "category", "unknown_value"),
    ("recorded_date", "2024-03-02", "ayer", "recorded_date", "bad_date"),
    ("language", "qu", "q u", "language", "bad_language_tag"),
    ("access,restricted_group", "community,", "restricted,", "restricted_group", "required"),
    ("open_licence", "CC0-1.0", "GPL-3.0", "open_licence", "unknown_value"),
    ("local_names", "lumu@qu", "lumu@1", "vernacular_names", "bad_language_tag"),
]


def _csv(tmp_path: Path, columns: str, good: str, bad: str) -> Path:
    path = tmp_path / "rows.csv"
    rows = [f"title,{columns}", f"Uno,{good}", f"Dos,{bad}", f"Tres,{good}"]
    if columns == "local_names":  # local names need a scientific name column to attach to
        rows = [r.replace(",", ",Ilex guayusa,", 1) for r in rows]
        rows[0] = "title,scientific_name,local_names"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("columns", "good", "bad", "field", "code"), BAD_CELLS)
def test_a_bad_cell_names_its_field_and_row_and_imports_nothing(
    cat: Catalogue, tmp_path: Path, columns: str, good: str, bad: str, field: str, code: str
) -> None:
    path = _csv(tmp_path, columns, good, bad)
    entries = len(cat.audit_entries())
    with pytest.raises(ValidationError) as info:
        run_import(cat, path)
    assert (info.value.params["row"], info.value.params["field"]) == (3, field)
    assert info.value.params["file"] == "rows.csv"
    assert describe_problem(code) in str(info.value)
    assert cat.count() == 0 and len(cat.audit_entries()) == entries
    # Skipping errors: the same row and field reported, the good rows imported.
    result = run_import(cat, path, skip_errors=True)
    assert [(e.row, e.field, e.message) for e in result.errors] == [
        (3, field, describe_problem(code))
    ]
    assert result.counts.created == 2 and cat.count() == 2
    assert cat.check().ok


def test_work_per_distinct_value_and_per_class_is_done_once(cat: Catalogue, tmp_path: Path) -> None:
    names = ["Ilex guayusa", "Uncaria cf. tomentosa", "Inga edulis Mart."]
    lines = ["title,scientific_name,labels"]
    lines += [f"Registro {n},{names[n % 3]},{'tka tkcs' if n % 2 else 'tkv'}" for n in range(600)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    service._keep_as_written.cache_clear()
    writer_before = codec._text_encoder(KnowledgeRecord)
    result = run_import(cat, path)
    assert result.counts.created == 600
    # The "name as written" decision once per distinct name, not once per row...
    assert service._keep_as_written.cache_info().misses == 3
    # ...and the record's JSON writer generated once for the class, not per record.
    assert codec._text_encoder(KnowledgeRecord) is writer_before
    # The qualified name is kept as written in each of its records, and only there.
    kept = [cat.get_record(i) for i in cat.search_ids("Registro")]
    with_note = [r for r in kept if "Scientific name as written" in r.description]
    assert len(with_note) == 200
    assert all("Uncaria cf. tomentosa" in r.description for r in with_note)


def test_each_created_record_is_listed_with_the_hash_of_its_stored_json(
    cat: Catalogue, tmp_path: Path
) -> None:
    lines = ["title,holders,labels"] + [f"R{n},Rosa;Ana (healer),tka" for n in range(50)]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_import(cat, path)
    for record_id in cat.search_ids("R"):
        rec = cat.get_record(record_id)
        [batch] = [e for e in cat.audit_entries(record_id) if e.entity == audit.BATCH_ENTITY]
        assert batch.item_digest == audit.state_digest(codec.dumps(rec))
    assert cat.check().ok
