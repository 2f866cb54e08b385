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


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical bytes; raises ``ValueError`` for values JCS cannot represent."""
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, UnicodeEncodeError) as exc:
        raise ValueError(str(exc)) from None
