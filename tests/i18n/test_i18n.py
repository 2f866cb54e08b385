"""Translation catalogues: fields kept, Spanish complete, compiled files load, fallbacks,
language choice and locale-aware dates and numbers. No Qt."""

from __future__ import annotations

import gettext
import io
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import write_po

from tkapp import i18n
from tkapp.i18n import catalogs

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
SHIPPED = [code for code, _name in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = i18n.current_language()
    yield
    i18n.set_language(before)
    i18n.reload_catalogues()


@pytest.fixture(scope="module")
def source_catalog() -> Catalog:
    """The strings in the code now, extracted into memory (not the committed tkapp.pot)."""
    return catalogs.extract_messages(ROOT)


def _key(message: Message) -> tuple[str | None, str]:
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, ident


# --- the committed files ---------------------------------------------------------------------


def test_every_shipped_language_has_a_catalogue() -> None:
    assert catalogs.source_languages(TRANSLATIONS) == sorted(SHIPPED)
    assert (TRANSLATIONS / "tkapp.pot").is_file()
    assert (TRANSLATIONS / "babel.cfg").is_file()
    readme = (TRANSLATIONS / "README.md").read_text(encoding="utf-8")
    assert "native" in readme.lower() and "Poedit" in readme


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_exactly_the_fields_of_their_source(lang: str) -> None:
    catalog = catalogs.read_catalogue(catalogs.po_path(lang, TRANSLATIONS))
    assert catalogs.catalogue_problems(catalog) == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_translation_headers_declare_language_and_plurals(lang: str) -> None:
    catalog = catalogs.read_catalogue(catalogs.po_path(lang, TRANSLATIONS))
    assert str(catalog.locale) == lang
    assert catalog.plural_forms.startswith("nplurals=")
    assert catalog.charset == "utf-8"


def test_spanish_translates_every_string_in_the_code(source_catalog: Catalog) -> None:
    # Fails whenever someone adds a string: run `make translations` and translate it.
    spanish = catalogs.read_catalogue(catalogs.po_path("es", TRANSLATIONS))
    missing = []
    for message in source_catalog:
        if not message.id:
            continue
        translated = spanish.get(message.id, message.context)
        if translated is None or not catalogs.is_translated(translated):
            where = message.locations[0][0] if message.locations else "?"
            missing.append(f"{_key(message)[1]!r} ({where})")
    assert missing == [], (
        f"{len(missing)} strings have no Spanish translation; run `make translations` and "
        "fill translations/es/LC_MESSAGES/tkapp.po:\n" + "\n".join(missing)
    )


def test_kichwa_draft_covers_core_words_and_says_it_needs_review() -> None:
    kichwa = catalogs.read_catalogue(catalogs.po_path("qu_EC", TRANSLATIONS))
    translated = [m for m in kichwa if catalogs.is_translated(m)]
    assert len(translated) >= 15
    assert "NATIVE KICHWA SPEAKERS" in (kichwa.header_comment or "")
    # Every Kichwa entry carries the reviewer's reminder until a native speaker removes it.
    unmarked = [m.id for m in translated if not any("DRAFT" in c for c in m.user_comments)]
    assert unmarked == []


def test_extraction_keywords_match_the_makefile() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("BABEL_KEYWORDS"))
    flags = line.split(":=", 1)[1].split()
    assert "--no-default-keywords" in flags
    specs = [flags[i + 1] for i, flag in enumerate(flags) if flag == "-k"]
    assert parse_keywords(specs) == catalogs.EXTRACT_KEYWORDS


def test_extraction_finds_translator_comments_and_contexts(source_catalog: Catalog) -> None:
    assert len(source_catalog) > 50
    assert any(m.auto_comments for m in source_catalog if m.id)
    assert source_catalog.get("Something went wrong.") is not None


# --- the field check itself ------------------------------------------------------------------


def test_field_check_rejects_a_changed_field() -> None:
    assert catalogs.message_problem(Message("Saved {count}", "Guardados {cuenta}")) is not None
    assert catalogs.message_problem(Message("Saved {count}", "Guardados")) is not None
    assert catalogs.message_problem(Message("Saved", "Guardados {count}")) is not None
    assert catalogs.message_problem(Message("Saved {count}", "Guardados {count")) is not None
    assert catalogs.message_problem(Message("Saved {count}", "Guardados {count}")) is None
    assert catalogs.message_problem(Message("Use {{braces}}", "Use {{llaves}}")) is None
    assert catalogs.message_problem(Message("Saved {count}", "")) is None  # untranslated


def test_field_check_for_plural_forms() -> None:
    ok = Message(("One record", "{n} records"), ("Un registro", "{n} registros"))
    added = Message(("{n} record", "{n} records"), ("{n} registro {x}", "{n} registros"))
    lost = Message(("{n} record", "{n} records"), ("Un registro", "Varios registros"))
    assert catalogs.message_problem(ok) is None
    assert catalogs.message_problem(added) is not None
    assert catalogs.message_problem(lost) is not None


def _write_po(path: Path, lang: str, entries: dict[object, object]) -> Path:
    catalog = Catalog(locale=lang, domain=catalogs.DOMAIN)
    for msgid, given in entries.items():
        msgstr = given
        if isinstance(given, tuple):
            # CLDR may give a language more plural forms than a test writes out (Babel 2.19
            # has three for Spanish): the last form given stands for the rest.
            msgstr = given + (given[-1],) * (catalog.num_plurals - len(given))
        catalog.add(msgid, msgstr)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_compiling_leaves_out_broken_and_partial_entries(tmp_path: Path) -> None:
    po = _write_po(
        tmp_path / "x.po",
        "es",
        {
            "Good {n}": "Bien {n}",
            "Broken {n}": "Roto {m}",
            ("{n} file", "{n} files"): ("{n} archivo", ""),
        },
    )
    data, problems = catalogs.compile_catalogue(po)
    assert len(problems) == 1 and "Broken" in problems[0]
    loaded = gettext.GNUTranslations(io.BytesIO(data))
    assert loaded.gettext("Good {n}") == "Bien {n}"
    assert loaded.gettext("Broken {n}") == "Broken {n}"  # falls back instead of crashing
    # A half-translated plural is left out whole, so the fallback language is used.
    assert loaded.ngettext("{n} file", "{n} files", 2) == "{n} files"


# --- compiled catalogues ---------------------------------------------------------------------


def test_compiled_catalogues_load_with_gettext(tmp_path: Path) -> None:
    report = catalogs.compile_all(TRANSLATIONS, tmp_path / "locale")
    assert sorted(report) == sorted(SHIPPED)
    assert all(problems == [] for problems in report.values())
    spanish = gettext.translation(catalogs.DOMAIN, tmp_path / "locale", languages=["es"])
    assert spanish.gettext("Something went wrong.") == "Algo salió mal."
    kichwa = gettext.translation(catalogs.DOMAIN, tmp_path / "locale", languages=["qu_EC"])
    assert kichwa.gettext("Open") == "Paskana"
    assert list(tmp_path.rglob("*.tmp")) == []  # atomic writes leave no temporary files


def test_installed_catalogues_load_when_built() -> None:
    # `pip install -e .` / the wheel put them in tkapp/locale; a bare checkout may lack them.
    for lang in SHIPPED:
        path = catalogs.mo_path(lang)
        if path.exists():
            with path.open("rb") as handle:
                catalogue = gettext.GNUTranslations(handle)
            assert catalogue.info()["language"] == lang


def test_source_checkout_compiles_in_memory_when_mo_missing(tmp_path: Path) -> None:
    source = tmp_path / "translations"
    source.mkdir()
    shutil.copy(TRANSLATIONS / "babel.cfg", source / "babel.cfg")
    _write_po(catalogs.po_path("es", source), "es", {"Open": "Abrir (po)"})
    locale_dir = tmp_path / "locale"
    loaded = catalogs.load_catalogue("es", locale_dir, source)
    assert loaded is not None and loaded.gettext("Open") == "Abrir (po)"
    assert not locale_dir.exists()  # nothing written at run time


def test_newer_po_wins_over_older_mo_and_mo_wins_otherwise(tmp_path: Path) -> None:
    source = tmp_path / "translations"
    source.mkdir()
    shutil.copy(TRANSLATIONS / "babel.cfg", source / "babel.cfg")
    po = _write_po(catalogs.po_path("es", source), "es", {"Open": "Abrir (mo)"})
    locale_dir = tmp_path / "locale"
    catalogs.compile_all(source, locale_dir)
    _write_po(po, "es", {"Open": "Abrir (po nuevo)"})
    mo = catalogs.mo_path("es", locale_dir)
    os.utime(mo, (1_000_000, 1_000_000))
    newer = catalogs.load_catalogue("es", locale_dir, source)
    assert newer is not None and newer.gettext("Open") == "Abrir (po nuevo)"
    os.utime(po, (1_000, 1_000))
    older = catalogs.load_catalogue("es", locale_dir, source)
    assert older is not None and older.gettext("Open") == "Abrir (mo)"
    # An installed app (no translations/ next to it) uses the .mo alone.
    assert catalogs.load_catalogue("es", locale_dir, tmp_path / "absent") is not None
    assert catalogs.load_catalogue("es", tmp_path / "none", tmp_path / "absent") is None


def test_damaged_mo_falls_back_to_source(tmp_path: Path) -> None:
    source = tmp_path / "translations"
    source.mkdir()
    shutil.copy(TRANSLATIONS / "babel.cfg", source / "babel.cfg")
    po = _write_po(catalogs.po_path("es", source), "es", {"Open": "Abrir"})
    mo = catalogs.mo_path("es", tmp_path / "locale")
    mo.parent.mkdir(parents=True)
    mo.write_bytes(b"not a catalogue at all")
    os.utime(po, (1_000, 1_000))
    loaded = catalogs.load_catalogue("es", tmp_path / "locale", source)
    assert loaded is not None and loaded.gettext("Open") == "Abrir"


# --- fallback chain and language choice ------------------------------------------------------


@pytest.fixture
def synthetic_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    source = tmp_path / "translations"
    source.mkdir()
    shutil.copy(TRANSLATIONS / "babel.cfg", source / "babel.cfg")
    _write_po(
        catalogs.po_path("es", source),
        "es",
        {
            "Open": "Abrir",
            "Save": "Guardar",
            ("{n} file", "{n} files"): ("{n} archivo", "{n} archivos"),
        },
    )
    _write_po(catalogs.po_path("qu_EC", source), "qu_EC", {"Open": "Paskana"})
    monkeypatch.setattr(catalogs, "SOURCE_DIR", source)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path / "no-locale")
    i18n.reload_catalogues()
    yield
    i18n.reload_catalogues()


@pytest.mark.usefixtures("synthetic_catalogues")
def test_kichwa_falls_back_to_spanish_then_english() -> None:
    kichwa = i18n.translator("qu_EC")
    assert kichwa.gettext("Open") == "Paskana"  # Kichwa has it
    assert kichwa.gettext("Save") == "Guardar"  # only Spanish has it
    assert kichwa.gettext("Delete") == "Delete"  # nobody has it: English source
    assert kichwa.ngettext("{n} file", "{n} files", 3) == "{n} archivos"
    assert i18n.translator("es").gettext("Open") == "Abrir"  # Spanish is not mutated
    assert i18n.translator("en").gettext("Open") == "Open"


@pytest.mark.usefixtures("synthetic_catalogues")
def test_underscore_follows_set_language() -> None:
    i18n.set_language("qu_EC")
    assert i18n._("Open") == "Paskana"
    assert i18n._("Save") == "Guardar"
    assert i18n.ngettext("{n} file", "{n} files", 1).format(n=1) == "1 archivo"
    i18n.set_language("es-EC")
    assert i18n.current_language() == "es"
    assert i18n.translate("Open") == "Abrir"
    i18n.set_language("en")
    assert i18n._("Open") == "Open"
    assert i18n.pgettext("menu", "Open") == "Open"


def test_real_kichwa_catalogue_falls_back_to_real_spanish() -> None:
    i18n.reload_catalogues()
    i18n.set_language("qu_EC")
    assert i18n._("Open") == "Paskana"
    assert i18n._("Something went wrong.") == "Algo salió mal."


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es_EC.UTF-8", "es"),
        ("es-MX", "es"),
        ("qu-EC", "qu_EC"),
        ("qu", "qu_EC"),
        ("quz_PE", "qu_EC"),
        ("Spanish_Ecuador", "es"),
        ("en_GB.UTF-8", "en"),
        ("fr_FR", "en"),
        ("C", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_normalise(tag: str | None, expected: str) -> None:
    assert i18n.normalise(tag) == expected


def test_system_language_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("TKAPP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "es_EC.UTF-8")
    assert i18n.system_language() == "es"
    monkeypatch.setenv("LANGUAGE", "qu_EC:es")
    assert i18n.system_language() == "qu_EC"
    monkeypatch.setenv("TKAPP_LANG", "en")
    assert i18n.system_language() == "en"
    # set_language() with no argument follows the system: what the CLI calls at start.
    monkeypatch.setenv("TKAPP_LANG", "es")
    assert i18n.set_language() == "es"
    assert i18n._("Something went wrong.") == "Algo salió mal."


# --- dates and numbers -----------------------------------------------------------------------


def test_spanish_dates_have_spanish_month_names() -> None:
    assert i18n.format_date(date(2026, 11, 26), lang="es") == "26 nov 2026"
    assert i18n.format_date(date(2026, 11, 26), "long", lang="es") == "26 de noviembre de 2026"
    assert "noviembre" in i18n.format_datetime(datetime(2026, 11, 26, 14, 5), "long", lang="es")
    assert i18n.format_date(date(2026, 11, 26), "long", lang="en") == "November 26, 2026"


def test_formatting_follows_the_current_language() -> None:
    i18n.set_language("es")
    assert i18n.format_date(date(2026, 1, 5), "long") == "5 de enero de 2026"
    assert i18n.format_number(1234567.891) == "1.234.567,891"
    i18n.set_language("en")
    assert i18n.format_number(1234567.891) == "1,234,567.891"


def test_spanish_numbers_use_spanish_separators() -> None:
    assert i18n.format_number(1234567.5, lang="es") == "1.234.567,5"
    assert i18n.format_number(0.95, lang="es") == "0,95"
    assert i18n.format_percent(0.25, lang="es").replace("\N{NO-BREAK SPACE}", " ") == "25 %"


def test_kichwa_dates_use_babel_quechua_data() -> None:
    # Babel has Quechua (qu_EC) locale data; no crash and no English month names.
    text = i18n.format_date(date(2026, 11, 26), "long", lang="qu_EC")
    assert "2026" in text and "November" not in text


def test_every_field_a_bundle_may_leave_out_has_a_name_in_spanish() -> None:
    """The verify window says which fields the community did not share: by name, not code
    ("locality" was shown as its code)."""
    from tkapp.i18n import names
    from tkapp.licensing.gate import RELEASE_FIELDS

    i18n.set_language("es")
    try:
        shown = {code: names.confidential_field_name(code) for code in RELEASE_FIELDS}
    finally:
        i18n.set_language("en")
    assert all(name != code for code, name in shown.items()), shown
    assert shown["locality"] == "Localidad"
