"""Tests for the offline provider's data sources, above all the IAM policy document."""

from __future__ import annotations

import json
from typing import Any

import pytest

from batchform.provider.datasources import (
    go_json,
    read_data_source,
    render_policy_document,
    zone_id_prefix,
)
from batchform.provider.identifiers import ProviderContext
from batchform.provider.values import encode_msgpack, implied_type
from batchform.schema import load_provider_schema

CTX = ProviderContext(region="ap-northeast-1")


def read(type_name: str, config: dict[str, Any]) -> dict[str, Any]:
    found = load_provider_schema().data_source(type_name)
    assert found is not None
    full = {name: None for name in found.block.attributes} | config
    return read_data_source(type_name, found.block, full, CTX)


def statement(**fields: Any) -> dict[str, Any]:
    base = {
        "sid": None,
        "effect": None,
        "actions": None,
        "not_actions": None,
        "resources": None,
        "not_resources": None,
        "principals": None,
        "not_principals": None,
        "condition": None,
    }
    return base | fields


def test_policy_document_matches_the_provider_shape() -> None:
    document = render_policy_document(
        {
            "statement": [
                statement(
                    actions=["s3:GetObject", "s3:PutObject"],
                    resources=["arn:aws:s3:::b/&{aws:username}"],
                ),
                statement(
                    sid="Trust",
                    effect="Deny",
                    actions=["sts:AssumeRole"],
                    principals=[{"type": "*", "identifiers": ["*"]}],
                ),
                statement(
                    actions=["kms:Decrypt"],
                    resources=["*"],
                    condition=[
                        {
                            "test": "StringEquals",
                            "variable": "kms:ViaService",
                            "values": ["s3.eu-west-1.amazonaws.com"],
                        },
                        {
                            "test": "StringLike",
                            "variable": "aws:PrincipalArn",
                            "values": ["b", "a"],
                        },
                    ],
                ),
            ]
        }
    )
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject"],
                "Resource": "arn:aws:s3:::b/${aws:username}",
            },
            {"Sid": "Trust", "Effect": "Deny", "Action": "sts:AssumeRole", "Principal": "*"},
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"},
                    "StringLike": {"aws:PrincipalArn": ["b", "a"]},
                },
            },
        ],
    }


def test_principals_of_one_type_merge() -> None:
    document = render_policy_document(
        {
            "statement": [
                statement(
                    actions=["sts:AssumeRole"],
                    principals=[
                        {"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]},
                        {"type": "AWS", "identifiers": ["arn:aws:iam::2:root"]},
                        {"type": "Service", "identifiers": ["batch.amazonaws.com"]},
                    ],
                )
            ]
        }
    )
    assert document["Statement"][0]["Principal"] == {
        "AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"],
        "Service": "batch.amazonaws.com",
    }


def test_source_and_override_documents_merge_by_sid() -> None:
    source = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "B", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
            ],
        }
    )
    override = json.dumps(
        {"Statement": [{"Sid": "B", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}
    )
    document = render_policy_document(
        {
            "source_policy_documents": [source],
            "override_policy_documents": [override],
            "statement": [statement(sid="C", actions=["logs:*"], resources=["*"])],
        }
    )
    assert [(s["Sid"], s["Effect"]) for s in document["Statement"]] == [
        ("A", "Allow"),
        ("B", "Deny"),
        ("C", "Allow"),
    ]


def test_go_json_escapes_like_encoding_json() -> None:
    assert go_json({"a": "<&>"}, indent=False) == '{"a":"\\u003c\\u0026\\u003e"}'
    assert go_json({"a": [1]}, indent=True) == '{\n  "a": [\n    1\n  ]\n}'


def test_policy_document_data_source_state() -> None:
    state = read(
        "aws_iam_policy_document", {"statement": [statement(actions=["s3:*"], resources=["*"])]}
    )
    assert json.loads(state["json"])["Statement"][0]["Action"] == "s3:*"
    assert json.loads(state["minified_json"]) == json.loads(state["json"])
    assert state["id"].isdigit()
    assert state["version"] is None  # not computed: stays as configured


def test_region_partition_identity_and_zones() -> None:
    assert read("aws_region", {})["name"] == "ap-northeast-1"
    assert read("aws_region", {})["description"] == "Asia Pacific (Tokyo)"
    assert read("aws_partition", {})["partition"] == "aws"
    assert read("aws_caller_identity", {})["account_id"] == "123456789012"
    zones = read("aws_availability_zones", {"exclude_names": ["ap-northeast-1b"]})
    assert zones["names"] == ["ap-northeast-1a", "ap-northeast-1c"]
    assert zones["zone_ids"] == ["apne1-az1", "apne1-az3"]
    assert zone_id_prefix("us-east-1") == "use1"


def test_ssm_parameter_for_an_ami_id() -> None:
    state = read(
        "aws_ssm_parameter",
        {"name": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"},
    )
    assert state["value"].startswith("ami-") and state["type"] == "String"
    assert state["arn"].startswith(
        "arn:aws:ssm:ap-northeast-1:123456789012:parameter/aws/service/ecs"
    )


def test_configured_values_are_kept() -> None:
    state = read("aws_vpc", {"id": "vpc-0123", "tags": {"Name": "main"}})
    assert state["id"] == "vpc-0123" and state["tags"] == {"Name": "main"}
    assert state["arn"] == "arn:aws:ec2:ap-northeast-1:123456789012:vpc/vpc-0123"


def test_a_document_without_statements_has_null_statement() -> None:
    assert render_policy_document({}) == {"Version": "2012-10-17", "Statement": None}


@pytest.mark.parametrize("type_name", sorted(load_provider_schema().data_source_types))
def test_every_data_source_reads_values_of_its_type(type_name: str) -> None:
    found = load_provider_schema().data_source(type_name)
    assert found is not None
    config = {
        name: ("x" if attribute.type == "string" else None) if attribute.required else None
        for name, attribute in found.block.attributes.items()
    }
    config |= {
        name: []
        for name, nested in found.block.block_types.items()
        if nested.nesting_mode in ("list", "set")
    }
    state = read_data_source(type_name, found.block, config, CTX)
    encode_msgpack(state, implied_type(found.block))
    assert state.get("id") is not None
