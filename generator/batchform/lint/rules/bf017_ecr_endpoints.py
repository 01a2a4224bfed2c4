"""BF017: a private ECR image needs the ECR and S3 endpoints where there is no NAT."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import JOB_TYPE, job_platform
from batchform.lint.knowledge.compute_network import (
    ECR_SERVICES,
    has_gateway,
    has_interface,
    isolated_subnets,
    vpc_services,
)
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.knowledge.images import private_ecr
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Jobs with a private ECR image and a subnet without NAT, ECR endpoints or S3 gateway."""
    for job in configuration.instances(JOB_TYPE):
        properties = container_properties(configuration, job)
        if properties is None or private_ecr(properties.value.get("image")) is not True:
            continue
        for subnet, vpc in isolated_subnets(configuration, job_platform(job), properties):
            services = vpc_services(configuration, vpc)
            if services is None:
                continue
            missing = [name for name in ECR_SERVICES if not has_interface(services, name)]
            if not has_gateway(services, "s3"):
                missing.append("s3 (gateway)")
            if missing:
                yield hit(
                    job,
                    f"private ECR image, subnet {subnet.address} has no NAT and no "
                    f"{', '.join(missing)} endpoint(s)",
                    attribute="container_properties",
                )
                break


RULE = Rule(
    code="BF017",
    severity="warning",
    title="private ECR image without the endpoints to pull it",
    explanation="""
Without NAT or a public IP, pulling from private ECR needs the ecr.api and ecr.dkr interface
endpoints and the s3 gateway endpoint (image layers live in S3). Missing any, the pull fails
with CannotPullContainerError.
""",
    fix="add com.amazonaws.<region>.ecr.api and .ecr.dkr interface endpoints and the .s3 gateway "
    "endpoint on the compute subnets' route tables",
    check=check,
)
