"""BF103: attributes only the provider sets."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.provider_arguments import problems
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule


def check(configuration: Configuration) -> Iterator[Hit]:
    """Every computed-only attribute written in configuration."""
    for instance, problem in problems(configuration):
        if problem.kind == "computed":
            yield Hit(instance.file, problem.line, instance.address, problem.message)


RULE = Rule(
    code="BF103",
    severity="error",
    title="computed-only attribute set in configuration",
    explanation="""
The attribute is computed by the provider (arn, id, tags_all, ...); configuration cannot set it.
""",
    fix="remove the attribute",
    check=check,
)
