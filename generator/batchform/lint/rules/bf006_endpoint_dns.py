"""BF006: private DNS endpoints need a VPC with DNS support and hostnames."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge import network
from batchform.lint.knowledge.links import instance_of
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Interface endpoints with private DNS in a VPC that turns DNS support or hostnames off."""
    for endpoint in configuration.instances("aws_vpc_endpoint"):
        if network.endpoint_type(endpoint) != "Interface":
            continue
        if endpoint.get("private_dns_enabled") is not True:
            continue
        vpc = instance_of(endpoint.get("vpc_id"), "aws_vpc")
        if vpc is None:
            continue
        # aws_vpc's defaults: DNS support on, DNS hostnames off.
        settings = (
            ("enable_dns_support", vpc.get("enable_dns_support", True)),
            ("enable_dns_hostnames", vpc.get("enable_dns_hostnames", False)),
        )
        off = [name for name, value in settings if value is False]
        if off:
            yield hit(
                endpoint,
                f"private DNS endpoint in {vpc.address}, which has {' and '.join(off)} off",
                attribute="private_dns_enabled",
            )


RULE = Rule(
    code="BF006",
    severity="error",
    title="private DNS endpoint in a VPC without DNS support and hostnames",
    explanation="""
Interface endpoints with private_dns_enabled need the VPC's enable_dns_support and
enable_dns_hostnames. aws_vpc leaves enable_dns_hostnames false by default, so the endpoint
cannot be created, or its names do not resolve and jobs stay RUNNABLE.
""",
    fix="set enable_dns_support = true and enable_dns_hostnames = true on the aws_vpc",
    check=check,
)
