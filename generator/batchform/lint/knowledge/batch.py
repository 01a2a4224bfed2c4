"""Batch resources seen by the rules: compute environments, queues, job definitions."""

from __future__ import annotations

from batchform.lint.knowledge.links import instance_of
from batchform.lint.model import Body, Configuration, ResourceInstance
from batchform.lint.model.values import Partial, Unknown

CE_TYPE = "aws_batch_compute_environment"
QUEUE_TYPE = "aws_batch_job_queue"
JOB_TYPE = "aws_batch_job_definition"
EC2_TYPES = {"EC2", "SPOT"}
FARGATE_TYPES = {"FARGATE", "FARGATE_SPOT"}


def ce_platform(ce: ResourceInstance) -> str | None:
    """ "EC2" for EC2/SPOT, "FARGATE" for FARGATE/FARGATE_SPOT, None when unknown or unmanaged."""
    resources = ce.first("compute_resources")
    if resources is None:
        return None
    kind = resources.get("type")
    if not isinstance(kind, str):
        return None
    if kind.upper() in EC2_TYPES:
        return "EC2"
    if kind.upper() in FARGATE_TYPES:
        return "FARGATE"
    return None


def ce_name_fixed(ce: ResourceInstance) -> str | None:
    """The argument that pins the CE's name (`name` or the pre-v6 `compute_environment_name`)."""
    for argument in ("name", "compute_environment_name"):
        # Only a value known to be a string counts: `name = each.value.name` may well be null.
        if isinstance(ce.get(argument), (str, Partial)):
            return argument
    return None


def queue_environments(queue: ResourceInstance) -> tuple[list[ResourceInstance | None], bool]:
    """The CEs a queue lists (None for one it cannot resolve), and False if the list is unknown."""
    found: list[ResourceInstance | None] = []
    orders, complete = queue.nested("compute_environment_order")
    for order in orders:
        found.append(instance_of(order.get("compute_environment"), CE_TYPE))
    if queue.has("compute_environments"):
        listed = queue.get("compute_environments")
        if isinstance(listed, list):
            found.extend(instance_of(item, CE_TYPE) for item in listed)
        elif instance_of(listed, CE_TYPE) is not None:
            found.append(instance_of(listed, CE_TYPE))
        else:
            complete = False
    return found, complete


def queued_environments(configuration: Configuration) -> list[ResourceInstance]:
    """Every compute environment some job queue lists, once each, in queue order."""

    def collect() -> list[ResourceInstance]:
        found: dict[ResourceInstance, None] = {}
        for queue in configuration.instances(QUEUE_TYPE):
            listed, _ = queue_environments(queue)
            for ce in listed:
                if ce is not None:
                    found.setdefault(ce)
        return list(found)

    return configuration.derived("queued_environments", collect)


def job_platform(job: ResourceInstance) -> str | None:
    """ "FARGATE" or "EC2" from `platform_capabilities` (EC2 when unset), None when unknown."""
    if not job.has("platform_capabilities"):
        return "EC2"
    value = job.get("platform_capabilities")
    if not isinstance(value, list) or any(isinstance(item, Unknown) for item in value):
        return None
    upper = {str(item).upper() for item in value}
    if "FARGATE" in upper:
        return "FARGATE"
    return "EC2"


def environments(configuration: Configuration) -> list[ResourceInstance]:
    """Every compute environment instance of the configuration."""
    return list(configuration.instances(CE_TYPE))


def environments_for(configuration: Configuration, platform: str | None) -> list[ResourceInstance]:
    """The compute environments a job of a platform could run on."""
    return configuration.derived(
        ("environments_for", platform),
        lambda: [ce for ce in environments(configuration) if ce_platform(ce) == platform],
    )


def container_jobs(configuration: Configuration) -> list[ResourceInstance]:
    """The job definitions of type container (the default) that set container_properties."""
    return [
        job
        for job in configuration.instances(JOB_TYPE)
        if not (job.has("type") and job.get("type") not in ("container", None))
        and job.has("container_properties")
    ]


def resources_block(ce: ResourceInstance) -> Body | None:
    """The CE's `compute_resources` block."""
    return ce.first("compute_resources")
