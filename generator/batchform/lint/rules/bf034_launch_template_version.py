"""BF034: a compute environment's launch template version must be a version, not an alias."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import rules
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.knowledge.launch_templates import template_block, template_of
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """launch_template blocks with version $Latest or $Default, or none (which is $Default)."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        block = template_block(resources) if resources is not None else None
        if block is None:
            continue
        if block.has("version"):
            version = block.get("version")
            if version not in rules.LAUNCH_TEMPLATE_ALIASES:
                continue
            said = f'launch_template version "{version}"'
        else:
            said = (f'launch_template without a version (which is '
                    f'"{rules.LAUNCH_TEMPLATE_DEFAULT_VERSION}")')
        template = template_of(block)
        name = template.address if template is not None else "aws_launch_template.<name>"
        yield hit(
            ce,
            f"{said} is resolved when the compute environment is created: a new version of the "
            "template changes nothing in its configuration, so no plan brings it to the "
            f"instances; use {name}.latest_version",
            at=block,
            attribute="version",
        )


RULE = Rule(
    code="BF034",
    severity="warning",
    title="launch template version $Latest, $Default or none",
    explanation=f"""
{rules.LAUNCH_TEMPLATE_VERSION.summary} ({rules.LAUNCH_TEMPLATE_VERSION.source}.) Batch
resolves the alias when it creates the compute environment and again only when some other
change makes it update the infrastructure, so an edited template (a new AMI, user data) stays
unused, with no plan showing it.
""",
    fix="set version = aws_launch_template.<name>.latest_version, so that a new template "
    "version updates the compute environment",
    check=check,
)
