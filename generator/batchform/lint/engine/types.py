"""Variable values converted to their declared `type`, as Terraform converts them: attributes an
object type declares `optional()` are filled in (null, or their default), attributes it does not
declare are dropped, numbers and bools are read from strings and strings from them. Whatever is
unknown stays unknown where it is; a value that does not convert is left as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from batchform.hcl.syntax import Call, Expr, Literal, ObjectExpr, Template, Traversal, TupleExpr
from batchform.lint.engine.operations import to_text
from batchform.lint.model.values import Unknown

Evaluate = Callable[[Expr], Any]
_PRIMITIVES = ("string", "number", "bool")


def conform(value: Any, type_expr: Expr | None, evaluate: Evaluate) -> Any:
    """`value` as a variable of type `type_expr` holds it (`evaluate` computes optional()
    defaults)."""
    if type_expr is None or value is None or isinstance(value, Unknown):
        return value
    if isinstance(type_expr, Traversal) and not type_expr.steps:
        return _primitive(value, type_expr.root)
    if not isinstance(type_expr, Call) or not type_expr.args:
        return value
    kind, argument = type_expr.name, type_expr.args[0]
    if kind in ("list", "set") and isinstance(value, list):
        return [conform(item, argument, evaluate) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: conform(item, argument, evaluate) for key, item in value.items()}
    if kind == "tuple" and isinstance(value, list) and isinstance(argument, TupleExpr):
        return [
            conform(item, element, evaluate)
            for item, element in zip(value, argument.items, strict=False)
        ] + value[len(argument.items) :]
    if kind == "object" and isinstance(value, dict) and isinstance(argument, ObjectExpr):
        return _object(value, argument, evaluate)
    return value


def _object(value: dict[str, Any], declared: ObjectExpr, evaluate: Evaluate) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_expr, attribute_type in declared.items:
        key = _key(key_expr)
        if key is None:
            return value  # an attribute name that is not a plain word: leave the value be
        inner, optional, default = _optional(attribute_type)
        if key in value:
            result[key] = conform(value[key], inner, evaluate)
        elif optional:
            result[key] = None if default is None else conform(evaluate(default), inner, evaluate)
    return result


def _optional(attribute_type: Expr) -> tuple[Expr, bool, Expr | None]:
    """An object attribute's type, whether it is optional(), and its default."""
    if isinstance(attribute_type, Call) and attribute_type.name == "optional":
        args = attribute_type.args
        if args:
            return args[0], True, args[1] if len(args) > 1 else None
    return attribute_type, False, None


def _key(expr: Expr) -> str | None:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Traversal) and not expr.steps:
        return expr.root
    if isinstance(expr, Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        return expr.parts[0]
    return None


def _primitive(value: Any, kind: str) -> Any:
    if kind not in _PRIMITIVES or isinstance(value, (list, dict)):
        return value
    if kind == "string" and isinstance(value, (bool, int, float)):
        return to_text(value)
    if kind == "bool" and value in ("true", "false"):
        return value == "true"
    if kind == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value
