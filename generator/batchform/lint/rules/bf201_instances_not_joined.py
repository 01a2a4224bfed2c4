"""BF201: instances launched for a compute environment must join its ECS cluster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import ce_platform, environments, resources_block
from batchform.lint.knowledge.runtime import INSTANCE_TYPE, cluster_of, registered
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Running instances with the CE's tags in its subnets that its cluster does not list."""
    for ce in environments(configuration):
        cluster = cluster_of(ce)
        resources = resources_block(ce)
        if cluster is None or resources is None or ce_platform(ce) != "EC2":
            continue
        tags = resources.get("tags")
        subnets, _ = network.subnets_of(resources.get("subnets"))
        if not isinstance(tags, dict) or not tags or not subnets:
            continue
        members = registered(configuration, cluster)
        strays = [
            instance
            for instance in configuration.instances(INSTANCE_TYPE)
            if _launched_for(instance, tags, subnets)
            and instance not in members
            and instance.get("id") not in members
        ]
        if strays:
            ids = ", ".join(str(instance.get("id")) for instance in strays)
            yield hit(
                ce,
                f"{len(strays)} EC2 instance(s) launched for it are running but never joined "
                f"ECS cluster {cluster.get('cluster_name') or cluster.address}: {ids}",
            )


def _launched_for(instance: ResourceInstance, tags: dict[str, Any], subnets: list[Any]) -> bool:
    """Running long enough to have joined, with every tag of the CE, in one of its subnets."""
    if instance.get("instance_state") != "running" or instance.get("settled") is not True:
        return False
    own = instance.get("tags")
    if not isinstance(own, dict) or any(own.get(key) != value for key, value in tags.items()):
        return False
    subnet = instance.get("subnet_id")
    return isinstance(subnet, AttrRef) and any(subnet.instance is other for other in subnets)


RULE = Rule(
    code="BF201",
    severity="error",
    title="instances launched but not in the ECS cluster (live account)",
    explanation="""
AWS Batch runs jobs on the instances registered in the compute environment's ECS cluster.
Instances that run for minutes without registering never get a job: their ECS agent cannot
reach the ECS endpoint (no NAT route, no public IP, no ecs/ecs-agent/ecs-telemetry endpoints
with private DNS, a security group without egress), cannot register (an instance role without
AmazonEC2ContainerServiceforEC2Role), or does not run (a custom AMI without the agent). Only
the live account shows it (`batchform doctor`: running instances with the compute
environment's compute_resources tags against the cluster's container instances).
""",
    fix="give the subnets a way to ECS (a NAT default route, public IPs, or the ecs, ecs-agent "
    "and ecs-telemetry interface endpoints with private DNS), egress on 443, and an instance "
    "role with AmazonEC2ContainerServiceforEC2Role; the other findings say which is missing",
    check=check,
)
