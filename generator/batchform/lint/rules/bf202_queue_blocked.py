"""BF202: a job queue AWS Batch reports blocked by a misconfiguration."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import job_states
from batchform.lint.knowledge.batch import QUEUE_TYPE
from batchform.lint.knowledge.runtime import jobs_of
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Queues whose RUNNABLE jobs carry a blocked-queue statusReason other than capacity."""
    for queue in configuration.instances(QUEUE_TYPE):
        said: set[str] = set()
        for job in jobs_of(configuration, queue):
            if job.get("status") != "RUNNABLE":
                continue
            text = job.get("status_reason")
            reason = job_states.blocked_reason(text if isinstance(text, str) else None)
            if reason is None or not reason.misconfiguration or reason.prefix in said:
                continue
            said.add(reason.prefix)
            yield hit(
                queue,
                f"job {job.get('name')} ({job.get('job_id')}) blocks the queue: AWS Batch says "
                f"{text!r}: {reason.meaning}",
            )


RULE = Rule(
    code="BF202",
    severity="error",
    title="job queue blocked by a misconfiguration (live account)",
    explanation="""
When the RUNNABLE job at the head of a queue cannot run, AWS Batch writes why into its
statusReason (user guide, "Jobs stuck in a RUNNABLE status"):
MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE (maxvCpus below the job's vCPUs),
MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT (no instance type holds the job),
MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS, MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED,
ACTION_REQUIRED (every compute environment INVALID) or UNDETERMINED. Every job behind it waits.
CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY is not reported: the job waits for EC2 capacity.
Only the live account shows it (`batchform doctor`).
""",
    fix="fix what the reason names (maxvCpus or instance types for the job's size, the service "
    "role's permissions, the INVALID compute environments); cancel the head job to let the next "
    "one run, and let job_state_time_limit_action cancel such jobs in future",
    check=check,
)
