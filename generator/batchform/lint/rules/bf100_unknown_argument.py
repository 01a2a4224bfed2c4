"""BF100: arguments and blocks the AWS provider does not know."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.provider_arguments import problems
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule


def check(configuration: Configuration) -> Iterator[Hit]:
    """Every argument or block the provider schema does not have."""
    for instance, problem in problems(configuration):
        if problem.kind == "unknown":
            yield Hit(instance.file, problem.line, instance.address, problem.message)


RULE = Rule(
    code="BF100",
    severity="error",
    title="argument or block the AWS provider does not know",
    explanation="""
The resource or data source has an argument or nested block that its schema in the AWS
provider (the snapshot shipped with batchform) does not have: a typo, a snake_case/camelCase
mix-up, or an argument removed in provider v6 (e.g. compute_environment_name became name).
terraform validate would fail.
""",
    fix="correct the name (see the suggestion, and the AWS provider v6 docs), or remove it",
    check=check,
)
