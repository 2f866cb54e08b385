"""Translations and locale-aware formatting (gettext catalogues + Babel). No Qt.

Use explicitly: ``from tkapp.i18n import _, ngettext, pgettext, N_``. Never wrap an f-string
or a concatenation in ``_()``: write ``_("Saved {count} records").format(count=n)`` so
translators see the whole sentence with its named fields.

Compiled catalogues live in ``tkapp/locale/<lang>/LC_MESSAGES/tkapp.mo``; they are built
from ``translations/`` by the package build.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as _bdates
from babel import numbers as _bnumbers

DOMAIN = "tkapp"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"
#: Languages the app ships, in menu order: (code, name in that language).
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("es", "Español"),
    ("qu_EC", "Kichwa"),
)

_current = SOURCE_LANGUAGE


@cache
def translator(lang: str) -> _gettext.NullTranslations:
    """The gettext catalogue for ``lang`` (English source strings when there is none)."""
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def normalise(lang: str | None) -> str:
    """Map a POSIX or BCP 47 tag (``es_EC.UTF-8``, ``qu-EC``, ``qu``) to a shipped language."""
    if not lang:
        return SOURCE_LANGUAGE
    tag = lang.split(".")[0].split("@")[0].replace("-", "_")
    codes = [code for code, _name in LANGUAGES]
    if tag in codes:
        return tag
    base = tag.split("_")[0].lower()
    if base in ("qu", "qug", "quz"):
        return "qu_EC"
    return base if base in codes else SOURCE_LANGUAGE


def system_language() -> str:
    for var in ("TKAPP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise(value.split(":")[0])
    loc = _locale.getlocale()[0]
    return normalise(loc)


def set_language(lang: str | None) -> str:
    """Switch the language used by ``_`` and the formatters; returns the one chosen."""
    global _current
    _current = normalise(lang)
    return _current


def current_language() -> str:
    return _current


def babel_locale(lang: str | None = None) -> Locale:
    try:
        return Locale.parse(lang or _current)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def _(message: str) -> str:
    return translator(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator(_current).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translator(_current).pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it now."""
    return message


def format_date(value: date, fmt: str = "medium", lang: str | None = None) -> str:
    return _bdates.format_date(value, format=fmt, locale=babel_locale(lang))


def format_datetime(value: datetime, fmt: str = "medium", lang: str | None = None) -> str:
    return _bdates.format_datetime(value, format=fmt, locale=babel_locale(lang))


def format_number(value: int | float, lang: str | None = None) -> str:
    return _bnumbers.format_decimal(value, locale=babel_locale(lang))


def format_percent(value: float, lang: str | None = None) -> str:
    return _bnumbers.format_percent(value, locale=babel_locale(lang))
