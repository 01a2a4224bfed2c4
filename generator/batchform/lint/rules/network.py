"""Rules on the network around compute: routes out, endpoints, DNS, security-group egress."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from batchform.lint.engine.resolver import Instance, Stack
from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import (
    ContainerProperties,
    ce_platform,
    container_properties,
    environments,
    environments_for,
    image_of,
    instance_of,
    job_platform,
    resources_block,
)
from batchform.lint.model.values import AttrRef, text_of
from batchform.lint.rules import Hit, hit, rule

_ECS = ("ecs-agent", "ecs-telemetry", "ecs")
_PRIVATE_ECR = re.compile(r"^(\d{12}|[^/]*)\.dkr\.ecr\.[a-z0-9-]*\.amazonaws\.com(\.cn)?/")


def _subnet_state(
    stack: Stack, ce: Instance
) -> list[tuple[Instance, network.SubnetReach, Instance | None]]:
    """(subnet, its way out, its VPC) for each subnet of a CE that can be analysed."""
    if network.opaque_modules(stack):
        return []
    resources = resources_block(ce)
    if resources is None:
        return []
    subnets, _ = network.subnets_of(resources.get("subnets"))
    found = []
    for subnet in subnets:
        reach = network.subnet_reach(stack, subnet)
        if reach is not None:
            found.append((subnet, reach, network.vpc_of(subnet)))
    return found


def _ec2_public_ip(ce: Instance, subnet: Instance) -> bool | None:
    resources = resources_block(ce)
    if resources is not None and resources.nested("launch_template")[0]:
        return None
    return network.public_ip_on_launch(subnet)


def _services(stack: Stack, vpc: Instance | None) -> dict[str, list[Instance]] | None:
    if vpc is None:
        return None
    services, complete = network.endpoint_services(stack, vpc)
    return services if complete else None


@rule(
    "BF005",
    "error",
    "compute subnets have no path to the ECS endpoint",
    """
Instances of the compute environment must reach the ECS service endpoint to register; without
a NAT default route, a public IP (internet gateway route plus map_public_ip_on_launch), or all
three interface endpoints ecs-agent, ecs-telemetry and ecs, jobs stay RUNNABLE forever.
""",
    "add a NAT gateway default route to the subnets' route table, or the ecs-agent, "
    "ecs-telemetry and ecs interface endpoints (private DNS on)",
)
def check_ecs_path(stack: Stack) -> Iterator[Hit]:
    """BF005."""
    for ce in environments(stack):
        if ce_platform(ce) != "EC2":
            continue
        for subnet, reach, vpc in _subnet_state(stack, ce):
            if reach.nat:
                continue
            public = _ec2_public_ip(ce, subnet)
            if reach.igw and public is not False:
                continue
            services = _services(stack, vpc)
            if services is None:
                continue
            missing = [name for name in _ECS if not _interface(services, name)]
            if not missing:
                continue
            why = "an internet gateway route but no public IP" if reach.igw else "no NAT route"
            yield hit(
                ce,
                f"subnet {subnet.address} has {why} and no {', '.join(missing)} endpoint(s)",
                at=resources_block(ce),
                attribute="subnets",
            )


def _interface(services: dict[str, list[Instance]], name: str) -> bool:
    return any(network.endpoint_type(endpoint) != "Gateway" for endpoint in services.get(name, []))


def _gateway(services: dict[str, list[Instance]], name: str) -> bool:
    return any(
        network.endpoint_type(endpoint) != "Interface" for endpoint in services.get(name, [])
    )


@rule(
    "BF006",
    "error",
    "private DNS endpoint in a VPC without DNS support and hostnames",
    """
Interface endpoints with private_dns_enabled need the VPC's enable_dns_support and
enable_dns_hostnames. aws_vpc leaves enable_dns_hostnames false by default, so the endpoint
cannot be created, or its names do not resolve and jobs stay RUNNABLE.
""",
    "set enable_dns_support = true and enable_dns_hostnames = true on the aws_vpc",
)
def check_endpoint_dns(stack: Stack) -> Iterator[Hit]:
    """BF006."""
    for endpoint in stack.instances("aws_vpc_endpoint"):
        if network.endpoint_type(endpoint) != "Interface":
            continue
        if endpoint.get("private_dns_enabled") is not True:
            continue
        vpc = instance_of(endpoint.get("vpc_id"), "aws_vpc")
        if vpc is None:
            continue
        support = vpc.get("enable_dns_support", True)
        hostnames = vpc.get("enable_dns_hostnames", False)
        off = [
            name
            for name, value in (
                ("enable_dns_support", support),
                ("enable_dns_hostnames", hostnames),
            )
            if value is False
        ]
        if off:
            yield hit(
                endpoint,
                f"private DNS endpoint in {vpc.address}, which has {' and '.join(off)} off",
                attribute="private_dns_enabled",
            )


@rule(
    "BF007",
    "error",
    "compute security group cannot reach what image pulls need",
    """
Terraform removes the default allow-all egress of an aws_security_group. A compute security
group without egress cannot reach ECS, ECR or S3. With an S3 gateway endpoint, image layers
come from S3's public addresses through the endpoint: egress only to the VPC CIDR blocks them.
""",
    "allow egress on 443 to 0.0.0.0/0, or to the S3 prefix list "
    "(aws_vpc_endpoint.<s3>.prefix_list_id) in addition to the VPC CIDR",
)
def check_egress(stack: Stack) -> Iterator[Hit]:
    """BF007."""
    seen: set[int] = set()
    for ce in environments(stack):
        resources = resources_block(ce)
        if resources is None:
            continue
        groups = resources.get("security_group_ids")
        if not isinstance(groups, list):
            continue
        s3_gateway = _s3_gateway(stack, ce)
        for value in groups:
            group = instance_of(value, "aws_security_group")
            if group is None or id(group) in seen:
                continue
            seen.add(id(group))
            rules, complete = network.security_group_egress(stack, group)
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


def _s3_gateway(stack: Stack, ce: Instance) -> bool:
    resources = resources_block(ce)
    vpcs: list[Instance] = []
    if resources is not None:
        subnets, _ = network.subnets_of(resources.get("subnets"))
        vpcs = [vpc for subnet in subnets if (vpc := network.vpc_of(subnet)) is not None]
    for endpoint in stack.instances("aws_vpc_endpoint"):
        text = text_of(endpoint.get("service_name"))
        if text is None or not text.endswith(".s3") or network.endpoint_type(endpoint) != "Gateway":
            continue
        vpc = instance_of(endpoint.get("vpc_id"), "aws_vpc")
        if not vpcs or vpc is None or any(vpc is other for other in vpcs):
            return True
    return False


def private_ecr(image: Any) -> bool | None:
    """Whether an image is in a private ECR registry; None when unknown."""
    if isinstance(image, AttrRef) and image.instance.type == "aws_ecr_repository":
        return True
    text = text_of(image)
    if text is None:
        return None
    if _PRIVATE_ECR.match(text) or ".dkr.ecr." in text:
        return True
    if isinstance(image, str):
        return False
    # A partly known image: decide on the registry part only when it is fully known.
    first = image.parts[0] if hasattr(image, "parts") else None
    if isinstance(first, str) and "/" in first:
        return False
    return None


def _isolated_subnets(
    stack: Stack, job: Instance, properties: ContainerProperties
) -> list[tuple[Instance, Instance | None]]:
    """Subnets of the job's compute environments with no internet path (no NAT, no public IP)."""
    platform = job_platform(job)
    found: list[tuple[Instance, Instance | None]] = []
    for ce in environments_for(stack, platform):
        for subnet, reach, vpc in _subnet_state(stack, ce):
            if reach.nat:
                continue
            if platform == "EC2":
                public = _ec2_public_ip(ce, subnet)
            else:
                public = _fargate_public_ip(properties)
            if public is None or (reach.igw and public):
                continue
            found.append((subnet, vpc))
    return found


def _fargate_public_ip(properties: ContainerProperties) -> bool | None:
    """Whether Fargate tasks get a public IP: assignPublicIp, which defaults to DISABLED."""
    config = properties.value.get("networkConfiguration", {})
    if not isinstance(config, dict):
        return None
    assign = config.get("assignPublicIp", "DISABLED")
    return {"ENABLED": True, "DISABLED": False}.get(assign) if isinstance(assign, str) else None


@rule(
    "BF017",
    "warning",
    "private ECR image without the endpoints to pull it",
    """
Without NAT or a public IP, pulling from private ECR needs the ecr.api and ecr.dkr interface
endpoints and the s3 gateway endpoint (image layers live in S3). Missing any, the pull fails
with CannotPullContainerError.
""",
    "add com.amazonaws.<region>.ecr.api and .ecr.dkr interface endpoints and the .s3 gateway "
    "endpoint on the compute subnets' route tables",
)
def check_ecr_endpoints(stack: Stack) -> Iterator[Hit]:
    """BF017."""
    for job in stack.instances("aws_batch_job_definition"):
        properties = container_properties(job)
        if properties is None or private_ecr(properties.value.get("image")) is not True:
            continue
        for subnet, vpc in _isolated_subnets(stack, job, properties):
            services = _services(stack, vpc)
            if services is None:
                continue
            missing = [name for name in ("ecr.api", "ecr.dkr") if not _interface(services, name)]
            if not _gateway(services, "s3"):
                missing.append("s3 (gateway)")
            if missing:
                yield hit(
                    job,
                    f"private ECR image, subnet {subnet.address} has no NAT and no "
                    f"{', '.join(missing)} endpoint(s)",
                    attribute="container_properties",
                )
                break


@rule(
    "BF019",
    "error",
    "public registry image where the subnets have no internet path",
    """
VPC endpoints reach only the account's private ECR. An image from Docker Hub,
public.ecr.aws, ghcr.io, quay.io or any other registry needs a NAT gateway or a public IP;
without either the pull can never succeed.
""",
    "copy the image to private ECR (or use an ECR pull-through cache), or give the subnets a "
    "NAT gateway default route",
)
def check_public_image(stack: Stack) -> Iterator[Hit]:
    """BF019."""
    for job in stack.instances("aws_batch_job_definition"):
        properties = container_properties(job)
        if properties is None:
            continue
        image = properties.value.get("image")
        if private_ecr(image) is not False:
            continue
        isolated = _isolated_subnets(stack, job, properties)
        if isolated:
            subnet, _ = isolated[0]
            yield hit(
                job,
                f"image {text_of(image)!r} is outside private ECR and subnet "
                f"{subnet.address} has no NAT and no public IP",
                attribute="container_properties",
            )


def fargate_needs_public_ip(stack: Stack, job: Instance, properties: ContainerProperties) -> bool:
    """True when a Fargate job's subnets have no NAT, assignPublicIp is not ENABLED, and the
    image is not a private ECR image reachable through endpoints."""
    config = properties.value.get("networkConfiguration")
    if isinstance(config, dict) and config.get("assignPublicIp") not in (None, "DISABLED"):
        return False
    if config is not None and not isinstance(config, dict):
        return False
    for ce in environments_for(stack, "FARGATE"):
        for _subnet, reach, vpc in _subnet_state(stack, ce):
            if reach.nat:
                continue
            services = _services(stack, vpc)
            if services is None:
                continue
            if (
                private_ecr(image_of(job)) is True
                and all(_interface(services, name) for name in ("ecr.api", "ecr.dkr"))
                and _gateway(services, "s3")
            ):
                continue
            return True
    return False


@rule(
    "BF023",
    "warning",
    "job logs or secrets without the endpoints to reach them",
    """
Without NAT or a public IP, the awslogs driver (the default log driver of Batch jobs) needs
the logs interface endpoint, and secrets need the secretsmanager or ssm endpoint. Missing them,
the container fails to start (CannotStartContainerError / ResourceInitializationError).
""",
    "add com.amazonaws.<region>.logs (and .secretsmanager / .ssm for secrets) interface "
    "endpoints in the compute subnets' VPC",
)
def check_support_endpoints(stack: Stack) -> Iterator[Hit]:
    """BF023."""
    for job in stack.instances("aws_batch_job_definition"):
        properties = container_properties(job)
        if properties is None:
            continue
        needed = []
        logging = properties.value.get("logConfiguration")
        driver = logging.get("logDriver") if isinstance(logging, dict) else "awslogs"
        if driver == "awslogs":
            needed.append("logs")
        secrets = properties.value.get("secrets")
        for secret in secrets if isinstance(secrets, list) else []:
            source = text_of(secret.get("valueFrom")) if isinstance(secret, dict) else None
            if source is None:
                continue
            if ":secretsmanager:" in source and "secretsmanager" not in needed:
                needed.append("secretsmanager")
            elif (":ssm:" in source or not source.startswith("arn:")) and "ssm" not in needed:
                needed.append("ssm")
        if not needed:
            continue
        for subnet, vpc in _isolated_subnets(stack, job, properties):
            services = _services(stack, vpc)
            if services is None:
                continue
            missing = [name for name in needed if not _interface(services, name)]
            if missing:
                yield hit(
                    job,
                    f"subnet {subnet.address} has no NAT and no {', '.join(missing)} endpoint(s)",
                    attribute="container_properties",
                )
                break
