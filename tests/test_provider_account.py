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
