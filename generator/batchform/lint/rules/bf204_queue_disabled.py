"""BF204: a queue with waiting jobs that cannot schedule them."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import job_states
from batchform.lint.knowledge.batch import QUEUE_TYPE, queue_environments
from batchform.lint.knowledge.runtime import jobs_of
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Queues with RUNNABLE jobs that are DISABLED or INVALID, or whose CEs are all DISABLED."""
    for queue in configuration.instances(QUEUE_TYPE):
        if not any(job.get("status") == "RUNNABLE" for job in jobs_of(configuration, queue)):
            continue
        state, status = queue.get("state"), queue.get("status")
        if isinstance(state, str) and state != job_states.ENABLED:
            yield hit(queue, f"job queue is {state}, so it schedules none of its RUNNABLE jobs")
        if status == job_states.INVALID:
            reason = queue.get("status_reason") or "AWS gives no reason"
            yield hit(queue, f"job queue is INVALID: {reason}")
        environments, complete = queue_environments(queue)
        states = [ce.get("state") for ce in environments if ce is not None]
        if (
            complete
            and states
            and all(isinstance(value, str) and value != job_states.ENABLED for value in states)
        ):
            yield hit(queue, "every compute environment of the queue is DISABLED")


RULE = Rule(
    code="BF204",
    severity="error",
    title="job queue or its compute environments disabled while jobs wait (live account)",
    explanation="""
A DISABLED or INVALID job queue schedules nothing, and neither does a queue whose compute
environments are all DISABLED: its RUNNABLE jobs wait forever. Only the live account shows
the jobs (`batchform doctor`).
""",
    fix="enable the job queue and at least one of its compute environments (state = "
    '"ENABLED"), or repair what its statusReason names',
    check=check,
)
