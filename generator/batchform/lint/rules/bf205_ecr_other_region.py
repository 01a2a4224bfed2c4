"""BF205: a private ECR image of another region needs an internet path."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import ecr
from batchform.lint.knowledge.batch import JOB_TYPE, job_platform
from batchform.lint.knowledge.compute_network import isolated_subnets
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.model import Configuration
from batchform.lint.model.values import text_of
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Job definitions whose known ARN region differs from their image's ECR region, where a
    compute subnet has no NAT and no public IP."""
    for job in configuration.instances(JOB_TYPE):
        arn = text_of(job.get("arn"))
        properties = container_properties(configuration, job)
        image = text_of(properties.value.get("image")) if properties is not None else None
        if properties is None or not arn or not image or arn.count(":") < 5:
            continue
        region, image_region = arn.split(":")[3], ecr.registry_region(image)
        if image_region is None or image_region == region:
            continue
        isolated = isolated_subnets(configuration, job_platform(job), properties)
        if isolated:
            subnet, _ = isolated[0]
            yield hit(
                job,
                f"image {image!r} is in the private ECR of {image_region}, the job runs in "
                f"{region}, and subnet {subnet.address} has no NAT and no public IP",
                attribute="container_properties",
            )


RULE = Rule(
    code="BF205",
    severity="error",
    title="private ECR image of another region where the subnets have no internet path (live "
    "account)",
    explanation="""
The ecr.api and ecr.dkr VPC endpoints reach the ECR registries of their own region only. An
image in another region's private ECR needs a NAT gateway or a public IP, like an image from
any other registry. Only the live account shows which region a job runs in
(`batchform doctor`: the job definition's ARN).
""",
    fix="replicate the image to the job's region (ECR replication) and use that URI, or give the "
    "subnets a NAT gateway default route",
    check=check,
)
