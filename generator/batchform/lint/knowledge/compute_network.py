"""The network as a compute environment's instances (or Fargate tasks) see it: each subnet's way
out, the endpoints of its VPC, and which subnets have no internet path at all."""

from __future__ import annotations

from batchform.aws import endpoints
from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import environments_for, resources_block
from batchform.lint.knowledge.container_properties import ContainerProperties, image_of
from batchform.lint.knowledge.images import private_ecr
from batchform.lint.model import Configuration, ResourceInstance

ECS_SERVICES = endpoints.ECS
ECR_SERVICES = endpoints.ECR
Services = dict[str, list[ResourceInstance]]
# (subnet, its way out, its VPC)
SubnetState = tuple[ResourceInstance, network.SubnetReach, ResourceInstance | None]


def subnet_states(configuration: Configuration, ce: ResourceInstance) -> list[SubnetState]:
    """(subnet, its way out, its VPC) for each subnet of a CE that can be analysed; none when
    part of the configuration is out of sight (it may hold the routes)."""
    if configuration.opaque:
        return []

    def states() -> list[SubnetState]:
        resources = resources_block(ce)
        if resources is None:
            return []
        subnets, _ = network.subnets_of(resources.get("subnets"))
        found = []
        for subnet in subnets:
            reach = network.subnet_reach(configuration, subnet)
            if reach is not None:
                found.append((subnet, reach, network.vpc_of(subnet)))
        return found

    return configuration.derived(("subnet_states", ce), states)


def ec2_public_ip(ce: ResourceInstance, subnet: ResourceInstance) -> bool | None:
    """Whether the CE's instances get a public IP in the subnet (a launch template may decide
    otherwise: then unknown)."""
    resources = resources_block(ce)
    if resources is not None and resources.nested("launch_template")[0]:
        return None
    return network.public_ip_on_launch(subnet)


def vpc_services(configuration: Configuration, vpc: ResourceInstance | None) -> Services | None:
    """The VPC's endpoints by service, None when the VPC or its endpoints cannot be told."""
    if vpc is None:
        return None
    services, complete = network.endpoint_services(configuration, vpc)
    return services if complete else None


def has_interface(services: Services, name: str) -> bool:
    """True when the service has an interface endpoint (or one whose type is unknown)."""
    return any(network.endpoint_type(endpoint) != "Gateway" for endpoint in services.get(name, []))


def has_gateway(services: Services, name: str) -> bool:
    """True when the service has a gateway endpoint (or one whose type is unknown)."""
    return any(
        network.endpoint_type(endpoint) != "Interface" for endpoint in services.get(name, [])
    )


def fargate_public_ip(properties: ContainerProperties) -> bool | None:
    """Whether Fargate tasks get a public IP: assignPublicIp, which defaults to DISABLED."""
    config = properties.value.get("networkConfiguration", {})
    if not isinstance(config, dict):
        return None
    assign = config.get("assignPublicIp", "DISABLED")
    return {"ENABLED": True, "DISABLED": False}.get(assign) if isinstance(assign, str) else None


def isolated_subnets(
    configuration: Configuration, platform: str | None, properties: ContainerProperties
) -> list[tuple[ResourceInstance, ResourceInstance | None]]:
    """(subnet, VPC) of the compute environments a job of `platform` may run on, where it has
    no internet path (no NAT, no public IP)."""
    public = fargate_public_ip(properties) if platform != "EC2" else None

    def find() -> list[tuple[ResourceInstance, ResourceInstance | None]]:
        found = []
        for ce in environments_for(configuration, platform):
            for subnet, reach, vpc in subnet_states(configuration, ce):
                if reach.nat:
                    continue
                here = ec2_public_ip(ce, subnet) if platform == "EC2" else public
                if here is None or (reach.igw and here):
                    continue
                found.append((subnet, vpc))
        return found

    # Only the platform and (for Fargate) assignPublicIp decide: once per pair, not per job.
    return configuration.derived(("isolated_subnets", platform, public), find)


def fargate_needs_public_ip(
    configuration: Configuration, job: ResourceInstance, properties: ContainerProperties
) -> bool:
    """True when a Fargate job's subnets have no NAT, assignPublicIp is not ENABLED, and the
    image is not a private ECR image reachable through endpoints."""
    config = properties.value.get("networkConfiguration")
    if isinstance(config, dict) and config.get("assignPublicIp") not in (None, "DISABLED"):
        return False
    if config is not None and not isinstance(config, dict):
        return False
    private = private_ecr(image_of(configuration, job)) is True
    return configuration.derived(
        ("fargate_needs_public_ip", private), lambda: _pull_blocked(configuration, private)
    )


def _pull_blocked(configuration: Configuration, private: bool) -> bool:
    """Whether some Fargate subnet without NAT cannot pull the image through endpoints."""
    for ce in environments_for(configuration, "FARGATE"):
        for _subnet, reach, vpc in subnet_states(configuration, ce):
            if reach.nat:
                continue
            services = vpc_services(configuration, vpc)
            if services is None:
                continue
            if (
                private
                and all(has_interface(services, name) for name in ECR_SERVICES)
                and has_gateway(services, "s3")
            ):
                continue
            return True
    return False
