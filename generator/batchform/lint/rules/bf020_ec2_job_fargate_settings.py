"""BF020: an EC2 job definition takes no Fargate-only settings."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import container_jobs, job_platform
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit

_FARGATE_ONLY = ("networkConfiguration", "fargatePlatformConfiguration")


def check(configuration: Configuration) -> Iterator[Hit]:
    """EC2 job definitions with networkConfiguration or fargatePlatformConfiguration."""
    for job in container_jobs(configuration):
        if job_platform(job) != "EC2":
            continue
        properties = container_properties(configuration, job)
        if properties is None:
            continue
        for key in _FARGATE_ONLY:
            if key in properties.value:
                yield hit(job, f"EC2 job definition sets {key}", attribute="container_properties")


RULE = Rule(
    code="BF020",
    severity="error",
    title="EC2 job definition with Fargate-only settings",
    explanation="""
networkConfiguration and fargatePlatformConfiguration only apply to Fargate; AWS rejects them
on a job definition whose platform_capabilities is EC2 (the default).
""",
    fix='remove them, or set platform_capabilities = ["FARGATE"]',
    check=check,
)
