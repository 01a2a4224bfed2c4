"""Rules on job queues: how many and which compute environments they hold."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.engine.resolver import Stack
from batchform.lint.knowledge.batch import (
    JOB_TYPE,
    QUEUE_TYPE,
    ce_platform,
    job_platform,
    queue_environments,
)
from batchform.lint.rules import Hit, hit, rule


@rule(
    "BF010",
    "error",
    "job queue with too many, mixed, or legacy compute environments",
    """
A job queue takes at most 3 compute environments, all EC2/SPOT or all FARGATE/FARGATE_SPOT,
listed in compute_environment_order blocks. The `compute_environments` argument was removed
in version 6 of the AWS provider.
""",
    "list at most 3 compute environments of one kind in "
    "`compute_environment_order { order = N, compute_environment = <ce>.arn }` blocks",
)
def check_queue_environments(stack: Stack) -> Iterator[Hit]:
    """BF010."""
    for queue in stack.instances(QUEUE_TYPE):
        if queue.has("compute_environments"):
            yield hit(
                queue,
                "`compute_environments` was removed in AWS provider v6; use "
                "compute_environment_order blocks",
                attribute="compute_environments",
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


@rule(
    "BF018",
    "error",
    "job definition platform matches no job queue",
    """
A Fargate job definition only runs on FARGATE/FARGATE_SPOT compute environments and an EC2
one only on EC2/SPOT. If every queue of the stack holds the other kind, jobs submitted with
the definition fail or wait forever.
""",
    "add a queue with compute environments of the job definition's platform, or change "
    "platform_capabilities",
)
def check_job_platform(stack: Stack) -> Iterator[Hit]:
    """BF018."""
    queues = stack.instances(QUEUE_TYPE)
    if not queues:
        return
    platforms: set[str] = set()
    for queue in queues:
        environments, complete = queue_environments(queue)
        if not complete or not environments:
            return
        for ce in environments:
            platform = ce_platform(ce) if ce is not None else None
            if platform is None:
                return
            platforms.add(platform)
    for job in stack.instances(JOB_TYPE):
        if job.has("type") and job.get("type") != "container":
            continue
        platform = job_platform(job)
        if platform is not None and platform not in platforms:
            other = ", ".join(sorted(platforms))
            yield hit(
                job,
                f"{platform} job definition, but the stack's queues hold only "
                f"{other} compute environments",
                attribute="platform_capabilities",
            )
