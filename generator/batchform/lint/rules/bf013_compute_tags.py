"""BF013: compute_resources.tags fed from variables or default tags replace the CE."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.hcl.syntax import Traversal
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """CEs whose compute_resources.tags depend on a variable or aws_default_tags."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None:
            continue
        for node in resources.expressions("tags"):
            if isinstance(node, Traversal) and (
                node.root == "var"
                or (node.root == "data" and node.steps and node.steps[0].name == "aws_default_tags")
            ):
                yield hit(
                    ce,
                    f"compute_resources.tags depends on {node.dotted()}",
                    at=resources,
                    attribute="tags",
                )
                break


RULE = Rule(
    code="BF013",
    severity="warning",
    title="compute_resources.tags fed from variables or default tags",
    explanation="""
compute_resources.tags forces a new compute environment when it changes. Fed from a variable
or the provider's default tags, any tag edit elsewhere replaces the compute environment (and,
without create_before_destroy, breaks the apply).
""",
    fix="write compute_resources.tags as fixed literals (or drop them); tag the CE with "
    "top-level tags",
    check=check,
)
