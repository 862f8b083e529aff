"""JSON for the result dataclasses, both ways: the gateway encodes, the HTTP adapter decodes.

Decoding is strict: a missing field, an extra field or a value of the wrong type is a malformed
answer (FeedRejected), never a half-filled result.
"""

import dataclasses
import datetime
import types
import typing
from decimal import Decimal, InvalidOperation
from functools import cache

from portal.feeds.errors import FeedRejected


def encode(value):
    """A dataclass (or anything inside one) as JSON-ready values: Decimal and dates as strings."""
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def decode(cls, data, path: str = ""):
    """Build `cls` from decoded JSON; FeedRejected on anything unexpected."""
    try:
        return _decode(cls, data, path or cls.__name__)
    except FeedRejected:
        raise
    except (TypeError, ValueError, InvalidOperation, KeyError) as exc:
        raise FeedRejected(f"应答格式不正确：{path or cls.__name__}（{exc}）") from None


def _fail(path: str, what: str):
    raise FeedRejected(f"应答格式不正确：{path} {what}")


def _decode(tp, data, path):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _decode(inner, data, path)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        if not isinstance(data, list):
            _fail(path, "应为列表")
        return tuple(_decode(item_type, v, f"{path}[{i}]") for i, v in enumerate(data))
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            _fail(path, "应为对象")
        names = {f.name for f in dataclasses.fields(tp)}
        if set(data) != names:
            _fail(path, f"字段不符：缺少 {sorted(names - set(data))}，多出 {sorted(set(data) - names)}")
        hints = _hints(tp)
        return tp(**{n: _decode(hints[n], data[n], f"{path}.{n}") for n in names})
    if tp is Decimal:
        if not isinstance(data, str):
            _fail(path, "应为数字字符串")
        return Decimal(data)
    if tp is datetime.datetime:
        return datetime.datetime.fromisoformat(data)
    if tp is datetime.date:
        if not isinstance(data, str) or len(data) != 10:
            _fail(path, "应为日期")
        return datetime.date.fromisoformat(data)
    if tp is bool:
        if not isinstance(data, bool):
            _fail(path, "应为布尔值")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            _fail(path, "应为整数")
        return data
    if tp is str:
        if not isinstance(data, str):
            _fail(path, "应为字符串")
        return data
    raise TypeError(f"no decoder for {tp!r}")
