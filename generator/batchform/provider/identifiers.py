"""Made-up but plausible identifiers: deterministic ids, names and ARNs for applied resources."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from batchform.aws import rules

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


_DIRECTIONS = {
    "east": "e",
    "west": "w",
    "north": "n",
    "south": "s",
    "central": "c",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}

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


@dataclass(frozen=True)
class Applied:
    """What the identity rules of one type see: the applied object and where it lives."""

    state: Mapping[str, Any]
    prior: Mapping[str, Any]
    ctx: ProviderContext
    seed: str

    @property
    def name(self) -> str | None:
        """The object's name, when it has one."""
        value = self.state.get("name")
        return value if isinstance(value, str) else None

    @property
    def path(self) -> str:
        """The IAM path (``/`` unless configured)."""
        value = self.state.get("path")
        return value if isinstance(value, str) else "/"

    def regional(self, service: str, resource: str) -> str:
        """A regional ARN in this account."""
        return regional_arn(self.ctx, service, resource)

    def unique(self, prefix: str) -> str:
        """An IAM-style unique id (``AROA...``)."""
        return prefix + self.seed[:17].upper()


def _ec2(a: Applied, type_name: str) -> dict[str, Any]:
    prefix, arn_kind = EC2_IDS[type_name]
    ident = hex_id(prefix, a.seed)
    out: dict[str, Any] = {"id": ident}
    if arn_kind:
        out["arn"] = a.regional("ec2", f"{arn_kind}/{ident}")
    return out


def _eip(a: Applied) -> dict[str, Any]:
    host = int(a.seed[:2], 16) % 254 + 1
    out = _ec2(a, "aws_eip")
    out.update(allocation_id=out["id"], public_ip=f"198.51.100.{host}")
    out["public_dns"] = f"ec2-198-51-100-{host}.compute-1.amazonaws.com"
    return out


def _security_group_rule(a: Applied) -> dict[str, Any]:
    out = _ec2(a, "aws_vpc_security_group_egress_rule")
    out["security_group_rule_id"] = out["id"]
    return out


def _launch_template(a: Applied) -> dict[str, Any]:
    out = _ec2(a, "aws_launch_template")
    out.update(latest_version=int(a.prior.get("latest_version") or 0) + 1, default_version=1)
    return out


def _service_linked_role(a: Applied) -> dict[str, Any]:
    service = str(a.state.get("aws_service_name"))
    role = "AWSServiceRoleFor" + service.split(".")[0].capitalize()
    suffix = a.state.get("custom_suffix")
    if isinstance(suffix, str):
        role += "_" + suffix
    arn = global_arn(a.ctx, "iam", f"role/aws-service-role/{service}/{role}")
    return {
        "id": arn,
        "arn": arn,
        "name": role,
        "path": f"/aws-service-role/{service}/",
        "create_date": CREATED_AT,
        "unique_id": a.unique("AROA"),
    }


def _compute_environment(a: Applied) -> dict[str, Any]:
    linked = f"role{rules.SERVICE_LINKED_ROLE_PATH}{rules.SERVICE_LINKED_ROLE_NAME}"
    return {
        "id": a.name,
        "arn": a.regional("batch", f"compute-environment/{a.name}"),
        "ecs_cluster_arn": a.regional("ecs", f"cluster/{a.name}_Batch_{uuid_from(a.seed)}"),
        "status": "VALID",
        "status_reason": "ComputeEnvironment Healthy",
        # With no service role configured, Batch uses its service-linked role.
        "service_role": global_arn(a.ctx, "iam", linked),
    }


def _job_definition(a: Applied) -> dict[str, Any]:
    revision = int(a.prior.get("revision") or 0) + 1
    prefix = a.regional("batch", f"job-definition/{a.name}")
    arn = f"{prefix}:{revision}"
    return {"id": arn, "arn": arn, "arn_prefix": prefix, "revision": revision}


def _arn_is_id(service: str, kind: str) -> Callable[[Applied], dict[str, Any]]:
    def identity(a: Applied) -> dict[str, Any]:
        arn = a.regional(service, f"{kind}/{a.name}")
        return {"id": arn, "arn": arn}

    return identity


def _kms_key(a: Applied) -> dict[str, Any]:
    key = uuid_from(a.seed)
    return {"id": key, "key_id": key, "arn": a.regional("kms", f"key/{key}")}


def _ecr_repository(a: Applied) -> dict[str, Any]:
    return {
        "id": a.name,
        "arn": a.regional("ecr", f"repository/{a.name}"),
        "registry_id": a.ctx.account_id,
        "repository_url": f"{a.ctx.account_id}.dkr.ecr.{a.ctx.region}.amazonaws.com/{a.name}",
    }


def _event_target(a: Applied) -> dict[str, Any]:
    configured = a.state.get("target_id")
    target = configured if isinstance(configured, str) else "terraform-" + unique_suffix(a.seed)
    return {"id": f"{a.state.get('rule')}-{target}", "target_id": target}


def _s3_bucket(a: Applied) -> dict[str, Any]:
    configured = a.state.get("bucket")
    prefix = a.state.get("bucket_prefix")
    bucket = configured if isinstance(configured, str) else generated_name(None, prefix, a.seed)
    return {
        "id": bucket,
        "bucket": bucket,
        "bucket_prefix": prefix if isinstance(prefix, str) else None,
        "arn": f"arn:{a.ctx.partition}:s3:::{bucket}",
        "bucket_domain_name": f"{bucket}.s3.amazonaws.com",
        "bucket_regional_domain_name": f"{bucket}.s3.{a.ctx.region}.amazonaws.com",
        "bucket_region": a.ctx.region,
    }


def _secret(a: Applied) -> dict[str, Any]:
    # Secrets Manager appends six random characters to the secret's name in its ARN.
    arn = a.regional("secretsmanager", f"secret:{a.name}-{a.seed[:6]}")
    return {"id": arn, "arn": arn}


def _secret_version(a: Applied) -> dict[str, Any]:
    version = uuid_from(a.seed)
    secret = str(a.state.get("secret_id"))
    return {
        "id": f"{secret}|{version}",
        "arn": secret,
        "version_id": version,
        "version_stages": ["AWSCURRENT"],
    }


def _ssm_parameter(a: Applied) -> dict[str, Any]:
    return {
        "id": a.name,
        "arn": a.regional("ssm", "parameter/" + str(a.name).lstrip("/")),
        "version": int(a.prior.get("version") or 0) + 1,
        "tier": "Standard",
        "data_type": "text",
    }


def _efs(kind: str, prefix: str) -> Callable[[Applied], dict[str, Any]]:
    def identity(a: Applied) -> dict[str, Any]:
        ident = hex_id(prefix, a.seed)
        out: dict[str, Any] = {"id": ident}
        if kind:
            out["arn"] = a.regional("elasticfilesystem", f"{kind}/{ident}")
        file_system = a.state.get("file_system_id")
        if isinstance(file_system, str):
            out["file_system_arn"] = a.regional("elasticfilesystem", f"file-system/{file_system}")
        out["dns_name"] = f"{file_system or ident}.efs.{a.ctx.region}.amazonaws.com"
        return out

    return identity


def _schedule(a: Applied) -> dict[str, Any]:
    group = a.state.get("group_name")
    group = group if isinstance(group, str) else "default"
    return {
        "id": f"{group}/{a.name}",
        "group_name": group,
        "arn": a.regional("scheduler", f"schedule/{group}/{a.name}"),
    }


IDENTITIES: dict[str, Callable[[Applied], dict[str, Any]]] = {
    **{t: functools.partial(_ec2, type_name=t) for t in EC2_IDS},
    "aws_eip": _eip,
    "aws_vpc_security_group_egress_rule": _security_group_rule,
    "aws_vpc_security_group_ingress_rule": _security_group_rule,
    "aws_launch_template": _launch_template,
    "aws_route": lambda a: {
        "id": f"r-{a.state.get('route_table_id')}{int(a.seed[:8], 16) % 10**10}"
    },
    "aws_iam_role": lambda a: {
        "id": a.name,
        "arn": global_arn(a.ctx, "iam", f"role{a.path}{a.name}"),
        "create_date": CREATED_AT,
        "unique_id": a.unique("AROA"),
    },
    "aws_iam_instance_profile": lambda a: {
        "id": a.name,
        "arn": global_arn(a.ctx, "iam", f"instance-profile{a.path}{a.name}"),
        "create_date": CREATED_AT,
        "unique_id": a.unique("AIPA"),
    },
    "aws_iam_policy": lambda a: {
        "id": global_arn(a.ctx, "iam", f"policy{a.path}{a.name}"),
        "arn": global_arn(a.ctx, "iam", f"policy{a.path}{a.name}"),
        "policy_id": a.unique("ANPA"),
        "attachment_count": 0,
    },
    "aws_iam_role_policy": lambda a: {"id": f"{a.state.get('role')}:{a.name}"},
    "aws_iam_role_policy_attachment": lambda a: {
        "id": f"{a.state.get('role')}-{unique_suffix(a.seed)}"
    },
    "aws_iam_service_linked_role": _service_linked_role,
    "aws_cloudwatch_log_group": lambda a: {
        "id": a.name,
        "arn": a.regional("logs", f"log-group:{a.name}"),
    },
    "aws_kms_key": _kms_key,
    "aws_kms_alias": lambda a: {"id": a.name, "arn": a.regional("kms", str(a.name))},
    "aws_placement_group": lambda a: {
        "id": a.name,
        "arn": a.regional("ec2", f"placement-group/{a.name}"),
        "placement_group_id": hex_id("pg", a.seed),
    },
    "aws_ecr_repository": _ecr_repository,
    "aws_ecr_lifecycle_policy": lambda a: {
        "id": a.state.get("repository"),
        "registry_id": a.ctx.account_id,
    },
    "aws_batch_compute_environment": _compute_environment,
    "aws_batch_job_queue": _arn_is_id("batch", "job-queue"),
    "aws_batch_scheduling_policy": _arn_is_id("batch", "scheduling-policy"),
    "aws_batch_job_definition": _job_definition,
    "aws_cloudwatch_event_rule": lambda a: {
        "id": a.name,
        "arn": a.regional("events", f"rule/{a.name}"),
    },
    "aws_cloudwatch_event_target": _event_target,
    "aws_s3_bucket": _s3_bucket,
    "aws_secretsmanager_secret": _secret,
    "aws_secretsmanager_secret_version": _secret_version,
    "aws_ssm_parameter": _ssm_parameter,
    "aws_efs_file_system": _efs("file-system", "fs"),
    "aws_efs_mount_target": _efs("", "fsmt"),
    "aws_efs_access_point": _efs("access-point", "fsap"),
    "aws_scheduler_schedule": _schedule,
}


def resource_identity(
    type_name: str,
    state: Mapping[str, Any],
    prior: Mapping[str, Any] | None,
    ctx: ProviderContext,
    seed: str,
) -> dict[str, Any]:
    """Type-specific computed values (id, arn and friends) for an applied resource."""
    identity = IDENTITIES.get(type_name)
    return identity(Applied(state, prior or {}, ctx, seed)) if identity else {}


def zone_id_prefix(region: str) -> str:
    """``us-east-1`` -> ``use1``, the prefix AWS uses for availability zone ids."""
    parts = region.split("-")
    if len(parts) < 3:
        return region.replace("-", "")
    return parts[0] + _DIRECTIONS.get(parts[1], parts[1][:1]) + parts[-1]


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
        return zone_id_prefix(ctx.region) + "-az1"
    if name in ("create_date", "creation_date", "created_at"):
        return CREATED_AT
    if name in ("private_ip",):
        return f"10.0.{int(seed[:2], 16)}.{int(seed[2:4], 16) % 250 + 4}"
    if name in ("public_ip",):
        return f"198.51.100.{int(seed[:2], 16) % 254 + 1}"
    return None
