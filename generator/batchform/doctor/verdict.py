"""The one line that answers the question: what keeps the job from starting, or that nothing
does and it is waiting for capacity."""

from __future__ import annotations

from batchform.aws import job_states
from batchform.doctor.snapshot import Snapshot
from batchform.lint.findings import Finding
from batchform.lint.knowledge.batch import (
    QUEUE_TYPE,
    ce_platform,
    queue_environments,
    resources_block,
)
from batchform.lint.knowledge.runtime import JOB_TYPE, jobs_of
from batchform.lint.model import Configuration, ResourceInstance

_CAPACITY = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
_WAITING_FOR_CAPACITY = "the job is waiting for capacity"


def verdict(snapshot: Snapshot, configuration: Configuration, findings: list[Finding]) -> str:
    """What the findings and the account's statuses add up to."""
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        return (
            f"found {len(errors)} cause(s) that keep jobs from starting (above, each with its fix)"
        )
    if not snapshot.queues:
        return f"no job queue in {snapshot.region} has RUNNABLE jobs: nothing is stuck"
    jobs = list(configuration.instances(JOB_TYPE))
    if snapshot.target.startswith("job ") and jobs:
        answer = _not_waiting(jobs[0])
        if answer is not None:
            return answer
    runnable = [job for job in jobs if job.get("status") == "RUNNABLE"]
    if not runnable:
        return f"{snapshot.target} has no RUNNABLE jobs, and its chain shows no problem"
    return _runnable(snapshot, configuration, runnable)


def _not_waiting(job: ResourceInstance) -> str | None:
    status = job.get("status")
    reason = job.get("status_reason")
    said = f" ({reason})" if reason else ""
    if status == "SUBMITTED":
        return "the job is SUBMITTED: the scheduler has not evaluated it yet; ask again shortly"
    if status == "PENDING":
        return "the job is PENDING: it waits for the jobs it depends on, not for compute"
    if status != "RUNNABLE":
        return f"the job is {status}{said}: it is not waiting to start"
    return None


def _runnable(
    snapshot: Snapshot, configuration: Configuration, runnable: list[ResourceInstance]
) -> str:
    reasons = {str(job.get("status_reason") or "") for job in runnable}
    if any(reason.startswith(_CAPACITY) for reason in reasons):
        return (
            f"{_WAITING_FOR_CAPACITY}: AWS Batch says {_CAPACITY} (EC2 cannot give the "
            "instance types asked for right now); more instance types or Availability Zones "
            "widen the choice"
        )
    desired = sum(
        _desired(configuration, queue)
        for queue in configuration.instances(QUEUE_TYPE)
        if jobs_of(configuration, queue)
    )
    if desired > 0:
        return (
            f"the chain is healthy and AWS Batch is scaling up (desired vCPUs {desired}): "
            f"{_WAITING_FOR_CAPACITY}"
        )
    if any(job.get("settled") is not True for job in runnable):
        minutes = snapshot.grace.total_seconds() / 60
        return (
            "the chain shows no problem; the job has waited less than the grace period "
            f"({minutes:g} min) for AWS Batch to scale: run doctor again then"
        )
    return (
        "the chain shows no problem batchform can see: "
        f"{_WAITING_FOR_CAPACITY} or for its turn in the queue"
    )


def _desired(configuration: Configuration, queue: ResourceInstance) -> int:
    total = 0
    environments, _ = queue_environments(queue)
    for ce in environments:
        resources = resources_block(ce) if ce is not None else None
        if ce is None or resources is None or ce_platform(ce) != "EC2":
            continue
        if ce.get("state") == job_states.ENABLED and ce.get("status") == job_states.VALID:
            value = resources.get("desired_vcpus")
            total += value if isinstance(value, int) else 0
    return total
