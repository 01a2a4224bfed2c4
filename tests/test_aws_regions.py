"""Regions come from botocore's partition data, never from a list typed by hand."""

from __future__ import annotations

from batchform.aws import regions


def test_regions_and_partitions() -> None:
    assert regions.is_region("us-east-1") and regions.is_region("eu-west-3")
    assert not regions.is_region("us-east-9")
    assert not regions.is_region("aws-global")
    assert regions.partition("cn-north-1") == "aws-cn"
    assert regions.partition("us-gov-west-1") == "aws-us-gov"
    assert regions.partition("us-east-9") is None
    assert len(regions.partition_by_region()) > 30


def test_did_you_mean() -> None:
    assert regions.closest("eu-wets-1") == "eu-west-1"
    assert regions.closest("us-east-9") in {"us-east-1", "us-east-2"}
    assert regions.closest("zzzzzz") is None
