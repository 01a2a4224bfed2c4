"""What the AWS provider removed in a major version: arguments, valid before it and unknown from
it on, and whole resource and data source types.

The provider schema batchform ships is one version (6.66.0); a configuration that pins an
older major may still use what a later major removed. Source: terraform-provider-aws
`website/docs/guides/version-5-upgrade.html.md` and `version-6-upgrade.html.markdown`, the
arguments each guide says to remove or rename (attributes that only changed behaviour are not
here), and the types each guide says were removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

_V5_GUIDE = "terraform-provider-aws version 5 upgrade guide"
_V6_GUIDE = "terraform-provider-aws version 6 upgrade guide"


@dataclass(frozen=True)
class Removal:
    """An argument removed in `major`; `replacement` names what took its place, if anything;
    `type` is its type before (as the schema writes types, e.g. ["list", "string"]) where
    known."""

    major: int
    replacement: str | None
    source: str
    type: Any = None


def _v5(replacement: str | None = None) -> Removal:
    return Removal(5, replacement, _V5_GUIDE)


def _v6(replacement: str | None = None, type: Any = None) -> Removal:
    return Removal(6, replacement, _V6_GUIDE, type)


# The type of the job queue's compute_environments up to provider 5: a list of ARNs
# (terraform-provider-aws internal/service/batch/job_queue.go before v6: TypeList of
# TypeString, Required).
_ARN_LIST = ["list", "string"]


# (mode, type) -> {argument: Removal}; mode is "resource" or "data".
REMOVED: dict[tuple[str, str], dict[str, Removal]] = {
    ("resource", "aws_batch_compute_environment"): {
        "compute_environment_name": _v6("name"),
        "compute_environment_name_prefix": _v6("name_prefix"),
    },
    ("data", "aws_batch_compute_environment"): {"compute_environment_name": _v6("name")},
    ("resource", "aws_batch_job_queue"): {
        "compute_environments": _v6("compute_environment_order", _ARN_LIST),
    },
    ("resource", "aws_eip"): {"vpc": _v6("domain")},
    ("resource", "aws_flow_log"): {"log_group_name": _v6("log_destination")},
    ("resource", "aws_instance"): {
        "cpu_core_count": _v6("cpu_options"),
        "cpu_threads_per_core": _v6("cpu_options"),
    },
    ("resource", "aws_launch_template"): {
        "elastic_gpu_specifications": _v6(),
        "elastic_inference_accelerator": _v6(),
    },
    ("resource", "aws_ecs_task_definition"): {"inference_accelerator": _v6()},
    ("resource", "aws_eks_addon"): {"resolve_conflicts": _v6("resolve_conflicts_on_create")},
    ("resource", "aws_api_gateway_deployment"): {
        "stage_name": _v6(),
        "stage_description": _v6(),
        "canary_settings": _v6(),
    },
    ("resource", "aws_api_gateway_account"): {"reset_on_delete": _v6()},
    ("resource", "aws_dms_endpoint"): {"s3_settings": _v6()},
    ("resource", "aws_dx_gateway_association"): {"vpn_gateway_id": _v6("associated_gateway_id")},
    ("resource", "aws_guardduty_organization_configuration"): {
        "auto_enable": _v6("auto_enable_organization_members"),
    },
    ("resource", "aws_redshift_cluster"): {
        "snapshot_copy": _v6(),
        "logging": _v6(),
        "cluster_security_groups": _v5(),
    },
    ("resource", "aws_sagemaker_notebook_instance"): {"accelerator_types": _v6()},
    ("resource", "aws_spot_instance_request"): {"block_duration_minutes": _v6()},
    ("resource", "aws_ssm_association"): {"instance_id": _v6("targets")},
    ("resource", "aws_vpc"): {
        "enable_classiclink": _v5(),
        "enable_classiclink_dns_support": _v5(),
    },
    ("resource", "aws_default_vpc"): {
        "enable_classiclink": _v5(),
        "enable_classiclink_dns_support": _v5(),
    },
    ("resource", "aws_launch_configuration"): {
        "vpc_classic_link_id": _v5(),
        "vpc_classic_link_security_groups": _v5(),
    },
    ("resource", "aws_autoscaling_group"): {"tags": _v5("tag")},
    ("resource", "aws_autoscaling_attachment"): {
        "alb_target_group_arn": _v5("lb_target_group_arn")
    },
    ("resource", "aws_route"): {"instance_id": _v5("network_interface_id")},
    ("resource", "aws_db_instance"): {
        "name": _v5("db_name"),
        "db_security_groups": _v5(),
        "security_group_names": _v5(),
    },
    ("resource", "aws_elasticache_cluster"): {"security_group_names": _v5()},
    ("resource", "aws_ecs_cluster"): {
        "capacity_providers": _v5(),
        "default_capacity_provider_strategy": _v5(),
    },
    ("resource", "aws_secretsmanager_secret"): {
        "rotation_enabled": _v5(),
        "rotation_lambda_arn": _v5(),
        "rotation_rules": _v5(),
    },
    ("data", "aws_iam_policy_document"): {
        "source_json": _v5("source_policy_documents"),
        "override_json": _v5("override_policy_documents"),
    },
}
# Nested arguments, by the block path they sit in.
REMOVED_NESTED: dict[tuple[str, str, str], dict[str, Removal]] = {
    ("resource", "aws_route_table", "route"): {"instance_id": _v5("network_interface_id")},
}


# Attribute types of resource and data source types the provider removed, for what refers to
# them: data aws_subnet_ids (removed in provider 5; its `ids` a TypeSet of TypeString in
# terraform-provider-aws 4.x internal/service/ec2, DataSourceSubnetIDs).
REMOVED_TYPE_ATTRIBUTES: dict[tuple[str, str], dict[str, Any]] = {
    ("data", "aws_subnet_ids"): {"ids": ["set", "string"]},
}


def removal(mode: str, resource_type: str, argument: str, block: str = "") -> Removal | None:
    """When (and for what) the provider removed an argument; None when it never did."""
    if block:
        return REMOVED_NESTED.get((mode, resource_type, block), {}).get(argument)
    return REMOVED.get((mode, resource_type), {}).get(argument)


# -- whole types ------------------------------------------------------------------------------

_GUIDES = "terraform-provider-aws website/docs/guides"
_V5 = f"{_GUIDES}/version-5-upgrade.html.md"
_V6 = f"{_GUIDES}/version-6-upgrade.html.markdown"


@dataclass(frozen=True)
class RemovedType:
    """A resource or data source type a major version of the provider no longer has."""

    mode: Literal["resource", "data"]
    name: str
    removed_in: int
    instead: str
    source: str

    @property
    def kind(self) -> str:
        """"resource" or "data source", as the upgrade guides say."""
        return "resource" if self.mode == "resource" else "data source"


_OPSWORKS_LAYERS = ("custom", "ecs_cluster", "ganglia", "haproxy", "java_app", "memcached",
                    "mysql", "nodejs_app", "php_app", "rails_app", "static_web")
_OPSWORKS = ("application", "instance", "permission", "rds_db_instance", "stack",
             "user_profile", *(f"{layer}_layer" for layer in _OPSWORKS_LAYERS))

REMOVED_TYPES = (
    RemovedType("data", "aws_subnet_ids", 5, 'data "aws_subnets" (with a vpc-id filter)',
                f"{_V5}, Data Source: aws_subnet_ids"),
    *(
        RemovedType("resource", name, 5, "nothing: EC2-Classic was retired; use VPC security "
                    "groups", f"{_V5}, EC2-Classic Retirement")
        for name in ("aws_db_security_group", "aws_elasticache_security_group",
                     "aws_redshift_security_group")
    ),
    *(
        RemovedType("resource", name, 5, "nothing: Macie Classic was retired; use aws_macie2_*",
                    f"{_V5}, Macie Classic Retirement")
        for name in ("aws_macie_member_account_association", "aws_macie_s3_bucket_association")
    ),
    # The guide files it under "resource/"; the provider only ever had the data source.
    RemovedType("data", "aws_redshift_service_account", 6,
                "a service principal (redshift.amazonaws.com) in the bucket policy",
                f"{_V6}, aws_redshift_service_account"),
    RemovedType("resource", "aws_simpledb_domain", 6, "nothing: SimpleDB is not supported",
                f"{_V6}, SimpleDB Support Removed"),
    *(
        RemovedType("resource", name, 6, "nothing: WorkLink is not supported",
                    f"{_V6}, Worklink Support Removed")
        for name in ("aws_worklink_fleet", "aws_worklink_website_certificate_authority_association")
    ),
    *(
        RemovedType("resource", f"aws_opsworks_{name}", 6,
                    "nothing: OpsWorks Stacks reached its end of life", f"{_V6}, OpsWorks Stacks "
                    "Removal")
        for name in sorted(_OPSWORKS)
    ),
)


def removed_type(mode: str, name: str) -> RemovedType | None:
    """The entry for a type some major version removed, if any."""
    return _REMOVED_BY_NAME.get((mode, name))


_REMOVED_BY_NAME: dict[tuple[str, str], RemovedType] = {
    (entry.mode, entry.name): entry for entry in REMOVED_TYPES
}
