"""Syntax trees to bytes and back: the same tree, and anything that is not one refused."""

from __future__ import annotations

from pathlib import Path

import msgpack  # type: ignore[import-untyped]
import pytest

from batchform.hcl import codec
from batchform.hcl.parser import parse_text

FILES = sorted((Path(__file__).parent / "golden").glob("*/expected/**/*.tf")) + sorted(
    (Path(__file__).parent / "hcl" / "corpus").glob("*.tf"))


@pytest.mark.parametrize("path", FILES[::7] + FILES[-4:], ids=lambda path: path.name)
def test_a_tree_reads_back_as_itself(path: Path) -> None:
    text = path.read_text()
    payload = codec.encode(parse_text(text, "a.tf"))
    assert payload is not None
    again = codec.decode(payload, "b.tf")
    assert again == parse_text(text, "b.tf")
    assert all(block.file == "b.tf" for block in again.blocks)


BAD = {
    "not msgpack": b"\xc1\xc1",
    "truncated": msgpack.packb([-13, [], []])[:-1],
    "a map": msgpack.packb({"a": 1}),
    "an extension": msgpack.packb(msgpack.ExtType(5, b"x")),
    "unknown tag": msgpack.packb([-99, 1]),
    "wrong arity": msgpack.packb([-1, "v", 1]),
    "literal of a list": msgpack.packb([-13, [[-12, "locals", [], [[-11, "x", [-1, [1], 1, 1],
                                                                     1, 1]], [], 1, 1, 1]], []]),
    "string line": msgpack.packb([-1, "v", "1", 1]),
    "attribute holding a block": msgpack.packb(
        [-13, [[-12, "a", [], [[-11, "x", [-12, "b", [], [], [], 1, 1, 1], 1, 1]], [], 1, 1, 1]],
         []]),
    "a bare expression": msgpack.packb([-1, "v", 1, 1]),
    "bad ignore": msgpack.packb([-13, [], [["1", "BF001"]]]),
}


@pytest.mark.parametrize("name", sorted(BAD), ids=str)
def test_what_is_not_a_tree_is_refused(name: str) -> None:
    with pytest.raises(codec.CodecError):
        codec.decode(BAD[name], "x.tf")


def test_a_tree_too_deep_for_msgpack_is_not_encoded() -> None:
    terms = " + ".join(["1"] * 1000)
    source = parse_text(f"locals {{\n  x = {terms}\n}}\n", "long.tf")
    assert codec.encode(source) is None
