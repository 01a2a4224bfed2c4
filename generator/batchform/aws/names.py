"""Names AWS and the provider accept: Batch objects, security groups, IAM roles, log groups.

Each rule is a Constraint of the constraint table (``constraints``), here by name for the spec
and the linter, which need them to explain a name before anything is rendered.
"""

from __future__ import annotations

import re

from batchform.aws.values import Constraint

# Length of the unique suffix the provider appends to a name_prefix (terraform-plugin-sdk
# helper/id.UniqueIDSuffixLength, used through internal/create.Name).
UNIQUE_SUFFIX_LENGTH = 26

_BATCH_VALIDATE = "terraform-provider-aws internal/service/batch/validate.go"
_BATCH_NAME_MAX = 128
_BATCH_PREFIX_MAX = _BATCH_NAME_MAX - UNIQUE_SUFFIX_LENGTH


def _batch_name(resource: str, source: str = f"{_BATCH_VALIDATE} (validName)") -> Constraint:
    return Constraint(
        resource, "name", "pattern", source,
        pattern=rf"[0-9A-Za-z][0-9A-Za-z_-]{{0,{_BATCH_NAME_MAX - 1}}}",
        message=(
            "{key_q} ({value_q}) must be up to 128 letters (uppercase and lowercase), numbers, "
            "underscores and dashes, and must start with an alphanumeric."
        ),
    )


# Compute environments, job queues, job definitions and scheduling policies share one rule.
BATCH_NAME = _batch_name("aws_batch_compute_environment")
BATCH_NAME_PREFIX = Constraint(
    "aws_batch_compute_environment", "name_prefix", "pattern",
    f"{_BATCH_VALIDATE} (validPrefix)",
    pattern=rf"[0-9A-Za-z][0-9A-Za-z_-]{{0,{_BATCH_PREFIX_MAX - 1}}}",
    message=(
        "{key_q} ({value_q}) must be up to 102 letters (uppercase and lowercase), numbers, "
        "underscores and dashes, and must start with an alphanumeric."
    ),
)
BATCH_NAMES = (
    BATCH_NAME,
    BATCH_NAME_PREFIX,
    _batch_name(
        "aws_batch_job_queue",
        "terraform-provider-aws internal/service/batch/job_queue.go (name RegexMatches)",
    ),
    _batch_name("aws_batch_job_definition"),
    _batch_name("aws_batch_scheduling_policy"),
)
BATCH_NAME_MAX_LENGTH = _BATCH_NAME_MAX
BATCH_NAME_PREFIX_MAX_LENGTH = _BATCH_PREFIX_MAX
# Characters a Batch name may hold, to point at the ones it may not.
BATCH_NAME_INVALID_CHARACTER = re.compile(r"[^0-9A-Za-z_-]")

# aws_security_group name and name_prefix: 255 characters in all, never starting with "sg-",
# which EC2 keeps for group ids (terraform-provider-aws internal/service/ec2/vpc_security_group.go).
_SG_SOURCE = "terraform-provider-aws internal/service/ec2/vpc_security_group.go"
SECURITY_GROUP_RESERVED_PREFIX = "sg-"
SECURITY_GROUP_NAME_MAX_LENGTH = 255
SECURITY_GROUP_NAMES = (
    Constraint("aws_security_group", "name", "length", _SG_SOURCE, minimum=0,
               maximum=SECURITY_GROUP_NAME_MAX_LENGTH),
    Constraint("aws_security_group", "name", "not_pattern", _SG_SOURCE, pattern="sg-",
               message="invalid value for {key} (cannot begin with sg-)"),
    Constraint("aws_security_group", "name_prefix", "length", _SG_SOURCE, minimum=0,
               maximum=SECURITY_GROUP_NAME_MAX_LENGTH - UNIQUE_SUFFIX_LENGTH),
    Constraint("aws_security_group", "name_prefix", "not_pattern", _SG_SOURCE, pattern="sg-",
               message="invalid value for {key} (cannot begin with sg-)"),
)

# aws_iam_role: names of at most 64 characters, prefixes of at most 38
# (terraform-provider-aws internal/service/iam/role.go, roleNameMaxLen and roleNamePrefixMaxLen).
_ROLE_SOURCE = "terraform-provider-aws internal/service/iam/role.go"
IAM_ROLE_NAME_MAX_LENGTH = 64
IAM_ROLE_NAMES = (
    Constraint("aws_iam_role", "name", "length", _ROLE_SOURCE, minimum=1,
               maximum=IAM_ROLE_NAME_MAX_LENGTH),
    Constraint("aws_iam_role", "name_prefix", "length", _ROLE_SOURCE, minimum=1,
               maximum=IAM_ROLE_NAME_MAX_LENGTH - UNIQUE_SUFFIX_LENGTH),
)

# aws_cloudwatch_log_group: validLogGroupName and validLogGroupNamePrefix
# (terraform-provider-aws internal/service/logs/validate.go).
_LOG_SOURCE = "terraform-provider-aws internal/service/logs/validate.go"
_LOG_PATTERN = r"[0-9A-Za-z_./#-]+"
LOG_GROUP_NAMES = (
    Constraint("aws_cloudwatch_log_group", "name", "length", _LOG_SOURCE + " (validLogGroupName)",
               minimum=0, maximum=512),
    Constraint("aws_cloudwatch_log_group", "name", "pattern",
               _LOG_SOURCE + " (validLogGroupName)", pattern=_LOG_PATTERN,
               message=("{key_q} isn't a valid log group name (alphanumeric characters, "
                        "underscores, hyphens, slashes, hash signs and dots are allowed): "
                        "{value_q}")),
    Constraint("aws_cloudwatch_log_group", "name_prefix", "length",
               _LOG_SOURCE + " (validLogGroupNamePrefix)", minimum=0, maximum=483),
    Constraint("aws_cloudwatch_log_group", "name_prefix", "pattern",
               _LOG_SOURCE + " (validLogGroupNamePrefix)", pattern=_LOG_PATTERN,
               message=("{key_q} isn't a valid log group name (alphanumeric characters, "
                        "underscores, hyphens, slashes, hash signs and dots are allowed): "
                        "{value_q}")),
)

ALL = (*BATCH_NAMES, *SECURITY_GROUP_NAMES, *IAM_ROLE_NAMES, *LOG_GROUP_NAMES)


def batch_name_problem(value: str) -> str | None:
    """Why value is not a valid Batch name, in plain words; None when it is."""
    if BATCH_NAME.allows(value):
        return None
    bad = sorted(set(BATCH_NAME_INVALID_CHARACTER.findall(value)))
    if bad:
        return f"it holds {', '.join(repr(char) for char in bad)}"
    if not value:
        return "it is empty"
    if len(value) > BATCH_NAME_MAX_LENGTH:
        return f"it is {len(value)} characters long"
    return "it must start with a letter or digit"
