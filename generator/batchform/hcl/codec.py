"""Syntax trees as compact bytes for the cache: msgpack arrays tagged by class, checked on read.

Every node is an array whose first item is a negative tag; msgpack's C decoder hands each array
to `_build` innermost first, which checks the fields' types and builds the node, so a decoded
tree is exactly what the parser could have built, or a CodecError. The cyclic garbage collector
is paused while a tree is built: it would otherwise walk the young objects again and again.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from batchform.hcl.syntax import (
    Attribute,
    Block,
    Call,
    Conditional,
    ForExpr,
    Literal,
    ObjectExpr,
    Operation,
    SourceFile,
    Step,
    Template,
    Traversal,
    TupleExpr,
)

# Bump when the tree classes or this encoding change.
FORMAT = "1"
_EXPR = (Literal, Template, TupleExpr, ObjectExpr, Traversal, Call, Operation, Conditional,
         ForExpr)
_SCALAR = (str, int, float, bool, type(None))
Loaded = TypeVar("Loaded")
# Switched off only to measure what pausing (and freezing) the collector saves.
PAUSE_GC = True


class CodecError(ValueError):
    """Bytes that are not a syntax tree of this format."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (syntax trees hold no cycles)."""
    was_enabled = gc.isenabled()
    if PAUSE_GC:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def trees_frozen(load: Callable[[], Loaded]) -> Iterator[Loaded]:
    """`load()` run without collections, what it built then frozen (left out of every
    collection) while the block runs: the rules' own allocations trigger collections, which
    would otherwise walk every node of every tree again. Syntax trees hold no cycles."""
    was_enabled = gc.isenabled()
    if PAUSE_GC:
        gc.disable()
    try:
        loaded = load()
        if PAUSE_GC:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
    try:
        yield loaded
    finally:
        if PAUSE_GC:
            gc.unfreeze()


def encode(source: SourceFile) -> bytes | None:
    """The tree as bytes; None for a tree nested too deep for msgpack (it is not cached)."""
    import msgpack  # type: ignore[import-untyped]

    try:
        data: bytes = msgpack.packb(_file(source), use_bin_type=True)
    except (ValueError, RecursionError):
        return None
    return data


def decode(payload: bytes, path: str) -> SourceFile:
    """The tree in `payload`, labelled with `path`; CodecError when it is not a valid tree."""
    import msgpack

    try:
        source = msgpack.unpackb(payload, list_hook=_build, object_hook=_no_maps,
                                 ext_hook=_no_ext, raw=False, strict_map_key=True)
    except CodecError:
        raise
    except Exception as error:  # msgpack raises several classes for truncated or foreign data
        raise CodecError(str(error)) from None
    if not isinstance(source, SourceFile):
        raise CodecError("not a syntax tree")
    source.path = path
    stack = list(source.blocks)
    while stack:
        block = stack.pop()
        block.file = path
        stack.extend(block.blocks)
    return source


def _no_maps(_: object) -> object:
    raise CodecError("unexpected map")


def _no_ext(code: int, _: bytes) -> object:
    raise CodecError(f"unexpected extension type {code}")


# -- encoding -------------------------------------------------------------------------------


def _file(source: SourceFile) -> list[Any]:
    return [-13, [_block(block) for block in source.blocks], [list(item) for item in source.ignores]]


def _block(block: Block) -> list[Any]:
    return [-12, block.type, list(block.labels),
            [[-11, item.name, _expr(item.expr), item.line, item.column]
             for item in block.attributes.values()],
            [_block(child) for child in block.blocks], block.line, block.end_line, block.column]


def _step(step: Step) -> list[Any]:
    index = _expr(step.index) if step.index is not None else None
    return [-5, step.kind, step.name, index, step.line, step.column]


def _expr(expr: Any) -> list[Any]:
    return _ENCODERS[type(expr)](expr)


def _optional(expr: Any) -> Any:
    return None if expr is None else _expr(expr)


_ENCODERS: dict[type, Callable[[Any], list[Any]]] = {
    Literal: lambda e: [-1, e.value, e.line, e.column],
    Template: lambda e: [-2, [p if isinstance(p, str) else _expr(p) for p in e.parts], e.line,
                         e.heredoc, e.directive, e.column],
    TupleExpr: lambda e: [-3, [_expr(item) for item in e.items], e.line, e.column],
    ObjectExpr: lambda e: [-4, [[_expr(k), _expr(v)] for k, v in e.items], e.line, e.column],
    Traversal: lambda e: [-6, e.root, [_step(step) for step in e.steps], e.line,
                          _optional(e.source), e.column],
    Call: lambda e: [-7, e.name, [_expr(arg) for arg in e.args], e.line, e.expand, e.column],
    Operation: lambda e: [-8, e.op, [_expr(item) for item in e.operands], e.line, e.column],
    Conditional: lambda e: [-9, _expr(e.condition), _expr(e.if_true), _expr(e.if_false),
                            e.line, e.column],
    ForExpr: lambda e: [-10, e.key_var, e.value_var, _expr(e.collection), _optional(e.key),
                        _expr(e.value), _optional(e.condition), e.grouping, e.line, e.column],
}


# -- decoding -------------------------------------------------------------------------------


def _build(items: list[Any]) -> Any:
    if items and type(items[0]) is int and items[0] < 0:
        builder = _BUILDERS.get(items[0])
        if builder is None:
            raise CodecError(f"unknown tag {items[0]}")
        try:
            return builder(items)
        except (ValueError, TypeError) as error:
            raise CodecError(f"malformed node {items[0]}: {error}") from None
    return tuple(items)


def _check(condition: bool) -> None:
    if not condition:
        raise CodecError("field of the wrong type")


_EXPR_TYPES = frozenset(_EXPR)
_PART_TYPES = frozenset((str, *_EXPR))


def _ints(*values: Any) -> bool:
    return set(map(type, values)) <= {int}


def _exprs(values: Any) -> bool:
    # Types checked by set inclusion: the loop runs in C, not once per item in Python.
    return type(values) is tuple and set(map(type, values)) <= _EXPR_TYPES


def _maybe(value: Any) -> bool:
    return value is None or type(value) in _EXPR_TYPES


def _literal(items: list[Any]) -> Literal:
    _, value, line, column = items
    _check(isinstance(value, _SCALAR) and _ints(line, column))
    return Literal(value, line, column)


def _template(items: list[Any]) -> Template:
    _, parts, line, heredoc, directive, column = items
    _check(type(parts) is tuple and set(map(type, parts)) <= _PART_TYPES)
    _check(_ints(line, column) and type(heredoc) is bool and type(directive) is bool)
    return Template(parts, line, heredoc, directive, column)


def _tuple(items: list[Any]) -> TupleExpr:
    _, values, line, column = items
    _check(_exprs(values) and _ints(line, column))
    return TupleExpr(values, line, column)


def _object(items: list[Any]) -> ObjectExpr:
    _, pairs, line, column = items
    _check(type(pairs) is tuple and all(len(pair) == 2 and _exprs(pair) for pair in pairs))
    _check(_ints(line, column))
    return ObjectExpr(pairs, line, column)


def _step_of(items: list[Any]) -> Step:
    _, kind, name, index, line, column = items
    _check(kind in ("attr", "index", "splat") and type(name) is str and _maybe(index))
    _check(_ints(line, column))
    return Step(kind, name, index, line, column)


def _traversal(items: list[Any]) -> Traversal:
    _, root, steps, line, source, column = items
    _check(type(root) is str and type(steps) is tuple and _maybe(source) and _ints(line, column))
    _check(set(map(type, steps)) <= {Step})
    return Traversal(root, steps, line, source, column)


def _call(items: list[Any]) -> Call:
    _, name, args, line, expand, column = items
    _check(type(name) is str and _exprs(args) and _ints(line, column) and type(expand) is bool)
    return Call(name, args, line, expand, column)


def _operation(items: list[Any]) -> Operation:
    _, op, operands, line, column = items
    _check(type(op) is str and _exprs(operands) and 1 <= len(operands) <= 2)
    _check(_ints(line, column))
    return Operation(op, operands, line, column)


def _conditional(items: list[Any]) -> Conditional:
    _, condition, if_true, if_false, line, column = items
    _check(_exprs((condition, if_true, if_false)) and _ints(line, column))
    return Conditional(condition, if_true, if_false, line, column)


def _for(items: list[Any]) -> ForExpr:
    _, key_var, value_var, collection, key, value, condition, grouping, line, column = items
    _check(key_var is None or type(key_var) is str)
    _check(type(value_var) is str and _exprs((collection, value)) and _maybe(key))
    _check(_maybe(condition) and type(grouping) is bool and _ints(line, column))
    return ForExpr(key_var, value_var, collection, key, value, condition, grouping, line,
                   column=column)


def _attribute(items: list[Any]) -> Attribute:
    _, name, expr, line, column = items
    _check(type(name) is str and type(expr) in _EXPR_TYPES and _ints(line, column))
    return Attribute(name, expr, line, column)


def _block_of(items: list[Any]) -> Block:
    _, kind, labels, attributes, blocks, line, end_line, column = items
    _check(type(kind) is str and type(labels) is tuple and set(map(type, labels)) <= {str})
    _check(type(attributes) is tuple and set(map(type, attributes)) <= {Attribute})
    _check(type(blocks) is tuple and set(map(type, blocks)) <= {Block})
    _check(_ints(line, end_line, column))
    return Block(kind, labels, {a.name: a for a in attributes}, list(blocks), line, end_line,
                 column=column)


def _source(items: list[Any]) -> SourceFile:
    _, blocks, ignores = items
    _check(type(blocks) is tuple and all(type(b) is Block for b in blocks))
    _check(type(ignores) is tuple and all(
        type(item) is tuple and len(item) == 2 and type(item[0]) is int and type(item[1]) is str
        for item in ignores))
    return SourceFile("", list(blocks), list(ignores))


_BUILDERS: dict[int, Callable[[list[Any]], Any]] = {
    -1: _literal,
    -2: _template,
    -3: _tuple,
    -4: _object,
    -5: _step_of,
    -6: _traversal,
    -7: _call,
    -8: _operation,
    -9: _conditional,
    -10: _for,
    -11: _attribute,
    -12: _block_of,
    -13: _source,
}
