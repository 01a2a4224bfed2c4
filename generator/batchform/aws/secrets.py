"""Secret references a Batch job can read at start, and the IAM resources that grant them.

- SSM parameters: ``arn:<partition>:ssm:<region>:<account>:parameter/<name>``.
- Secrets Manager: the secret's full ARN, ``...:secret:<name>-<6 characters>``: Secrets Manager
  appends a hyphen and six random characters to the name (AWS Secrets Manager user guide,
  "What's in a Secrets Manager secret?"); IAM policies match that full ARN, so a partial ARN (the
  name alone) in a policy grants nothing. ECS reads one JSON key, version stage or version of a
  secret with ``<full ARN>:<json-key>:<version-stage>:<version-id>`` (Amazon ECS developer guide,
  "Pass Secrets Manager secrets programmatically in Amazon ECS"); the policy still names the
  secret's own ARN.
- A customer managed KMS key that encrypts the secrets needs ``kms:Decrypt`` for the execution
  role (Amazon ECS developer guide, "Amazon ECS task execution IAM role", secrets permissions),
  granted on the key's ARN ``arn:<partition>:kms:<region>:<account>:key/<key-id>``: an alias
  in a policy's Resource element does not control access to the key it points at (AWS KMS
  developer guide, aliases and access control, which uses the kms:ResourceAliases condition).
"""

from __future__ import annotations

import re

_PARTITION = r"arn:aws[a-z-]*"
_REGION_ACCOUNT = r"(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12})"
SSM_PARAMETER_ARN = re.compile(
    rf"^{_PARTITION}:ssm:{_REGION_ACCOUNT}:parameter/[^\s\x00-\x1f\x7f]+\Z"
)
# The secret's own ARN (group "secret"), then nothing or ":<json-key>:<stage>:<version-id>".
SECRETS_MANAGER_ARN = re.compile(
    rf"^(?P<secret>{_PARTITION}:secretsmanager:{_REGION_ACCOUNT}:secret:"
    r"(?P<name>[^:\s\x00-\x1f\x7f]+))(?P<selector>:[^:\s\x00-\x1f\x7f]*:[^:\s\x00-\x1f\x7f]*:"
    r"[^:\s\x00-\x1f\x7f]*)?\Z"
)
# What Secrets Manager appends to a secret's name in its ARN.
SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}\Z")
KMS_KEY_ARN = re.compile(rf"^{_PARTITION}:kms:{_REGION_ACCOUNT}:key/[A-Za-z0-9-]+\Z")
KMS_ALIAS_ARN = re.compile(rf"^{_PARTITION}:kms:{_REGION_ACCOUNT}:alias/.+\Z")
SSM_EXAMPLE = "arn:aws:ssm:us-east-1:123456789012:parameter/name"
SECRETS_MANAGER_EXAMPLE = "arn:aws:secretsmanager:us-east-1:123456789012:secret:name-AbCdEf"


def is_ssm(reference: str) -> bool:
    """Whether a secret reference is an SSM parameter ARN."""
    return SSM_PARAMETER_ARN.match(reference) is not None


def is_secrets_manager(reference: str) -> bool:
    """Whether a secret reference has the shape of a Secrets Manager ARN (full or partial)."""
    return SECRETS_MANAGER_ARN.match(reference) is not None


def problem(reference: str) -> str | None:
    """Why a job cannot read this secret reference; None when it can."""
    if is_ssm(reference):
        return None
    match = SECRETS_MANAGER_ARN.match(reference)
    if match is None:
        return (
            f"{reference!r} is not an SSM parameter or Secrets Manager ARN, e.g. "
            f"{SSM_EXAMPLE!r} or {SECRETS_MANAGER_EXAMPLE!r}"
        )
    if SECRET_SUFFIX.search(match.group("name")) is None:
        return (
            f"{reference!r} is a partial Secrets Manager ARN: a secret's ARN ends in '-' and the "
            "six characters Secrets Manager adds to its name, and IAM matches only that full "
            "ARN, so the job's execution role could not read it; copy the ARN from `aws "
            f"secretsmanager describe-secret --secret-id {match.group('name')}`"
        )
    return None


def resource_arn(reference: str) -> str:
    """The ARN an IAM policy must name to read a secret reference: the secret's own ARN."""
    match = SECRETS_MANAGER_ARN.match(reference)
    return match.group("secret") if match else reference


def region(reference: str) -> str | None:
    """The region of a secret or KMS key ARN, None when it is no such ARN."""
    for pattern in (SSM_PARAMETER_ARN, SECRETS_MANAGER_ARN, KMS_KEY_ARN, KMS_ALIAS_ARN):
        match = pattern.match(reference)
        if match:
            return match.group("region")
    return None


def kms_key_problem(arn: str) -> str | None:
    """Why arn cannot be granted kms:Decrypt on; None when it is a key ARN."""
    if KMS_KEY_ARN.match(arn):
        return None
    if KMS_ALIAS_ARN.match(arn):
        return (
            f"{arn!r} is a KMS alias ARN; an IAM policy grants kms:Decrypt on the key itself, so "
            "give the key ARN (`aws kms describe-key --key-id alias/...` shows it)"
        )
    return f"{arn!r} is not a KMS key ARN like 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-...'"
