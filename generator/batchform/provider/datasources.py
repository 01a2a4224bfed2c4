"""Data sources of the offline provider: real IAM policy JSON, plausible account and region facts."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from batchform.provider.identifiers import (
    CREATED_AT,
    ProviderContext,
    attribute_value,
    digest,
    global_arn,
    hex_id,
    regional_arn,
    zone_id_prefix,
)
from batchform.schema import Block

_REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
}


def read_data_source(
    type_name: str, block: Block, config: Mapping[str, Any], ctx: ProviderContext
) -> dict[str, Any]:
    """The state of a data source: its configuration with every computed null filled in."""
    state = dict(config)
    seed = digest(type_name, config)
    reader = _READERS.get(type_name)
    specific = reader(state, ctx, seed) if reader else {}
    for name, attribute in block.attributes.items():
        if not attribute.computed or state.get(name) is not None:
            continue
        if name in specific:
            state[name] = specific[name]
        elif name == "id":
            state[name] = hex_id(type_name.removeprefix("aws_").replace("_", "-"), seed, 12)
        else:
            known = attribute_value(name, ctx, digest(seed, name))
            if known is not None and attribute.type in ("string", "number"):
                state[name] = known
            elif isinstance(attribute.type, list) and attribute.type[0] in ("list", "set"):
                state[name] = []
            elif isinstance(attribute.type, list) and attribute.type[0] == "map":
                state[name] = {}
            elif attribute.type == "bool":
                state[name] = False
            else:
                state[name] = None
    return state


def _region(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    name = state.get("region") or state.get("name") or ctx.region
    return {
        "name": name,
        "region": name,
        "id": name,
        "description": _REGION_NAMES.get(name, name),
        "endpoint": f"ec2.{name}.amazonaws.com",
    }


def _partition(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    return {
        "partition": ctx.partition,
        "id": ctx.partition,
        "dns_suffix": "amazonaws.com",
        "reverse_dns_prefix": "com.amazonaws",
    }


def _caller_identity(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    return {
        "account_id": ctx.account_id,
        "id": ctx.account_id,
        "arn": global_arn(ctx, "iam", "user/batchform-offline"),
        "user_id": "AIDA" + seed[:17].upper(),
    }


def _availability_zones(
    state: Mapping[str, Any], ctx: ProviderContext, seed: str
) -> dict[str, Any]:
    region = state.get("region") or ctx.region
    excluded = set(state.get("exclude_names") or ())
    excluded_ids = set(state.get("exclude_zone_ids") or ())
    prefix = zone_id_prefix(region)
    zones = [
        (f"{region}{letter}", f"{prefix}-az{number}")
        for number, letter in enumerate("abc", start=1)
    ]
    kept = [(n, z) for n, z in zones if n not in excluded and z not in excluded_ids]
    return {
        "id": region,
        "region": region,
        "names": [n for n, _ in kept],
        "zone_ids": [z for _, z in kept],
        "group_names": [region],
    }


def _ssm_parameter(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    name = str(state.get("name"))
    if "image_id" in name or "/ami" in name or "ami-" in name:
        value = hex_id("ami", seed)
    else:
        value = f"offline-value-{seed[:8]}"
    return {
        "id": name,
        "arn": regional_arn(ctx, "ssm", "parameter/" + name.lstrip("/")),
        "type": "String",
        "value": value,
        "insecure_value": value,
        "version": 1,
    }


def _ami(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    image = hex_id("ami", seed)
    return {
        "id": image,
        "image_id": image,
        "arn": regional_arn(ctx, "ec2", f"image/{image}"),
        "architecture": "x86_64",
        "name": "batchform-offline-ami",
        "creation_date": CREATED_AT,
        "root_device_name": "/dev/xvda",
        "root_device_type": "ebs",
        "virtualization_type": "hvm",
        "hypervisor": "xen",
        "image_type": "machine",
        "state": "available",
        "owner_id": "amazon",
        "platform_details": "Linux/UNIX",
        "usage_operation": "RunInstances",
        "ena_support": True,
    }


def _vpc(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    ident = state.get("id") or hex_id("vpc", seed)
    return {
        "id": ident,
        "arn": regional_arn(ctx, "ec2", f"vpc/{ident}"),
        "cidr_block": "10.0.0.0/16",
        "enable_dns_support": True,
        "enable_dns_hostnames": True,
        "instance_tenancy": "default",
        "state": "available",
        "tags": {},
    }


def _subnet(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    ident = state.get("id") or hex_id("subnet", seed)
    return {
        "id": ident,
        "arn": regional_arn(ctx, "ec2", f"subnet/{ident}"),
        "cidr_block": "10.0.1.0/24",
        "vpc_id": hex_id("vpc", digest(seed, "vpc")),
        "state": "available",
        "tags": {},
    }


def _subnets(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    return {
        "id": ctx.region,
        "ids": [hex_id("subnet", digest(seed, i)) for i in range(3)],
        "tags": {},
    }


def _security_group(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    ident = state.get("id") or hex_id("sg", seed)
    return {
        "id": ident,
        "arn": regional_arn(ctx, "ec2", f"security-group/{ident}"),
        "name": state.get("name") or "default",
        "description": "offline security group",
        "vpc_id": hex_id("vpc", digest(seed, "vpc")),
        "tags": {},
    }


def _iam_role(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    name = state.get("name")
    trust = {"Version": "2012-10-17", "Statement": []}
    return {
        "id": name,
        "arn": global_arn(ctx, "iam", f"role/{name}"),
        "path": "/",
        "assume_role_policy": json.dumps(trust),
        "create_date": CREATED_AT,
        "max_session_duration": 3600,
        "unique_id": "AROA" + seed[:17].upper(),
        "tags": {},
    }


def _ecr_repository(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    name = state.get("name")
    return {
        "id": name,
        "arn": regional_arn(ctx, "ecr", f"repository/{name}"),
        "registry_id": ctx.account_id,
        "image_tag_mutability": "MUTABLE",
        "repository_url": f"{ctx.account_id}.dkr.ecr.{ctx.region}.amazonaws.com/{name}",
        "most_recent_image_tags": [],
        "tags": {},
    }


def _prefix_list(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    name = state.get("name") or f"com.amazonaws.{ctx.region}.s3"
    return {"id": hex_id("pl", seed, 8), "name": name, "cidr_blocks": ["52.216.0.0/15"]}


def _endpoint_service(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    service = state.get("service") or "s3"
    name = state.get("service_name") or f"com.amazonaws.{ctx.region}.{service}"
    return {
        "id": name,
        "service_name": name,
        "service": service,
        "owner": "amazon",
        "service_type": "Interface",
        "acceptance_required": False,
        "private_dns_name": f"{service}.{ctx.region}.amazonaws.com",
        "availability_zones": [f"{ctx.region}{z}" for z in "abc"],
    }


def _policy_document(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    document = render_policy_document(state)
    text = go_json(document, indent=True)
    return {
        "json": text,
        "minified_json": go_json(document, indent=False),
        "id": str(zlib.crc32(text.encode())),
        "version": state.get("version"),
    }


def _s3_bucket(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    bucket = state.get("bucket")
    return {
        "id": bucket,
        "arn": f"arn:{ctx.partition}:s3:::{bucket}",
        "bucket_domain_name": f"{bucket}.s3.amazonaws.com",
        "bucket_regional_domain_name": f"{bucket}.s3.{ctx.region}.amazonaws.com",
        "region": ctx.region,
    }


def _secret(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    name = state.get("name") or "secret"
    arn = state.get("arn") or regional_arn(ctx, "secretsmanager", f"secret:{name}-{seed[:6]}")
    return {"id": arn, "arn": arn, "name": name, "tags": {}}


def _efs_file_system(state: Mapping[str, Any], ctx: ProviderContext, seed: str) -> dict[str, Any]:
    ident = state.get("file_system_id") or hex_id("fs", seed)
    return {
        "id": ident,
        "file_system_id": ident,
        "arn": regional_arn(ctx, "elasticfilesystem", f"file-system/{ident}"),
        "dns_name": f"{ident}.efs.{ctx.region}.amazonaws.com",
        "performance_mode": "generalPurpose",
        "throughput_mode": "bursting",
        "tags": {},
    }


_READERS: dict[str, Callable[[Mapping[str, Any], ProviderContext, str], dict[str, Any]]] = {
    "aws_region": _region,
    "aws_partition": _partition,
    "aws_caller_identity": _caller_identity,
    "aws_availability_zones": _availability_zones,
    "aws_ssm_parameter": _ssm_parameter,
    "aws_ami": _ami,
    "aws_vpc": _vpc,
    "aws_subnet": _subnet,
    "aws_subnets": _subnets,
    "aws_security_group": _security_group,
    "aws_iam_role": _iam_role,
    "aws_ecr_repository": _ecr_repository,
    "aws_prefix_list": _prefix_list,
    "aws_ec2_managed_prefix_list": _prefix_list,
    "aws_vpc_endpoint_service": _endpoint_service,
    "aws_iam_policy_document": _policy_document,
    "aws_s3_bucket": _s3_bucket,
    "aws_secretsmanager_secret": _secret,
    "aws_efs_file_system": _efs_file_system,
}


# --- aws_iam_policy_document -------------------------------------------------------------------


def _string_or_list(values: Any) -> Any:
    """One value stays a string; several become a reverse-sorted list, as the provider does."""
    items = [str(v) for v in values or ()]
    if len(items) == 1:
        return items[0]
    return sorted(items, reverse=True)


def _interpolations(value: Any) -> Any:
    # The data source lets users write &{aws:username} for IAM's ${aws:username}.
    if isinstance(value, str):
        return value.replace("&{", "${")
    return [item.replace("&{", "${") for item in value]


def _principals(blocks: Any) -> Any:
    principals = list(blocks or ())
    if (
        len(principals) == 1
        and principals[0].get("type") == "*"
        and list(principals[0].get("identifiers") or ()) == ["*"]
    ):
        return "*"
    merged: dict[str, Any] = {}
    for principal in principals:
        kind = principal["type"]
        identifiers = _interpolations(_string_or_list(principal.get("identifiers")))
        current = merged.get(kind)
        if isinstance(identifiers, list):
            existing = [] if current is None else [current] if isinstance(current, str) else current
            merged[kind] = existing + identifiers
        elif current is None:
            merged[kind] = identifiers
        elif isinstance(current, str):
            merged[kind] = [current, identifiers]
        else:
            merged[kind] = [*current, identifiers]
    return dict(sorted(merged.items()))


def _conditions(blocks: Any) -> dict[str, Any]:
    merged: dict[str, dict[str, Any]] = {}
    for condition in blocks or ():
        values = [str(v).replace("&{", "${") for v in condition.get("values") or ()]
        value: Any = values[0] if len(values) == 1 else values
        by_variable = merged.setdefault(condition["test"], {})
        current = by_variable.get(condition["variable"])
        if current is None:
            by_variable[condition["variable"]] = value
        else:
            before = [current] if isinstance(current, str) else current
            by_variable[condition["variable"]] = before + (
                [value] if isinstance(value, str) else value
            )
    return {test: dict(sorted(v.items())) for test, v in sorted(merged.items())}


def _statement(block: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if block.get("sid"):
        out["Sid"] = block["sid"]
    out["Effect"] = block.get("effect") or "Allow"
    for key, name, interpolate in (
        ("Action", "actions", False),
        ("NotAction", "not_actions", False),
        ("Resource", "resources", True),
        ("NotResource", "not_resources", True),
    ):
        if block.get(name):
            value = _string_or_list(block[name])
            out[key] = _interpolations(value) if interpolate else value
    if block.get("principals"):
        out["Principal"] = _principals(block["principals"])
    if block.get("not_principals"):
        out["NotPrincipal"] = _principals(block["not_principals"])
    if block.get("condition"):
        out["Condition"] = _conditions(block["condition"])
    return out


def _merge(document: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Merge ``other`` into ``document``: statements with the same Sid are replaced."""
    if other.get("Id"):
        document["Id"] = other["Id"]
    if str(other.get("Version") or "") > str(document.get("Version") or ""):
        document["Version"] = other["Version"]
    statements = document.setdefault("Statement", [])
    incoming = other.get("Statement") or []
    for statement in [incoming] if isinstance(incoming, Mapping) else incoming:
        sid = statement.get("Sid")
        for index, existing in enumerate(statements):
            if sid and existing.get("Sid") == sid:
                statements[index] = statement
                break
        else:
            statements.append(statement)


def render_policy_document(config: Mapping[str, Any]) -> dict[str, Any]:
    """The IAM policy document aws_iam_policy_document renders from its arguments."""
    merged: dict[str, Any] = {}
    if config.get("source_json"):
        _merge(merged, json.loads(config["source_json"]))
    for source in config.get("source_policy_documents") or ():
        _merge(merged, json.loads(source))
    own: dict[str, Any] = {"Version": config.get("version") or "2012-10-17"}
    if config.get("policy_id"):
        own["Id"] = config["policy_id"]
    own["Statement"] = [_statement(block) for block in config.get("statement") or ()]
    _merge(merged, own)
    for override in config.get("override_policy_documents") or ():
        _merge(merged, json.loads(override))
    if config.get("override_json"):
        _merge(merged, json.loads(config["override_json"]))
    ordered: dict[str, Any] = {"Version": merged.get("Version")}
    if merged.get("Id"):
        ordered["Id"] = merged["Id"]
    # encoding/json writes a nil slice as null, which is what a document without statements gets.
    ordered["Statement"] = merged.get("Statement") or None
    return ordered


def go_json(value: Any, *, indent: bool) -> str:
    """JSON as Go's encoding/json writes it (HTML-safe escapes; two-space MarshalIndent)."""
    text = json.dumps(
        value,
        ensure_ascii=False,
        indent=2 if indent else None,
        separators=(",", ": ") if indent else (",", ":"),
    )
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text
