"""The command line speaks the user's language (``--lang``, ``TKAPP_LANG``, ``LANG``), while its
``--json`` output stays the same bytes in every language, so scripts can rely on it.

In-process (``run_cli``) with a real demo catalogue in tmp_path; no Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tkapp import i18n
from tkapp.cli.main import run_cli
from tkapp.services.catalogue import open_catalogue

PASSPHRASE = "una frase larga para el catálogo de prueba"
LANGS = ("en", "es", "qu_EC")


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TKAPP_KDF_PROFILE", "fast")  # the documented test-only profile
    monkeypatch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
    for var in ("TKAPP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    i18n.reload_catalogues()
    yield
    i18n.set_language("en")
    i18n.reload_catalogues()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-i18n") / "demo.tkc"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TKAPP_KDF_PROFILE", "fast")
        patch.setenv("TKAPP_PASSPHRASE", PASSPHRASE)
        assert run_cli(["demo", str(path), "--lang", "en"]) == 0
    return path


@pytest.fixture(scope="module")
def record_id(demo: Path) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TKAPP_KDF_PROFILE", "fast")
        with open_catalogue(demo, PASSPHRASE) as cat:
            return cat.search_ids("wayusa")[0]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run_cli(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- help texts ------------------------------------------------------------------------------


def test_help_is_spanish_with_lang_es(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "--lang", "es", "--help")
    assert code == 0
    assert "idioma de los mensajes (en, es, qu_EC)" in out
    assert "guarde el conocimiento tradicional" in out
    # argparse's own words, translated through our catalogue
    assert out.startswith("uso: tkapp")
    assert "opciones:" in out and "mostrar este mensaje de ayuda y salir" in out
    assert "usage:" not in out and "show this help message" not in out


def test_command_help_follows_tkapp_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TKAPP_LANG", "es")
    code, out, _err = _run(capsys, "search", "--help")
    assert code == 0
    assert "argumentos posicionales:" in out and "salida legible por máquina" in out
    monkeypatch.setenv("TKAPP_LANG", "en")
    _code, out, _err = _run(capsys, "search", "--help")
    assert "positional arguments:" in out and "machine-readable output" in out


def test_lang_environment_variable_is_followed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "es_EC.UTF-8")
    _code, out, _err = _run(capsys, "--help")
    assert out.startswith("uso: tkapp")


# --- messages --------------------------------------------------------------------------------


def test_search_messages_in_spanish_and_kichwa(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    assert _run(capsys, "search", str(demo), "xyzzy")[1].strip() == "No records found."
    assert _run(capsys, "--lang", "es", "search", str(demo), "xyzzy")[1].strip() == (
        "No se encontraron registros."
    )
    # --lang after the command works too; Kichwa falls back to Spanish where it has no text.
    code, out, _err = _run(capsys, "search", str(demo), "xyzzy", "--lang", "qu_EC")
    assert code == 0 and out.strip() == "No se encontraron registros."


def test_errors_in_spanish(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, _out, err = _run(capsys, "--lang", "es", "show", str(demo), "no-such-id")
    assert code == 3
    assert err.startswith("Error: ") and "not found" not in err.lower()
    code, _out, err = _run(capsys, "--lang", "es", "search", str(demo), "x", "--limit", "0")
    assert code == 4
    assert "Ejecute 'tkapp --help' para ver la lista de órdenes." in err


def test_decision_engine_answers_in_the_chosen_language(
    capsys: pytest.CaptureFixture[str], demo: Path, record_id: str
) -> None:
    ask = ("ask", str(demo), record_id, "--as", "public_research", "--purpose", "research")
    _code, english, _err = _run(capsys, "--lang", "en", *ask)
    _code, spanish, _err = _run(capsys, "--lang", "es", *ask)
    _code, kichwa, _err = _run(capsys, "--lang", "qu_EC", *ask)
    assert "Why:" in english
    assert "Por qué:" in spanish and "Why:" not in spanish
    assert "Universidades e institutos públicos de investigación, para investigación" in spanish
    # Kichwa draft: user class and purpose in Kichwa, untranslated lines in Spanish.
    assert "Hatun yachay wasikuna" in kichwa and "taripay" in kichwa
    assert "Why:" not in kichwa


# --- --json is never translated --------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("search", "{demo}", "wayusa", "--json"),
        ("show", "{demo}", "{record}", "--json"),
        ("info", "{demo}", "--json"),
        ("terms", "list", "{demo}", "--json"),
        ("labels", "list", "{demo}", "--json"),
        (
            "ask",
            "{demo}",
            "{record}",
            "--as",
            "for_profit",
            "--purpose",
            "commercial_sale",
            "--json",
        ),
    ],
    ids=lambda command: (
        command[0] if command[0] not in ("terms", "labels") else " ".join(command[:2])
    ),
)
def test_json_output_is_the_same_bytes_in_every_language(
    capsys: pytest.CaptureFixture[str], demo: Path, record_id: str, command: tuple[str, ...]
) -> None:
    argv = [part.format(demo=demo, record=record_id) for part in command]
    outputs = {}
    for lang in LANGS:
        code, out, err = _run(capsys, "--lang", lang, *argv)
        assert code == 0, err
        outputs[lang] = out.encode("utf-8")
    assert outputs["en"], "no output at all"
    assert outputs["es"] == outputs["en"]
    assert outputs["qu_EC"] == outputs["en"]
    # The human-readable form of the same command does change with the language (so the
    # comparison above would notice a translated --json).
    human = [part for part in argv if part != "--json"]
    _code, english, _err = _run(capsys, "--lang", "en", *human)
    _code, spanish, _err = _run(capsys, "--lang", "es", *human)
    if command[0] in ("info", "ask", "terms", "labels"):
        assert english != spanish
