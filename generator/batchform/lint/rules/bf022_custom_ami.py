"""BF022: a custom AMI must run the ECS agent and allow awslogs."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws.provider import compute_resource_sent
from batchform.lint.knowledge.batch import ce_platform, environments, resources_block
from batchform.lint.knowledge.launch_templates import template_block, template_of
from batchform.lint.model import Body, Configuration, ResourceInstance
from batchform.lint.model.values import Unknown, is_set, text_of
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """EC2 CEs with image_id or image_id_override not from the ECS-optimized AMIs."""
    for ce in environments(configuration):
        if ce_platform(ce) != "EC2":
            continue
        resources = resources_block(ce)
        if resources is None:
            continue
        candidates = [(resources, "image_id")]
        configurations, _ = resources.nested("ec2_configuration")
        candidates += [(configuration, "image_id_override") for configuration in configurations]
        for view, argument in candidates:
            value = view.get(argument)
            if not is_set(value):
                continue
            if not isinstance(value, Unknown) and not compute_resource_sent(argument, value, None):
                continue  # `image_id = ""`: the provider sends no AMI at all
            if not _ecs_optimized(view, argument):
                yield hit(
                    ce,
                    f"`{argument}` sets a custom AMI; it must run the ECS agent and allow awslogs",
                    at=view,
                    attribute=argument,
                )
        yield from _launch_template_ami(ce, resources)


def _launch_template_ami(ce: ResourceInstance, resources: Body) -> Iterator[Hit]:
    """A launch template of the CE's that sets image_id: an AMI of its own, like image_id."""
    block = template_block(resources)
    template = template_of(block) if block is not None else None
    if template is None:
        return
    value = template.get("image_id")
    # The provider sends no AMI for an empty image_id.
    if is_set(value) and value != "" and not _ecs_optimized(template, "image_id"):
        yield hit(
            ce,
            f"launch template {template.address} sets `image_id`, a custom AMI; it must run the "
            "ECS agent and allow awslogs",
            at=template,
            attribute="image_id",
        )


def _ecs_optimized(view: Body, argument: str) -> bool:
    """True when the AMI comes from the ECS-optimized SSM parameters or an ECS AMI filter."""
    return any(source.mode == "data" and _names_ecs(source) for source in view.references(argument))


def _names_ecs(source: ResourceInstance) -> bool:
    """A data source whose name or filter values mention ECS (aws_ssm_parameter, aws_ami)."""
    texts = [text_of(source.get("name"))]
    filters, _ = source.nested("filter")
    for item in filters:
        values = item.get("values")
        if isinstance(values, list):
            texts.extend(text_of(value) for value in values)
    return any(text and "ecs" in text.lower() for text in texts)


RULE = Rule(
    code="BF022",
    severity="warning",
    title="custom AMI: the ECS agent and the awslogs driver are up to you",
    explanation="""
A compute environment with its own AMI (image_id, ec2_configuration.image_id_override, or the
image_id of its launch template) only runs jobs if that AMI starts the ECS agent and allows
the awslogs log driver (the default log driver of Batch jobs). Without them instances never
join and jobs stay RUNNABLE.
""",
    fix="use the ECS-optimized AMI (the default, or its SSM parameter), or make sure the custom AMI "
    "runs the ECS agent with ECS_AVAILABLE_LOGGING_DRIVERS including awslogs",
    check=check,
)
