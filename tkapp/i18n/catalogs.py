"""Finding, checking and compiling the gettext catalogues.

Sources live in ``translations/<lang>/LC_MESSAGES/tkapp.po`` (a source checkout only); the
package build compiles them to ``tkapp/locale/<lang>/LC_MESSAGES/tkapp.mo`` (setup.py runs
:func:`compile_all`). At run time :func:`load_catalogue` prefers the compiled file, and in a
source checkout falls back to compiling the ``.po`` in memory when the ``.mo`` is missing or
older than the ``.po`` (a community translator who just saved in Poedit sees the change at the
next start). Nothing is ever written to disk at run time.

This module imports only the standard library and Babel: setup.py loads it by file path
before tkapp is installed.
"""

from __future__ import annotations

import argparse
import gettext
import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Babel's message tools load only to compile a .po or extract strings (a source checkout, the
# developer tools), never on the way to a command's first line of output.
if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

DOMAIN = "tkapp"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: Compiled catalogues, inside the package (git-ignored, produced by the build).
LOCALE_DIR = PACKAGE_DIR / "locale"
#: Translation sources; present only in a source checkout (next to the package).
SOURCE_DIR = PACKAGE_DIR.parent / "translations"

#: Extraction keywords, as pybabel's ``-k`` options in the Makefile's ``translations`` target.
EXTRACT_KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}
#: Comments starting with this tag, just above a string, are shown to translators.
COMMENT_TAGS = ("Translators:",)


def _warn(message: str, *args: object) -> None:
    import logging  # only on a problem: every command's start imports this module

    logging.getLogger(__name__).warning(message, *args)


def placeholders(text: str) -> frozenset[str]:
    """The ``{fields}`` a ``str.format`` template uses (``{{`` escapes are not fields).

    Raises:
        ValueError: the braces are unbalanced, so ``.format`` would fail on it.
    """
    import string  # only when catalogues are checked or compiled, not at every start

    fields = set()
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None:
            fields.add(field)
    return frozenset(fields)


def _safe_placeholders(text: str) -> frozenset[str] | None:
    try:
        return placeholders(text)
    except ValueError:
        return None


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def is_translated(message: Message) -> bool:
    """True when every form of ``message`` has a translation and it is not fuzzy."""
    forms = _forms(message.string)
    return bool(message.id) and not message.fuzzy and bool(forms) and all(forms)


def message_problem(message: Message) -> str | None:
    """Why the translation of ``message`` would break ``.format`` at run time, or None.

    A singular translation must use exactly the fields of its msgid. Each plural form may
    leave a field out (Spanish "Un registro" for "{n} record"), but may not add one, and the
    forms together must use every field of the source. Untranslated and fuzzy entries have
    no problem.
    """
    if not message.id or not message.string or message.fuzzy:
        return None  # fuzzy entries are never used, so they cannot break anything
    sources = _forms(message.id)
    forms = _forms(message.string)
    expected: set[str] = set()
    for source in sources:
        fields = _safe_placeholders(source)
        if fields is None:
            return None  # not a format template (the lint and review catch bad sources)
        expected |= fields
    used: set[str] = set()
    for form in forms:
        if not form:
            continue
        fields = _safe_placeholders(form)
        if fields is None:
            return "unbalanced braces in translation"
        if not message.pluralizable and fields != expected:
            return _describe(expected, fields)
        if not fields <= expected:
            return _describe(expected, fields)
        used |= fields
    if message.pluralizable and all(forms) and used != expected:
        return _describe(expected, used)
    return None


def _describe(expected: Iterable[str], found: Iterable[str]) -> str:
    def show(fields: Iterable[str]) -> str:
        return ", ".join("{" + name + "}" for name in sorted(fields)) or "none"

    return f"fields differ: source has {show(expected)}, translation has {show(found)}"


def catalogue_problems(catalog: Catalog) -> list[str]:
    """One line per message whose translation does not keep the source's fields."""
    problems = []
    for message in catalog:
        problem = message_problem(message)
        if problem:
            source = _forms(message.id)[0]
            where = ", ".join(
                path if line is None else f"{path}:{line}" for path, line in message.locations[:1]
            )
            problems.append(f"{source!r} ({where or 'no location'}): {problem}")
    return problems


def extract_messages(root: Path) -> Catalog:
    """Extract the translatable strings of the source tree at ``root`` (like ``pybabel
    extract`` with ``translations/babel.cfg``), for tests and tools; writes nothing."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (root / "translations" / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    from babel.messages.catalog import Catalog

    catalog = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=EXTRACT_KEYWORDS, comment_tags=COMMENT_TAGS
    ):
        catalog.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def read_catalogue(po_path: Path) -> Catalog:
    """Parse a ``.po`` file with Babel."""
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        return read_po(handle, domain=DOMAIN)


def compile_catalogue(po_path: Path) -> tuple[bytes, list[str]]:
    """Compile ``po_path`` to ``.mo`` bytes; returns them and the problems found.

    Translations that would break ``.format`` are left out (that message falls back to the
    next language) instead of crashing the app; fuzzy and partly translated entries are left
    out too.
    """
    catalog = read_catalogue(po_path)
    problems = catalogue_problems(catalog)
    for message in catalog:
        # Babel would write an untranslated plural form as the English text, hiding the
        # fallback language (Spanish for Kichwa): leave the whole entry out instead.
        if message.id and (not is_translated(message) or message_problem(message)):
            message.string = ""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue(), problems


def source_languages(source_dir: Path = SOURCE_DIR) -> list[str]:
    """Languages that have a ``.po`` under ``source_dir``, sorted."""
    if not source_dir.is_dir():
        return []
    return sorted(
        entry.name
        for entry in source_dir.iterdir()
        if (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def po_path(lang: str, source_dir: Path = SOURCE_DIR) -> Path:
    """Where the translation source for ``lang`` lives."""
    return source_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Where the compiled catalogue for ``lang`` lives."""
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_all(
    source_dir: Path = SOURCE_DIR, locale_dir: Path = LOCALE_DIR
) -> dict[str, list[str]]:
    """Build time only: compile every ``.po`` under ``source_dir`` into ``locale_dir``.

    Each ``.mo`` is written atomically (temporary file in the same folder, then rename), so a
    running app never reads half a file. Returns the problems found per language.
    """
    report: dict[str, list[str]] = {}
    for lang in source_languages(source_dir):
        data, problems = compile_catalogue(po_path(lang, source_dir))
        _write_atomically(mo_path(lang, locale_dir), data)
        report[lang] = problems
    return report


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    from tkapp.atomicfile import atomic_write_bytes  # a build step, not a command's start

    atomic_write_bytes(target, data, mode=0o644)


def load_catalogue(
    lang: str, locale_dir: Path | None = None, source_dir: Path | None = None
) -> gettext.GNUTranslations | None:
    """The catalogue for ``lang`` alone (no fallbacks), or None when there is none.

    Prefers the compiled ``.mo``; in a source checkout a ``.po`` newer than the ``.mo`` (or
    a missing ``.mo``) is compiled in memory instead, never written to disk.

    Args:
        lang: a shipped language code (``es``, ``qu_EC``).
        locale_dir: compiled catalogues (default :data:`LOCALE_DIR`, read at call time).
        source_dir: translation sources (default :data:`SOURCE_DIR`, read at call time).
    """
    locale_dir = LOCALE_DIR if locale_dir is None else locale_dir
    source_dir = SOURCE_DIR if source_dir is None else source_dir
    compiled = mo_path(lang, locale_dir)
    source = po_path(lang, source_dir)
    has_source = source.is_file() and (source_dir / "babel.cfg").is_file()
    if compiled.is_file() and not (
        has_source and source.stat().st_mtime > compiled.stat().st_mtime
    ):
        try:
            with compiled.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        except (OSError, ValueError) as exc:  # damaged file: try the source, else English
            _warn("cannot read %s: %s", compiled, exc)
    if has_source:
        try:
            data, problems = compile_catalogue(source)
        except Exception as exc:  # a translator's typo must not stop the app
            _warn("cannot compile %s: %s", source, exc)
            return None
        for problem in problems:
            _warn("%s: %s (translation ignored)", source, problem)
        return gettext.GNUTranslations(io.BytesIO(data))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Developer tool: ``python -m tkapp.i18n [--check]`` checks and compiles every catalogue."""
    parser = argparse.ArgumentParser(
        prog="python -m tkapp.i18n",
        description="Check the {fields} of every translation and compile translations/ "
        "into tkapp/locale/.",
    )
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    parser.add_argument(
        "--check", action="store_true", help="only check, write nothing; exit 1 on a problem"
    )
    args = parser.parse_args(argv)
    failed = False
    for lang in source_languages(args.source_dir):
        path = po_path(lang, args.source_dir)
        catalog = read_catalogue(path)
        problems = catalogue_problems(catalog)
        translated = sum(1 for m in catalog if is_translated(m))
        total = sum(1 for m in catalog if m.id)
        print(f"{lang}: {translated} of {total} messages translated")
        for problem in problems:
            failed = True
            print(f"  {path}: {problem}", file=sys.stderr)
    if not args.check:
        compile_all(args.source_dir, args.locale_dir)
        print(f"compiled into {args.locale_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
