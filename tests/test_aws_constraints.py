"""The value constraints table: botocore's constraints through the mapping, and the provider's."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from batchform.aws import api_members, constraints, validators
from batchform.aws.values import Constraint
from batchform.schema import Block, load_provider_schema


def _committed() -> dict[str, object]:
    text = resources.files("batchform").joinpath(constraints.DATA_FILE).read_text("utf-8")
    document: dict[str, object] = json.loads(text)
    return document


def _key(record: dict[str, object]) -> tuple[object, ...]:
    return (record["resource"], record["path"], record["kind"], record["member"])


def test_the_data_file_names_its_source_and_script() -> None:
    document = _committed()
    assert str(document["source"]).startswith("botocore ")
    assert document["generated_by"] == "scripts/update_aws_constraints.py"


def test_the_data_file_is_what_the_installed_botocore_gives() -> None:
    # A newer botocore may add enum values; it must not drop or change what is committed.
    committed = {_key(r): r for r in _committed()["constraints"]}  # type: ignore[attr-defined]
    fresh = {_key(r): r for r in api_members.constraints_from_models()}
    assert set(committed) == set(fresh)
    for key, record in committed.items():
        if record["kind"] == "enum":
            assert set(record["values"]) <= set(fresh[key]["values"]), key
        else:
            assert {k: record.get(k) for k in ("minimum", "maximum", "pattern")} == {
                k: fresh[key].get(k) for k in ("minimum", "maximum", "pattern")
            }, key


def _exists(block: Block, parts: list[str]) -> bool:
    head, rest = parts[0], parts[1:]
    if not rest:
        return block.attribute(head) is not None or block.block_type(head) is not None
    nested = block.block_type(head)
    return nested is not None and _exists(nested.block, rest)


@pytest.mark.parametrize("constraint", constraints.table(), ids=lambda c: f"{c.resource}.{c.path}.{c.kind}")
def test_every_constraint_names_an_argument_of_the_provider_schema(constraint: Constraint) -> None:
    found = load_provider_schema().resource(constraint.resource)
    assert found is not None, constraint.resource
    assert _exists(found.block, constraint.path.split(".")), constraint.path
    for other in constraint.others:
        assert _exists(found.block, [*constraint.path.split(".")[:-1], other]), other
    assert constraint.source
    if constraint.regex is not None:
        assert constraint.regex.pattern


def test_every_mapped_member_yields_a_constraint() -> None:
    covered = {(c.resource, c.path) for c in constraints.api_constraints()}
    missing = [(m.resource, m.path) for m in api_members.MEMBERS if (m.resource, m.path) not in covered]
    assert missing == []


BAD_VALUES = [
    ("aws_batch_compute_environment",
     {"compute_resources": [{"type": "EC2", "allocation_strategy": "BEST_FITT"}]},
     ("compute_resources", 0, "allocation_strategy"),
     'expected compute_resources.0.allocation_strategy to be one of ["BEST_FIT" '
     '"BEST_FIT_PROGRESSIVE"'),
    ("aws_batch_compute_environment", {"compute_resources": [{"type": "EC3"}]},
     ("compute_resources", 0, "type"),
     'expected compute_resources.0.type to be one of ["EC2" "SPOT" "FARGATE" "FARGATE_SPOT"'),
    ("aws_cloudwatch_log_group", {"retention_in_days": 45}, ("retention_in_days",),
     "expected retention_in_days to be one of [0 1 3 5 7 14 30 60 90"),
    ("aws_batch_job_queue", {"state": "ON"}, ("state",),
     'expected state to be one of ["ENABLED" "DISABLED"], got ON'),
    ("aws_batch_job_queue", {"job_state_time_limit_action": [{"action": "KILL"}]},
     ("job_state_time_limit_action", 0, "action"),
     'expected job_state_time_limit_action.0.action to be one of ["CANCEL" "TERMINATE"], got KILL'),
    ("aws_batch_scheduling_policy",
     {"fair_share_policy": [{"share_distribution": [{"share_identifier": "a" * 256}]}]},
     ("fair_share_policy", 0, "share_distribution", 0, "share_identifier"),
     "must be limited to 255 alphanumeric characters"),
    ("aws_security_group", {"name_prefix": "sg-data-compute-"}, ("name_prefix",),
     "cannot begin with sg-"),
    ("aws_security_group", {"name": "sg-x"}, ("name",), "cannot begin with sg-"),
    ("aws_security_group", {"name_prefix": "p" * 230}, ("name_prefix",), "(0 - 229)"),
    ("aws_batch_job_definition", {"retry_strategy": [{"attempts": 11}]},
     ("retry_strategy", 0, "attempts"), "to be in the range (1 - 10), got 11"),
    ("aws_batch_job_definition", {"timeout": [{"attempt_duration_seconds": 30}]},
     ("timeout", 0, "attempt_duration_seconds"), "to be at least (60), got 30"),
    ("aws_batch_job_definition", {"platform_capabilities": ["ec2"]},
     ("platform_capabilities", 0), 'to be one of ["EC2" "FARGATE"'),
    ("aws_batch_scheduling_policy",
     {"fair_share_policy": [{"share_distribution": [{"weight_factor": 1000.0}]}]},
     ("fair_share_policy", 0, "share_distribution", 0, "weight_factor"),
     "to be in the range (0.000100 - 999.999900), got 1000"),
]


@pytest.mark.parametrize(("resource", "config", "path", "words"), BAD_VALUES,
                         ids=[f"{case[0]}.{'.'.join(map(str, case[2]))}" for case in BAD_VALUES])
def test_bad_values_are_refused_with_the_provider_wording(
    resource: str, config: dict[str, object], path: tuple[object, ...], words: str
) -> None:
    found = constraints.check(resource, config, "provider")
    assert [v.path for v in found] == [path], found
    assert words in found[0].message


@pytest.mark.parametrize(("resource", "config"), [
    # The provider compares allocation strategies and compute types ignoring case.
    ("aws_batch_compute_environment",
     {"compute_resources": [{"type": "spot", "allocation_strategy": "spot_price_capacity_optimized"}]}),
    ("aws_cloudwatch_log_group", {"retention_in_days": 0}),
    ("aws_batch_job_queue", {"state": "ENABLED", "job_state_time_limit_action": [
        {"action": "CANCEL", "state": "RUNNABLE", "max_time_seconds": 600}]}),
    # Values known only at apply time are never judged here.
    ("aws_batch_job_queue", {"state": object(), "priority": None}),
    ("aws_security_group", {"name_prefix": "data-sg-compute-"}),
])
def test_good_and_unknown_values_pass(resource: str, config: dict[str, object]) -> None:
    assert constraints.check(resource, config) == []


def test_conflicting_arguments_and_too_many_blocks() -> None:
    (conflict,) = constraints.check("aws_batch_compute_environment", {"name": "a", "name_prefix": "b"})
    assert conflict.message == '"name": conflicts with name_prefix'
    exits = [{"action": "RETRY"}] * 6
    (many,) = constraints.check("aws_batch_job_definition", {"retry_strategy": [{"evaluate_on_exit": exits}]})
    assert "supports 5 item maximum, but config has 6" in many.message


def test_api_only_constraints_answer_like_the_api() -> None:
    assert constraints.check("aws_iam_role", {"name": "bad name!"}, "provider") == []
    (found,) = constraints.check("aws_iam_role", {"name": "bad name!"}, "aws")
    assert found.message.startswith('1 validation error detected: Value "bad name!" at \'roleName\'')
    assert "regular expression pattern" in found.message
    (endpoint,) = constraints.check("aws_vpc_endpoint", {"vpc_endpoint_type": "interface"}, "aws")
    assert "Member must satisfy enum value set: [Interface, Gateway" in endpoint.message


def test_named_validators_are_in_the_table() -> None:
    for constraint in (validators.LOG_RETENTION_DAYS, validators.SHARE_IDENTIFIER,
                       validators.RETRY_ATTEMPTS):
        assert constraint in constraints.table()
    assert constraints.allowed_values("aws_batch_job_queue", "state") == ("ENABLED", "DISABLED")
    assert constraints.allowed_values("aws_batch_job_queue", "priority") == ()


@pytest.mark.parametrize(("resource", "path", "kind", "expected"), [
    ("aws_batch_job_queue", "state", "enum", "one of ENABLED, DISABLED (in any case)"),
    ("aws_batch_job_queue", "job_state_time_limit_action.action", "enum",
     "one of CANCEL, TERMINATE"),
    ("aws_batch_job_queue", "job_state_time_limit_action.max_time_seconds", "range",
     "from 600 to 86400"),
    ("aws_batch_job_definition", "timeout.attempt_duration_seconds", "range", "at least 60"),
    ("aws_iam_role", "name_prefix", "length", "from 1 to 38 characters"),
    ("aws_batch_scheduling_policy", "fair_share_policy.share_distribution", "items",
     "at most 500 items"),
    ("aws_security_group", "name_prefix", "not_pattern", "a value not starting with sg-"),
])
def test_constraints_say_what_they_allow(
    resource: str, path: str, kind: str, expected: str
) -> None:
    (constraint, *_) = constraints.find(resource, path, kind)
    assert constraint.expectation() == expected


@pytest.mark.parametrize(("resource", "path", "value", "closest"), [
    ("aws_batch_compute_environment", "compute_resources.allocation_strategy", "BEST_FITT",
     ("BEST_FIT",)),
    ("aws_batch_compute_environment", "compute_resources.type", "ec3", ("EC2",)),
    ("aws_batch_job_queue", "job_state_time_limit_action.action", "KILL", ()),
    ("aws_cloudwatch_log_group", "retention_in_days", 45, (30, 60)),
    ("aws_cloudwatch_log_group", "retention_in_days", 9999, (3653,)),
])
def test_enums_offer_the_closest_values(
    resource: str, path: str, value: object, closest: tuple[object, ...]
) -> None:
    (constraint,) = constraints.find(resource, path, "enum")
    assert constraint.closest(value) == closest
