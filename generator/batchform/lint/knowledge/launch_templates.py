"""Launch templates of compute environments: the template a `launch_template` block names."""

from __future__ import annotations

from batchform.lint.knowledge.links import instance_of
from batchform.lint.model import Body, ResourceInstance

TEMPLATE_TYPE = "aws_launch_template"


def template_block(resources: Body) -> Body | None:
    """The `launch_template` block of a `compute_resources` block."""
    return resources.first("launch_template")


def template_of(block: Body) -> ResourceInstance | None:
    """The aws_launch_template a `launch_template` block names by id or name, when it is one of
    the configuration's."""
    for argument in ("launch_template_id", "launch_template_name"):
        found = instance_of(block.get(argument), TEMPLATE_TYPE)
        if found is not None:
            return found
    return None
