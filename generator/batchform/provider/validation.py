"""The provider's argument checks beyond the schema, and the API's checks of known values.

Both come from the facts package's constraint table (``batchform.aws.constraints``): what the
provider refuses at ``terraform validate`` (its validators, and the SDK enums it checks), and
what only the AWS API refuses, which the offline provider applies when a change is applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batchform.aws import constraints
from batchform.aws.values import Enforcer
from batchform.provider.values import contains_unknown


@dataclass(frozen=True)
class Problem:
    """One invalid argument: its attribute path and the provider's (or the API's) message."""

    path: tuple[str | int, ...]
    summary: str
    detail: str = ""

    @property
    def attribute(self) -> str:
        """The top-level argument the problem is in."""
        return str(self.path[0])


def check_resource(
    type_name: str, config: Mapping[str, Any], enforced_by: Enforcer = "provider"
) -> list[Problem]:
    """The checks of one resource's known argument values: the provider's by default, or the
    AWS API's (``enforced_by="aws"``)."""
    problems: list[Problem] = []
    for violation in constraints.check(type_name, config, enforced_by):
        if violation.constraint.kind == "conflicts":
            if _unknown_conflict(config, violation.path, violation.constraint.others):
                continue
            problems.append(
                Problem(violation.path, "Conflicting configuration arguments", violation.message)
            )
        else:
            problems.append(Problem(violation.path, violation.message))
    return problems


def _unknown_conflict(
    config: Mapping[str, Any], path: tuple[str | int, ...], others: tuple[str, ...]
) -> bool:
    """Whether a conflict involves a value known only later: the SDK's ConflictsWith check
    skips unknown values at validate, and judges them at plan, when they are known."""
    block: Any = config
    for step in path[:-1]:
        if isinstance(block, Mapping):
            block = block.get(step)
        elif isinstance(block, list) and isinstance(step, int) and step < len(block):
            block = block[step]
        else:
            return False
    if not isinstance(block, Mapping):
        return False
    return any(contains_unknown(block.get(name)) for name in (path[-1], *others))
