"""python-hcl2 (the generator's parse-back contract) and the front end read every golden and
fixture file alike: the same blocks in the same order, the same attributes, the same literal
values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from batchform import hcl, roundtrip
from batchform.hcl.parser import parse_text
from batchform.hcl.syntax import Block, Expr, Literal, ObjectExpr, Operation, Template, TupleExpr

TESTS = Path(__file__).parent
REPO = TESTS.parent
FILES = sorted(
    {*TESTS.glob("golden/*/expected/**/*.tf"), *TESTS.glob("lint/**/*.tf"),
     *(REPO / "modules").glob("**/*.tf")}
)
NOT_LITERAL = object()


def literal(expr: Expr) -> Any:
    """An expression's value when it is literal, else NOT_LITERAL."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Operation) and expr.op == "-" and len(expr.operands) == 1:
        value = literal(expr.operands[0])  # python-hcl2 folds a negative number literal
        return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else NOT_LITERAL
    if isinstance(expr, Template):
        if all(isinstance(part, str) for part in expr.parts):
            return "".join(part for part in expr.parts if isinstance(part, str))
        return NOT_LITERAL
    if isinstance(expr, TupleExpr):
        items = [literal(item) for item in expr.items]
        return NOT_LITERAL if any(item is NOT_LITERAL for item in items) else items
    if isinstance(expr, ObjectExpr):
        pairs = [(literal(key), literal(value)) for key, value in expr.items]
        if any(NOT_LITERAL in pair for pair in pairs):
            return NOT_LITERAL
        return dict(pairs)
    return NOT_LITERAL


def hcl2_literal(raw: Any) -> Any:
    """A python-hcl2 value when it is literal, else NOT_LITERAL."""
    if isinstance(raw, str):
        if raw.startswith('"') and raw.endswith('"') and hcl.is_literal(raw):
            text = hcl.unquote(raw)
            return heredoc_body(text) if text.startswith("<<") else text
        return {"true": True, "false": False, "null": None}.get(raw, NOT_LITERAL)
    if isinstance(raw, (bool, int, float)) or raw is None:
        return raw
    if isinstance(raw, list):
        items = [hcl2_literal(item) for item in raw]
        return NOT_LITERAL if any(item is NOT_LITERAL for item in items) else items
    if isinstance(raw, dict):
        items = {hcl2_key(key): hcl2_literal(value) for key, value in raw.items()
                 if not key.startswith("__")}
        return NOT_LITERAL if NOT_LITERAL in items.values() else items
    return NOT_LITERAL


def heredoc_body(text: str) -> str:
    """The text a heredoc stands for, from python-hcl2's `<<ID ... ID` rendering of it."""
    lines = text.split("\n")
    body = lines[1:-1]
    if lines[0].startswith("<<-"):
        indent = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
        body = [line[indent:] for line in body]
    return "".join(f"{line}\n" for line in body)


def hcl2_key(key: str) -> str:
    return hcl.unquote(key) if key.startswith('"') else key


Nested = list[tuple[str, tuple[str, ...], dict[str, Any]]]


def labelled(item: Any) -> list[tuple[tuple[str, ...], dict[str, Any]]] | None:
    """The (labels, body) pairs a python-hcl2 block entry holds, None when it is no block."""
    if not isinstance(item, dict):
        return None
    if item.get("__is_block__"):
        return [((), item)]
    found = []
    for label, inner in item.items():
        deeper = labelled(inner)
        if deeper is None:
            return None
        found.extend(((hcl2_key(label), *labels), body) for labels, body in deeper)
    return found or None


def hcl2_body(body: dict[str, Any]) -> tuple[dict[str, Any], Nested]:
    """(attributes, nested blocks in order) of a python-hcl2 block body."""
    attributes: dict[str, Any] = {}
    blocks: Nested = []
    for key, value in body.items():
        if key.startswith("__"):
            continue
        entries = [labelled(item) for item in value] if isinstance(value, list) and value else []
        if entries and all(entry is not None for entry in entries):
            blocks.extend((key, labels, inner) for entry in entries if entry
                          for labels, inner in entry)
        else:
            attributes[key] = value
    return attributes, blocks


def compare(ours: Block, body: dict[str, Any], where: str) -> None:
    attributes, blocks = hcl2_body(body)
    assert sorted(ours.attributes) == sorted(attributes), where
    for name, attribute in ours.attributes.items():
        mine, theirs = literal(attribute.expr), hcl2_literal(attributes[name])
        if mine is not NOT_LITERAL or theirs is not NOT_LITERAL:
            assert mine == theirs, f"{where}.{name} (line {attribute.line})"
    assert [(block.type, block.labels) for block in ours.blocks] == [
        (kind, labels) for kind, labels, _ in blocks
    ], where
    for child, (kind, _, child_body) in zip(ours.blocks, blocks, strict=True):
        compare(child, child_body, f"{where}.{kind}")


def top_level(parsed: dict[str, Any]) -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
    found = []
    for kind, entries in parsed.items():
        for entry in entries:
            if entry.get("__is_block__"):
                found.append((kind, (), entry))
                continue
            found.extend((kind, labels, body) for labels, body in roundtrip.blocks({kind: [entry]}, kind))
    return found


def test_there_are_files_to_compare() -> None:
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_python_hcl2_and_the_front_end_agree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = parse_text(text, path.name)
    theirs = top_level(roundtrip.parse(path.name, text))
    key = lambda item: (item[0], item[1])  # noqa: E731
    assert sorted((b.type, b.labels) for b in ours.blocks) == sorted(key(t) for t in theirs)
    bodies = {key(item): item[2] for item in theirs}
    for block in ours.blocks:
        compare(block, bodies[(block.type, block.labels)], f"{block.type}{list(block.labels)}")
