"""Tests for the offline provider's simulated account: taken names and queue relationships."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchform.provider.account import AccountError, record_change

CE = "aws_batch_compute_environment"
QUEUE = "aws_batch_job_queue"


def ce(name: str) -> dict[str, str]:
    return {"name": name, "arn": f"arn:aws:batch:r:1:compute-environment/{name}"}


def queue(*environments: str) -> dict[str, object]:
    return {
        "name": "q",
        "arn": "arn:aws:batch:r:1:job-queue/q",
        "compute_environment_order": [
            {"order": i, "compute_environment": ce(e)["arn"]} for i, e in enumerate(environments)
        ],
    }


def test_a_taken_name_cannot_be_created_again(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    record_change(CE, None, ce("a"), account)
    with pytest.raises(
        AccountError,
        match=r"creating Batch Compute Environment \(a\): ClientException: Object already exists",
    ):
        record_change(CE, None, ce("a"), account)
    record_change(CE, ce("a"), None, account)
    record_change(CE, None, ce("a"), account)


def test_a_used_environment_cannot_be_deleted(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    record_change(CE, None, ce("a"), account)
    record_change(QUEUE, None, queue("a"), account)
    with pytest.raises(AccountError, match="Cannot delete, found existing JobQueue relationship"):
        record_change(CE, ce("a"), None, account)
    # Create-before-destroy: the new environment first, the queue moves, then the old one goes.
    record_change(CE, None, ce("b"), account)
    record_change(QUEUE, queue("a"), queue("b"), account)
    record_change(CE, ce("a"), None, account)


def test_destroying_the_queue_frees_its_environments(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    record_change(CE, None, ce("a"), account)
    record_change(QUEUE, None, queue("a"), account)
    record_change(QUEUE, queue("a"), None, account)
    record_change(CE, ce("a"), None, account)


def test_types_without_unique_names_are_not_tracked(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    definition = {"name": "job", "arn": "arn:aws:batch:r:1:job-definition/job:1"}
    record_change("aws_batch_job_definition", None, definition, account)
    record_change("aws_batch_job_definition", None, definition, account)
    assert not account.exists()


SLR = "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
CUSTOM = "arn:aws:iam::123456789012:role/batch-service"


def spot(strategy: str | None, **extra: object) -> dict[str, object]:
    resources: dict[str, object] = {"type": "SPOT", "allocation_strategy": strategy, **extra}
    return {**ce("s"), "service_role": SLR, "compute_resources": [resources]}


def test_spot_best_fit_needs_a_fleet_role(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    with pytest.raises(AccountError, match=r"creating Batch Compute Environment \(s\): "
                       r"ClientException: .*needs spot_iam_fleet_role"):
        record_change(CE, None, spot("BEST_FIT"), account)
    with pytest.raises(AccountError, match="needs spot_iam_fleet_role"):
        record_change(CE, None, spot(None), account)
    record_change(CE, None, spot("best_fit", spot_iam_fleet_role=CUSTOM), account)
    record_change(CE, None, {**spot("SPOT_PRICE_CAPACITY_OPTIMIZED"), "name": "t"}, account)


def test_a_compute_environment_keeps_its_kind_of_service_role(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    before = spot("SPOT_PRICE_CAPACITY_OPTIMIZED")
    record_change(CE, None, before, account)
    with pytest.raises(AccountError, match="with the service-linked role cannot move"):
        record_change(CE, before, {**before, "service_role": CUSTOM}, account)
    record_change(CE, before, {**before, "service_role": ""}, account)


def test_a_queue_keeps_its_scheduling_mode(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    fifo = queue()
    policy = "arn:aws:batch:r:1:scheduling-policy/p"
    record_change(QUEUE, None, fifo, account)
    with pytest.raises(AccountError, match=r"updating Batch Job Queue \(q\): .*cannot get one"):
        record_change(QUEUE, fifo, {**fifo, "scheduling_policy_arn": policy}, account)
    # A replacement (delete, then create) may have a policy.
    record_change(QUEUE, fifo, None, account)
    fair = {**fifo, "scheduling_policy_arn": policy}
    record_change(QUEUE, None, fair, account)
    record_change(QUEUE, fair, {**fair, "scheduling_policy_arn": policy + "2"}, account)
    with pytest.raises(AccountError, match="can be replaced but not removed"):
        record_change(QUEUE, fair, {**fair, "scheduling_policy_arn": None}, account)


def test_values_only_the_api_checks_are_refused_at_apply(tmp_path: Path) -> None:
    with pytest.raises(AccountError, match=r"creating IAM Role \(bad name\): ValidationException: "
                       r"1 validation error detected: Value \"bad name\" at 'roleName'"):
        record_change("aws_iam_role", None, {"name": "bad name", "arn": "x"}, tmp_path / "a.json")


def test_a_placement_group_name_is_taken_once(tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    group = {"name": "hpc-mpi-cluster", "strategy": "cluster", "id": "hpc-mpi-cluster"}
    record_change("aws_placement_group", None, group, account)
    with pytest.raises(AccountError, match="InvalidPlacementGroup.Duplicate"):
        record_change("aws_placement_group", None, group, account)
