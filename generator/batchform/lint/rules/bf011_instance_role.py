"""BF011: instance_role is an instance profile whose role has the ECS instance policy."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge import iam
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.knowledge.links import instance_of
from batchform.lint.model import Body, Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef, text_of
from batchform.lint.rules.rule import Hit, Rule, hit

ECS_INSTANCE_POLICY = "AmazonEC2ContainerServiceforEC2Role"


def check(configuration: Configuration) -> Iterator[Hit]:
    """CEs whose instance_role is a role ARN, or a profile whose role lacks the ECS policy."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None or not resources.has("instance_role"):
            continue
        value = resources.get("instance_role")
        role = iam.role_of(value)
        text = text_of(value)
        if role is not None or (text is not None and ":role/" in text):
            shown = role.address if role is not None else text
            yield hit(
                ce,
                f"instance_role is a role ARN ({shown}), not an instance profile ARN",
                at=resources,
                attribute="instance_role",
            )
            continue
        profile = instance_of(value, iam.PROFILE_TYPE) if isinstance(value, AttrRef) else None
        if profile is not None:
            yield from _profile_policy(configuration, ce, resources, profile)


def _profile_policy(
    configuration: Configuration, ce: ResourceInstance, resources: Body, profile: ResourceInstance
) -> Iterator[Hit]:
    held = iam.profile_role(configuration, profile)
    if held is None:
        return
    policies, complete = iam.attached_policies(configuration, held)
    if complete and not any(arn.endswith(ECS_INSTANCE_POLICY) for arn, _ in policies):
        yield hit(
            ce,
            f"instance role {held.address} (in {profile.address}) lacks {ECS_INSTANCE_POLICY}",
            at=resources,
            attribute="instance_role",
        )


RULE = Rule(
    code="BF011",
    severity="error",
    title="instance_role is not an instance profile with the ECS instance policy",
    explanation="""
compute_resources.instance_role takes an instance profile ARN (arn:aws:iam::...:instance-profile/
...), not a role ARN. The role inside the profile needs AmazonEC2ContainerServiceforEC2Role so
the ECS agent can register the instance; without it jobs stay RUNNABLE forever. A role with
inline policies (aws_iam_role_policy, inline_policy blocks), which may grant the agent's
actions themselves, is not judged on its policies.
""",
    fix="pass aws_iam_instance_profile.<name>.arn and attach "
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role to its role",
    check=check,
)
