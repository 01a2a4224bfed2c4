"""BF025: interface endpoints that compute relies on need private DNS."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import endpoints
from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import environments
from batchform.lint.knowledge.compute_network import subnet_states, vpc_services
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit

# The interface endpoints compute reaches by the service's own name (endpoints.KNOWN less the
# S3 gateway, which works through routes, not names).
_BY_NAME = tuple(service for service in endpoints.KNOWN if service != endpoints.S3_GATEWAY)


def check(configuration: Configuration) -> Iterator[Hit]:
    """Interface endpoints without private DNS in the VPC of a compute subnet without NAT."""
    seen: set[ResourceInstance] = set()
    for ce in environments(configuration):
        for subnet, reach, vpc in subnet_states(configuration, ce):
            if reach.nat:
                continue
            services = vpc_services(configuration, vpc)
            if services is None:
                continue
            for service in _BY_NAME:
                for endpoint in services.get(service, []):
                    if endpoint in seen or not _private_dns_off(endpoint):
                        continue
                    seen.add(endpoint)
                    yield hit(
                        endpoint,
                        f"{service} interface endpoint has private DNS off: compute in "
                        f"{subnet.address} (no NAT) resolves the public {service} name, which "
                        "it cannot reach",
                        attribute="private_dns_enabled",
                    )


def _private_dns_off(endpoint: ResourceInstance) -> bool:
    """An Interface endpoint whose private_dns_enabled is false (the provider's default:
    aws_vpc_endpoint docs, "private_dns_enabled ... Defaults to false")."""
    return (
        network.endpoint_type(endpoint) == "Interface"
        and endpoint.get("private_dns_enabled", False) is False
    )


RULE = Rule(
    code="BF025",
    severity="error",
    title="interface endpoint without private DNS where compute has no NAT",
    explanation="""
The ECS agent, image pulls and the awslogs driver call AWS by the services' public names
(ecs.<region>.amazonaws.com, ...). An interface endpoint answers those names inside the VPC
only with private DNS on; without it the names resolve to public addresses, which a subnet
with no NAT cannot reach, and jobs stay RUNNABLE. aws_vpc_endpoint leaves
private_dns_enabled false unless it is set.
""",
    fix="set private_dns_enabled = true on the interface endpoint (the VPC needs "
    "enable_dns_support and enable_dns_hostnames)",
    check=check,
)
