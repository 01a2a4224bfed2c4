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


def test_nested_problems_carry_their_attribute_path() -> None:
    config = {"compute_resources": [{"type": "EC2", "allocation_strategy": "BEST_FITT"}]}
    (problem,) = check_resource("aws_batch_compute_environment", config)
    assert problem.path == ("compute_resources", 0, "allocation_strategy")
    assert problem.attribute == "compute_resources"
    assert '"BEST_FIT_PROGRESSIVE"' in problem.summary and "got BEST_FITT" in problem.summary


def test_api_checks_are_apart_from_the_provider_ones() -> None:
    assert check_resource("aws_iam_role", {"name": "bad name"}) == []
    (problem,) = check_resource("aws_iam_role", {"name": "bad name"}, enforced_by="aws")
    assert "failed to satisfy constraint" in problem.summary


def test_paths_into_sets_stop_at_the_set() -> None:
    from batchform.provider.service import schema_path
    from batchform.schema import load_provider_schema

    found = load_provider_schema().resource("aws_batch_scheduling_policy")
    assert found is not None
    path = ("fair_share_policy", 0, "share_distribution", 0, "share_identifier")
    assert schema_path(found.block, path) == ("fair_share_policy", 0, "share_distribution")
    queue = load_provider_schema().resource("aws_batch_job_queue")
    assert queue is not None
    deep = ("job_state_time_limit_action", 0, "action")
    assert schema_path(queue.block, deep) == deep


def test_a_conflict_with_a_value_known_only_at_plan_waits_for_it() -> None:
    # `container_properties = var.nodes == null ? jsonencode(...) : null` is unknown at
    # validate; the SDK's ConflictsWith skips unknown values, and plan judges the known ones.
    from batchform.provider.values import UNKNOWN

    unknown = {"container_properties": UNKNOWN, "node_properties": UNKNOWN}
    assert check_resource("aws_batch_job_definition", unknown) == []
    known = {"container_properties": "{}", "node_properties": "{}"}
    (problem,) = check_resource("aws_batch_job_definition", known)
    assert problem.summary == "Conflicting configuration arguments"
    assert check_resource("aws_batch_job_definition", dict(known, container_properties=None)) == []
