"""The AWS-only rules: what AWS refuses beyond schemas and validators, decided on plain values."""

from __future__ import annotations

import pytest

from batchform.aws import rules

SLR = "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
CUSTOM = "arn:aws:iam::123456789012:role/batch-service"


def test_every_rule_names_its_source() -> None:
    assert len({rule.id for rule in rules.RULES}) == len(rules.RULES)
    for rule in rules.RULES:
        assert rule.summary.endswith(".") and rule.source


@pytest.mark.parametrize(("kind", "strategy", "needed"), [
    ("SPOT", "BEST_FIT", True), ("SPOT", None, True), ("spot", "best_fit", True),
    ("SPOT", "SPOT_PRICE_CAPACITY_OPTIMIZED", False), ("EC2", "BEST_FIT", False),
    ("FARGATE_SPOT", None, False),
])
def test_spot_fleet_role(kind: str, strategy: str | None, needed: bool) -> None:
    assert rules.needs_spot_fleet_role(kind, strategy) is needed


@pytest.mark.parametrize(("role", "strategy", "updatable"), [
    (None, "BEST_FIT_PROGRESSIVE", True), (SLR, "spot_capacity_optimized", True),
    (CUSTOM, "BEST_FIT_PROGRESSIVE", False), (None, "BEST_FIT", False), (None, None, False),
])
def test_updatable_in_place(role: str | None, strategy: str | None, updatable: bool) -> None:
    assert rules.updatable_in_place(role, strategy) is updatable


def test_scheduling_policy_can_be_replaced_but_not_added_or_removed() -> None:
    policy, other = "arn:aws:batch:us-east-1:1:scheduling-policy/a", "arn:aws:batch:us-east-1:1:scheduling-policy/b"
    assert rules.scheduling_policy_change_refused(policy, other) is None
    assert rules.scheduling_policy_change_refused(None, None) is None
    assert "cannot get one" in (rules.scheduling_policy_change_refused(None, policy) or "")
    assert "not removed" in (rules.scheduling_policy_change_refused(policy, None) or "")


def test_service_role_kind_cannot_change() -> None:
    assert rules.service_role_change_refused(None, SLR) is None
    assert rules.service_role_change_refused(CUSTOM, CUSTOM + "2") is None
    assert "to the service-linked role" in (rules.service_role_change_refused(CUSTOM, None) or "")
    assert "to a regular role" in (rules.service_role_change_refused(SLR, CUSTOM) or "")


def test_share_identifiers_may_not_overlap() -> None:
    assert rules.overlapping_share_identifiers(["UserA*", "UserA1"]) == ("UserA*", "UserA1")
    assert rules.overlapping_share_identifiers(["UserA*", "UserB1", "UserB2"]) is None
    assert rules.overlapping_share_identifiers(["*", "x"]) == ("*", "x")


def test_amazon_linux_2_image_types_and_the_day_they_are_blocked() -> None:
    from datetime import date

    assert rules.amazon_linux_2_successor("ECS_AL2") == "ECS_AL2023"
    assert rules.amazon_linux_2_successor("ECS_AL2_NVIDIA") == "ECS_AL2023_NVIDIA"
    assert rules.amazon_linux_2_successor("ECS_AL2023") is None
    assert rules.amazon_linux_2_successor(None) is None
    assert not rules.amazon_linux_2_blocked(date(2026, 6, 29))
    assert rules.amazon_linux_2_blocked(date(2026, 6, 30))
    assert "June 30, 2026" in rules.AMAZON_LINUX_2.summary


@pytest.mark.parametrize(("arn", "role", "profile"), [
    ("arn:aws:iam::123456789012:role/AmazonEC2SpotFleetTaggingRole", True, False),
    ("arn:aws-cn:iam::123456789012:role/path/fleet", True, False),
    ("arn:aws:iam::123456789012:instance-profile/ecsInstanceRole", False, True),
    ("arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole", False, False),
    ("AmazonEC2SpotFleetTaggingRole", False, False),
])
def test_role_and_instance_profile_arns(arn: str, role: bool, profile: bool) -> None:
    assert rules.is_role_arn(arn) is role
    assert rules.is_instance_profile_arn(arn) is profile


@pytest.mark.parametrize(("text", "kind"), [
    ("arn:aws:iam::123456789012:role/x", "role"),
    ("arn:aws:iam::123456789012:instance-profile/x", "instance-profile"),
    ("arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole", "policy"),
    ("arn:aws:iam::123456789012:user/me", "user"),
    ("arn:aws:iam::", None),
    ("arn:aws:batch:us-east-1:123456789012:job-queue/q", None),
])
def test_iam_arn_kinds(text: str, kind: str | None) -> None:
    assert rules.iam_arn_kind(text) == kind
