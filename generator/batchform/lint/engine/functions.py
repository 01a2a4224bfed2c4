"""The Terraform functions the resolver evaluates; any other call yields an unknown value."""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Callable
from typing import Any

from batchform.lint.model.values import UNKNOWN, EncodedJson, Partial, Unknown, is_known


class _Skip(Exception):
    """Raised inside a function when an argument is not known well enough."""


def _known(*values: Any) -> None:
    for value in values:
        if not is_known(value):
            raise _Skip


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    raise _Skip


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise _Skip


def _dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise _Skip


def _jsonencode(value: Any) -> Any:
    if is_known(value):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return EncodedJson(value)


def _jsondecode(text: Any) -> Any:
    if isinstance(text, EncodedJson):
        return text.value
    return json.loads(_string_only(text))


def _string_only(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _Skip


def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        out.extend(_list(item))
    return out


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        out.update(_dict(item))
    return out


def _format(spec: Any, *args: Any) -> str:
    _known(spec, *args)
    text = _string_only(spec)
    out = ""
    index = 0
    position = 0
    while index < len(text):
        char = text[index]
        if char != "%":
            out += char
            index += 1
            continue
        if text.startswith("%%", index):
            out += "%"
            index += 2
            continue
        end = index + 1
        while end < len(text) and text[end] not in "sdfvtq":
            end += 1
        if end >= len(text) or position >= len(args):
            raise _Skip
        verb = text[end]
        flags = text[index + 1 : end]
        argument = args[position]
        position += 1
        if verb in "sv":
            out += ("%" + flags + "s") % _string(argument)
        elif verb == "d":
            out += ("%" + flags + "d") % int(argument)
        elif verb == "q":
            out += json.dumps(_string(argument))
        elif verb == "t":
            out += "true" if argument else "false"
        else:
            out += ("%" + flags + "f") % float(argument)
        index = end + 1
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, dict) and isinstance(key, str):
        if key in mapping:
            return mapping[key]
        if default:
            return default[0]
    raise _Skip


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    _known(prefix, newbits, netnum)
    network = ipaddress.ip_network(_string_only(prefix), strict=False)
    new_prefix = network.prefixlen + int(newbits)
    subnets = network.subnets(new_prefix=new_prefix)
    size = 2 ** (new_prefix - network.prefixlen)
    if not 0 <= int(netnum) < size:
        raise _Skip
    for offset, subnet in enumerate(subnets):
        if offset == int(netnum):
            return str(subnet)
    raise _Skip


def _toset(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value):
        if item not in out:
            out.append(item)
    return out


def _length(value: Any) -> int:
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise _Skip


def _element(items: Any, index: Any) -> Any:
    items = _list(items)
    if not items or not isinstance(index, int):
        raise _Skip
    return items[index % len(items)]


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value):
        if isinstance(item, list):
            out.extend(_flatten(item))
        elif isinstance(item, Unknown):
            raise _Skip
        else:
            out.append(item)
    return out


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            raise _Skip
        if value is not None and value != "":
            return value
    raise _Skip


def _join(separator: Any, *lists: Any) -> str:
    _known(separator, *lists)
    return _string_only(separator).join(_string(item) for items in lists for item in _list(items))


def _try(*values: Any) -> Any:
    # An unknown first value is not an error: Terraform would keep it, so the result is unknown.
    if values and is_known(values[0]):
        return values[0]
    raise _Skip


def _zipmap(keys: Any, values: Any) -> dict[str, Any]:
    keys = _list(keys)
    values = _list(values)
    _known(keys)
    return {_string(key): value for key, value in zip(keys, values, strict=False)}


def _range(*args: Any) -> list[int]:
    _known(*args)
    return list(range(*(int(arg) for arg in args)))


def _one(value: Any) -> Any:
    items = _list(value)
    if len(items) > 1:
        raise _Skip
    return items[0] if items else None


def _slice(items: Any, start: Any, end: Any) -> list[Any]:
    _known(start, end)
    return _list(items)[int(start) : int(end)]


def _keys(value: Any) -> list[str]:
    return sorted(_dict(value))


def _values(value: Any) -> list[Any]:
    mapping = _dict(value)
    return [mapping[key] for key in sorted(mapping)]


def _tomap(value: Any) -> dict[str, Any]:
    return _dict(value)


def _tonumber(value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Skip
    if isinstance(value, (int, float)):
        return value
    number = float(_string_only(value))
    return int(number) if number.is_integer() else number


def _contains(items: Any, value: Any) -> bool:
    _known(items, value)
    return value in _list(items)


def _str_fn(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        _known(*args)
        return function(*args)

    return call


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "concat": _concat,
    "merge": _merge,
    "tostring": lambda value: None if value is None else _string(value),
    "tonumber": _tonumber,
    "tolist": _list,
    "toset": _toset,
    "tomap": _tomap,
    "format": _format,
    "lookup": _lookup,
    "cidrsubnet": _cidrsubnet,
    "length": _length,
    "element": _element,
    "flatten": _flatten,
    "distinct": _toset,
    "keys": _keys,
    "values": _values,
    "coalesce": _coalesce,
    "compact": lambda items: [item for item in _list(items) if item not in (None, "")],
    "contains": _contains,
    "join": _join,
    "try": _try,
    "zipmap": _zipmap,
    "range": _range,
    "one": _one,
    "slice": _slice,
    "upper": _str_fn(lambda text: _string_only(text).upper()),
    "lower": _str_fn(lambda text: _string_only(text).lower()),
    "trimspace": _str_fn(lambda text: _string_only(text).strip()),
    "trimprefix": _str_fn(lambda text, prefix: _string_only(text).removeprefix(prefix)),
    "trimsuffix": _str_fn(lambda text, suffix: _string_only(text).removesuffix(suffix)),
    "startswith": _str_fn(lambda text, prefix: _string_only(text).startswith(prefix)),
    "endswith": _str_fn(lambda text, suffix: _string_only(text).endswith(suffix)),
    "replace": _str_fn(lambda text, old, new: _string_only(text).replace(old, new)),
    "split": _str_fn(lambda separator, text: _string_only(text).split(separator)),
    "substr": _str_fn(lambda text, start, length: _string_only(text)[start : start + length]),
    "min": _str_fn(lambda *numbers: min(numbers)),
    "max": _str_fn(lambda *numbers: max(numbers)),
    "abs": _str_fn(abs),
    "ceil": _str_fn(math.ceil),
    "floor": _str_fn(math.floor),
    "sort": _str_fn(lambda items: sorted(_string(item) for item in items)),
    "reverse": lambda items: list(reversed(_list(items))),
}


def call_function(name: str, args: list[Any]) -> Any:
    """Evaluate a supported function on evaluated arguments; anything unsupported is unknown."""
    function = FUNCTIONS.get(name)
    if function is None:
        return UNKNOWN
    if name not in (
        "jsonencode",
        "try",
        "tolist",
        "toset",
        "concat",
        "merge",
        "lookup",
        "length",
        "element",
        "one",
        "reverse",
        "compact",
        "coalesce",
        "flatten",
        "zipmap",
        "slice",
        "keys",
        "values",
        "tomap",
        "distinct",
        "jsondecode",
    ) and any(isinstance(arg, Unknown) and not isinstance(arg, Partial) for arg in args):
        return UNKNOWN
    try:
        return function(*args)
    except (_Skip, TypeError, ValueError, IndexError, KeyError, OverflowError, ZeroDivisionError):
        return UNKNOWN
