"""The rules of `batchform lint`, one module per rule named by its code and subject.

A rule reads the resource model (`batchform.lint.model`) and the AWS knowledge helpers
(`batchform.lint.knowledge`) only, never the engine: the same rules can judge a configuration
read from source, from a plan, or from an account. A new rule is a module here with a `RULE`,
listed in `RULES`, with failing and passing fixtures under `tests/lint/<code>/`.

Rules BF200 and up judge what only a live account shows (an INVALID compute environment, the
jobs in a queue, the instances in an ECS cluster): Terraform source never holds it, so they
stay silent in `batchform lint` and speak in `batchform doctor`; their tests build accounts
instead of fixtures (`tests/test_doctor_rules.py`, `tests/test_doctor.py`).
"""

from __future__ import annotations

from batchform.lint.rules import (
    bf001_ce_replacement,
    bf002_service_role_ordering,
    bf003_container_properties_jsonencode,
    bf004_job_fit,
    bf005_ecs_path,
    bf006_endpoint_dns,
    bf007_compute_egress,
    bf008_fargate_job,
    bf009_fargate_fields,
    bf010_queue_environments,
    bf011_instance_role,
    bf012_desired_vcpus,
    bf013_compute_tags,
    bf014_batch_names,
    bf015_job_reregistration,
    bf016_container_properties_shape,
    bf017_ecr_endpoints,
    bf018_job_platform,
    bf019_public_image,
    bf020_ec2_job_fargate_settings,
    bf021_service_role,
    bf022_custom_ami,
    bf023_support_endpoints,
    bf024_module_cycle,
    bf025_endpoint_private_dns,
    bf026_s3_gateway_routes,
    bf030_spot_fleet_role,
    bf031_spot_fleet_role_arn,
    bf032_scheduling_policy_switch,
    bf033_amazon_linux_2,
    bf034_launch_template_version,
    bf035_efs_nfs_egress,
    bf036_removed_type,
    bf037_undeclared_reference,
    bf100_unknown_argument,
    bf101_missing_argument,
    bf102_repeated_block,
    bf103_computed_attribute,
    bf104_argument_type,
    bf105_invalid_value,
    bf200_compute_environment_invalid,
    bf201_instances_not_joined,
    bf202_queue_blocked,
    bf203_desired_vcpus_zero,
    bf204_queue_disabled,
    bf205_ecr_other_region,
)
from batchform.lint.rules.rule import Hit, Rule, hit

__all__ = ["ACCOUNT_ONLY", "RULES", "Hit", "Rule", "all_rules", "hit"]

RULES: tuple[Rule, ...] = (
    bf001_ce_replacement.RULE,
    bf002_service_role_ordering.RULE,
    bf003_container_properties_jsonencode.RULE,
    bf004_job_fit.RULE,
    bf005_ecs_path.RULE,
    bf006_endpoint_dns.RULE,
    bf007_compute_egress.RULE,
    bf008_fargate_job.RULE,
    bf009_fargate_fields.RULE,
    bf010_queue_environments.RULE,
    bf011_instance_role.RULE,
    bf012_desired_vcpus.RULE,
    bf013_compute_tags.RULE,
    bf014_batch_names.RULE,
    bf015_job_reregistration.RULE,
    bf016_container_properties_shape.RULE,
    bf017_ecr_endpoints.RULE,
    bf018_job_platform.RULE,
    bf019_public_image.RULE,
    bf020_ec2_job_fargate_settings.RULE,
    bf021_service_role.RULE,
    bf022_custom_ami.RULE,
    bf023_support_endpoints.RULE,
    bf024_module_cycle.RULE,
    bf025_endpoint_private_dns.RULE,
    bf026_s3_gateway_routes.RULE,
    bf030_spot_fleet_role.RULE,
    bf031_spot_fleet_role_arn.RULE,
    bf032_scheduling_policy_switch.RULE,
    bf033_amazon_linux_2.RULE,
    bf034_launch_template_version.RULE,
    bf035_efs_nfs_egress.RULE,
    bf036_removed_type.RULE,
    bf037_undeclared_reference.RULE,
    bf100_unknown_argument.RULE,
    bf101_missing_argument.RULE,
    bf102_repeated_block.RULE,
    bf103_computed_attribute.RULE,
    bf104_argument_type.RULE,
    bf105_invalid_value.RULE,
    bf200_compute_environment_invalid.RULE,
    bf201_instances_not_joined.RULE,
    bf202_queue_blocked.RULE,
    bf203_desired_vcpus_zero.RULE,
    bf204_queue_disabled.RULE,
    bf205_ecr_other_region.RULE,
)

# The rules that read only what a live account shows.
ACCOUNT_ONLY = frozenset(rule.code for rule in RULES if rule.code >= "BF200")


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, in code order."""
    return {rule.code: rule for rule in sorted(RULES, key=lambda rule: rule.code)}
