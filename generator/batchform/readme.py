"""READMEs of the generated stack: usage for the root, inputs and outputs tables per module,
read from the modules' own variables.tf and outputs.tf through the front end."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from batchform import hcl
from batchform.cache import open_cache
from batchform.diagram import fits_renderers, stack_diagram
from batchform.errors import RoundTripError
from batchform.hcl.syntax import (
    Block,
    Expr,
    Literal,
    ObjectExpr,
    SourceFile,
    Template,
    TupleExpr,
    expression_text,
)
from batchform.render import MODULES, Stack, render_template


def render_readmes(stack: Stack, files: Mapping[str, str]) -> dict[str, str]:
    """The root README and one README per module, tables derived from the modules' files
    ({path: text}, as rendered)."""
    from batchform.hcl.loader import parse_sources

    wanted = {
        path: files[path]
        for module in MODULES
        for path in (f"modules/{module}/variables.tf", f"modules/{module}/outputs.tf")
    }
    parsed = parse_sources(wanted, open_cache())
    for path, error in parsed.errors.items():
        raise RoundTripError(path, f"the front end cannot read the generated text: {error}",
                             error.line)
    diagram = stack_diagram(stack)
    readmes = {"README.md": render_template(
        "root/README.md.j2", stack=stack, diagram=diagram, diagram_fits=fits_renderers(diagram),
    )}
    for module in MODULES:
        variables = _blocks(parsed.sources[f"modules/{module}/variables.tf"], "variable")
        outputs = _blocks(parsed.sources[f"modules/{module}/outputs.tf"], "output")
        inputs = [
            {
                "name": block.labels[0],
                "description": _text(block, "description"),
                "type": expression_text(block.attributes["type"].expr),
                "default": _default(block.attributes["default"].expr)
                if "default" in block.attributes else None,
                "required": "default" not in block.attributes,
            }
            for block in variables
        ]
        rows = [{"name": block.labels[0], "description": _text(block, "description")}
                for block in outputs]
        readmes[f"modules/{module}/README.md"] = render_template(
            "modules/README.md.j2", stack=stack, module=module, inputs=inputs, outputs=rows
        )
    return readmes


def _blocks(source: SourceFile, kind: str) -> list[Block]:
    return [block for block in source.blocks if block.type == kind and block.labels]


def _text(block: Block, name: str) -> str:
    value = _literal(block.attributes[name].expr)
    if not isinstance(value, str):
        raise RoundTripError(block.file, f"{block.type} {block.labels[0]!r}: {name} is not a "
                             "plain string", block.line)
    return value


_NOT_LITERAL = object()


def _literal(expr: Expr) -> Any:
    """An expression's value when it is written as a literal, else _NOT_LITERAL."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Template) and not expr.directive:
        if all(isinstance(part, str) for part in expr.parts):
            return "".join(part for part in expr.parts if isinstance(part, str))
    if isinstance(expr, TupleExpr):
        items = [_literal(item) for item in expr.items]
        return _NOT_LITERAL if _NOT_LITERAL in items else items
    if isinstance(expr, ObjectExpr):
        keys = [_literal(key) for key, _ in expr.items]
        values = [_literal(value) for _, value in expr.items]
        if not all(isinstance(key, str) for key in keys) or _NOT_LITERAL in values:
            return _NOT_LITERAL
        return dict(zip(keys, values, strict=True))
    return _NOT_LITERAL


def _default(expr: Expr) -> str:
    value = _literal(expr)
    if value is _NOT_LITERAL:
        return expression_text(expr)
    if value is None:
        return "null"
    if isinstance(value, str):
        return hcl.quote(value)
    return json.dumps(value)
