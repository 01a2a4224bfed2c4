"""The IAM action that authorises an API request, and which requests only read.

Each API operation of AWS Batch, Amazon EC2, Amazon ECS and IAM is authorised by the IAM action
of the same name under the service's prefix (Service Authorization Reference, "Actions defined
by AWS Batch", "... by Amazon EC2", "... by Amazon Elastic Container Service", "... by AWS
Identity and Access Management"), e.g. DescribeJobQueues by ``batch:DescribeJobQueues``.
The prefixes, by botocore service name, are those pages' "service prefix".

Operations whose names start with Describe, List or Get read and change nothing in these
services (the same reference gives them the access levels List and Read).
"""

from __future__ import annotations

import re

PREFIXES = {"batch": "batch", "ec2": "ec2", "ecs": "ecs", "iam": "iam"}
READ_ONLY_VERBS = ("Describe", "List", "Get")
# "User: arn:... is not authorized to perform: ec2:DescribeRouteTables on resource: ..."
# (the AccessDenied message of these services).
_DENIED_ACTION = re.compile(r"perform:?\s+([a-z0-9-]+:[A-Za-z0-9]+)")


def action(service: str, operation: str) -> str:
    """The IAM action of one operation: ``batch:DescribeJobQueues``."""
    return f"{PREFIXES.get(service, service)}:{operation}"


def is_read_only(operation: str) -> bool:
    """Whether an operation name is one of the reading kinds (Describe*, List*, Get*)."""
    return operation.startswith(READ_ONLY_VERBS)


def denied_action(message: str) -> str | None:
    """The IAM action an AccessDenied message names, if it names one."""
    found = _DENIED_ACTION.search(message)
    return found.group(1) if found else None
