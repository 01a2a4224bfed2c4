"""BF018: a job definition's platform must match some job queue's compute."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import (
    JOB_TYPE,
    QUEUE_TYPE,
    ce_platform,
    job_platform,
    queue_environments,
)
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Job definitions whose platform no queue of the configuration holds."""
    platforms = _queue_platforms(configuration)
    if not platforms:
        return
    for job in configuration.instances(JOB_TYPE):
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


def _queue_platforms(configuration: Configuration) -> set[str]:
    """The platforms the queues hold; empty when there are no queues or any is unclear."""
    platforms: set[str] = set()
    for queue in configuration.instances(QUEUE_TYPE):
        environments, complete = queue_environments(queue)
        if not complete or not environments:
            return set()
        for ce in environments:
            platform = ce_platform(ce) if ce is not None else None
            if platform is None:
                return set()
            platforms.add(platform)
    return platforms


RULE = Rule(
    code="BF018",
    severity="error",
    title="job definition platform matches no job queue",
    explanation="""
A Fargate job definition only runs on FARGATE/FARGATE_SPOT compute environments and an EC2
one only on EC2/SPOT. If every queue of the stack holds the other kind, jobs submitted with
the definition fail or wait forever.
""",
    fix="add a queue with compute environments of the job definition's platform, or change "
    "platform_capabilities",
    check=check,
)
