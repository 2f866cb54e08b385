"""One date format everywhere: the user's locale's medium date ("5 dic 2026", "Dec 5, 2026").

Text is formatted with :func:`tkapp.i18n.format_date` (Babel, medium by default); date
fields (``QDateEdit``) show the same pattern, converted from Babel's CLDR pattern to Qt's
display format, so a screen never mixes "5/12/26", "5 dic 2026" and "2026-12-05".
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QDateEdit

from tkapp.i18n import babel_locale

# CLDR date pattern letters -> Qt display format letters (the ones dates use).
_CLDR_TO_QT = {
    "y": "yyyy",
    "yy": "yy",
    "yyy": "yyyy",
    "yyyy": "yyyy",
    "M": "M",
    "MM": "MM",
    "MMM": "MMM",
    "MMMM": "MMMM",
    "L": "M",
    "LL": "MM",
    "LLL": "MMM",
    "LLLL": "MMMM",
    "d": "d",
    "dd": "dd",
    "E": "ddd",
    "EE": "ddd",
    "EEE": "ddd",
    "EEEE": "dddd",
}


def qt_date_format(lang: str | None = None) -> str:
    """Qt's ``displayFormat`` for the locale's medium date pattern."""
    pattern = babel_locale(lang).date_formats["medium"].pattern
    out = []
    for match in re.finditer(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", pattern, flags=re.DOTALL):
        token = match.group(0)
        if token.startswith("'"):
            out.append(token)  # a quoted literal means the same in Qt
        elif token[0].isalpha():
            out.append(_CLDR_TO_QT.get(token, "yyyy" if token[0] in "yuU" else ""))
        else:
            out.append(token)
    return "".join(out).strip() or "yyyy-MM-dd"


def use_app_date_format(edit: QDateEdit) -> None:
    """Show a date field in the app's one date format."""
    edit.setDisplayFormat(qt_date_format())
