"""BF003: container_properties should be built with jsonencode."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.hcl.syntax import Call, Expr, Literal, Template, Traversal
from batchform.lint.knowledge.batch import container_jobs
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Job definitions whose container_properties come from text, not jsonencode()."""
    for job in container_jobs(configuration):
        kind = _hand_built(job.origin("container_properties"))
        if kind is not None:
            yield hit(
                job,
                f"container_properties comes from {kind}, not jsonencode()",
                attribute="container_properties",
            )


def _hand_built(origin: Expr | None) -> str | None:
    """How the JSON text is written by hand, or None when it is not (or cannot be told)."""
    if isinstance(origin, Template):
        return "a heredoc" if origin.heredoc else "a literal string"
    if isinstance(origin, Literal) and isinstance(origin.value, str):
        return "a literal string"
    if (
        isinstance(origin, Traversal)
        and origin.root == "data"
        and origin.steps
        and origin.steps[0].name == "template_file"
    ):
        return "data.template_file (deprecated)"
    if isinstance(origin, Call) and origin.name in ("file", "templatefile"):
        return f"{origin.name}()"
    return None


RULE = Rule(
    code="BF003",
    severity="warning",
    title="container_properties not built with jsonencode",
    explanation="""
container_properties is JSON the provider normalises before comparing. Built by hand
(heredoc, literal string, file()) or through the deprecated template_file data source, it
drifts from what AWS returns, cannot be checked before apply, and the template_file provider
does not exist for new platforms.
""",
    fix="write `container_properties = jsonencode({ image = ..., resourceRequirements = [...] })`",
    check=check,
)
