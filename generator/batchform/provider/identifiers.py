"""Made-up but plausible identifiers: deterministic ids, names and ARNs for applied resources."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
# A fixed instant keeps applied state reproducible run after run.
CREATED_AT = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class ProviderContext:
    """What the configured provider block contributes to every resource."""

    region: str = "us-east-1"
    account_id: str = ACCOUNT_ID
    partition: str = PARTITION
    default_tags: Mapping[str, str] = field(default_factory=dict)


def digest(*parts: Any) -> str:
    """A stable hex digest of JSON-serialisable parts (unknowns must be removed first)."""
    text = json.dumps(parts, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def hex_id(prefix: str, seed: str, length: int = 17) -> str:
    """An EC2-style id such as ``vpc-0a1b2c3d4e5f60718``."""
    return f"{prefix}-{seed[:length]}"


def unique_suffix(seed: str) -> str:
    """A 26-digit suffix shaped like the one Terraform appends to ``name_prefix``."""
    digits = str(int(seed[:24], 16)).rjust(26, "0")
    return digits[-26:]


def uuid_from(seed: str) -> str:
    """A UUID-shaped string derived from ``seed``."""
    return f"{seed[0:8]}-{seed[8:12]}-4{seed[13:16]}-a{seed[17:20]}-{seed[20:32]}"


def regional_arn(ctx: ProviderContext, service: str, resource: str) -> str:
    """``arn:aws:<service>:<region>:<account>:<resource>``."""
    return f"arn:{ctx.partition}:{service}:{ctx.region}:{ctx.account_id}:{resource}"


def global_arn(ctx: ProviderContext, service: str, resource: str) -> str:
    """``arn:aws:<service>::<account>:<resource>`` for global services such as IAM."""
    return f"arn:{ctx.partition}:{service}::{ctx.account_id}:{resource}"


# EC2-style types: id prefix and the ARN resource path (None: the type has no ARN attribute).
EC2_IDS: dict[str, tuple[str, str | None]] = {
    "aws_vpc": ("vpc", "vpc"),
    "aws_subnet": ("subnet", "subnet"),
    "aws_internet_gateway": ("igw", "internet-gateway"),
    "aws_route_table": ("rtb", "route-table"),
    "aws_default_route_table": ("rtb", "route-table"),
    "aws_route_table_association": ("rtbassoc", None),
    "aws_eip": ("eipalloc", "elastic-ip"),
    "aws_nat_gateway": ("nat", "natgateway"),
    "aws_security_group": ("sg", "security-group"),
    "aws_default_security_group": ("sg", "security-group"),
    "aws_security_group_rule": ("sgrule", None),
    "aws_vpc_security_group_egress_rule": ("sgr", "security-group-rule"),
    "aws_vpc_security_group_ingress_rule": ("sgr", "security-group-rule"),
    "aws_vpc_endpoint": ("vpce", "vpc-endpoint"),
    "aws_vpc_endpoint_route_table_association": ("a-vpce", None),
    "aws_vpc_endpoint_subnet_association": ("a-vpce", None),
    "aws_flow_log": ("fl", "vpc-flow-log"),
    "aws_launch_template": ("lt", "launch-template"),
    "aws_default_network_acl": ("acl", "network-acl"),
}

# Computed attributes that hold ids of other EC2 objects, by attribute name.
ID_ATTRIBUTES: dict[str, str] = {
    "default_security_group_id": "sg",
    "main_route_table_id": "rtb",
    "default_route_table_id": "rtb",
    "default_network_acl_id": "acl",
    "dhcp_options_id": "dopt",
    "allocation_id": "eipalloc",
    "association_id": "eipassoc",
    "network_interface_id": "eni",
    "prefix_list_id": "pl",
    "key_id": "",
    "unique_id": "AROA",
}


def generated_name(config_name: Any, name_prefix: Any, seed: str) -> str:
    """The name AWS ends up with: as configured, or prefix (default ``terraform-``) + suffix."""
    if isinstance(config_name, str):
        return config_name
    prefix = name_prefix if isinstance(name_prefix, str) else "terraform-"
    return prefix + unique_suffix(seed)


def resource_identity(
    type_name: str,
    state: Mapping[str, Any],
    prior: Mapping[str, Any] | None,
    ctx: ProviderContext,
    seed: str,
) -> dict[str, Any]:
    """Type-specific computed values (id, arn and friends) for an applied resource."""
    before = prior or {}
    name = state.get("name") if isinstance(state.get("name"), str) else None
    out: dict[str, Any] = {}
    path = state.get("path") if isinstance(state.get("path"), str) else "/"
    if type_name in EC2_IDS:
        prefix, arn_kind = EC2_IDS[type_name]
        ident = hex_id(prefix, seed)
        out["id"] = ident
        if arn_kind:
            out["arn"] = regional_arn(ctx, "ec2", f"{arn_kind}/{ident}")
        if type_name == "aws_eip":
            out["allocation_id"] = ident
            out["public_ip"] = f"198.51.100.{int(seed[:2], 16) % 254 + 1}"
            out["public_dns"] = (
                f"ec2-198-51-100-{int(seed[:2], 16) % 254 + 1}.compute-1.amazonaws.com"
            )
        if type_name in (
            "aws_vpc_security_group_egress_rule",
            "aws_vpc_security_group_ingress_rule",
        ):
            out["security_group_rule_id"] = ident
        if type_name == "aws_launch_template":
            out["latest_version"] = int(before.get("latest_version") or 0) + 1
            out["default_version"] = 1
    elif type_name == "aws_route":
        out["id"] = f"r-{state.get('route_table_id')}{int(seed[:8], 16) % 10**10}"
    elif type_name == "aws_iam_role":
        out.update(id=name, arn=global_arn(ctx, "iam", f"role{path}{name}"), create_date=CREATED_AT)
        out["unique_id"] = "AROA" + seed[:17].upper()
    elif type_name == "aws_iam_instance_profile":
        out.update(id=name, arn=global_arn(ctx, "iam", f"instance-profile{path}{name}"))
        out.update(create_date=CREATED_AT, unique_id="AIPA" + seed[:17].upper())
    elif type_name == "aws_iam_policy":
        arn = global_arn(ctx, "iam", f"policy{path}{name}")
        out.update(id=arn, arn=arn, policy_id="ANPA" + seed[:17].upper(), attachment_count=0)
    elif type_name == "aws_iam_role_policy":
        out["id"] = f"{state.get('role')}:{name}"
    elif type_name == "aws_iam_role_policy_attachment":
        out["id"] = f"{state.get('role')}-{unique_suffix(seed)}"
    elif type_name == "aws_iam_service_linked_role":
        service = str(state.get("aws_service_name"))
        role = "AWSServiceRoleFor" + service.split(".")[0].capitalize()
        if isinstance(state.get("custom_suffix"), str):
            role += "_" + state["custom_suffix"]
        arn = global_arn(ctx, "iam", f"role/aws-service-role/{service}/{role}")
        out.update(id=arn, arn=arn, name=role, path=f"/aws-service-role/{service}/")
        out.update(create_date=CREATED_AT, unique_id="AROA" + seed[:17].upper())
    elif type_name == "aws_cloudwatch_log_group":
        out.update(id=name, arn=regional_arn(ctx, "logs", f"log-group:{name}"))
    elif type_name == "aws_kms_key":
        key = uuid_from(seed)
        out.update(id=key, key_id=key, arn=regional_arn(ctx, "kms", f"key/{key}"))
    elif type_name == "aws_kms_alias":
        out.update(id=name, arn=regional_arn(ctx, "kms", str(name)))
    elif type_name == "aws_placement_group":
        out.update(id=name, arn=regional_arn(ctx, "ec2", f"placement-group/{name}"))
        out["placement_group_id"] = hex_id("pg", seed)
    elif type_name == "aws_ecr_repository":
        out.update(id=name, arn=regional_arn(ctx, "ecr", f"repository/{name}"))
        out["registry_id"] = ctx.account_id
        out["repository_url"] = f"{ctx.account_id}.dkr.ecr.{ctx.region}.amazonaws.com/{name}"
    elif type_name == "aws_ecr_lifecycle_policy":
        out.update(id=state.get("repository"), registry_id=ctx.account_id)
    elif type_name == "aws_batch_compute_environment":
        out.update(id=name, arn=regional_arn(ctx, "batch", f"compute-environment/{name}"))
        out["ecs_cluster_arn"] = regional_arn(ctx, "ecs", f"cluster/{name}_Batch_{uuid_from(seed)}")
        out.update(status="VALID", status_reason="ComputeEnvironment Healthy")
        out["service_role"] = global_arn(
            ctx, "iam", "role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
        )
    elif type_name == "aws_batch_job_queue":
        arn = regional_arn(ctx, "batch", f"job-queue/{name}")
        out.update(id=arn, arn=arn)
    elif type_name == "aws_batch_scheduling_policy":
        arn = regional_arn(ctx, "batch", f"scheduling-policy/{name}")
        out.update(id=arn, arn=arn)
    elif type_name == "aws_batch_job_definition":
        revision = int(before.get("revision") or 0) + 1
        prefix = regional_arn(ctx, "batch", f"job-definition/{name}")
        out.update(id=f"{prefix}:{revision}", arn=f"{prefix}:{revision}", arn_prefix=prefix)
        out["revision"] = revision
    elif type_name in ("aws_cloudwatch_event_rule",):
        out.update(id=name, arn=regional_arn(ctx, "events", f"rule/{name}"))
    elif type_name == "aws_cloudwatch_event_target":
        out["id"] = f"{state.get('rule')}-{state.get('target_id') or unique_suffix(seed)}"
        out["target_id"] = state.get("target_id") or "terraform-" + unique_suffix(seed)
    return out


def attribute_value(name: str, ctx: ProviderContext, seed: str) -> Any:
    """A plausible value for a computed attribute known by its name alone, else None."""
    if name in ID_ATTRIBUTES:
        prefix = ID_ATTRIBUTES[name]
        if prefix == "AROA":
            return "AROA" + seed[:17].upper()
        return hex_id(prefix, seed) if prefix else uuid_from(seed)
    if name in ("owner_id", "account_id", "registry_id"):
        return ctx.account_id
    if name == "region":
        return ctx.region
    if name in ("availability_zone",):
        return ctx.region + "a"
    if name == "availability_zone_id":
        return "use1-az1"
    if name in ("create_date", "creation_date", "created_at"):
        return CREATED_AT
    if name in ("private_ip",):
        return f"10.0.{int(seed[:2], 16)}.{int(seed[2:4], 16) % 250 + 4}"
    if name in ("public_ip",):
        return f"198.51.100.{int(seed[:2], 16) % 254 + 1}"
    return None
