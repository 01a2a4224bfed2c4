"""BF005: compute subnets need a path to the ECS endpoint."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import ce_platform, environments, resources_block
from batchform.lint.knowledge.compute_network import (
    ECS_SERVICES,
    ec2_public_ip,
    has_interface,
    subnet_states,
    vpc_services,
)
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """EC2 CEs with a subnet that has no NAT, no usable public IP and not every ECS endpoint."""
    for ce in environments(configuration):
        if ce_platform(ce) != "EC2":
            continue
        for subnet, reach, vpc in subnet_states(configuration, ce):
            if reach.nat:
                continue
            if reach.igw and ec2_public_ip(ce, subnet) is not False:
                continue
            services = vpc_services(configuration, vpc)
            if services is None:
                continue
            missing = [name for name in ECS_SERVICES if not has_interface(services, name)]
            if not missing:
                continue
            why = "an internet gateway route but no public IP" if reach.igw else "no NAT route"
            yield hit(
                ce,
                f"subnet {subnet.address} has {why} and no {', '.join(missing)} endpoint(s)",
                at=resources_block(ce),
                attribute="subnets",
            )


RULE = Rule(
    code="BF005",
    severity="error",
    title="compute subnets have no path to the ECS endpoint",
    explanation="""
Instances of the compute environment must reach the ECS service endpoint to register; without
a NAT default route, a public IP (internet gateway route plus map_public_ip_on_launch), or all
three interface endpoints ecs-agent, ecs-telemetry and ecs, jobs stay RUNNABLE forever.
""",
    fix="add a NAT gateway default route to the subnets' route table, or the ecs-agent, "
    "ecs-telemetry and ecs interface endpoints (private DNS on)",
    check=check,
)
