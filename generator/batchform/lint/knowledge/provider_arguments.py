"""Which arguments and blocks the AWS provider accepts, checked against its schema snapshot."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from batchform.aws.upgrades import REMOVED_TYPE_ATTRIBUTES, Removal, removal
from batchform.lint.model import Body, Configuration, ResourceInstance, WrittenBlock
from batchform.lint.model.values import AttrRef, EncodedJson, Partial, ResourceRef, Unknown
from batchform.lint.model.versions import ProviderVersions

if TYPE_CHECKING:
    from batchform import schema

_META_ARGUMENTS = {"count", "for_each", "provider", "depends_on"}
_META_BLOCKS = {"lifecycle", "provisioner", "connection", "dynamic"}


@dataclass(frozen=True)
class SchemaProblem:
    """One mismatch: kind is unknown, missing, too_many, computed or type; `name` is the dotted
    path of an unknown argument or block."""

    kind: str
    line: int
    message: str
    name: str = ""


# Arguments a Batch rule reports with more to say than "unknown": left out of the schema rules.
_REPORTED_BY_RULES = {("resource", "aws_batch_job_queue", "compute_environments")}


def problems(configuration: Configuration) -> list[tuple[ResourceInstance, SchemaProblem]]:
    """Every argument and block problem of every resource and data source block of a known
    type (worked out once per configuration; each rule reports one kind)."""

    def collect() -> list[tuple[ResourceInstance, SchemaProblem]]:
        from batchform.schema import load_provider_schema

        provider = load_provider_schema()
        versions = configuration.aws_provider
        found = []
        for mode, lookup in (("resource", provider.resource), ("data", provider.data_source)):
            for instance in configuration.declared(None, mode):
                type_schema = lookup(instance.type)
                if type_schema is not None:
                    for problem in check_block(instance, type_schema.block):
                        judged = _for_version(mode, instance.type, problem, versions, type_schema)
                        if judged is not None:
                            found.append((instance, judged))
        return found

    return configuration.derived("provider_arguments.problems", collect)


def _for_version(
    mode: str,
    resource_type: str,
    problem: SchemaProblem,
    versions: ProviderVersions,
    type_schema: schema.TypeSchema,
) -> SchemaProblem | None:
    """The problem as the selected provider versions see it: None for an unknown argument
    another rule reports, or one every selected version still has (the schema is of a later
    major, which removed it); an argument removed in a selected version says so."""
    if problem.kind != "unknown" or not problem.name:
        return problem
    if (mode, resource_type, problem.name) in _REPORTED_BY_RULES:
        return None
    block, _, argument = problem.name.rpartition(".")
    removed = removal(mode, resource_type, argument, block)
    if removed is None:
        return problem
    if versions.rules_out(removed.major):
        return None
    what = problem.message.split(";", 1)[0]
    if not block and removed.replacement in type_schema.block.names():
        hint = f"renamed to `{removed.replacement}` in AWS provider v{removed.major}"
    elif removed.replacement is not None:
        hint = f"removed in AWS provider v{removed.major}; use `{removed.replacement}`"
    else:
        hint = f"removed in AWS provider v{removed.major}"
    return SchemaProblem(problem.kind, problem.line, f"{what}; {hint}", problem.name)


def removed_argument(
    configuration: Configuration, instance: ResourceInstance, argument: str
) -> Removal | None:
    """How the provider removed an argument of an instance, when the configuration may be
    planned with a version that no longer has it; None when it never removed it or every
    version the configuration admits still has it."""
    removed = removal(instance.mode, instance.type, argument)
    if removed is None or configuration.aws_provider.rules_out(removed.major):
        return None
    return removed


def check_block(body: Body, type_schema: schema.Block, path: str = "") -> list[SchemaProblem]:
    """Every schema problem inside one configuration block (nested blocks included)."""
    found = _argument_problems(body, type_schema, path)
    counts: dict[str, int] = {}
    dynamic_types: set[str] = set()
    for written in body.blocks():
        if written.dynamic:
            dynamic_types.add(written.type)
            found += _dynamic_problems(written, type_schema, path)
        elif not (not path and written.type in _META_BLOCKS):
            counts[written.type] = counts.get(written.type, 0) + 1
            found += _nested_problems(written, counts[written.type], type_schema, path)
    return found + _missing(body, type_schema, path, counts, dynamic_types)


def _argument_problems(body: Body, type_schema: schema.Block, path: str) -> list[SchemaProblem]:
    """Arguments the schema does not have (or has as blocks), and computed-only ones."""
    found = []
    for argument in body.arguments():
        name = argument.name
        if not path and name in _META_ARGUMENTS:
            continue
        spec = type_schema.attribute(name)
        where = f"{path}{name}"
        if spec is None and type_schema.block_type(name) is not None:
            message = f"`{where}` is a block; write `{name} {{ ... }}`"
            found.append(SchemaProblem("unknown", argument.line, message, where))
        elif spec is None:
            message = f"unknown argument `{where}`{_suggest(name, type_schema)}"
            found.append(SchemaProblem("unknown", argument.line, message, where))
        elif spec.computed_only:
            message = f"`{where}` is set by the provider and cannot be configured"
            found.append(SchemaProblem("computed", argument.line, message))
    return found


def _dynamic_problems(
    written: WrittenBlock, type_schema: schema.Block, path: str
) -> list[SchemaProblem]:
    """A `dynamic` block: its label must be a block type; its content is checked as one."""
    nested_type = type_schema.block_type(written.type)
    if nested_type is None and _object_list(type_schema, written.type):
        return []
    if nested_type is None:
        message = f"unknown block `{path}{written.type}`{_suggest(written.type, type_schema)}"
        return [SchemaProblem("unknown", written.line, message, f"{path}{written.type}")]
    if written.body is None:
        return []
    return check_block(written.body, nested_type.block, f"{path}{written.type}.")


def _nested_problems(
    written: WrittenBlock, count: int, type_schema: schema.Block, path: str
) -> list[SchemaProblem]:
    """The `count`-th block of its type: known to the schema, not one too many, and valid."""
    nested_type = type_schema.block_type(written.type)
    if nested_type is None and _object_list(type_schema, written.type):
        # Attributes of object lists (aws_security_group ingress/egress) take block syntax.
        return []
    if nested_type is None:
        hint = (
            f"; `{written.type}` is an argument: write `{written.type} = ...`"
            if type_schema.attribute(written.type) is not None
            else _suggest(written.type, type_schema)
        )
        where = f"{path}{written.type}"
        return [SchemaProblem("unknown", written.line, f"unknown block `{where}`{hint}", where)]
    found = []
    where = f"{path}{written.type}"
    if count == 2 and nested_type.max_one:
        found.append(
            SchemaProblem("too_many", written.line, f"block `{where}` may appear at most once")
        )
    elif nested_type.max_items > 1 and count == nested_type.max_items + 1:
        message = f"block `{where}` may appear at most {nested_type.max_items} times"
        found.append(SchemaProblem("too_many", written.line, message))
    assert written.body is not None
    return found + check_block(written.body, nested_type.block, f"{where}.")


def _missing(
    body: Body, type_schema: schema.Block, path: str, counts: dict[str, int], dynamic: set[str]
) -> list[SchemaProblem]:
    """Required arguments not written, required blocks given too few times."""
    written = {argument.name for argument in body.arguments()}
    found = [
        SchemaProblem("missing", body.line, f"missing required argument `{path}{name}`")
        for name in type_schema.required_attributes()
        if name not in written
    ]
    for name, nested_type in type_schema.block_types.items():
        if (
            nested_type.min_items > 0
            and name not in dynamic
            and counts.get(name, 0) < nested_type.min_items
        ):
            found.append(
                SchemaProblem("missing", body.line, f"missing required block `{path}{name}`")
            )
    return found


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


def _suggest(name: str, type_schema: schema.Block) -> str:
    close = difflib.get_close_matches(name, sorted(type_schema.names()), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def type_problems(body: Body, type_schema: schema.Block, path: str = "") -> list[SchemaProblem]:
    """Argument values whose known type the schema's type cannot take (Terraform's
    conversions allowed: numbers and bools to strings, numeric strings to numbers, ...)."""
    found: list[SchemaProblem] = []
    for argument in body.arguments():
        if not path and argument.name in _META_ARGUMENTS:
            continue
        spec = type_schema.attribute(argument.name)
        if spec is None or spec.computed_only:
            continue
        reason = mismatch(body.get(argument.name), spec.type)
        if reason is not None:
            message = f"`{path}{argument.name}` expects {reason}"
            found.append(SchemaProblem("type", argument.line, message))
    for name, nested_type in type_schema.block_types.items():
        views, _ = body.nested(name)
        for nested in views:
            found.extend(type_problems(nested, nested_type.block, f"{path}{name}."))
    return found


def removed_type_problems(
    configuration: Configuration, instance: ResourceInstance
) -> list[SchemaProblem]:
    """Values of arguments the schema no longer has, but the selected provider major still
    does, of a type that argument never took."""
    found = []
    for written in instance.arguments():
        removed = removal(instance.mode, instance.type, written.name)
        if removed is None or removed.type is None:
            continue
        if not configuration.aws_provider.rules_out(removed.major):
            continue  # BF100 (or BF010) reports the argument itself
        reason = mismatch(instance.get(written.name), removed.type)
        if reason is not None:
            message = (
                f"`{written.name}` expects {reason} (in the provider versions before "
                f"{removed.major}, which this configuration selects)"
            )
            found.append(SchemaProblem("type", written.line, message))
    return found


def mismatch(value: Any, cty: Any) -> str | None:
    """Why a value cannot convert to a cty type ("<type>, got <what>"), None when it can or
    when that is not known."""
    if value is None or cty == "dynamic":
        return None
    if isinstance(value, AttrRef):
        return _reference_mismatch(value, cty)
    if isinstance(value, ResourceRef):
        if isinstance(cty, list) and cty[0] in ("object", "map"):
            return None
        return f"{describe(cty)}, got the whole resource {value.instance.address} (add .id or .arn)"
    if isinstance(value, (Partial, EncodedJson)):
        value = "string"
    elif isinstance(value, Unknown):
        return None
    kind = cty if isinstance(cty, str) else cty[0]
    check = _MISMATCHES.get(kind)
    return check(value, cty) if check is not None else None


def _reference_mismatch(value: AttrRef, cty: Any) -> str | None:
    """An attribute of another instance whose type the schema gives (an id or ARN is always a
    string): whether that type can be what `cty` asks for."""
    actual = referenced_type(value)
    if actual is None:
        return None
    wanted = cty if isinstance(cty, str) else cty[0]
    kind = actual if isinstance(actual, str) else actual[0]
    collections = ("list", "set", "tuple", "map", "object")
    shown = f"{value.instance.address}.{'.'.join(str(step) for step in value.path)}"
    if wanted in collections and kind == "string":
        return f"{describe(cty)}, got the string {shown}"
    if wanted in ("string", "number", "bool") and kind in collections:
        return f"{describe(cty)}, got {describe(actual)} ({shown})"
    return None


def referenced_type(value: AttrRef) -> Any:
    """The type of the attribute a reference names, from the provider schema (or, for a type
    the provider removed, from what it was); None when not known."""
    if value.path[-1:] in (("id",), ("arn",)):
        return "string"
    if len(value.path) != 1 or not isinstance(value.path[0], str):
        return None
    from batchform.schema import load_provider_schema

    instance = value.instance
    provider = load_provider_schema()
    lookup = provider.data_source if instance.mode == "data" else provider.resource
    type_schema = lookup(instance.type)
    if type_schema is None:
        removed = REMOVED_TYPE_ATTRIBUTES.get((instance.mode, instance.type), {})
        return removed.get(value.path[0])
    attribute = type_schema.block.attribute(value.path[0])
    return attribute.type if attribute is not None else None


def _string_mismatch(value: Any, cty: Any) -> str | None:
    return f"a string, got {_shape(value)}" if isinstance(value, (list, dict)) else None


def _number_mismatch(value: Any, cty: Any) -> str | None:
    if isinstance(value, (bool, list, dict)):
        return f"a number, got {_shape(value)}"
    if isinstance(value, str) and not _numeric(value):
        return f"a number, got the string {value!r}"
    return None


def _bool_mismatch(value: Any, cty: Any) -> str | None:
    if isinstance(value, (list, dict)) or (
        isinstance(value, str) and value not in ("true", "false")
    ):
        return f"true or false, got {_shape(value)}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"true or false, got the number {value}"
    return None


def _sequence_mismatch(value: Any, cty: Any) -> str | None:
    """A list, set or tuple: a list whose items each convert."""
    if not isinstance(value, list):
        return f"{describe(cty)}, got {_shape(value)}"
    element_types = cty[1] if cty[0] == "tuple" else [cty[1]] * len(value)
    for position, (item, element) in enumerate(zip(value, element_types, strict=False)):
        reason = mismatch(item, element)
        if reason is not None:
            return f"{describe(cty)}; item {position}: {reason}"
    return None


def _mapping_mismatch(value: Any, cty: Any) -> str | None:
    """A map or object: a dict whose values each convert (unknown object keys are let be)."""
    if not isinstance(value, dict):
        return f"{describe(cty)}, got {_shape(value)}"
    for key, item in value.items():
        element = cty[1] if cty[0] == "map" else cty[1].get(key)
        if element is None:
            continue
        reason = mismatch(item, element)
        if reason is not None:
            return f"{describe(cty)}; key {key!r}: {reason}"
    return None


_MISMATCHES: dict[str, Callable[[Any, Any], str | None]] = {
    "string": _string_mismatch,
    "number": _number_mismatch,
    "bool": _bool_mismatch,
    "list": _sequence_mismatch,
    "set": _sequence_mismatch,
    "tuple": _sequence_mismatch,
    "map": _mapping_mismatch,
    "object": _mapping_mismatch,
}


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
