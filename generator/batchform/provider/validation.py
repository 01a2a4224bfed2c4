"""Argument checks the provider makes at validate time that the schema cannot express.

Taken from hashicorp/terraform-provider-aws: internal/service/batch/validate.go (validName,
validPrefix, used by the compute environment, job definition and scheduling policy) and
internal/service/batch/job_queue_schema.go (the same pattern for job queue names); the
name/name_prefix ConflictsWith pairs from the resources' schemas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_BATCH_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,127}$")
_BATCH_PREFIX = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,101}$")
_NAME_MESSAGE = (
    "must be up to {limit} letters (uppercase and lowercase), numbers, underscores and dashes, "
    "and must start with an alphanumeric."
)

# type -> argument -> (pattern, longest allowed length)
NAME_RULES: dict[str, dict[str, tuple[re.Pattern[str], int]]] = {
    "aws_batch_compute_environment": {
        "name": (_BATCH_NAME, 128),
        "name_prefix": (_BATCH_PREFIX, 102),
    },
    "aws_batch_job_queue": {"name": (_BATCH_NAME, 128)},
    "aws_batch_job_definition": {"name": (_BATCH_NAME, 128)},
    "aws_batch_scheduling_policy": {"name": (_BATCH_NAME, 128)},
}


@dataclass(frozen=True)
class Problem:
    """One invalid argument: its name and the provider's message."""

    attribute: str
    summary: str
    detail: str = ""


def check_resource(type_name: str, config: Mapping[str, Any]) -> list[Problem]:
    """The provider's own validation of a resource's arguments (known values only)."""
    problems: list[Problem] = []
    for attribute, (pattern, limit) in NAME_RULES.get(type_name, {}).items():
        value = config.get(attribute)
        if isinstance(value, str) and not pattern.match(value):
            quoted = f"{json.dumps(attribute)} ({json.dumps(value)})"
            problems.append(Problem(attribute, f"{quoted} {_NAME_MESSAGE.format(limit=limit)}"))
    if isinstance(config.get("name"), str) and isinstance(config.get("name_prefix"), str):
        problems.append(
            Problem(
                "name",
                "Conflicting configuration arguments",
                '"name": conflicts with name_prefix; set only one of them.',
            )
        )
    return problems
