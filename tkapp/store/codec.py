"""Model dataclasses to and from JSON-ready dicts.

Records, taxa, persons, consents and media are stored as one JSON column per row (plus the
real columns search and filters need), so adding a field to the model needs no schema change.
The conversion is driven by the dataclass type hints: enums become their values, dates ISO
strings, sets sorted lists. Unknown keys are ignored and missing keys take the field default,
so a row written by an older or newer version still loads.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

from tkapp.errors import ValidationError

T = TypeVar("T")


Encoder = Callable[[Any], Any]
_ENCODERS: dict[type, Encoder] = {}


def _identity(value: Any) -> Any:
    return value


def _encoder_for_hint(hint: Any) -> Encoder:
    """A converter chosen once per field from its type hint (the hot path of every save)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            inner = _encoder_for_hint(args[0])
            if inner is _identity:
                return _identity
            return lambda v: None if v is None else inner(v)
        return to_jsonable
    if origin in (list, tuple):
        (item,) = typing.get_args(hint)[:1]
        inner = _encoder_for_hint(item)
        if inner is _identity:
            return list
        return lambda v: [inner(x) for x in v]
    if origin in (set, frozenset):
        return lambda v: sorted(to_jsonable(x) for x in v)
    if hint in (str, int, float, bool):
        return _identity
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda v: v.value
    if hint in (date, datetime):
        return lambda v: v.isoformat()
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass_encoder(hint)
    return to_jsonable


def _inline(hint: Any, attr: str) -> str | None:
    """The conversion of a field as an expression, for the common simple types; None: call
    its converter."""
    if _encoder_for_hint(hint) is _identity:
        return attr
    if isinstance(hint, type) and issubclass(hint, Enum):
        return f"{attr}.value"
    origin = typing.get_origin(hint)
    if origin in (list, tuple) and _encoder_for_hint(typing.get_args(hint)[0]) is _identity:
        return f"list({attr})"
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and args[0] in (date, datetime):
            return f"(None if {attr} is None else {attr}.isoformat())"
    return None


def _dataclass_encoder(cls: type) -> Encoder:
    """One dataclass's converter, generated once as a single dict display (the way
    :mod:`dataclasses` makes ``__init__``): an import encodes every record it writes, and a
    converter call per field was a third of the JSON's cost. Keys keep the field order; only
    the fields that need it are converted."""
    encoder = _ENCODERS.get(cls)
    if encoder is None:
        hints = _hints(cls)
        scope: dict[str, Any] = {}
        items = []
        for n, f in enumerate(dataclasses.fields(cls)):
            hint, attr = hints[f.name], f"v.{f.name}"
            inline = _inline(hint, attr)
            if inline is None:
                scope[f"c{n}"] = _encoder_for_hint(hint)
                inline = f"c{n}({attr})"
            items.append(f"{f.name!r}: {inline}")
        source = "def encode(v):\n    return {" + ", ".join(items) + "}\n"
        # Field names are Python identifiers of our own model classes, never input.
        exec(source, scope)  # noqa: S102
        encoder = _ENCODERS[cls] = scope["encode"]
    return encoder


def to_jsonable(value: Any) -> Any:
    """Turn a model value (dataclass, enum, date, set, list...) into JSON-ready data."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [to_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if hasattr(kind, "__dataclass_fields__"):
        return _dataclass_encoder(kind)(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


# One encoder for all calls: json.dumps with options builds a new encoder every time. No
# circular-reference bookkeeping (a fifth of the encoding time of a record): model values are
# trees, and a cycle would still fail, as RecursionError.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(value: Any) -> str:
    """Compact JSON of a model value. Keys follow the dataclass field order, so the same value
    always gives the same text (audit digests are repeatable)."""
    kind = type(value)
    if hasattr(kind, "__dataclass_fields__"):
        try:
            return _text_encoder(kind)(value)
        except (TypeError, AttributeError, ValueError):
            pass  # a value not of its field's type: the general way below decides
    return _ENCODE(to_jsonable(value))


# --- a dataclass straight to JSON text ---------------------------------------------------------
#
# The text _ENCODE(to_jsonable(v)) gives, written without the intermediate dicts: the field
# names are escaped once (the encoder escapes every key of every dict it is given) and the
# strings by the json module's own C function. Only the types whose JSON is unambiguous are
# written here (str, finite float, int, bool, None, enums of strings, dates, lists and sets of
# str, nested dataclasses); any other field goes through _ENCODE, and a value that is not of
# its field's type (TypeError/AttributeError) sends the whole value down the general path.
# tests/store/test_codec_text.py checks both give the same text.

_STR = json.encoder.encode_basestring  # what _ENCODE uses for every string (ensure_ascii=False)
_TEXT_ENCODERS: dict[type, Callable[[Any], str]] = {}


def _int_text(value: Any) -> str:
    return int.__repr__(value) if value.__class__ is int else _ENCODE(value)


def _float_text(value: Any) -> str:
    # value - value is 0.0 for a finite float only (NaN and infinities are spelled by _ENCODE)
    if value.__class__ is float and value - value == 0.0:
        return float.__repr__(value)
    return _ENCODE(value)


def _text_expr(hint: Any, attr: str, scope: dict[str, Any]) -> str | None:
    """The JSON text of a field as an expression; None: not one of the simple types."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _text_expr(args[0], attr, scope) if len(args) == 1 else None
        return None if inner is None else f"('null' if {attr} is None else {inner})"
    if hint is str:
        return f"S({attr})"
    if hint is bool:
        return f"('true' if {attr} is True else 'false' if {attr} is False else E({attr}))"
    if hint is int:
        return f"I({attr})"
    if hint is float:
        return f"F({attr})"
    if isinstance(hint, type) and issubclass(hint, Enum):
        return f"S({attr}.value)"  # (an enum of non-strings: TypeError, the general path)
    if hint in (date, datetime):
        return f"('\"' + {attr}.isoformat() + '\"')"  # ISO text needs no escaping
    if origin in (list, tuple, set, frozenset):
        (item,) = typing.get_args(hint)[:1]
        items = f"sorted({attr})" if origin in (set, frozenset) else attr
        if item is str:
            return f"('[' + ','.join(map(S, {items})) + ']')"
        if origin in (list, tuple) and dataclasses.is_dataclass(item) and isinstance(item, type):
            name = f"T_{item.__name__}"
            scope[name] = _text_encoder(item)
            return f"('[' + ','.join(map({name}, {attr})) + ']')"
        return None
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        name = f"T_{hint.__name__}"
        scope[name] = _text_encoder(hint)
        return f"{name}({attr})"
    return None


def _text_encoder(cls: type) -> Callable[[Any], str]:
    """One dataclass's JSON text writer, generated once (as :func:`_dataclass_encoder`)."""
    encoder = _TEXT_ENCODERS.get(cls)
    if encoder is None:
        hints = _hints(cls)
        scope: dict[str, Any] = {"S": _STR, "E": _ENCODE, "I": _int_text, "F": _float_text}
        parts = []
        for n, f in enumerate(dataclasses.fields(cls)):
            attr = f"v.{f.name}"
            expr = _text_expr(hints[f.name], attr, scope)
            if expr is None:
                scope[f"c{n}"] = _encoder_for_hint(hints[f.name])
                expr = f"E(c{n}({attr}))"
            parts += [repr(("," if n else "{") + _STR(f.name) + ":"), expr]
        source = "def encode(v):\n    return ''.join([" + ", ".join([*parts, "'}'"]) + "])\n"
        # Field names are Python identifiers of our own model classes, never input.
        exec(source, scope)  # noqa: S102
        encoder = _TEXT_ENCODERS[cls] = scope["encode"]
    return encoder


def dumps_plain(value: Any) -> str:
    """Compact JSON of plain data (lists, dicts, strings)."""
    return _ENCODE(value)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_jsonable(cls: type[T], data: Any) -> T:
    """Build a ``cls`` dataclass from JSON-ready ``data`` (the inverse of :func:`to_jsonable`).

    Raises:
        ValidationError: a value cannot be converted to its field's type.
    """
    return cast(T, _convert(cls, data, cls.__name__))


def loads(cls: type[T], text: str) -> T:
    return from_jsonable(cls, json.loads(text))


Decoder = Callable[[Any, str], Any]
_DECODERS: dict[Any, Decoder] = {}


def _convert(tp: Any, value: Any, where: str) -> Any:
    return _decoder(tp)(value, where)


def _decoder(tp: Any) -> Decoder:
    """The converter for ``tp``, chosen once per type (the hot path of every load: an
    export decodes every record; asking ``typing`` about each value cost more than the JSON)."""
    decoder = _DECODERS.get(tp)
    if decoder is None:
        decoder = _DECODERS[tp] = _build_decoder(tp)
    return decoder


def _build_decoder(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        nullable = type(None) in args
        options = [a for a in args if a is not type(None)]

        def union(value: Any, where: str) -> Any:
            if value is None and nullable:
                return None
            last: ValidationError | None = None
            for arg in options:
                try:
                    return _decoder(arg)(value, where)
                except ValidationError as exc:
                    last = exc
            raise last or ValidationError("bad_value", field=where)

        return union
    if origin in (list, set, tuple, frozenset):
        (item,) = typing.get_args(tp)[:1]
        make = origin

        def sequence(value: Any, where: str) -> Any:
            if not isinstance(value, list | tuple | set):
                raise ValidationError("expected_list", field=where)
            convert = _decoder(item)
            return make([convert(v, where) for v in value])

        return sequence
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        cls = tp
        fields: list[tuple[str, Decoder]] = []

        def record(value: Any, where: str) -> Any:
            if not isinstance(value, dict):
                raise ValidationError("expected_object", field=where)
            if not fields:  # resolved on first use: a type may name itself
                hints = _hints(cls)
                fields.extend(
                    (f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls) if f.init
                )
            kwargs = {name: conv(value[name], name) for name, conv in fields if name in value}
            try:
                return cls(**kwargs)
            except TypeError as exc:  # a required field is missing
                raise ValidationError(str(exc), field=where) from exc

        return record
    if isinstance(tp, type) and issubclass(tp, Enum):
        enum_type = tp

        def enum(value: Any, where: str) -> Any:
            try:
                return enum_type(value)
            except ValueError as exc:
                raise ValidationError("unknown_value", field=where) from exc

        return enum
    return _SCALARS.get(tp, _as_is)


def _as_is(value: Any, where: str) -> Any:
    return value


def _datetime(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError("bad_date", field=where) from exc


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValidationError("bad_date", field=where) from exc


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ValidationError("expected_boolean", field=where)


def _int(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValidationError("expected_integer", field=where)


def _float(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValidationError("expected_number", field=where)


def _str(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    raise ValidationError("expected_text", field=where)


def _bytes(value: Any, where: str) -> bytes:
    return bytes.fromhex(str(value))


_SCALARS: dict[Any, Decoder] = {
    datetime: _datetime,
    date: _date,
    bool: _bool,
    int: _int,
    float: _float,
    str: _str,
    bytes: _bytes,
}
