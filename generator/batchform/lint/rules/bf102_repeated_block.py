"""BF102: blocks given more often than the schema allows."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.provider_arguments import problems
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule


def check(configuration: Configuration) -> Iterator[Hit]:
    """Every nested block beyond the schema's maximum."""
    for instance, problem in problems(configuration):
        if problem.kind == "too_many":
            yield Hit(instance.file, problem.line, instance.address, problem.message)


RULE = Rule(
    code="BF102",
    severity="error",
    title="block given more often than the schema allows",
    explanation="""
The provider schema allows this nested block at most once (or at most N times); extra copies
fail validation.
""",
    fix="merge the blocks into one",
    check=check,
)
