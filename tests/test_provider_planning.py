"""Tests for the offline provider's plan and apply semantics (no terraform needed)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from batchform.provider.identifiers import ProviderContext
from batchform.provider.planning import (
    apply_resource,
    compute_environment_updatable,
    force_new_rules,
    plan_resource,
)
from batchform.provider.values import UNKNOWN, contains_unknown, encode_msgpack, implied_type
from batchform.schema import Block, load_provider_schema

CTX = ProviderContext(region="eu-west-1", default_tags={"Project": "demo"})
CUSTOM_ROLE = "arn:aws:iam::123456789012:role/batch-service"
LINKED_ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
)


def block(type_name: str) -> Block:
    found = load_provider_schema().resource(type_name)
    assert found is not None
    return found.block


def compute_environment(
    *,
    service_role: str | None = CUSTOM_ROLE,
    allocation: str | None = "BEST_FIT_PROGRESSIVE",
    instance_type: str = "m5.large",
    kind: str = "EC2",
    max_vcpus: int = 16,
) -> dict[str, Any]:
    return {
        "name": "ce",
        "name_prefix": None,
        "type": "MANAGED",
        "service_role": service_role,
        "tags": None,
        "state": None,
        "compute_resources": [
            {
                "type": kind,
                "allocation_strategy": allocation,
                "max_vcpus": max_vcpus,
                "instance_type": [instance_type],
                "subnets": ["subnet-1"],
                "security_group_ids": ["sg-1"],
                "desired_vcpus": None,
                "ec2_configuration": [],
                "launch_template": [],
                "tags": None,
            }
        ],
        "eks_configuration": [],
        "update_policy": [],
    }


def created(type_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """Plan and apply a create, as terraform would, and return the new state."""
    plan = plan_resource(type_name, block(type_name), None, config, config, CTX)
    assert plan.planned is not None
    state = apply_resource(type_name, block(type_name), None, plan.planned, config, CTX)
    assert state is not None
    return state


def replan(type_name: str, prior: dict[str, Any], config: dict[str, Any]) -> Any:
    """Plan an update: the proposed state is the config with computed values from prior."""
    proposed = copy.deepcopy(config)
    for name, attribute in block(type_name).attributes.items():
        if attribute.computed and proposed.get(name) is None:
            proposed[name] = prior.get(name)
    for key, element in enumerate(proposed.get("compute_resources") or []):
        before = (
            (prior.get("compute_resources") or [{}])[key]
            if key < len(prior.get("compute_resources") or [])
            else {}
        )
        if element.get("desired_vcpus") is None:
            element["desired_vcpus"] = before.get("desired_vcpus")
    return plan_resource(type_name, block(type_name), prior, proposed, config, CTX)


def test_create_marks_computed_unknown_and_tags_all_known() -> None:
    config = compute_environment()
    plan = plan_resource(
        "aws_batch_compute_environment",
        block("aws_batch_compute_environment"),
        None,
        config,
        config,
        CTX,
    )
    planned = plan.planned
    assert planned is not None and plan.requires_replace == []
    assert planned["arn"] is UNKNOWN and planned["id"] is UNKNOWN
    assert planned["name"] == "ce"
    assert planned["region"] == "eu-west-1"
    assert planned["tags_all"] == {"Project": "demo"}
    assert planned["compute_resources"][0]["desired_vcpus"] is UNKNOWN
    assert planned["compute_resources"][0]["max_vcpus"] == 16


def test_apply_fills_ids_and_arns() -> None:
    state = created("aws_batch_compute_environment", compute_environment())
    assert state["arn"] == "arn:aws:batch:eu-west-1:123456789012:compute-environment/ce"
    assert state["id"] == "ce"
    assert state["service_role"] == CUSTOM_ROLE
    assert state["compute_resources"][0]["desired_vcpus"] == 0


def test_name_prefix_gets_a_deterministic_suffix() -> None:
    config = dict(compute_environment(), name=None, name_prefix="batch-")
    first = created("aws_batch_compute_environment", config)
    again = created("aws_batch_compute_environment", config)
    other = created(
        "aws_batch_compute_environment",
        dict(compute_environment(instance_type="c5.large"), name=None, name_prefix="batch-"),
    )
    assert first["name"].startswith("batch-") and len(first["name"]) == len("batch-") + 26
    assert first["name"] == again["name"] != other["name"]
    assert first["name_prefix"] == "batch-"


def test_replan_of_unchanged_config_is_identical() -> None:
    config = compute_environment()
    state = created("aws_batch_compute_environment", config)
    plan = replan("aws_batch_compute_environment", state, config)
    assert plan.planned == state and plan.requires_replace == []


def test_instance_type_change_under_custom_role_forces_replacement() -> None:
    state = created("aws_batch_compute_environment", compute_environment())
    plan = replan(
        "aws_batch_compute_environment", state, compute_environment(instance_type="c5.large")
    )
    assert plan.requires_replace == [("compute_resources", 0, "instance_type")]


def test_instance_type_change_when_updatable_is_in_place() -> None:
    config = compute_environment(service_role=None)
    state = created("aws_batch_compute_environment", config)
    assert state["service_role"] == LINKED_ROLE
    plan = replan(
        "aws_batch_compute_environment",
        state,
        compute_environment(service_role=None, instance_type="c5.large"),
    )
    assert plan.requires_replace == []


def test_unset_allocation_strategy_is_not_updatable() -> None:
    config = compute_environment(service_role=None, allocation=None)
    state = created("aws_batch_compute_environment", config)
    plan = replan(
        "aws_batch_compute_environment",
        state,
        compute_environment(service_role=None, allocation=None, instance_type="c5.large"),
    )
    assert plan.requires_replace == [("compute_resources", 0, "instance_type")]


def test_max_vcpus_change_is_in_place() -> None:
    state = created("aws_batch_compute_environment", compute_environment())
    plan = replan("aws_batch_compute_environment", state, compute_environment(max_vcpus=64))
    assert plan.requires_replace == []
    assert plan.planned["compute_resources"][0]["max_vcpus"] == 64


def test_fargate_subnet_change_is_in_place_but_ec2_is_not() -> None:
    fargate = compute_environment(kind="FARGATE", allocation=None)
    state = created("aws_batch_compute_environment", fargate)
    changed = copy.deepcopy(fargate)
    changed["compute_resources"][0]["subnets"] = ["subnet-2"]
    assert replan("aws_batch_compute_environment", state, changed).requires_replace == []

    ec2 = compute_environment()
    state = created("aws_batch_compute_environment", ec2)
    changed = copy.deepcopy(ec2)
    changed["compute_resources"][0]["subnets"] = ["subnet-2"]
    assert replan("aws_batch_compute_environment", state, changed).requires_replace == [
        ("compute_resources", 0, "subnets")
    ]


def test_launch_template_change_always_replaces() -> None:
    config = compute_environment(service_role=None)
    state = created("aws_batch_compute_environment", config)
    changed = copy.deepcopy(config)
    changed["compute_resources"][0]["launch_template"] = [
        {"launch_template_id": "lt-1", "launch_template_name": None, "version": "$Latest"}
    ]
    assert replan("aws_batch_compute_environment", state, changed).requires_replace == [
        ("compute_resources", 0, "launch_template")
    ]


def _with_launch_template(config: dict[str, Any], version: Any) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    changed["compute_resources"][0]["launch_template"] = [
        {"launch_template_id": "lt-1", "launch_template_name": None, "version": version}
    ]
    return changed


@pytest.mark.parametrize(
    ("service_role", "replaced"), [(None, False), (LINKED_ROLE, False), (CUSTOM_ROLE, True)]
)
def test_a_new_launch_template_version_updates_an_updatable_environment_in_place(
    service_role: str | None, replaced: bool
) -> None:
    # The template's latest_version is unknown until its change is applied; the provider's
    # CustomizeDiff forces a replacement for it only when the environment is not updatable.
    config = _with_launch_template(compute_environment(service_role=service_role), "1")
    state = created("aws_batch_compute_environment", config)
    plan = replan("aws_batch_compute_environment", state, _with_launch_template(config, UNKNOWN))
    expected = [("compute_resources", 0, "launch_template")] if replaced else []
    assert plan.requires_replace == expected


def test_an_image_type_change_is_in_place_only_when_updatable() -> None:
    for service_role, expected in ((None, []), (CUSTOM_ROLE, [
        ("compute_resources", 0, "ec2_configuration")
    ])):
        config = compute_environment(service_role=service_role)
        config["compute_resources"][0]["ec2_configuration"] = [
            {"image_type": "ECS_AL2023", "image_id_override": None,
             "image_kubernetes_version": None}
        ]
        state = created("aws_batch_compute_environment", config)
        changed = copy.deepcopy(config)
        changed["compute_resources"][0]["ec2_configuration"][0]["image_type"] = (
            "ECS_AL2023_NVIDIA"
        )
        plan = replan("aws_batch_compute_environment", state, changed)
        assert plan.requires_replace == expected, service_role


@pytest.mark.parametrize(
    ("before", "after", "updatable"),
    [
        (None, None, True),
        (LINKED_ROLE, LINKED_ROLE, True),
        (CUSTOM_ROLE, CUSTOM_ROLE, False),
        (LINKED_ROLE, CUSTOM_ROLE, False),
    ],
)
def test_updatable_rule_judges_the_service_role(
    before: str | None, after: str | None, updatable: bool
) -> None:
    prior = compute_environment(service_role=before, allocation="SPOT_CAPACITY_OPTIMIZED")
    planned = compute_environment(service_role=after, allocation="SPOT_CAPACITY_OPTIMIZED")
    assert compute_environment_updatable(prior, planned) is updatable


def test_allocation_strategy_change_is_judged_on_both_sides() -> None:
    prior = compute_environment(service_role=None, allocation="BEST_FIT")
    planned = compute_environment(service_role=None, allocation="BEST_FIT_PROGRESSIVE")
    assert not compute_environment_updatable(prior, planned)


def test_job_queue_name_forces_replacement_and_priority_does_not() -> None:
    config = {
        "name": "jobs",
        "state": "ENABLED",
        "priority": 1,
        "tags": None,
        "compute_environment_order": [{"order": 1, "compute_environment": "arn:ce"}],
    }
    state = created("aws_batch_job_queue", config)
    assert state["arn"] == "arn:aws:batch:eu-west-1:123456789012:job-queue/jobs" == state["id"]
    assert replan("aws_batch_job_queue", state, dict(config, name="other")).requires_replace == [
        ("name",)
    ]
    assert replan("aws_batch_job_queue", state, dict(config, priority=5)).requires_replace == []


def test_job_definition_update_registers_a_new_revision() -> None:
    config = {
        "name": "hello",
        "type": "container",
        "container_properties": '{"image":"a"}',
        "tags": None,
    }
    state = created("aws_batch_job_definition", config)
    assert state["revision"] == 1
    assert state["arn"] == "arn:aws:batch:eu-west-1:123456789012:job-definition/hello:1"
    assert state["arn_prefix"] == "arn:aws:batch:eu-west-1:123456789012:job-definition/hello"
    changed = dict(config, container_properties='{"image":"b"}')
    plan = replan("aws_batch_job_definition", state, changed)
    assert plan.requires_replace == []
    assert plan.planned["revision"] is UNKNOWN and plan.planned["arn"] is UNKNOWN
    new = apply_resource(
        "aws_batch_job_definition",
        block("aws_batch_job_definition"),
        state,
        plan.planned,
        changed,
        CTX,
    )
    assert (
        new is not None and new["revision"] == 2 and new["arn"].endswith("job-definition/hello:2")
    )
    # Tags alone do not register a new revision.
    retagged = replan("aws_batch_job_definition", state, dict(config, tags={"a": "b"}))
    assert retagged.planned["revision"] == 1
    assert retagged.planned["tags_all"] == {"Project": "demo", "a": "b"}


def test_role_ids_and_arns() -> None:
    state = created(
        "aws_iam_role", {"name": "svc", "path": None, "assume_role_policy": "{}", "tags": None}
    )
    assert state["id"] == "svc"
    assert state["arn"] == "arn:aws:iam::123456789012:role/svc"
    plan = replan(
        "aws_iam_role",
        state,
        {"name": "svc2", "path": None, "assume_role_policy": "{}", "tags": None},
    )
    assert plan.requires_replace == [("name",)]


def test_vpc_ids_look_like_ec2_ids() -> None:
    state = created("aws_vpc", {"cidr_block": "10.0.0.0/16", "tags": {"Name": "x"}})
    assert state["id"].startswith("vpc-") and len(state["id"]) == 21
    assert state["arn"] == f"arn:aws:ec2:eu-west-1:123456789012:vpc/{state['id']}"
    assert state["default_security_group_id"].startswith("sg-")
    assert state["tags_all"] == {"Project": "demo", "Name": "x"}


def test_destroy_plans_and_applies_null() -> None:
    state = created("aws_vpc", {"cidr_block": "10.0.0.0/16"})
    plan = plan_resource("aws_vpc", block("aws_vpc"), state, None, None, CTX)
    assert plan.planned is None
    assert apply_resource("aws_vpc", block("aws_vpc"), state, None, None, CTX) is None


def test_force_new_facts_name_real_attributes() -> None:
    schema = load_provider_schema()
    for type_name, rules in force_new_rules().items():
        found = schema.resource(type_name)
        assert found is not None, type_name
        assert rules["source"].startswith("internal/service/"), type_name
        paths = list(rules.get("always", ()))
        for rule in rules.get("conditional", ()):
            paths += rule["paths"]
        for dotted in paths:
            current = found.block
            for step in dotted.removesuffix(".#").split("."):
                nested = current.block_type(step)
                if nested is None:
                    assert current.attribute(step) is not None, f"{type_name}: {dotted}"
                    break
                current = nested.block


def test_bucket_prefix_names_the_bucket() -> None:
    state = created("aws_s3_bucket", {"bucket": None, "bucket_prefix": "jobs-", "tags": None})
    assert state["bucket"].startswith("jobs-") and state["id"] == state["bucket"]
    assert state["arn"] == f"arn:aws:s3:::{state['bucket']}"
    assert state["bucket_prefix"] == "jobs-"


def test_secret_version_value_change_replaces() -> None:
    config = {
        "secret_id": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-abcdef",
        "secret_string": "one",
    }
    state = created("aws_secretsmanager_secret_version", config)
    assert state["version_stages"] == ["AWSCURRENT"]
    plan = replan("aws_secretsmanager_secret_version", state, dict(config, secret_string="two"))
    assert plan.requires_replace == [("secret_string",)]


def _sample(ty: Any) -> Any:
    if ty == "string":
        return "x"
    if ty == "number":
        return 1
    if ty == "bool":
        return True
    kind, inner = ty
    if kind in ("list", "set"):
        return [_sample(inner)]
    if kind == "map":
        return {"k": _sample(inner)}
    if kind == "object":
        return {name: _sample(sub) for name, sub in inner.items()}
    return None


def _minimal(block: Block) -> dict[str, Any]:
    """The smallest configuration the schema accepts: required arguments and blocks only."""
    config: dict[str, Any] = {
        name: _sample(attribute.type) if attribute.required else None
        for name, attribute in block.attributes.items()
    }
    for name, nested in block.block_types.items():
        if nested.nesting_mode in ("single", "group"):
            config[name] = _minimal(nested.block) if nested.min_items else None
        elif nested.nesting_mode == "map":
            config[name] = {}
        else:
            config[name] = [_minimal(nested.block)] * nested.min_items
    return config


@pytest.mark.parametrize("type_name", sorted(load_provider_schema().resource_types))
def test_every_resource_type_applies_and_replans_clean(type_name: str) -> None:
    config = _minimal(block(type_name))
    state = created(type_name, config)
    assert not contains_unknown(state)
    encode_msgpack(state, implied_type(block(type_name)))  # every value fits its type
    assert isinstance(state["id"], str) and state["id"]
    again = plan_resource(type_name, block(type_name), state, state, config, CTX)
    assert again.planned == state and again.requires_replace == []


def test_evaluate_on_exit_change_replaces_the_job_definition() -> None:
    # retry_strategy.evaluate_on_exit is ForceNew (internal/service/batch/job_definition.go).
    def job(action: str) -> dict[str, object]:
        return {"name": "job", "type": "container", "retry_strategy": [
            {"attempts": 2, "evaluate_on_exit": [{"action": action, "on_status_reason": "Host*"}]}]}

    state = created("aws_batch_job_definition", job("RETRY"))
    kind = block("aws_batch_job_definition")
    plan = plan_resource("aws_batch_job_definition", kind, state, {**state, **job("EXIT")},
                         job("EXIT"), CTX)
    assert ("retry_strategy", 0, "evaluate_on_exit") in plan.requires_replace
