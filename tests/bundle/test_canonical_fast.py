"""The fast path of :func:`tkapp.bundle.canonical.canonical` gives RFC 8785's bytes.

Plain values (no floats) go through ``json.dumps``; everything is compared with the JCS
package itself on generated values: any character in strings and keys (control characters,
quotes, backslashes, U+2028, characters beyond the BMP), integers up to the safe limit and
nesting. Values the fast path does not take (floats, unsafe integers) give the package's
answer or its refusal.
"""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from tkapp.bundle.canonical import canonical

SAFE = 2**53 - 1
leaves = st.none() | st.booleans() | st.integers(-SAFE, SAFE) | st.text(max_size=12)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _jcs(value: Any) -> bytes | None:
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, UnicodeEncodeError, ValueError):
        return None


@settings(max_examples=400, deadline=None)
@given(values)
def test_plain_values_give_the_jcs_bytes(value: Any) -> None:
    expected = _jcs(value)
    if expected is None:  # a lone surrogate: neither can write it
        with pytest.raises(ValueError):
            canonical(value)
    else:
        assert canonical(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"z": 1, "\U0001f600": 2, "\uffff": 3},  # UTF-16 order differs from code points
        {"n": 0.5, "m": [1e21, -0.0]},  # floats: the JCS package
        {"big": 2**60},  # not a safe integer
        ("tuple", 1),
        # Larger than the fast path takes (a big bundle's manifest): the JCS package.
        {"files": [{"path": f"é{n}", "size": n, "sha256": "\u0007"} for n in range(4_000)]},
    ],
)
def test_other_values_give_the_jcs_answer(value: Any) -> None:
    expected = _jcs(value)
    if expected is None:
        with pytest.raises(ValueError):
            canonical(value)
    else:
        assert canonical(value) == expected
