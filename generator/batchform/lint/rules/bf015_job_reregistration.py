"""BF015: a job definition must not register a new revision on every apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from batchform.hcl.syntax import Call
from batchform.lint.knowledge.batch import container_jobs
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """timestamp() in container_properties, empty environment values, numeric requirements."""
    for job in container_jobs(configuration):
        if any(
            isinstance(node, Call) and node.name == "timestamp"
            for node in job.expressions("container_properties")
        ):
            yield hit(
                job, "container_properties uses timestamp()", attribute="container_properties"
            )
        properties = container_properties(configuration, job)
        if properties is None:
            continue
        for message in _empty_values(properties.value.get("environment")):
            yield hit(job, message, attribute="container_properties")
        for message in _numeric_requirements(properties.value.get("resourceRequirements")):
            yield hit(job, message, attribute="container_properties")


def _empty_values(environment: Any) -> Iterator[str]:
    """Environment entries with an empty value: AWS drops them, so they show as a change."""
    for entry in environment if isinstance(environment, list) else []:
        if isinstance(entry, dict) and "value" in entry and entry.get("value") in ("", None):
            yield f"environment variable {entry.get('name')!r} has an empty value"


def _numeric_requirements(requirements: Any) -> Iterator[str]:
    """resourceRequirements values written as numbers: AWS returns strings."""
    for entry in requirements if isinstance(requirements, list) else []:
        if not isinstance(entry, dict):
            continue
        value = entry.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            yield (
                f"resourceRequirements {entry.get('type')} value {value!r} "
                "is a number, not a string"
            )


RULE = Rule(
    code="BF015",
    severity="warning",
    title="job definition re-registers on every apply",
    explanation="""
The provider compares container_properties after normalising it; anything AWS rewrites shows
as a change and registers a new revision each apply: timestamp() in the image or environment,
environment entries with empty values (AWS drops them), resourceRequirements values that are
numbers instead of strings.
""",
    fix="no timestamp(); drop empty environment values; quote resourceRequirements values "
    '(value = "2")',
    check=check,
)
