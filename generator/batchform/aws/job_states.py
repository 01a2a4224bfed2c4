"""What AWS Batch says about jobs that do not start: job and resource statuses, and the reasons
it gives for a job queue blocked by a RUNNABLE job at its head.

Sources: the AWS Batch user guide, "Jobs stuck in a RUNNABLE status"
(https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html), which lists
the reasons Batch writes into the head job's ``statusReason`` (ListJobs, DescribeJobs) when it
detects a blocked queue; the enums of the AWS Batch API (botocore batch 2016-08-10:
``JobStatus``, ``CEStatus``, ``JQStatus``, ``CEState``, ``JQState``).
"""

from __future__ import annotations

from dataclasses import dataclass

# botocore batch 2016-08-10, JobStatus.
JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
# Jobs that have not started yet: the ones doctor explains.
WAITING_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE")
# botocore batch 2016-08-10, CEStatus and JQStatus (the same values).
VALID = "VALID"
INVALID = "INVALID"
ENABLED = "ENABLED"


@dataclass(frozen=True)
class BlockedReason:
    """One reason Batch gives for a blocked queue: the statusReason prefix, what it means, and
    whether a configuration change (not more capacity) is what unblocks it."""

    prefix: str
    meaning: str
    misconfiguration: bool


# The user guide's list, in its order; a statusReason starts with the prefix.
BLOCKED_REASONS = (
    BlockedReason(
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "every compute environment of the queue got insufficient capacity errors from EC2: "
        "the job is waiting for capacity",
        False,
    ),
    BlockedReason(
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "every compute environment's maxvCpus is smaller than the job asks",
        True,
    ),
    BlockedReason(
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
        "no compute environment of the queue has instances that meet the job's vCPU, memory or "
        "GPU requirement",
        True,
    ),
    BlockedReason(
        "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS",
        "the Batch service role of every compute environment lacks a permission Batch needs",
        True,
    ),
    BlockedReason(
        "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED",
        "a compute environment has instance types its Availability Zones or launch template "
        "cannot launch",
        True,
    ),
    BlockedReason(
        "ACTION_REQUIRED",
        "every compute environment of the queue is INVALID",
        True,
    ),
    BlockedReason(
        "UNDETERMINED",
        "Batch sees the queue blocked but cannot tell why",
        True,
    ),
)


def blocked_reason(status_reason: str | None) -> BlockedReason | None:
    """The blocked-queue reason a job's statusReason gives, None when it gives none."""
    if not status_reason:
        return None
    text = status_reason.strip()
    for reason in BLOCKED_REASONS:
        if text.startswith(reason.prefix):
            return reason
    return None
