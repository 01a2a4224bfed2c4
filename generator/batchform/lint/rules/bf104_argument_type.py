"""BF104: argument values of a type the provider schema cannot take."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.provider_arguments import removed_type_problems, type_problems
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule


def check(configuration: Configuration) -> Iterator[Hit]:
    """Every known value whose type cannot convert to the declared one, per instance."""
    from batchform.schema import load_provider_schema

    provider = load_provider_schema()
    for mode, lookup in (("resource", provider.resource), ("data", provider.data_source)):
        for instance in configuration.instances(None, mode):
            type_schema = lookup(instance.type)
            if type_schema is None:
                continue
            problems = type_problems(instance, type_schema.block)
            problems += removed_type_problems(configuration, instance)
            for problem in problems:
                yield Hit(instance.file, problem.line, instance.address, problem.message)


RULE = Rule(
    code="BF104",
    severity="error",
    title="argument value of the wrong type",
    explanation="""
The value cannot be converted to the type the provider schema declares for the argument: a
whole resource where its id or ARN is meant (`subnets = aws_subnet.a` instead of
`[aws_subnet.a.id]`), a string where a list is expected, a word where a number is expected.
terraform validate or plan would fail.
""",
    fix="give a value of the declared type (for a resource, its .id or .arn attribute)",
    check=check,
)
