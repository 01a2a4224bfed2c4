"""Check resource and data blocks against the AWS provider schema snapshot."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from batchform.hcl.syntax import Block
from batchform.lint.values import EncodedJson, Partial, ResourceRef, Unknown

if TYPE_CHECKING:
    from batchform import schema
    from batchform.lint.resolver import BlockView

_META_ARGUMENTS = {"count", "for_each", "provider", "depends_on"}
_META_BLOCKS = {"lifecycle", "provisioner", "connection", "dynamic"}


@dataclass(frozen=True)
class SchemaProblem:
    """One mismatch: kind is unknown, missing, too_many, computed or type."""

    kind: str
    line: int
    message: str


def check_block(block: Block, type_schema: schema.Block, path: str = "") -> list[SchemaProblem]:
    """Every schema problem inside one configuration block (nested blocks included)."""
    problems: list[SchemaProblem] = []
    top = not path
    for name, attribute in block.attributes.items():
        if top and name in _META_ARGUMENTS:
            continue
        spec = type_schema.attribute(name)
        where = f"{path}{name}"
        if spec is None:
            if type_schema.block_type(name) is not None:
                problems.append(
                    SchemaProblem(
                        "unknown", attribute.line, f"`{where}` is a block; write `{name} {{ ... }}`"
                    )
                )
                continue
            problems.append(
                SchemaProblem(
                    "unknown",
                    attribute.line,
                    f"unknown argument `{where}`{_suggest(name, type_schema)}",
                )
            )
        elif spec.computed_only:
            problems.append(
                SchemaProblem(
                    "computed",
                    attribute.line,
                    f"`{where}` is set by the provider and cannot be configured",
                )
            )
    counts: dict[str, int] = {}
    dynamic_types: set[str] = set()
    for child in block.blocks:
        if child.type == "dynamic" and child.labels:
            dynamic_types.add(child.labels[0])
            nested_type = type_schema.block_type(child.labels[0])
            content = child.first("content")
            if nested_type is None and _object_list(type_schema, child.labels[0]):
                continue
            if nested_type is None:
                problems.append(
                    SchemaProblem(
                        "unknown",
                        child.line,
                        f"unknown block `{path}{child.labels[0]}`{_suggest(child.labels[0], type_schema)}",
                    )
                )
            elif content is not None:
                problems.extend(
                    check_block(content, nested_type.block, f"{path}{child.labels[0]}.")
                )
            continue
        if top and child.type in _META_BLOCKS:
            continue
        nested_type = type_schema.block_type(child.type)
        if nested_type is None and _object_list(type_schema, child.type):
            # Attributes of object lists (aws_security_group ingress/egress) take block syntax.
            continue
        if nested_type is None:
            hint = (
                f"; `{child.type}` is an argument: write `{child.type} = ...`"
                if type_schema.attribute(child.type) is not None
                else _suggest(child.type, type_schema)
            )
            problems.append(
                SchemaProblem("unknown", child.line, f"unknown block `{path}{child.type}`{hint}")
            )
            continue
        counts[child.type] = counts.get(child.type, 0) + 1
        if counts[child.type] == 2 and nested_type.max_one:
            problems.append(
                SchemaProblem(
                    "too_many", child.line, f"block `{path}{child.type}` may appear at most once"
                )
            )
        elif nested_type.max_items > 1 and counts[child.type] == nested_type.max_items + 1:
            problems.append(
                SchemaProblem(
                    "too_many",
                    child.line,
                    f"block `{path}{child.type}` may appear at most {nested_type.max_items} times",
                )
            )
        problems.extend(check_block(child, nested_type.block, f"{path}{child.type}."))
    for name in type_schema.required_attributes():
        if name not in block.attributes:
            problems.append(
                SchemaProblem("missing", block.line, f"missing required argument `{path}{name}`")
            )
    for name, nested_type in type_schema.block_types.items():
        if (
            nested_type.min_items > 0
            and name not in dynamic_types
            and counts.get(name, 0) < nested_type.min_items
        ):
            problems.append(
                SchemaProblem("missing", block.line, f"missing required block `{path}{name}`")
            )
    return problems


def _object_list(type_schema: schema.Block, name: str) -> bool:
    attribute = type_schema.attribute(name)
    kind = attribute.type if attribute is not None else None
    return (
        isinstance(kind, list)
        and len(kind) == 2
        and kind[0] in ("list", "set")
        and isinstance(kind[1], list)
        and kind[1][:1] == ["object"]
    )


# Arguments AWS provider v6 renamed or removed, with what replaced them.
_RENAMED = {
    "compute_environment_name": "name",
    "compute_environment_name_prefix": "name_prefix",
    "compute_environments": "compute_environment_order",
}


def _suggest(name: str, type_schema: schema.Block) -> str:
    if name in _RENAMED and _RENAMED[name] in type_schema.names():
        return f"; renamed to `{_RENAMED[name]}` in AWS provider v6"
    close = difflib.get_close_matches(name, sorted(type_schema.names()), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def type_problems(
    view: BlockView, type_schema: schema.Block, path: str = ""
) -> list[SchemaProblem]:
    """Attribute values whose known type the schema's type cannot take (Terraform's
    conversions allowed: numbers and bools to strings, numeric strings to numbers, ...)."""
    problems: list[SchemaProblem] = []
    top = not path
    for name, attribute in view.block.attributes.items():
        if top and name in _META_ARGUMENTS:
            continue
        spec = type_schema.attribute(name)
        if spec is None or spec.computed_only:
            continue
        reason = mismatch(view.get(name), spec.type)
        if reason is not None:
            problems.append(
                SchemaProblem("type", attribute.line, f"`{path}{name}` expects {reason}")
            )
    for name, nested_type in type_schema.block_types.items():
        views, _ = view.nested(name)
        for nested in views:
            problems.extend(type_problems(nested, nested_type.block, f"{path}{name}."))
    return problems


def mismatch(value: Any, cty: Any) -> str | None:
    """Why a value cannot convert to a cty type ("<type>, got <what>"), None when it can or
    when that is not known."""
    if value is None or cty == "dynamic":
        return None
    if isinstance(value, ResourceRef):
        if isinstance(cty, list) and cty[0] in ("object", "map"):
            return None
        return f"{describe(cty)}, got the whole resource {value.instance.address} (add .id or .arn)"
    if isinstance(value, (Partial, EncodedJson)):
        value = "string"
    elif isinstance(value, Unknown):
        return None
    kind = cty if isinstance(cty, str) else cty[0]
    if kind == "string":
        if isinstance(value, (list, dict)):
            return f"a string, got {_shape(value)}"
        return None
    if kind == "number":
        if isinstance(value, (bool, list, dict)):
            return f"a number, got {_shape(value)}"
        if isinstance(value, str) and not _numeric(value):
            return f"a number, got the string {value!r}"
        return None
    if kind == "bool":
        if isinstance(value, (list, dict)) or (
            isinstance(value, str) and value not in ("true", "false")
        ):
            return f"true or false, got {_shape(value)}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"true or false, got the number {value}"
        return None
    if kind in ("list", "set", "tuple"):
        if not isinstance(value, list):
            return f"{describe(cty)}, got {_shape(value)}"
        element_types = cty[1] if kind == "tuple" else [cty[1]] * len(value)
        for position, (item, element) in enumerate(zip(value, element_types, strict=False)):
            reason = mismatch(item, element)
            if reason is not None:
                return f"{describe(cty)}; item {position}: {reason}"
        return None
    if kind in ("map", "object"):
        if not isinstance(value, dict):
            return f"{describe(cty)}, got {_shape(value)}"
        for key, item in value.items():
            element = cty[1] if kind == "map" else cty[1].get(key)
            if element is None:
                continue
            reason = mismatch(item, element)
            if reason is not None:
                return f"{describe(cty)}; key {key!r}: {reason}"
        return None
    return None


def describe(cty: Any) -> str:
    """A cty type in words: "list of string", "map of number"."""
    if isinstance(cty, str):
        return {"string": "a string", "number": "a number", "bool": "true or false"}.get(cty, cty)
    kind = cty[0]
    if kind in ("list", "set", "map"):
        inner = cty[1] if isinstance(cty[1], str) else cty[1][0]
        return f"a {kind} of {inner}"
    return f"an {kind}" if kind == "object" else f"a {kind}"


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"the number {value}"


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
