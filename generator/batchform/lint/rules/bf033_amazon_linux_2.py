"""BF033: compute environments on Batch's Amazon Linux 2 AMIs, which AWS stops creating."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from batchform import clock
from batchform.aws import rules
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.knowledge.launch_templates import template_block, template_of
from batchform.lint.model import Body, Configuration
from batchform.lint.model.values import is_set
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """ec2_configuration blocks on ECS_AL2 or ECS_AL2_NVIDIA without an AMI of their own: a
    warning until the day AWS blocks them, an error from then on."""
    day = clock.today()
    blocked = rules.amazon_linux_2_blocked(day)
    when = _spoken(rules.AMAZON_LINUX_2_BLOCKED_FROM)
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None or _own_ami(resources):
            continue
        blocks, _ = resources.nested("ec2_configuration")
        for block in blocks:
            image_type = block.get("image_type")
            successor = rules.amazon_linux_2_successor(image_type if isinstance(image_type, str)
                                                       else None)
            if successor is None or is_set(block.get("image_id_override")):
                continue
            refusal = (
                f"since {when} AWS Batch refuses to create compute environments on it"
                if blocked
                else f"from {when} AWS Batch refuses to create compute environments on it"
            )
            yield hit(
                ce,
                f"image_type {image_type} is Batch's Amazon Linux 2 AMI: {refusal}, this one's "
                f"replacements included; use {successor}",
                at=block,
                attribute="image_type",
                severity=None if blocked else "warning",
            )


def _own_ami(resources: Body) -> bool:
    """Whether the compute environment brings its own AMI (Batch's image types then only say
    which instances an AMI is for)."""
    if is_set(resources.get("image_id")):
        return True
    block = template_block(resources)
    template = template_of(block) if block is not None else None
    return template is not None and is_set(template.get("image_id"))


def _spoken(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


RULE = Rule(
    code="BF033",
    severity="error",
    severities=("warning",),
    title="compute environment on Batch's Amazon Linux 2 AMI",
    explanation=f"""
{rules.AMAZON_LINUX_2.summary} ({rules.AMAZON_LINUX_2.source}.) An existing compute
environment keeps running, but every change that replaces it creates a new one, which AWS
refuses. A warning before that day, an error from it on; without ec2_configuration Batch
picks Amazon Linux 2023 by itself.
""",
    fix="set ec2_configuration image_type to ECS_AL2023 (ECS_AL2023_NVIDIA for GPU instances)",
    check=check,
)
