"""Caps on what the verifier accepts (BUNDLE-FORMAT.md section 5, steps 1 and 10-12).

A valid signature says who made a bundle, not that it is reasonable: a trusted but careless
or compromised partner can sign a huge or deeply nested record. Sizes are checked before
anything is read; each JSON file is then parsed against :class:`Limits` (bytes before the
parse, nesting and item counts during and right after it), so memory stays bounded and time
linear whatever a signed bundle holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tkapp.bundle.canonical import strict_loads
from tkapp.errors import LimitExceeded


@dataclass(frozen=True)
class Limits:
    """Caps on what the verifier accepts; hostile input fails fast against these.

    The plain-ZIP format adds its own ceiling (see :mod:`tkapp.bundle.zipformat`): below
    4 GiB and at most 65,534 entries, whatever these values say.
    """

    max_file_bytes: int = 4 * 1024**3
    max_manifest_bytes: int = 16 * 1024**2
    max_entries: int = 100_000
    max_name_bytes: int = 512
    #: Records, consent records and terms are parsed in memory, one at a time: cap each one.
    #: 2 MiB is a book's worth of text per record (media travel as separate files); parsing
    #: it costs well under 100 MiB whatever its shape.
    max_json_member_bytes: int = 2 * 1024**2
    max_terms_text_bytes: int = 1024**2
    #: Keys plus array items in one JSON file (the manifest of a full bundle has ~200,000).
    max_json_items: int = 400_000
    #: Objects and arrays inside each other. Ours go 5 deep; Python's parser stops near 1,000.
    max_json_depth: int = 64


#: The defaults of BUNDLE-FORMAT.md section 5 (a module constant so signatures can use it).
DEFAULT_LIMITS = Limits()


def check_json_shape(value: Any, limits: Limits, where: str) -> None:
    """Refuse a parsed JSON value nested deeper or holding more items than ``limits`` allow.

    Iterative (no recursion of our own) and linear in the value's size.

    Raises:
        LimitExceeded: naming ``where`` (shortened).
    """
    items = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limits.max_json_depth:
            raise LimitExceeded("JSON nested too deeply", path=where[:120])
        items += len(children)
        if items > limits.max_json_items:
            raise LimitExceeded("too many JSON items", path=where[:120])
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def bounded_loads(raw: bytes, limits: Limits, where: str, *, allow_floats: bool = False) -> Any:
    """:func:`strict_loads` within ``limits``: size before, nesting and item count after.

    A cheap count of separators first: JSON has at most one item per ``,`` ``:`` ``[`` or
    ``{`` (plus one), so a file under the item cap by that count needs no further counting,
    and one far over it is refused before the parser builds anything.

    Raises:
        LimitExceeded: too big, too deep, too many items.
        ValueError (DuplicateKeyError, FloatError...): not the JSON we accept.
    """
    if len(raw) > limits.max_json_member_bytes:
        raise LimitExceeded("JSON file too large", path=where[:120])
    separators = raw.count(b",") + raw.count(b":")
    if separators > 4 * limits.max_json_items:
        # Even if every separator sat inside a string, a file this full of them is no record.
        raise LimitExceeded("too many JSON items", path=where[:120])
    try:
        value = strict_loads(raw, allow_floats=allow_floats)
    except RecursionError:
        raise LimitExceeded("JSON nested too deeply", path=where[:120]) from None
    check_json_shape(value, limits, where)
    return value
