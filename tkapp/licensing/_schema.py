"""Small strict readers for closed JSON schemas (terms.json, shipped data files).

Every failure is a :class:`tkapp.errors.ValidationError` whose ``field`` is a JSON path such
as ``rules.for_profit.research.outcome``, so a front end can point at the bad part.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from tkapp.errors import ValidationError

E = TypeVar("E", bound=StrEnum)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fail(path: str, detail: str) -> ValidationError:
    """A ValidationError naming the JSON path at fault."""
    return ValidationError(detail, field=path or "terms")


def reject_floats(value: Any, path: str = "") -> None:
    """Refuse floats (and anything that is not plain JSON) anywhere in ``value``.

    Bundles are canonical JSON with integers and strings only: a float's text form is not
    stable across implementations, so a signed hash over it would not be either.
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return
    if isinstance(value, float):
        raise fail(path, "float_not_allowed")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise fail(path, "key_not_string")
            reject_floats(item, f"{path}.{key}" if path else key)
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            reject_floats(item, f"{path}[{index}]")
        return
    raise fail(path, "not_json")


def obj(value: Any, path: str, keys: Iterable[str]) -> Mapping[str, Any]:
    """``value`` as a mapping with exactly ``keys`` (closed schema: unknown keys rejected)."""
    if not isinstance(value, Mapping):
        raise fail(path, "expected_object")
    wanted = set(keys)
    unknown = sorted(set(value) - wanted)
    if unknown:
        raise fail(_join(path, unknown[0]), "unknown_key")
    missing = sorted(wanted - set(value))
    if missing:
        raise fail(_join(path, missing[0]), "missing_key")
    return value


def string(
    value: Any, path: str, *, required: bool = False, limit: int = 10_000, nullable: bool = False
) -> str | None:
    """A string without NUL or other control characters except newline and tab."""
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise fail(path, "expected_string")
    if required and not value.strip():
        raise fail(path, "required")
    if len(value) > limit:
        raise fail(path, "too_long")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise fail(path, "control_character")
    return value


def text(value: Any, path: str, *, required: bool = False, limit: int = 10_000) -> str:
    """A non-nullable string (see :func:`string`)."""
    result = string(value, path, required=required, limit=limit)
    assert result is not None  # not nullable
    return result


def integer(value: Any, path: str, *, low: int, high: int) -> int:
    """An integer in ``[low, high]``; booleans are refused although Python counts them as ints."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(path, "expected_integer")
    if not low <= value <= high:
        raise fail(path, "out_of_range")
    return value


def enum(kind: type[E], value: Any, path: str) -> E:
    """A member of the StrEnum ``kind`` from its code."""
    if not isinstance(value, str):
        raise fail(path, "expected_string")
    try:
        return kind(value)
    except ValueError:
        raise fail(path, "unknown_code") from None


def uuid_text(value: Any, path: str, *, nullable: bool = False) -> str | None:
    """A UUID in its canonical lowercase hyphenated form."""
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise fail(path, "expected_string")
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        raise fail(path, "bad_uuid") from None
    if canonical != value:
        raise fail(path, "bad_uuid")
    return value


def iso_date(value: Any, path: str, *, nullable: bool = False) -> date | None:
    """A calendar date written ``YYYY-MM-DD``."""
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise fail(path, "bad_date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(path, "bad_date") from None


def array(value: Any, path: str, *, limit: int = 1_000) -> list[Any]:
    """A JSON array of at most ``limit`` items."""
    if not isinstance(value, list):
        raise fail(path, "expected_array")
    if len(value) > limit:
        raise fail(path, "too_long")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
