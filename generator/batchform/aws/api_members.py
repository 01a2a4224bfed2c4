"""Which AWS API member each Terraform argument is sent as: the key to botocore's constraints.

botocore's service models carry the API's enums, ranges, lengths and patterns per member;
``scripts/update_aws_constraints.py`` follows this table into them and writes
``data/aws_api_constraints.json``. ``validated_by`` names the provider file that checks the
argument at plan time with the SDK's own enum (the SDK enums are generated from the same
models); without it, only the API refuses a bad value, when the change is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApiMember:
    """One Terraform argument and the API input member it becomes."""

    resource: str
    path: str
    service: str
    shape: str
    member: str
    validated_by: str | None = None
    ignore_case: bool = False


_CE = "internal/service/batch/compute_environment.go"
_QUEUE = "internal/service/batch/job_queue.go"
_JOB = "internal/service/batch/job_definition.go"
_LOG_GROUP = "internal/service/logs/group.go"

MEMBERS = (
    # AWS Batch (botocore batch 2016-08-10).
    ApiMember("aws_batch_compute_environment", "type", "batch",
              "CreateComputeEnvironmentRequest", "type", _CE, ignore_case=True),
    ApiMember("aws_batch_compute_environment", "state", "batch",
              "CreateComputeEnvironmentRequest", "state", _CE, ignore_case=True),
    ApiMember("aws_batch_compute_environment", "compute_resources.type", "batch",
              "ComputeResource", "type", _CE, ignore_case=True),
    ApiMember("aws_batch_compute_environment", "compute_resources.allocation_strategy", "batch",
              "ComputeResource", "allocationStrategy", _CE, ignore_case=True),
    ApiMember("aws_batch_compute_environment", "compute_resources.ec2_configuration.image_type",
              "batch", "Ec2Configuration", "imageType", _CE),
    ApiMember("aws_batch_compute_environment",
              "compute_resources.ec2_configuration.image_id_override", "batch",
              "Ec2Configuration", "imageIdOverride", _CE),
    ApiMember("aws_batch_compute_environment", "update_policy.job_execution_timeout_minutes",
              "batch", "UpdatePolicy", "jobExecutionTimeoutMinutes"),
    ApiMember("aws_batch_job_queue", "state", "batch", "CreateJobQueueRequest", "state",
              _QUEUE, ignore_case=True),
    ApiMember("aws_batch_job_queue", "job_state_time_limit_action.action", "batch",
              "JobStateTimeLimitAction", "action", _QUEUE),
    ApiMember("aws_batch_job_queue", "job_state_time_limit_action.state", "batch",
              "JobStateTimeLimitAction", "state", _QUEUE),
    ApiMember("aws_batch_job_definition", "type", "batch", "RegisterJobDefinitionRequest",
              "type", _JOB, ignore_case=True),
    ApiMember("aws_batch_job_definition", "platform_capabilities", "batch",
              "RegisterJobDefinitionRequest", "platformCapabilities", _JOB),
    ApiMember("aws_batch_job_definition", "retry_strategy.evaluate_on_exit.action", "batch",
              "EvaluateOnExit", "action", _JOB, ignore_case=True),
    # CloudWatch Logs (botocore logs 2014-03-28).
    ApiMember("aws_cloudwatch_log_group", "name", "logs", "CreateLogGroupRequest",
              "logGroupName"),
    ApiMember("aws_cloudwatch_log_group", "log_group_class", "logs", "CreateLogGroupRequest",
              "logGroupClass", _LOG_GROUP),
    ApiMember("aws_cloudwatch_log_group", "kms_key_id", "logs", "CreateLogGroupRequest",
              "kmsKeyId"),
    # IAM (botocore iam 2010-05-08).
    ApiMember("aws_iam_role", "name", "iam", "CreateRoleRequest", "RoleName"),
    ApiMember("aws_iam_role", "path", "iam", "CreateRoleRequest", "Path"),
    ApiMember("aws_iam_role", "description", "iam", "CreateRoleRequest", "Description"),
    ApiMember("aws_iam_role", "max_session_duration", "iam", "CreateRoleRequest",
              "MaxSessionDuration"),
    ApiMember("aws_iam_role", "permissions_boundary", "iam", "CreateRoleRequest",
              "PermissionsBoundary"),
    ApiMember("aws_iam_instance_profile", "name", "iam", "CreateInstanceProfileRequest",
              "InstanceProfileName"),
    ApiMember("aws_iam_instance_profile", "path", "iam", "CreateInstanceProfileRequest", "Path"),
    ApiMember("aws_iam_role_policy", "name", "iam", "PutRolePolicyRequest", "PolicyName"),
    ApiMember("aws_iam_policy", "name", "iam", "CreatePolicyRequest", "PolicyName"),
    ApiMember("aws_iam_policy", "path", "iam", "CreatePolicyRequest", "Path"),
    ApiMember("aws_iam_policy", "description", "iam", "CreatePolicyRequest", "Description"),
    ApiMember("aws_iam_role_policy_attachment", "policy_arn", "iam", "AttachRolePolicyRequest",
              "PolicyArn"),
    # Amazon EC2 (botocore ec2 2016-11-15).
    ApiMember("aws_vpc", "instance_tenancy", "ec2", "CreateVpcRequest", "InstanceTenancy"),
    ApiMember("aws_vpc_endpoint", "vpc_endpoint_type", "ec2", "CreateVpcEndpointRequest",
              "VpcEndpointType"),
    ApiMember("aws_flow_log", "traffic_type", "ec2", "CreateFlowLogsRequest", "TrafficType"),
    ApiMember("aws_flow_log", "log_destination_type", "ec2", "CreateFlowLogsRequest",
              "LogDestinationType"),
    ApiMember("aws_nat_gateway", "connectivity_type", "ec2", "CreateNatGatewayRequest",
              "ConnectivityType"),
    ApiMember("aws_eip", "domain", "ec2", "AllocateAddressRequest", "Domain"),
    ApiMember("aws_placement_group", "strategy", "ec2", "CreatePlacementGroupRequest",
              "Strategy"),
    ApiMember("aws_launch_template", "metadata_options.http_tokens", "ec2",
              "LaunchTemplateInstanceMetadataOptionsRequest", "HttpTokens"),
    ApiMember("aws_launch_template", "metadata_options.http_endpoint", "ec2",
              "LaunchTemplateInstanceMetadataOptionsRequest", "HttpEndpoint"),
    ApiMember("aws_launch_template", "block_device_mappings.ebs.volume_type", "ec2",
              "LaunchTemplateEbsBlockDeviceRequest", "VolumeType"),
    # Systems Manager Parameter Store (botocore ssm 2014-11-06).
    ApiMember("aws_ssm_parameter", "name", "ssm", "PutParameterRequest", "Name"),
    ApiMember("aws_ssm_parameter", "type", "ssm", "PutParameterRequest", "Type"),
    ApiMember("aws_ssm_parameter", "tier", "ssm", "PutParameterRequest", "Tier"),
    ApiMember("aws_ssm_parameter", "data_type", "ssm", "PutParameterRequest", "DataType"),
    ApiMember("aws_ssm_parameter", "description", "ssm", "PutParameterRequest", "Description"),
    # Secrets Manager (botocore secretsmanager 2017-10-17).
    ApiMember("aws_secretsmanager_secret", "name", "secretsmanager", "CreateSecretRequest",
              "Name"),
    ApiMember("aws_secretsmanager_secret", "description", "secretsmanager",
              "CreateSecretRequest", "Description"),
    ApiMember("aws_secretsmanager_secret", "kms_key_id", "secretsmanager",
              "CreateSecretRequest", "KmsKeyId"),
)


def constraints_from_models() -> list[dict[str, object]]:
    """The constraints botocore's installed service models give the members above, as the
    records of ``data/aws_api_constraints.json``."""
    from botocore.loaders import create_loader  # type: ignore[import-untyped]

    loader = create_loader()
    models: dict[str, dict[str, object]] = {}
    records: list[dict[str, object]] = []
    for row in MEMBERS:
        if row.service not in models:
            models[row.service] = loader.load_service_model(row.service, "service-2")
        records.extend(_records(row, models[row.service]))
    return records


def _records(row: ApiMember, model: dict[str, object]) -> list[dict[str, object]]:
    shapes: dict[str, dict[str, object]] = model["shapes"]  # type: ignore[assignment]
    metadata: dict[str, str] = model["metadata"]  # type: ignore[assignment]
    members: dict[str, dict[str, str]] = shapes[row.shape]["members"]  # type: ignore[assignment]
    target_name = members[row.member]["shape"]
    target = shapes[target_name]
    base: dict[str, object] = {
        "resource": row.resource,
        "path": row.path,
        "member": row.member,
        "source": (
            f"botocore {row.service} {metadata['apiVersion']} {row.shape}.{row.member} "
            f"({target_name})"
        ),
        "enforced_by": "provider" if row.validated_by else "aws",
    }
    if row.validated_by:
        base["source"] = f"{base['source']}, checked by terraform-provider-aws {row.validated_by}"
    records: list[dict[str, object]] = []
    if target["type"] == "list":
        records.extend(_bounds(base, target, "items"))
        item: dict[str, str] = target["member"]  # type: ignore[assignment]
        target = shapes[item["shape"]]
    if "enum" in target:
        records.append({**base, "kind": "enum", "values": target["enum"],
                        "ignore_case": row.ignore_case})
    kind = "length" if target["type"] == "string" else "range"
    records.extend(_bounds(base, target, kind))
    if "pattern" in target:
        records.append({**base, "kind": "pattern", "pattern": target["pattern"]})
    return records


def _bounds(base: dict[str, object], shape: dict[str, Any], kind: str) -> list[dict[str, object]]:
    low, high = shape.get("min"), shape.get("max")
    # A lower bound of one item or character and no upper bound is no constraint at all.
    if (low is None and high is None) or (kind != "range" and high is None and (low or 0) <= 1):
        return []
    return [{**base, "kind": kind, "minimum": low, "maximum": high}]
