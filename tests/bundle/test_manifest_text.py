"""The manifest's texts refuse every C0 and C1 control character and DEL, and nothing else."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import tkb_factory as factory

from tkapp.bundle.canonical import canonical
from tkapp.bundle.manifest import parse_manifest
from tkapp.errors import SchemaError


def _manifest(tmp_path: Path) -> dict[str, object]:
    written = factory.make_bundle(tmp_path)
    with zipfile.ZipFile(written.path) as z:
        data: dict[str, object] = json.loads(z.read(f"{factory.BUNDLE_ID}/tkb/manifest.json"))
    return data


@pytest.mark.parametrize("code", [0x00, 0x09, 0x1F, 0x7F, 0x85, 0x9F])
def test_a_control_character_in_a_text_is_refused(tmp_path: Path, code: int) -> None:
    data = _manifest(tmp_path)
    data["recipient"]["name"] = "Ana" + chr(code) + "Paz"  # type: ignore[index]
    with pytest.raises(SchemaError) as caught:
        parse_manifest(canonical(data))
    assert caught.value.params["field"] == "recipient.name"


@pytest.mark.parametrize("text", ["Ana Paz", "Ana\u00a0Pañi Ñuñuma", "Tuntiak \u2014 \U0001f33f"])
def test_other_characters_pass(tmp_path: Path, text: str) -> None:
    data = _manifest(tmp_path)
    data["recipient"]["name"] = text  # type: ignore[index]
    assert parse_manifest(canonical(data)).recipient.name == text
