"""BF105: values no AWS API or provider validator accepts (enums, ranges, lengths, patterns)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from batchform.aws import constraints, names, provider
from batchform.aws.values import Constraint
from batchform.lint.knowledge.argument_values import (
    Placed,
    as_declared,
    blocks_at,
    placed_values,
    schema_type,
)
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import is_set
from batchform.lint.rules.rule import Hit, Rule, hit

if TYPE_CHECKING:
    from batchform import schema

# Batch names: BF014 reports invalid characters and lengths; this rule only what is left, a
# name that does not start with a letter or digit.
_BATCH_NAMES = {(c.resource, c.path) for c in names.BATCH_NAMES}
_SHOWN_MAX = 60


def check(configuration: Configuration) -> Iterator[Hit]:
    """Every known value that breaks a constraint of the facts package's table, once per
    argument value (the first constraint it breaks)."""
    from batchform.schema import load_provider_schema

    provider = load_provider_schema()
    for resource_type, table in constraints.by_resource().items():
        instances = configuration.instances(resource_type)
        if not instances:
            continue
        type_schema = provider.resource(resource_type)
        block = type_schema.block if type_schema is not None else None
        # What the provider refuses at validate comes first: that is the refusal users meet.
        ordered = sorted(table, key=lambda item: item.enforced_by != "provider")
        typed = [(constraint, schema_type(block, constraint.names)) for constraint in ordered]
        for instance in instances:
            yield from _instance_hits(instance, typed, block)


def _instance_hits(
    instance: ResourceInstance, typed: list[tuple[Constraint, Any]], block: schema.Block | None
) -> Iterator[Hit]:
    reported: set[tuple[str | int, ...]] = set()
    for constraint, cty in typed:
        if constraint.kind == "items":
            yield from _too_many(instance, constraint, block)
        elif constraint.kind == "conflicts":
            yield from _conflicts(instance, constraint)
        else:
            for placed in placed_values(instance, constraint.names):
                if placed.path in reported or _unsent(constraint, placed):
                    continue
                message = _problem(constraint, placed, as_declared(placed.value, cty))
                if message is not None:
                    reported.add(placed.path)
                    yield hit(instance, message, at=placed.body, attribute=placed.name)


def _unsent(constraint: Constraint, placed: Placed) -> bool:
    """A compute_resources zero or empty value the provider leaves out of the request: AWS
    never sees it, so no constraint applies."""
    if constraint.resource != "aws_batch_compute_environment" or placed.path[:1] != (
        "compute_resources",
    ):
        return False
    kind = placed.body.get("type")
    compute_type = kind if isinstance(kind, str) else None
    return not provider.compute_resource_sent(placed.name, placed.value, compute_type)


def _problem(constraint: Constraint, placed: Placed, value: Any) -> str | None:
    """Why the value breaks the constraint, in lint's words; None when it does not (or when
    its type is not the constraint's: BF104 reports values of the wrong type)."""
    numeric = constraint.kind == "range" or (
        constraint.kind == "enum" and not isinstance(constraint.values[0], str)
    )
    if numeric != (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return None
    if numeric is False and not isinstance(value, str):
        return None
    if (constraint.resource, constraint.path) in _BATCH_NAMES and _left_to_bf014(value):
        return None
    if constraint.allows(value):
        return None
    problem = f"expected {constraint.expectation()}"
    if constraint.kind == "length":
        problem = f"{len(value)} characters, {problem}"
    closest = constraint.closest(value)
    if closest:
        problem += "; did you mean " + " or ".join(_shown(item) for item in closest) + "?"
    who = (
        "terraform validate refuses it"
        if constraint.enforced_by == "provider"
        else "AWS refuses it when the change is applied"
    )
    return f"{placed.key()} = {_shown(value)}: {problem} ({who})"


def _left_to_bf014(value: str) -> bool:
    return bool(names.BATCH_NAME_INVALID_CHARACTER.search(value)) or not (
        0 < len(value) <= names.BATCH_NAME_MAX_LENGTH
    )


def _too_many(
    instance: ResourceInstance, constraint: Constraint, block: schema.Block | None
) -> Iterator[Hit]:
    limit = int(constraint.maximum or 0)
    if _schema_limits(block, constraint.names, limit):
        return  # BF102 reports blocks given more often than the schema allows
    for _, blocks, complete in blocks_at(instance, constraint.names):
        if complete and len(blocks) > limit:
            yield hit(
                instance,
                f"{constraint.path}: {len(blocks)} given, expected {constraint.expectation()} "
                "(terraform validate refuses more)",
                at=blocks[limit],
            )


def _schema_limits(block: schema.Block | None, path: tuple[str, ...], limit: int) -> bool:
    """Whether the schema itself allows no more than `limit` of these blocks."""
    max_items = 0
    for name in path:
        nested = block.block_type(name) if block is not None else None
        if nested is None:
            return False
        block, max_items = nested.block, nested.max_items
    return 0 < max_items <= limit


def _conflicts(instance: ResourceInstance, constraint: Constraint) -> Iterator[Hit]:
    *parents, name = constraint.names
    holders = (
        [block for _, blocks, _ in blocks_at(instance, parents) for block in blocks]
        if parents
        else [instance]
    )
    for body in holders:
        if not is_set(body.get(name)):
            continue
        for other in constraint.others:
            if is_set(body.get(other)):
                yield hit(
                    instance,
                    f"{constraint.path} and {other} are both set; they exclude each other "
                    "(terraform validate refuses both)",
                    at=body,
                    attribute=other,
                )


def _shown(value: Any) -> str:
    if not isinstance(value, str):
        return str(value)
    text = value if len(value) <= _SHOWN_MAX else value[:_SHOWN_MAX] + "..."
    return json.dumps(text)


RULE = Rule(
    code="BF105",
    severity="error",
    title="value no AWS API or provider validator accepts",
    explanation="""
The value is outside what the argument takes: not one of its enum values (allocation
strategies, compute types, queue states, job state time limit actions...), outside its range
(log retention days, retry attempts, runnable time limits...), too long or short, or not
matching its pattern. Some of these the provider refuses at terraform validate; the others
only the AWS API refuses, when apply has already begun. The constraints come from botocore's
service models and the provider's own validators (batchform.aws.constraints), for every
resource type that table covers.
""",
    fix="use one of the allowed values the message lists (see the did-you-mean)",
    check=check,
)
