"""Job definition facts: the retry presets pass the provider's own validators."""

from __future__ import annotations

import dataclasses

import pytest

from batchform.aws import constraints, efs, jobs


@pytest.mark.parametrize(
    "rule", [jobs.ON_SPOT_RECLAIM, jobs.ON_IMAGE_PULL_ERROR, jobs.EXIT_OTHERWISE],
    ids=lambda rule: f"{rule.action}:{rule.on_status_reason or rule.on_reason}",
)
def test_presets_are_valid_evaluate_on_exit_entries(rule: jobs.ExitRule) -> None:
    entry = {k: v for k, v in dataclasses.asdict(rule).items() if v is not None}
    config = {"retry_strategy": [{"attempts": 3, "evaluate_on_exit": [entry]}]}
    assert constraints.check("aws_batch_job_definition", config) == []


def test_the_validators_refuse_what_the_presets_must_not_be() -> None:
    config = {"retry_strategy": [{"evaluate_on_exit": [{"action": "RETRY", "on_reason": "a*b"}]}]}
    assert constraints.check("aws_batch_job_definition", config)


def test_the_instance_architecture_of_each_api_architecture() -> None:
    assert set(jobs.INSTANCE_ARCHITECTURE) == set(jobs.CPU_ARCHITECTURES)


def test_efs_ids_and_arns() -> None:
    assert efs.FILE_SYSTEM_ID.match("fs-0123456789abcdef0")
    assert not efs.FILE_SYSTEM_ID.match("fs-012")
    assert efs.ACCESS_POINT_ID.match("fsap-0123456789abcdef0")
    assert efs.file_system_arn("aws", "us-east-1", "123456789012", "fs-01234567") == (
        "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01234567"
    )
