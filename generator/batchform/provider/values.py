"""Terraform values on the wire: cty MessagePack/JSON encoding driven by schema types."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import msgpack  # type: ignore[import-untyped]  # msgpack ships no type information

from batchform.schema import Block, CtyType

# Extension code 0 is the plain unknown value; any extension code decodes as unknown.
UNKNOWN_EXT_CODE = 0


class Unknown:
    """The placeholder for a value that becomes known only after apply (use the UNKNOWN singleton)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Dynamic:
    """A value of a ``dynamic`` attribute: its concrete type travels with it."""

    type: CtyType
    value: Any


def implied_type(block: Block) -> CtyType:
    """The object type a block's value has on the wire (nested blocks become collections)."""
    attrs: dict[str, CtyType] = {name: a.type for name, a in block.attributes.items()}
    for name, nested in block.block_types.items():
        inner = implied_type(nested.block)
        mode = nested.nesting_mode
        attrs[name] = inner if mode in ("single", "group") else [mode, inner]
    return ["object", attrs]


def decode_msgpack(data: bytes, ty: CtyType) -> Any:
    """Decode a MessagePack DynamicValue into Python values (dict/list/str/int/float/bool/None)."""
    if not data:
        return None
    raw = msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=_ext_hook)
    return _from_wire(raw, ty)


def encode_msgpack(value: Any, ty: CtyType) -> bytes:
    """Encode a Python value of type ``ty`` as MessagePack; UNKNOWN becomes extension 0."""
    packed: bytes = msgpack.packb(_to_wire(value, ty), use_bin_type=True)
    return packed


def decode_json(data: bytes, ty: CtyType) -> Any:
    """Decode a JSON DynamicValue (or raw state JSON) into Python values."""
    if not data:
        return None
    return _from_json(json.loads(data), ty)


def _ext_hook(code: int, payload: bytes) -> Unknown:
    return UNKNOWN


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise TypeError("a bool is not a number")
    if isinstance(raw, (int, float)):
        return int(raw) if isinstance(raw, float) and raw.is_integer() else raw
    exact = Decimal(str(raw))
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _from_wire(raw: Any, ty: CtyType) -> Any:
    # msgpack carries a dynamic value as [type as JSON bytes, value].
    return _decode(raw, ty, lambda pair: (json.loads(pair[0]), pair[1]))


def _from_json(raw: Any, ty: CtyType) -> Any:
    # JSON carries a dynamic value as {"type": type, "value": value}.
    return _decode(raw, ty, lambda pair: (pair["type"], pair["value"]))


def _decode(raw: Any, ty: CtyType, dynamic: Callable[[Any], tuple[CtyType, Any]]) -> Any:
    """A decoded msgpack or JSON value as Python, typed by its cty type."""
    if raw is None or raw is UNKNOWN:
        return raw
    if ty == "dynamic":
        concrete, inner = dynamic(raw)
        return Dynamic(concrete, _decode(inner, concrete, dynamic))
    if ty == "number":
        return _number(raw)
    if isinstance(ty, str):
        return raw
    kind, arg = ty
    if kind in ("list", "set"):
        return [_decode(item, arg, dynamic) for item in raw]
    if kind == "map":
        return {key: _decode(item, arg, dynamic) for key, item in raw.items()}
    if kind == "object":
        return {key: _decode(raw.get(key), sub, dynamic) for key, sub in arg.items()}
    if kind == "tuple":
        return [_decode(item, sub, dynamic) for item, sub in zip(raw, arg, strict=True)]
    raise ValueError(f"unknown cty type {ty!r}")


def _to_wire(value: Any, ty: CtyType) -> Any:
    if value is None:
        return None
    if value is UNKNOWN:
        return msgpack.ExtType(UNKNOWN_EXT_CODE, b"")
    if ty == "dynamic":
        if isinstance(value, Dynamic):
            concrete, inner = value.type, value.value
        else:
            concrete, inner = infer_type(value), value
        return [json.dumps(concrete, separators=(",", ":")).encode(), _to_wire(inner, concrete)]
    if ty == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected a number, got {value!r}")
        return value
    if ty == "string":
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {value!r}")
        return value
    if ty == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"expected a bool, got {value!r}")
        return value
    kind, arg = ty
    if kind in ("list", "set"):
        return [_to_wire(item, arg) for item in value]
    if kind == "map":
        return {key: _to_wire(item, arg) for key, item in value.items()}
    if kind == "object":
        return {key: _to_wire(value.get(key), sub) for key, sub in arg.items()}
    if kind == "tuple":
        return [_to_wire(item, sub) for item, sub in zip(value, arg, strict=True)]
    raise ValueError(f"unknown cty type {ty!r}")


def infer_type(value: Any) -> CtyType:
    """The cty type of a known Python value (used for ``dynamic`` attributes)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return ["object", {key: infer_type(item) for key, item in value.items()}]
    if isinstance(value, list):
        return ["tuple", [infer_type(item) for item in value]]
    raise TypeError(f"cannot infer a cty type for {value!r}")


def contains_unknown(value: Any) -> bool:
    """True when ``value`` is or holds an unknown anywhere inside."""
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    if isinstance(value, Dynamic):
        return contains_unknown(value.value)
    return False
