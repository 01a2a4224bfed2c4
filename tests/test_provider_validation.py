"""Tests for the offline provider's own argument checks."""

from __future__ import annotations

import pytest

from batchform.provider.validation import check_resource


@pytest.mark.parametrize(
    ("type_name", "config", "fragment"),
    [
        ("aws_batch_job_queue", {"name": "job queue"}, '"name" ("job queue") must be up to 128'),
        ("aws_batch_compute_environment", {"name": "-ce"}, "must start with an alphanumeric"),
        ("aws_batch_compute_environment", {"name_prefix": "p" * 103}, "up to 102 letters"),
        ("aws_batch_job_definition", {"name": "x" * 129}, "up to 128 letters"),
        ("aws_iam_role", {"name": "a", "name_prefix": "b"}, "Conflicting configuration arguments"),
    ],
)
def test_invalid_arguments_are_reported(
    type_name: str, config: dict[str, object], fragment: str
) -> None:
    problems = check_resource(type_name, config)
    assert problems and fragment in problems[0].summary


@pytest.mark.parametrize(
    ("type_name", "config"),
    [
        ("aws_batch_job_queue", {"name": "job-queue_1"}),
        ("aws_batch_compute_environment", {"name_prefix": "batch-"}),
        ("aws_batch_job_queue", {"name": None}),
        ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
    ],
)
def test_valid_or_unknown_arguments_pass(type_name: str, config: dict[str, object]) -> None:
    assert check_resource(type_name, config) == []
