"""What only a live account shows: submitted jobs, the ECS cluster of a compute environment, the
instances registered in it, and the EC2 instances launched for it.

Terraform manages none of these, so a configuration read from source has none, and the rules
that read them stay silent there. The doctor's account adapter names them in the provider's
style: `aws_batch_job` (a job), the data source `aws_ecs_cluster`, `aws_ecs_container_instance`
and `aws_instance`.
"""

from __future__ import annotations

from typing import Any

from batchform.lint.knowledge.links import instance_of
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef, ResourceRef

JOB_TYPE = "aws_batch_job"
CLUSTER_TYPE = "aws_ecs_cluster"
CONTAINER_INSTANCE_TYPE = "aws_ecs_container_instance"
INSTANCE_TYPE = "aws_instance"


def jobs_of(configuration: Configuration, queue: ResourceInstance) -> list[ResourceInstance]:
    """The submitted jobs the account showed in a queue."""

    def index() -> dict[ResourceInstance, list[ResourceInstance]]:
        found: dict[ResourceInstance, list[ResourceInstance]] = {}
        for job in configuration.instances(JOB_TYPE):
            target = instance_of(job.get("job_queue"), "aws_batch_job_queue")
            if target is not None:
                found.setdefault(target, []).append(job)
        return found

    return configuration.derived("runtime.jobs_by_queue", index).get(queue, [])


def cluster_of(ce: ResourceInstance) -> ResourceInstance | None:
    """The ECS cluster the account showed for a compute environment."""
    value = ce.get("ecs_cluster_arn")
    if isinstance(value, (AttrRef, ResourceRef)) and value.instance.type == CLUSTER_TYPE:
        return value.instance
    return None


def registered(configuration: Configuration, cluster: ResourceInstance) -> set[Any]:
    """The EC2 instances (instances, or their ids where not described) registered in a cluster."""

    def index() -> dict[ResourceInstance, set[Any]]:
        found: dict[ResourceInstance, set[Any]] = {}
        for member in configuration.instances(CONTAINER_INSTANCE_TYPE):
            owner = member.get("cluster")
            if not isinstance(owner, AttrRef):
                continue
            ec2 = member.get("ec2_instance_id")
            found.setdefault(owner.instance, set()).add(
                ec2.instance if isinstance(ec2, (AttrRef, ResourceRef)) else ec2
            )
        return found

    return configuration.derived("runtime.registered", index).get(cluster, set())
