"""Every request `batchform doctor` can send, and the IAM policy that allows exactly them.

The account reader (`doctor.session.Account`) refuses any operation not listed here, and a
botocore hook refuses anything that is not a Describe, List or Get request, so this table is
the whole of what doctor can ask. The README carries `policy_document()` verbatim.
"""

from __future__ import annotations

import json

from batchform.aws import iam_actions

OPERATIONS: dict[str, tuple[str, ...]] = {
    "batch": (
        "DescribeComputeEnvironments",
        "DescribeJobDefinitions",
        "DescribeJobQueues",
        "DescribeJobs",
        "ListJobs",
    ),
    "ec2": (
        "DescribeInstances",
        "DescribeInternetGateways",
        "DescribeNatGateways",
        "DescribeRouteTables",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeVpcAttribute",
        "DescribeVpcEndpoints",
        "DescribeVpcs",
    ),
    "ecs": ("DescribeClusters", "DescribeContainerInstances", "ListContainerInstances"),
    "iam": ("GetInstanceProfile", "GetRole", "ListAttachedRolePolicies"),
}


def allowed(service: str, operation: str) -> bool:
    """Whether doctor may send this operation."""
    return operation in OPERATIONS.get(service, ())


def actions() -> list[str]:
    """The IAM actions doctor needs, sorted: `batch:DescribeJobQueues`, ..."""
    return sorted(
        iam_actions.action(service, operation)
        for service, operations in OPERATIONS.items()
        for operation in operations
    )


def policy_document() -> str:
    """An IAM policy allowing exactly what doctor sends, as JSON."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "BatchformDoctorReadOnly",
                "Effect": "Allow",
                "Action": actions(),
                "Resource": "*",
            }
        ],
    }
    return json.dumps(policy, indent=2)
