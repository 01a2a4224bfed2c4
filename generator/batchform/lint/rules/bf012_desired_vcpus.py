"""BF012: desired_vcpus drifts unless lifecycle ignores it."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.model import Configuration
from batchform.lint.model.values import is_set
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """CEs that set desired_vcpus without ignoring its changes."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None or not resources.has("desired_vcpus"):
            continue
        if not is_set(resources.get("desired_vcpus")):
            continue
        if ce.lifecycle().ignores("compute_resources", "desired_vcpus") is not False:
            continue
        yield hit(
            ce,
            "desired_vcpus is set but not in lifecycle.ignore_changes",
            at=resources,
            attribute="desired_vcpus",
        )


RULE = Rule(
    code="BF012",
    severity="warning",
    title="desired_vcpus set without ignore_changes",
    explanation="""
AWS Batch moves desired_vcpus as it scales. A configured value then shows as drift on every
plan, and applying it resets the scaling in progress.
""",
    fix="drop desired_vcpus, or add `compute_resources[0].desired_vcpus` to "
    "lifecycle.ignore_changes",
    check=check,
)
