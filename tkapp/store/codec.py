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
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

from tkapp.errors import ValidationError

T = TypeVar("T")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def to_jsonable(value: Any) -> Any:
    """Turn a model value (dataclass, enum, date, set, list...) into JSON-ready data."""
    # Hot path of every save and import: dispatch on the exact type first.
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [to_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if hasattr(kind, "__dataclass_fields__"):
        return {name: to_jsonable(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON of a model value (stable, so digests are repeatable)."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        last: ValidationError | None = None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, where)
            except ValidationError as exc:
                last = exc
        raise last or ValidationError("bad_value", field=where)
    if origin in (list, set, tuple, frozenset):
        (item,) = typing.get_args(tp)[:1]
        if not isinstance(value, list | tuple | set):
            raise ValidationError("expected_list", field=where)
        items = [_convert(item, v, where) for v in value]
        return origin(items)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise ValidationError("expected_object", field=where)
        hints = _hints(tp)
        kwargs = {
            f.name: _convert(hints[f.name], value[f.name], f.name)
            for f in dataclasses.fields(tp)
            if f.name in value and f.init
        }
        try:
            return tp(**kwargs)
        except TypeError as exc:  # a required field is missing
            raise ValidationError(str(exc), field=where) from exc
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError as exc:
            raise ValidationError("unknown_value", field=where) from exc
    if tp is datetime:
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError("bad_date", field=where) from exc
    if tp is date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError as exc:
            raise ValidationError("bad_date", field=where) from exc
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ValidationError("expected_boolean", field=where)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValidationError("expected_integer", field=where)
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ValidationError("expected_number", field=where)
    if tp is str:
        if isinstance(value, str):
            return value
        raise ValidationError("expected_text", field=where)
    if tp is bytes:
        return bytes.fromhex(str(value))
    return value
