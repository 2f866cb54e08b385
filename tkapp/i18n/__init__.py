"""Translations and locale-aware formatting (gettext catalogues + Babel). No Qt.

Use explicitly: ``from tkapp.i18n import _, ngettext, pgettext, N_``. Never wrap an f-string
or a concatenation in ``_()``: write ``_("Saved {count} records").format(count=n)`` so
translators see the whole sentence with its named fields.

A string held in a variable (marked elsewhere with ``N_``) is translated with
``translate(variable)``, so that every ``_()`` call has a literal the extractor can see.

Compiled catalogues live in ``tkapp/locale/<lang>/LC_MESSAGES/tkapp.mo``; they are built
from ``translations/`` by the package build (see :mod:`tkapp.i18n.catalogs`). Kichwa falls
back to Spanish, then English, message by message: Kichwa speakers in Ecuador read Spanish.
"""

from __future__ import annotations

import gettext as _gettext
import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime

    from babel import Locale

from tkapp.i18n.catalogs import DOMAIN, LOCALE_DIR, load_catalogue

__all__ = [
    "DOMAIN",
    "FALLBACKS",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "_",
    "babel_locale",
    "current_language",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "ngettext",
    "normalise",
    "pgettext",
    "reload_catalogues",
    "set_language",
    "system_language",
    "translate",
    "translator",
]

SOURCE_LANGUAGE = "en"
#: Languages the app ships, in menu order: (code, name in that language).
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("es", "Español"),
    ("qu_EC", "Kichwa"),
)

#: Where a message missing from a language's catalogue is looked up next (English last).
FALLBACKS: dict[str, tuple[str, ...]] = {"qu_EC": ("es",)}
# Language names as Windows' locale module spells them ("Spanish_Ecuador").
_ENGLISH_NAMES = {"english": "en", "spanish": "es", "quechua": "qu_EC", "kichwa": "qu_EC"}


class _State:
    """The process-wide current language (one user, one language at a time)."""

    lang: str = SOURCE_LANGUAGE


_state = _State()


@cache
def translator(lang: str) -> _gettext.NullTranslations:
    """The catalogue for ``lang`` chained to its fallbacks (``qu_EC`` -> ``es`` -> English).

    Missing catalogues are skipped; with none at all the English source strings are used.
    """
    code = normalise(lang)
    chain: _gettext.NullTranslations | None = None
    for step in (code, *FALLBACKS.get(code, ())):
        if step == SOURCE_LANGUAGE:
            break
        catalogue = load_catalogue(step)
        if catalogue is None:
            continue
        # Each call loads fresh objects, so add_fallback never mutates a shared catalogue.
        if chain is None:
            chain = catalogue
        else:
            chain.add_fallback(catalogue)
    return chain if chain is not None else _gettext.NullTranslations()


def reload_catalogues() -> None:
    """Forget loaded catalogues so the next lookup reads them again (tests, translators)."""
    translator.cache_clear()


def normalise(lang: str | None) -> str:
    """Map a POSIX or BCP 47 tag (``es_EC.UTF-8``, ``qu-EC``, ``qu``) to a shipped language."""
    if not lang:
        return SOURCE_LANGUAGE
    tag = lang.split(".")[0].split("@")[0].replace("-", "_")
    codes = [code for code, _name in LANGUAGES]
    if tag in codes:
        return tag
    base = tag.split("_")[0].lower()
    if base in ("qu", "qug", "quz", "qvi", "qxl"):  # Quechua and Ecuadorian Kichwa codes
        return "qu_EC"
    base = _ENGLISH_NAMES.get(base, base)
    return base if base in codes else SOURCE_LANGUAGE


def system_language() -> str:
    """The shipped language closest to the user's environment (English when none fits).

    ``TKAPP_LANG`` wins, then the usual POSIX variables, then the locale Python reports.
    """
    for var in ("TKAPP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise(value.split(":")[0])
    import locale  # only when no variable names a language (Windows, mostly)

    loc = locale.getlocale()[0]
    return normalise(loc)


def set_language(lang: str | None = None) -> str:
    """Switch the language used by ``_`` and the formatters; returns the one chosen.

    Args:
        lang: a language tag (``es``, ``es_EC.UTF-8``, ``qu-EC``...), or None to follow
            the system (:func:`system_language`). Unknown languages give English.
    """
    _state.lang = normalise(lang) if lang else system_language()
    return _state.lang


def current_language() -> str:
    """The language ``_`` translates into now."""
    return _state.lang


def babel_locale(lang: str | None = None) -> Locale:
    """The Babel locale for ``lang`` (default: the current language)."""
    # Babel loads on the first formatted date or number, not with every command.
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang or _state.lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def _(message: str) -> str:
    """Translate a literal message into the current language."""
    return translator(_state.lang).gettext(message)


def translate(message: str) -> str:
    """Translate a message held in a variable; its literal must be marked with ``N_``."""
    return translator(_state.lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural form for ``n``, translated; still call ``.format(n=n)``."""
    return translator(_state.lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in ``context`` (the same English word with two meanings)."""
    return translator(_state.lang).pgettext(context, message)


def N_(message: str) -> str:  # the gettext convention name, hence upper case
    """Mark a string for extraction without translating it now."""
    return message


# Dates and numbers always go through Babel (CLDR data), never strftime, which follows the
# process locale and would print English months in a Spanish app.


def format_date(value: date, fmt: str = "medium", lang: str | None = None) -> str:
    """A date in the current (or given) language, e.g. "26 nov 2026" in Spanish."""
    from babel import dates as _bdates

    return _bdates.format_date(value, format=fmt, locale=babel_locale(lang))


def format_datetime(value: datetime, fmt: str = "medium", lang: str | None = None) -> str:
    """A date and time in the current (or given) language."""
    from babel import dates as _bdates

    return _bdates.format_datetime(value, format=fmt, locale=babel_locale(lang))


def format_number(value: int | float, lang: str | None = None) -> str:
    """A number with the language's separators (Spanish: ``1.234,5``)."""
    from babel import numbers as _bnumbers

    return _bnumbers.format_decimal(value, locale=babel_locale(lang))


def format_percent(value: float, lang: str | None = None) -> str:
    """A fraction as a percentage (``0.25`` -> ``25 %`` in Spanish)."""
    from babel import numbers as _bnumbers

    return _bnumbers.format_percent(value, locale=babel_locale(lang))
