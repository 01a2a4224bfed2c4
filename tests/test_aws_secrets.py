"""Secret references: full ARNs only, JSON-key selectors kept apart from the IAM resource."""

from __future__ import annotations

import pytest

from batchform.aws import secrets

FULL = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


@pytest.mark.parametrize("reference", [
    "arn:aws:ssm:us-east-1:123456789012:parameter/token",
    "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password",
    FULL,
    f"{FULL}:password::",
    f"{FULL}:password:AWSCURRENT:",
    "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf",
])
def test_readable_references(reference: str) -> None:
    assert secrets.problem(reference) is None


def test_partial_secrets_manager_arn_is_refused_with_the_reason() -> None:
    problem = secrets.problem("arn:aws:secretsmanager:us-east-1:123456789012:secret:db")
    assert problem is not None
    assert "partial Secrets Manager ARN" in problem and "six characters" in problem
    assert "describe-secret --secret-id db" in problem


@pytest.mark.parametrize("reference", ["hunter2", "arn:aws:s3:::bucket/token",
                                       f"{FULL}:password"])
def test_other_references_are_not_secrets(reference: str) -> None:
    assert "is not an SSM parameter or Secrets Manager ARN" in (secrets.problem(reference) or "")


def test_the_iam_resource_is_the_secret_itself() -> None:
    assert secrets.resource_arn(f"{FULL}:password::") == FULL
    assert secrets.resource_arn(FULL) == FULL
    ssm = "arn:aws:ssm:us-east-1:123456789012:parameter/token"
    assert secrets.resource_arn(ssm) == ssm


def test_kms_keys_and_regions() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert secrets.kms_key_problem(key) is None
    assert "alias ARN" in (secrets.kms_key_problem("arn:aws:kms:us-east-1:123456789012:alias/app") or "")
    assert "not a KMS key ARN" in (secrets.kms_key_problem("alias/app") or "")
    assert secrets.region(key) == "us-east-1"
    assert secrets.region(f"{FULL}:password::") == "us-east-1"
    assert secrets.region("nope") is None
