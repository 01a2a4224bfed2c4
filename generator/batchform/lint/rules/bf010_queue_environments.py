"""BF010: a job queue holds at most three compute environments of one kind."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import QUEUE_TYPE, ce_platform, queue_environments
from batchform.lint.knowledge.provider_arguments import removed_argument
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit

_LEGACY = "compute_environments"


def check(configuration: Configuration) -> Iterator[Hit]:
    """Queues with the removed `compute_environments`, more than 3 CEs, or mixed platforms."""
    for queue in configuration.instances(QUEUE_TYPE):
        removed = removed_argument(configuration, queue, _LEGACY) if queue.has(_LEGACY) else None
        if removed is not None:
            yield hit(
                queue,
                f"`{_LEGACY}` was removed in AWS provider v{removed.major}; use "
                "compute_environment_order blocks",
                attribute=_LEGACY,
            )
        environments, complete = queue_environments(queue)
        if complete and len(environments) > 3:
            yield hit(
                queue,
                f"job queue lists {len(environments)} compute environments; at most 3 are allowed",
            )
        platforms = {ce_platform(ce) for ce in environments if ce is not None}
        if {"EC2", "FARGATE"} <= platforms:
            yield hit(
                queue, "job queue mixes EC2/SPOT and FARGATE/FARGATE_SPOT compute environments"
            )


RULE = Rule(
    code="BF010",
    severity="error",
    title="job queue with too many, mixed, or legacy compute environments",
    explanation="""
A job queue takes at most 3 compute environments, all EC2/SPOT or all FARGATE/FARGATE_SPOT,
listed in compute_environment_order blocks. The `compute_environments` argument was removed
in version 6 of the AWS provider (reported only where the configuration's version constraints
or lock file admit provider 6; BF100 leaves it to this rule).
""",
    fix="list at most 3 compute environments of one kind in "
    "`compute_environment_order { order = N, compute_environment = <ce>.arn }` blocks",
    check=check,
)
