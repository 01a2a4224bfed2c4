"""BF016: container_properties must match the API's ContainerProperties shape."""

from __future__ import annotations

import json
from collections.abc import Iterator

from batchform.lint.knowledge.batch import container_jobs
from batchform.lint.knowledge.container_properties import (
    container_properties,
    enum_problems,
    shape_problems,
)
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Text that is not a JSON object; keys, types and enum values outside the shape."""
    for job in container_jobs(configuration):
        raw = job.get("container_properties")
        if isinstance(raw, str):
            problem = _not_an_object(raw)
            if problem is not None:
                yield hit(job, problem, attribute="container_properties")
                continue
        properties = container_properties(configuration, job)
        if properties is None:
            continue
        for problem in shape_problems(properties.value) + enum_problems(properties.value):
            yield hit(job, problem, attribute="container_properties")


def _not_an_object(text: str) -> str | None:
    try:
        decoded = json.loads(text)
    except ValueError as error:
        return f"container_properties is not valid JSON: {error}"
    return None if isinstance(decoded, dict) else "container_properties is not a JSON object"


RULE = Rule(
    code="BF016",
    severity="error",
    title="container_properties does not match the API shape",
    explanation="""
container_properties is sent as the RegisterJobDefinition ContainerProperties structure.
Keys outside the shape (often snake_case or misspelt), values of the wrong type and values
outside an enum are rejected by AWS, or silently dropped and then show as a diff forever.
Checked with botocore's model of the Batch API; keys that differ from it only in case are
read as the provider's JSON decoder reads them (case-insensitively).
""",
    fix="use the camelCase keys and types of the AWS Batch ContainerProperties API shape",
    check=check,
)
