"""BF007: a compute security group must let image pulls out."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.knowledge.links import instance_of
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import text_of
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Compute security groups without egress, or whose egress cannot reach S3's prefix list."""
    seen: set[ResourceInstance] = set()
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None:
            continue
        groups = resources.get("security_group_ids")
        if not isinstance(groups, list):
            continue
        s3_gateway = _s3_gateway(configuration, ce)
        for value in groups:
            group = instance_of(value, "aws_security_group")
            if group is None or group in seen:
                continue
            seen.add(group)
            rules, complete = network.security_group_egress(configuration, group)
            if not complete:
                continue
            if not rules:
                yield hit(
                    group,
                    f"security group used by compute environment {ce.address} has no egress rule",
                )
                continue
            if not s3_gateway:
                continue
            https = [rule for rule in rules if network.allows_https(rule) is not False]
            if any(network.reaches_public_aws(rule) is not False for rule in https):
                continue
            yield hit(
                group,
                f"egress of this security group (used by {ce.address}) stays "
                "inside private CIDRs, but image layers come through the S3 gateway "
                "endpoint's public prefix list",
            )


def _s3_gateway(configuration: Configuration, ce: ResourceInstance) -> bool:
    """True when an S3 gateway endpoint serves the CE's VPC (or a VPC that cannot be told)."""
    resources = resources_block(ce)
    vpcs: list[ResourceInstance] = []
    if resources is not None:
        subnets, _ = network.subnets_of(resources.get("subnets"))
        vpcs = [vpc for subnet in subnets if (vpc := network.vpc_of(subnet)) is not None]
    for endpoint in configuration.instances("aws_vpc_endpoint"):
        text = text_of(endpoint.get("service_name"))
        if text is None or not text.endswith(".s3") or network.endpoint_type(endpoint) != "Gateway":
            continue
        vpc = instance_of(endpoint.get("vpc_id"), "aws_vpc")
        if not vpcs or vpc is None or any(vpc is other for other in vpcs):
            return True
    return False


RULE = Rule(
    code="BF007",
    severity="error",
    title="compute security group cannot reach what image pulls need",
    explanation="""
Terraform removes the default allow-all egress of an aws_security_group. A compute security
group without egress cannot reach ECS, ECR or S3. With an S3 gateway endpoint, image layers
come from S3's public addresses through the endpoint: egress only to the VPC CIDR blocks them.
Egress blocks, the `egress = [...]` attribute list and separate rule resources all count; a
group looked up with a data source is not judged (its rules are elsewhere).
""",
    fix="allow egress on 443 to 0.0.0.0/0, or to the S3 prefix list "
    "(aws_vpc_endpoint.<s3>.prefix_list_id) in addition to the VPC CIDR",
    check=check,
)
