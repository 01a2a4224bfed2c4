"""BF026: the S3 gateway endpoint must be on the route tables of compute subnets without NAT."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import endpoints
from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import environments
from batchform.lint.knowledge.compute_network import subnet_states, vpc_services
from batchform.lint.knowledge.links import instance_of, referrers
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """S3 gateway endpoints in a compute VPC missing a route table of a subnet without NAT."""
    reported: set[tuple[ResourceInstance, ResourceInstance]] = set()
    for ce in environments(configuration):
        for subnet, reach, vpc in subnet_states(configuration, ce):
            if reach.nat:
                continue
            services = vpc_services(configuration, vpc)
            if services is None:
                continue
            gateways = [
                endpoint
                for endpoint in services.get(endpoints.S3_GATEWAY, [])
                if network.endpoint_type(endpoint) == "Gateway"
            ]
            tables, complete = network.route_tables(configuration, subnet)
            if not gateways or not complete or not tables:
                continue
            for endpoint in gateways:
                served = _tables_of(configuration, endpoint)
                if served is None or any(table in served for table in tables):
                    continue
                if (endpoint, subnet) in reported:
                    continue
                reported.add((endpoint, subnet))
                names = ", ".join(table.address for table in tables)
                yield hit(
                    endpoint,
                    f"S3 gateway endpoint is not on route table {names} of compute subnet "
                    f"{subnet.address} (no NAT): image layers cannot be fetched from S3",
                    attribute="route_table_ids",
                )


def _tables_of(
    configuration: Configuration, endpoint: ResourceInstance
) -> set[ResourceInstance] | None:
    """The route tables an endpoint is on (route_table_ids and separate associations); None when
    some cannot be told."""
    listed = endpoint.get("route_table_ids", [])
    if not isinstance(listed, list):
        return None
    found: set[ResourceInstance] = set()
    for value in listed:
        table = _table(value)
        if table is None:
            return None
        found.add(table)
    associations = referrers(
        configuration, "aws_vpc_endpoint_route_table_association", "vpc_endpoint_id"
    )
    if associations.unclear:
        return None
    for association in associations.of(endpoint):
        table = _table(association.get("route_table_id"))
        if table is None:
            return None
        found.add(table)
    return found


def _table(value: object) -> ResourceInstance | None:
    if not isinstance(value, AttrRef):
        return None
    return instance_of(value, "aws_route_table") or instance_of(value, "aws_default_route_table")


RULE = Rule(
    code="BF026",
    severity="error",
    title="S3 gateway endpoint not on the route table of a compute subnet without NAT",
    explanation="""
ECR keeps image layers in S3. Without NAT, compute reaches S3 only through the S3 gateway
endpoint, and a gateway endpoint serves only the route tables it is associated with: a
compute subnet whose route table is not among them cannot pull private images
(CannotPullContainerError) even though the endpoint exists.
""",
    fix="add the subnet's route table to the endpoint's route_table_ids (or an "
    "aws_vpc_endpoint_route_table_association)",
    check=check,
)
