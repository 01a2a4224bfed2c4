"""BF019: an image outside private ECR needs an internet path."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import JOB_TYPE, job_platform
from batchform.lint.knowledge.compute_network import isolated_subnets
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.knowledge.images import private_ecr
from batchform.lint.model import Configuration
from batchform.lint.model.values import text_of
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Jobs with an image from outside private ECR and a subnet with no NAT or public IP."""
    for job in configuration.instances(JOB_TYPE):
        properties = container_properties(configuration, job)
        if properties is None:
            continue
        image = properties.value.get("image")
        if private_ecr(image) is not False:
            continue
        isolated = isolated_subnets(configuration, job_platform(job), properties)
        if isolated:
            subnet, _ = isolated[0]
            yield hit(
                job,
                f"image {text_of(image)!r} is outside private ECR and subnet "
                f"{subnet.address} has no NAT and no public IP",
                attribute="container_properties",
            )


RULE = Rule(
    code="BF019",
    severity="error",
    title="public registry image where the subnets have no internet path",
    explanation="""
VPC endpoints reach only the account's private ECR. An image from Docker Hub,
public.ecr.aws, ghcr.io, quay.io or any other registry needs a NAT gateway or a public IP;
without either the pull can never succeed.
""",
    fix="copy the image to private ECR (or use an ECR pull-through cache), or give the subnets a "
    "NAT gateway default route",
    check=check,
)
