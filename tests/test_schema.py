"""Tests for the provider schema snapshot and its loader."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from batchform.schema import PROVIDER_ADDRESS, SNAPSHOT_PATH, load_provider_schema

REQUIRED_RESOURCES = {
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_eip",
    "aws_nat_gateway",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_default_security_group",
    "aws_vpc_endpoint",
    "aws_flow_log",
    "aws_cloudwatch_log_group",
    "aws_kms_key",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_instance_profile",
    "aws_iam_service_linked_role",
    "aws_batch_compute_environment",
    "aws_batch_job_queue",
    "aws_batch_scheduling_policy",
    "aws_batch_job_definition",
    "aws_launch_template",
    "aws_ecr_repository",
    "aws_placement_group",
}
REQUIRED_DATA_SOURCES = {
    "aws_iam_policy_document",
    "aws_partition",
    "aws_region",
    "aws_caller_identity",
    "aws_availability_zones",
    "aws_ssm_parameter",
    "aws_vpc",
    "aws_subnet",
    "aws_subnets",
    "aws_security_group",
    "aws_ami",
    "aws_iam_role",
    "aws_ecr_repository",
}


def test_snapshot_is_small_and_in_terraform_format() -> None:
    raw = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    assert SNAPSHOT_PATH.stat().st_size < 2_000_000
    assert raw["format_version"] == "1.0"
    assert set(raw["provider_schemas"][PROVIDER_ADDRESS]) == {
        "provider",
        "resource_schemas",
        "data_source_schemas",
    }


def test_snapshot_covers_the_batch_types() -> None:
    schema = load_provider_schema()
    assert schema.version == "6.66.0"
    assert REQUIRED_RESOURCES <= schema.resource_types
    assert REQUIRED_DATA_SOURCES <= schema.data_source_types


def test_compute_environment_shape_matches_the_provider() -> None:
    block = load_provider_schema().resource("aws_batch_compute_environment").block
    assert block.required_attributes() == ("type",)
    assert block.attribute("arn").computed_only
    name = block.attribute("name")
    assert name.optional and name.computed and not name.computed_only
    resources = block.block_type("compute_resources")
    assert resources.nesting_mode == "list" and resources.max_one
    inner = resources.block
    assert inner.attribute("max_vcpus").required
    assert inner.attribute("max_vcpu") is None
    assert inner.attribute("instance_type").type == ["set", "string"]
    assert inner.attribute("desired_vcpus").computed
    assert inner.block_type("launch_template").max_one


def test_job_queue_blocks_and_single_nesting() -> None:
    block = load_provider_schema().resource("aws_batch_job_queue").block
    assert set(block.required_attributes()) == {"name", "priority", "state"}
    order = block.block_type("compute_environment_order")
    assert order.nesting_mode == "list" and not order.max_one
    assert block.block_type("timeouts").nesting_mode == "single"
    assert "compute_environments" not in block.names()


def test_attributes_as_blocks_are_attributes() -> None:
    block = load_provider_schema().resource("aws_security_group").block
    ingress = block.attribute("ingress")
    assert ingress.optional and ingress.computed
    assert ingress.type[0] == "set" and ingress.type[1][0] == "object"
    assert ingress.type[1][1]["from_port"] == "number"


def test_policy_document_statement_blocks() -> None:
    block = load_provider_schema().data_source("aws_iam_policy_document").block
    statement = block.block_type("statement")
    assert statement.block.block_type("principals").nesting_mode == "set"
    assert statement.block.attribute("actions").type == ["set", "string"]
    assert block.attribute("json").computed_only


def test_provider_block() -> None:
    provider = load_provider_schema().provider_block()
    assert provider.attribute("region").optional
    assert "default_tags" in provider.block_types
    assert provider.block_type("endpoints").nesting_mode == "set"


def test_sensitive_values_are_marked() -> None:
    parameter = load_provider_schema().data_source("aws_ssm_parameter").block
    assert parameter.attribute("value").sensitive
    assert not parameter.attribute("insecure_value").sensitive


def test_unknown_type_is_none() -> None:
    schema = load_provider_schema()
    assert schema.resource("aws_not_a_thing") is None
    assert schema.data_source("aws_batch_job_definition_x") is None


def _script() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        import update_provider_schema as script
    finally:
        sys.path.pop(0)
    return script


def test_update_script_follows_a_compressed_assembly_redirect(tmp_path: Path) -> None:
    assembly = {"types": {"x.Y": {"kind": "class"}}}
    (tmp_path / ".jsii.gz").write_bytes(gzip.compress(json.dumps(assembly).encode()))
    redirect = {"schema": "jsii/file-redirect", "compression": "gzip", "filename": ".jsii.gz"}
    (tmp_path / ".jsii").write_text(json.dumps(redirect), encoding="utf-8")
    assert _script().load_jsii(tmp_path) == assembly


def test_update_script_parses_generated_module_facts() -> None:
    script = _script()
    module = script.parse_js(
        "class FooOutputReference extends cdktn.ComplexObject {\n"
        "    // size - computed: true, optional: true, required: false\n"
        "    _size;\n"
        "    get size() {\n"
        "        return cdktn.Fn.tolist(this.getListAttribute('size'));\n"
        "    }\n"
        "}\n"
        "function fooToHclTerraform(struct) {\n"
        "    const attrs = {\n"
        "        size: {\n"
        "            value: cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(struct.size),\n"
        "            isBlock: false,\n"
        '            type: "set",\n'
        '            storageClassType: "stringList",\n'
        "        },\n"
        "    };\n"
        "}\n"
    )
    cls = module.classes["FooOutputReference"]
    assert cls.tf_names == {"size": "size"}
    assert cls.flags["size"] == (True, True, False)
    assert module.hcl["foo"] == {"size": (False, "set", "stringList")}
    assert script.storage_type("set", "stringList") == ["set", "string"]


@pytest.mark.parametrize("type_name", sorted(REQUIRED_RESOURCES))
def test_every_resource_has_id_and_some_attributes(type_name: str) -> None:
    block = load_provider_schema().resource(type_name).block
    assert block.attribute("id") is not None
    assert len(block.attributes) >= 2
