"""BF013: compute_resources.tags fed from variables or default tags replace the CE."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.hcl.syntax import Traversal
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.model import Body, Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """CEs whose compute_resources.tags depend on aws_default_tags or on a variable that feeds
    something else too (a variable only for these tags is as deliberate as a literal)."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None or not resources.has("tags"):
            continue
        source = _default_tags(resources) or _shared_input(resources)
        if source is not None:
            yield hit(
                ce, f"compute_resources.tags depends on {source}", at=resources, attribute="tags"
            )


def _default_tags(resources: Body) -> str | None:
    for node in resources.expressions("tags"):
        if (
            isinstance(node, Traversal)
            and node.root == "data"
            and node.steps
            and node.steps[0].name == "aws_default_tags"
        ):
            return node.dotted()
    return None


def _shared_input(resources: Body) -> str | None:
    for found in resources.inputs("tags"):
        if found.shared:
            return f"{found.address}, which its module also reads for something else"
        if found.shared is None:
            return found.address
    return None


RULE = Rule(
    code="BF013",
    severity="warning",
    title="compute_resources.tags fed from variables or default tags",
    explanation="""
compute_resources.tags forces a new compute environment when it changes. Fed from the
provider's default tags, or from a variable that also tags (or sets) something else, any tag
edit made for the rest of the stack replaces the compute environment (and, without
create_before_destroy, breaks the apply). A variable that feeds only these tags is not
reported: changing it is a change to the compute environment itself.
""",
    fix="write compute_resources.tags as fixed literals (or drop them); tag the CE with "
    "top-level tags",
    check=check,
)
