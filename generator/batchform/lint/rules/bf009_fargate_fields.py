"""BF009: Fargate compute environments take no EC2-only fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from batchform.aws.provider import compute_resource_sent
from batchform.lint.knowledge.batch import ce_platform, environments, resources_block
from batchform.lint.model import Configuration
from batchform.lint.model.values import Unknown, is_set
from batchform.lint.rules.rule import Hit, Rule, hit

_FARGATE_FORBIDDEN = (
    "allocation_strategy",
    "bid_percentage",
    "desired_vcpus",
    "image_id",
    "instance_type",
    "ec2_key_pair",
    "instance_role",
    "min_vcpus",
    "placement_group",
    "spot_iam_fleet_role",
)
_FARGATE_FORBIDDEN_BLOCKS = ("ec2_configuration", "launch_template")


def check(configuration: Configuration) -> Iterator[Hit]:
    """EC2-only arguments and blocks set in a Fargate CE's compute_resources."""
    for ce in environments(configuration):
        if ce_platform(ce) != "FARGATE":
            continue
        resources = resources_block(ce)
        assert resources is not None  # a known platform comes from compute_resources.type
        kind = resources.get("type")
        for name in _FARGATE_FORBIDDEN:
            if _sent(resources.get(name), name, kind):
                yield hit(
                    ce, f"Fargate compute environment sets `{name}`", at=resources, attribute=name
                )
        for name in _FARGATE_FORBIDDEN_BLOCKS:
            views, _ = resources.nested(name)
            for view in views:
                yield hit(ce, f"Fargate compute environment sets a `{name}` block", at=view)


def _sent(value: Any, name: str, kind: Any) -> bool:
    """Set to something the provider sends (it leaves out zeros and empty strings)."""
    if not is_set(value):
        return False
    if isinstance(value, Unknown):
        return True
    return compute_resource_sent(name, value, kind if isinstance(kind, str) else None)


RULE = Rule(
    code="BF009",
    severity="error",
    title="Fargate compute environment sets an EC2-only field",
    explanation="""
FARGATE and FARGATE_SPOT compute environments reject EC2 settings (instance types, instance
role, AMI, launch template, key pair, minimum/desired vCPUs, allocation strategy, bid
percentage, placement group, spot fleet role). AWS fails the create call. Zero and empty
values are not reported: the provider does not send them (min_vcpus = 0 it sends only for EC2
and SPOT).
""",
    fix="remove the field from compute_resources",
    check=check,
)
