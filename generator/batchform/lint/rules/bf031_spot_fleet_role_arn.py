"""BF031: spot_iam_fleet_role takes a role ARN, not an instance profile's or a policy's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from batchform.aws import rules
from batchform.lint.knowledge import iam
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.model import Configuration
from batchform.lint.model.values import AttrRef, Partial
from batchform.lint.rules.rule import Hit, Rule, hit

_NOT_ROLE_TYPES = {iam.PROFILE_TYPE: "instance profile", "aws_iam_policy": "policy",
                   "aws_iam_user": "user", "aws_iam_group": "group"}


def check(configuration: Configuration) -> Iterator[Hit]:
    """Compute environments whose spot_iam_fleet_role is an ARN, but not a role's."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None or not resources.has("spot_iam_fleet_role"):
            continue
        problem = _not_a_role(resources.get("spot_iam_fleet_role"))
        if problem is not None:
            yield hit(
                ce,
                f"spot_iam_fleet_role is {problem}, not an IAM role's ARN",
                at=resources,
                attribute="spot_iam_fleet_role",
            )


def _not_a_role(value: Any) -> str | None:
    """What the value names instead of a role; None for a role, or anything not yet known."""
    if isinstance(value, AttrRef) and value.instance.type in _NOT_ROLE_TYPES:
        noun = _NOT_ROLE_TYPES[value.instance.type]
        return f"the ARN of {noun} {value.instance.address}"
    if isinstance(value, Partial):
        text = value.known_text()
    elif isinstance(value, str) and value.startswith("arn:"):
        # Text that is no ARN at all is BF105's (the provider's ARN validator).
        text = value
    else:
        return None
    kind = rules.iam_arn_kind(text)
    if kind is not None and kind != "role":
        noun = rules.IAM_ARN_KINDS[kind]
        return f"{noun}'s ARN ({value!r})" if isinstance(value, str) else f"{noun}'s ARN"
    if isinstance(value, str) and ":iam:" in value and not rules.is_role_arn(value):
        return f"an IAM ARN that is not a role's ({value!r})"
    return None


RULE = Rule(
    code="BF031",
    severity="error",
    title="spot_iam_fleet_role that is not a role ARN",
    explanation=f"""
{rules.SPOT_FLEET_ROLE_ARN.summary} ({rules.SPOT_FLEET_ROLE_ARN.source}.) An instance profile
ARN looks alike and is what instance_role takes, and the ARN of the
{rules.SPOT_FLEET_POLICY.split("/")[-1]} managed policy is what the role needs attached: given
here, either passes terraform validate and fails when AWS creates the compute environment.
""",
    fix="pass the role's ARN (aws_iam_role.<name>.arn) of a role trusted by "
    f"{rules.SPOT_FLEET_PRINCIPAL} with {rules.SPOT_FLEET_POLICY} attached",
    check=check,
)
