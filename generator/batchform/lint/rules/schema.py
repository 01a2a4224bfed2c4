"""Rules from the AWS provider schema snapshot: unknown, missing, repeated, computed arguments."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.engine.resolver import Stack
from batchform.lint.rules import Hit, rule

_KINDS = {"unknown": "BF100", "missing": "BF101", "too_many": "BF102", "computed": "BF103"}


def _problems(stack: Stack, kind: str) -> Iterator[Hit]:
    from batchform.lint.knowledge.provider_arguments import check_block
    from batchform.schema import load_provider_schema

    provider = load_provider_schema()
    for resource in stack.resources(mode="resource") + stack.resources(mode="data"):
        lookup = provider.resource if resource.mode == "resource" else provider.data_source
        type_schema = lookup(resource.type)
        if type_schema is None:
            continue
        cached = getattr(resource, "_schema_problems", None)
        if cached is None:
            cached = check_block(resource.block, type_schema.block)
            resource._schema_problems = cached  # type: ignore[attr-defined]
        for problem in cached:
            if problem.kind == kind:
                yield Hit(resource.block.file, problem.line, resource.address, problem.message)


@rule(
    "BF100",
    "error",
    "argument or block the AWS provider does not know",
    """
The resource or data source has an argument or nested block that its schema in the AWS
provider (the snapshot shipped with batchform) does not have: a typo, a snake_case/camelCase
mix-up, or an argument removed in provider v6 (e.g. compute_environment_name became name).
terraform validate would fail.
""",
    "correct the name (see the suggestion, and the AWS provider v6 docs), or remove it",
)
def check_unknown(stack: Stack) -> Iterator[Hit]:
    """BF100."""
    yield from _problems(stack, "unknown")


@rule(
    "BF101",
    "error",
    "required argument or block missing",
    """
The provider schema marks the argument or block as required; terraform validate would fail.
""",
    "add the missing argument or block",
)
def check_missing(stack: Stack) -> Iterator[Hit]:
    """BF101."""
    yield from _problems(stack, "missing")


@rule(
    "BF102",
    "error",
    "block given more often than the schema allows",
    """
The provider schema allows this nested block at most once (or at most N times); extra copies
fail validation.
""",
    "merge the blocks into one",
)
def check_too_many(stack: Stack) -> Iterator[Hit]:
    """BF102."""
    yield from _problems(stack, "too_many")


@rule(
    "BF103",
    "error",
    "computed-only attribute set in configuration",
    """
The attribute is computed by the provider (arn, id, tags_all, ...); configuration cannot set it.
""",
    "remove the attribute",
)
def check_computed(stack: Stack) -> Iterator[Hit]:
    """BF103."""
    yield from _problems(stack, "computed")


@rule(
    "BF104",
    "error",
    "argument value of the wrong type",
    """
The value cannot be converted to the type the provider schema declares for the argument: a
whole resource where its id or ARN is meant (`subnets = aws_subnet.a` instead of
`[aws_subnet.a.id]`), a string where a list is expected, a word where a number is expected.
terraform validate or plan would fail.
""",
    "give a value of the declared type (for a resource, its .id or .arn attribute)",
)
def check_types(stack: Stack) -> Iterator[Hit]:
    """BF104."""
    from batchform.lint.knowledge.provider_arguments import type_problems
    from batchform.schema import load_provider_schema

    provider = load_provider_schema()
    for resource in stack.resources(mode="resource") + stack.resources(mode="data"):
        lookup = provider.resource if resource.mode == "resource" else provider.data_source
        type_schema = lookup(resource.type)
        if type_schema is None:
            continue
        for instance in resource.instances():
            for problem in type_problems(instance, type_schema.block):
                yield Hit(instance.file, problem.line, resource.address, problem.message)
