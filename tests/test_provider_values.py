"""Tests for the cty value codec of the offline provider."""

from __future__ import annotations

import json
from typing import Any

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batchform.provider.values import (
    UNKNOWN,
    Dynamic,
    contains_unknown,
    decode_json,
    decode_msgpack,
    encode_msgpack,
    implied_type,
)
from batchform.schema import load_provider_schema

OBJECT = [
    "object",
    {
        "name": "string",
        "count": "number",
        "enabled": "bool",
        "ids": ["set", "string"],
        "tags": ["map", "string"],
        "ports": ["list", "number"],
        "pair": ["tuple", ["string", "number"]],
        "nested": ["list", ["object", {"key": "string"}]],
    },
]


def test_unknown_is_extension_zero_on_the_wire() -> None:
    wire = encode_msgpack({"name": UNKNOWN}, ["object", {"name": "string"}])
    raw = msgpack.unpackb(wire, raw=False)
    assert raw == {"name": msgpack.ExtType(0, b"")}


@pytest.mark.parametrize("code", [0, 12, 42])
def test_any_extension_decodes_as_unknown(code: int) -> None:
    payload = msgpack.packb({"name": msgpack.ExtType(code, b"\x81\x01\xc3")}, use_bin_type=True)
    assert decode_msgpack(payload, ["object", {"name": "string"}]) == {"name": UNKNOWN}


def test_object_round_trip_keeps_nulls_and_unknowns() -> None:
    value = {
        "name": "jobs",
        "count": 3,
        "enabled": True,
        "ids": ["a", "b"],
        "tags": {"k": "v"},
        "ports": [80, UNKNOWN],
        "pair": ["x", 1.5],
        "nested": [{"key": None}],
    }
    assert decode_msgpack(encode_msgpack(value, OBJECT), OBJECT) == value


def test_missing_object_attributes_decode_as_null() -> None:
    wire = msgpack.packb({"name": "x"}, use_bin_type=True)
    decoded = decode_msgpack(wire, OBJECT)
    assert decoded["name"] == "x" and decoded["tags"] is None and decoded["nested"] is None


def test_big_numbers_may_arrive_as_strings() -> None:
    wire = msgpack.packb({"count": "12345678901234567890"}, use_bin_type=True)
    assert decode_msgpack(wire, ["object", {"count": "number"}]) == {"count": 12345678901234567890}
    wire = msgpack.packb({"count": "0.5"}, use_bin_type=True)
    assert decode_msgpack(wire, ["object", {"count": "number"}]) == {"count": 0.5}


def test_integral_floats_become_ints() -> None:
    wire = msgpack.packb({"count": 4.0}, use_bin_type=True)
    assert decode_msgpack(wire, ["object", {"count": "number"}]) == {"count": 4}


def test_dynamic_values_carry_their_type() -> None:
    ty = ["object", {"any": "dynamic"}]
    wire = encode_msgpack({"any": {"a": [1, "x"]}}, ty)
    raw = msgpack.unpackb(wire, raw=False)
    assert json.loads(raw["any"][0]) == ["object", {"a": ["tuple", ["number", "string"]]}]
    decoded = decode_msgpack(wire, ty)
    assert decoded == {
        "any": Dynamic(["object", {"a": ["tuple", ["number", "string"]]}], {"a": [1, "x"]})
    }
    assert decode_msgpack(encode_msgpack(decoded, ty), ty) == decoded


def test_json_dynamic_value() -> None:
    raw = json.dumps({"any": {"type": "string", "value": "x"}, "n": 2}).encode()
    assert decode_json(raw, ["object", {"any": "dynamic", "n": "number"}]) == {
        "any": Dynamic("string", "x"),
        "n": 2,
    }


def test_wrong_python_type_is_refused() -> None:
    with pytest.raises(TypeError):
        encode_msgpack({"count": "3"}, ["object", {"count": "number"}])
    with pytest.raises(TypeError):
        encode_msgpack({"enabled": 1}, ["object", {"enabled": "bool"}])


def test_empty_payload_is_null() -> None:
    assert decode_msgpack(b"", OBJECT) is None
    assert decode_json(b"", OBJECT) is None


def test_implied_type_of_a_block_nests_blocks_as_collections() -> None:
    block = load_provider_schema().resource("aws_batch_job_queue").block
    kind, attrs = implied_type(block)
    assert kind == "object"
    assert attrs["priority"] == "number"
    assert attrs["compute_environment_order"] == [
        "list",
        ["object", {"compute_environment": "string", "order": "number"}],
    ]
    assert attrs["timeouts"] == [
        "object",
        {"create": "string", "delete": "string", "update": "string"},
    ]


def test_contains_unknown_looks_inside() -> None:
    assert contains_unknown({"a": [{"b": UNKNOWN}]})
    assert not contains_unknown({"a": [{"b": None}]})


scalars = st.one_of(
    st.none(), st.text(max_size=5), st.integers(-(2**53), 2**53), st.booleans(), st.just(UNKNOWN)
)


def _typed(value: Any) -> Any:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "number"
    return "string"


@given(st.dictionaries(st.text(min_size=1, max_size=4), scalars, max_size=6))
def test_round_trip_property(values: dict[str, Any]) -> None:
    ty = ["object", {key: _typed(value) for key, value in values.items()}]
    assert decode_msgpack(encode_msgpack(values, ty), ty) == values
