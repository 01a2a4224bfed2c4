"""BF101: required arguments and blocks."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.provider_arguments import problems
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule


def check(configuration: Configuration) -> Iterator[Hit]:
    """Every required argument or block that is not written."""
    for instance, problem in problems(configuration):
        if problem.kind == "missing":
            yield Hit(instance.file, problem.line, instance.address, problem.message)


RULE = Rule(
    code="BF101",
    severity="error",
    title="required argument or block missing",
    explanation="""
The provider schema marks the argument or block as required; terraform validate would fail.
""",
    fix="add the missing argument or block",
    check=check,
)
