"""BF203: RUNNABLE jobs while no compute environment of the queue wants any vCPU."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import job_states
from batchform.lint.knowledge.batch import (
    QUEUE_TYPE,
    ce_platform,
    queue_environments,
    resources_block,
)
from batchform.lint.knowledge.runtime import jobs_of
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Queues with jobs RUNNABLE past the grace period and every usable EC2 CE at 0 desired."""
    for queue in configuration.instances(QUEUE_TYPE):
        waiting = [job for job in jobs_of(configuration, queue) if _stuck(job)]
        if not waiting:
            continue
        environments, complete = queue_environments(queue)
        usable = [ce for ce in environments if ce is not None and _usable_ec2(ce)]
        if not complete or not usable or None in environments:
            continue
        if all(_desired(ce) == 0 for ce in usable):
            names = ", ".join(ce.address for ce in usable)
            yield hit(
                queue,
                f"{len(waiting)} job(s) RUNNABLE longer than the grace period, yet desired vCPUs "
                f"stay 0 in {names}: AWS Batch is not scaling for them",
            )


def _stuck(job: ResourceInstance) -> bool:
    """RUNNABLE past the grace period, and not a wait AWS explains as capacity."""
    if job.get("status") != "RUNNABLE" or job.get("settled") is not True:
        return False
    text = job.get("status_reason")
    reason = job_states.blocked_reason(text if isinstance(text, str) else None)
    return reason is None or reason.misconfiguration


def _usable_ec2(ce: ResourceInstance) -> bool:
    return (
        ce_platform(ce) == "EC2"
        and ce.get("state") == job_states.ENABLED
        and ce.get("status") == job_states.VALID
    )


def _desired(ce: ResourceInstance) -> object:
    resources = resources_block(ce)
    return resources.get("desired_vcpus") if resources is not None else None


RULE = Rule(
    code="BF203",
    severity="error",
    title="jobs RUNNABLE while desired vCPUs stay 0 (live account)",
    explanation="""
AWS Batch raises a compute environment's desired vCPUs for the RUNNABLE jobs it can place;
when jobs wait for minutes and every ENABLED, VALID compute environment of their queue still
wants 0 vCPUs, Batch found nothing it could launch for them: the job asks more than every
instance type or maxvCpus gives, the service role cannot launch instances, or an EC2 quota is
used up. Only the live account shows it (`batchform doctor`, after its grace period, 10
minutes by default).
""",
    fix="look at the other findings (job size against the instance types and maxvCpus, the "
    "service role); otherwise check the EC2 vCPU quotas and the compute environment's Auto "
    "Scaling group activity",
    check=check,
)
