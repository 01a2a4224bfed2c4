"""BF200: a compute environment the account shows INVALID schedules nothing."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import job_states
from batchform.lint.knowledge.batch import environments
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Compute environments whose status is INVALID, with AWS's statusReason."""
    for ce in environments(configuration):
        if ce.get("status") != job_states.INVALID:
            continue
        reason = ce.get("status_reason")
        said = f": {reason}" if isinstance(reason, str) and reason else " (AWS gives no reason)"
        yield hit(ce, f"compute environment is INVALID{said}")


RULE = Rule(
    code="BF200",
    severity="error",
    title="compute environment is INVALID (live account)",
    explanation="""
AWS Batch marks a compute environment INVALID when it cannot manage its compute: the service
role lacks permissions or is gone, the instance profile, a subnet, a security group or the
launch template was deleted, or the instance types are not offered. An INVALID compute
environment launches nothing, so jobs stay RUNNABLE. Only the live account shows it
(`batchform doctor`); the statusReason says which part is wrong.
""",
    fix="repair what the statusReason names, then update the compute environment (terraform "
    "apply, or UpdateComputeEnvironment) so AWS Batch validates it again",
    check=check,
)
