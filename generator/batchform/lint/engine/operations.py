"""Terraform's operators and conversions on evaluated values (no references involved)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from batchform.lint.model.values import (
    UNKNOWN,
    EncodedJson,
    Partial,
    ResourceRef,
    Unknown,
    is_known,
)


class Failed(Unknown):
    """What Terraform could not evaluate at all: an attribute or key a known object lacks, an
    index past a known list's end, an attribute of null. Unknown to the rules; try() passes
    over it and can() is false for it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Failed"


FAILED = Failed()


class BlockValue(dict[str, Any]):
    """A nested block read as an object: an attribute it does not write is one the provider
    computes (unknown), not a missing one."""


def failed(value: Any) -> bool:
    """True when evaluating the value failed somewhere inside it."""
    if isinstance(value, Failed):
        return True
    if isinstance(value, list):
        return any(failed(item) for item in value)
    if isinstance(value, dict):
        return any(failed(item) for item in value.values())
    return False

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def operate(op: str, values: list[Any]) -> Any:
    """A unary or binary operation on evaluated operands; unknown where Terraform's result
    would depend on what is not known."""
    if len(values) == 1:
        return _unary(op, values[0])
    left, right = values
    if op in ("&&", "||"):
        return _logical(op, left, right)
    if op in ("==", "!=") and (left is None) != (right is None):
        # A value whose shape is known (an object, a list, a string) is not null, whatever
        # unknowns it holds: `each.value.x != null` is decided.
        other = right if left is None else left
        if _not_null(other):
            return op == "!="
    if not is_known(left) or not is_known(right):
        return UNKNOWN
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    return _arithmetic(op, left, right)


def _not_null(value: Any) -> bool:
    if isinstance(value, (Partial, EncodedJson, ResourceRef)):
        return True
    return not isinstance(value, Unknown) and value is not None


def _unary(op: str, value: Any) -> Any:
    if op == "!" and isinstance(value, bool):
        return not value
    if op == "-" and _is_number(value):
        return -value
    return UNKNOWN


def _logical(op: str, left: Any, right: Any) -> Any:
    """`&&` and `||`: one known operand can decide the result on its own."""
    decisive = op == "||"  # True decides ||, False decides &&
    if left is decisive or right is decisive:
        return decisive
    both = left is (not decisive) and right is (not decisive)
    return (not decisive) if both else UNKNOWN


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    """Arithmetic and comparisons; numeric strings convert to numbers, as Terraform does."""
    a, b = (
        float(item) if isinstance(item, str) and _numeric(item) else item for item in (left, right)
    )
    operation = _ARITHMETIC.get(op)
    if operation is None or not _is_number(a) or not _is_number(b):
        return UNKNOWN
    try:
        result = operation(a, b)
    except ZeroDivisionError:
        return UNKNOWN
    if isinstance(result, float) and result.is_integer() and op != "/":
        return int(result)
    return result


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_text(value: Any) -> str:
    """A known primitive as Terraform converts it to a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def iteration(collection: Any, as_set_keys: bool = False) -> list[tuple[Any, Any]] | None:
    """(key, value) pairs of a known map or list, as for_each and for expressions see them;
    None when the collection is not known. `as_set_keys`: a list is a set of string keys."""
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    if isinstance(collection, list):
        if as_set_keys:
            if not all(isinstance(item, str) for item in collection):
                return None
            return [(item, item) for item in collection]
        return list(enumerate(collection))
    return None
