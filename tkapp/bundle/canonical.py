"""Strict JSON in, RFC 8785 (JCS) JSON out.

``json.loads`` silently keeps the last of two duplicate keys, so a signed manifest could say
one thing to us and another to a different parser; :func:`strict_loads` refuses duplicates.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import rfc8785


class DuplicateKeyError(ValueError):
    """An object has the same key twice."""


class FloatError(ValueError):
    """A number with a fraction or exponent where only integers are allowed."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKeyError(key)
        result[key] = value
    return result


def _no_float(text: str) -> NoReturn:
    raise FloatError(text)


def _no_constant(text: str) -> NoReturn:
    raise FloatError(text)


def strict_loads(raw: bytes, *, allow_floats: bool = False) -> Any:
    """Parse UTF-8 JSON, refusing duplicate keys, NaN/Infinity and (by default) floats.

    Raises:
        DuplicateKeyError, FloatError, ValueError (not UTF-8 or not JSON).
    """
    text = raw.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if allow_floats:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    return json.loads(
        text, object_pairs_hook=_pairs, parse_float=_no_float, parse_constant=_no_constant
    )


#: Integers JCS writes as they are (IEEE doubles hold them exactly).
_MAX_SAFE_INT = 2**53 - 1
#: Object keys below this sort the same by code point (Python) and by UTF-16 unit (JCS).
_BMP = "\U00010000"
#: Values with more parts than this (a big bundle's manifest) take the JCS package: the
#: standard library's C encoder keeps every piece of its output in a list before joining
#: them (about 60 bytes a piece), the package writes to one buffer.
_FAST_PARTS = 10_000


def _plain(value: Any) -> bool:
    """True when ``value`` is small and holds only null, booleans, safe integers, strings,
    lists and objects with BMP keys: for those, RFC 8785 is exactly ``json.dumps`` with
    sorted keys, no spaces and no ASCII escaping (the same short escapes and lower-case
    ``\\u00xx`` for control characters; other characters as UTF-8)."""
    stack = [value]
    parts = 0
    while stack:
        item = stack.pop()
        parts += 1
        if parts > _FAST_PARTS:
            return False
        kind = type(item)
        if item is None or kind is bool or kind is str:
            continue
        if kind is int:
            if -_MAX_SAFE_INT <= item <= _MAX_SAFE_INT:
                continue
            return False
        if kind is dict:
            for key in item:
                if type(key) is not str or (key and max(key) >= _BMP):
                    return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return False  # floats and anything else: the full JCS implementation
    return True


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical bytes; raises ``ValueError`` for values JCS cannot represent.

    Small plain values (no floats, see :func:`_plain`) take the standard library's encoder,
    about twenty times faster than the pure-Python JCS package, which a bundle export ran
    twice for every record (issue 19); a test compares the two on generated values.
    """
    if _plain(value):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JCS cannot represent it either
            pass
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, UnicodeEncodeError) as exc:
        raise ValueError(str(exc)) from None
