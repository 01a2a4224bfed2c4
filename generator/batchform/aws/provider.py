"""The Terraform provider generated stacks use, and the versions they accept."""

from __future__ import annotations

# Registry address and source of the AWS provider (registry.terraform.io/hashicorp/aws).
SOURCE = "hashicorp/aws"
ADDRESS = f"registry.terraform.io/{SOURCE}"
# Generated stacks need provider v6: it removed the job queue's `compute_environments` argument
# in favour of `compute_environment_order` (terraform-provider-aws, version 6 upgrade guide).
VERSION_CONSTRAINT = "~> 6.0"
# The newest major version: what `terraform init` installs where nothing pins an older one. The
# provider schema snapshot (data/aws_provider_schema.json) is of this major.
CURRENT_MAJOR = 6


# Names the provider generates when they are empty: create.Name returns the name if non-empty,
# else a unique name from the prefix if that is non-empty, else `terraform-<unique id>`
# (terraform-provider-aws internal/create/naming.go, Name; compute_environment.go calls it with
# name and name_prefix). An empty string there is the same as leaving the argument out.
NAME_GENERATED_WHEN_EMPTY = frozenset(
    {
        ("aws_batch_compute_environment", "name"),
        ("aws_batch_compute_environment", "name_prefix"),
        ("aws_batch_compute_environment", "compute_environment_name"),
        ("aws_batch_compute_environment", "compute_environment_name_prefix"),
    }
)

# The provider decodes container_properties into the SDK's ContainerProperties struct with Go's
# encoding/json, which matches object keys to struct fields case-insensitively: `sizeInGib`
# sets SizeInGiB (terraform-provider-aws internal/service/batch/container_properties.go,
# expandContainerProperties through internal/json DecodeFromString).
CONTAINER_PROPERTIES_KEYS_IGNORE_CASE = True

# compute_resources arguments (and ec2_configuration's) the provider leaves out of the
# CreateComputeEnvironment request when they are zero or empty: AWS never sees them
# (terraform-provider-aws internal/service/batch/compute_environment.go, expandComputeResource
# and expandEC2Configuration: each is copied only when `v != ""`, `v != 0` or non-empty).
# min_vcpus 0 is the exception on EC2 and SPOT, where it is sent as 0.
_UNSENT_WHEN_EMPTY = frozenset(
    {
        "allocation_strategy",
        "bid_percentage",
        "desired_vcpus",
        "ec2_key_pair",
        "image_id",
        "image_id_override",
        "image_type",
        "instance_role",
        "instance_type",
        "max_vcpus",
        "min_vcpus",
        "placement_group",
        "security_group_ids",
        "spot_iam_fleet_role",
        "subnets",
        "tags",
    }
)
_MIN_VCPUS_ALWAYS_SENT = frozenset({"EC2", "SPOT"})


def compute_resource_sent(argument: str, value: object, compute_type: str | None) -> bool:
    """Whether the provider sends a compute_resources argument with this (known) value to AWS;
    False for the zero and empty values it leaves out."""
    if value is None:
        return False
    if argument not in _UNSENT_WHEN_EMPTY or value not in ("", 0, [], {}) or value is False:
        return True
    return argument == "min_vcpus" and (compute_type or "").upper() in _MIN_VCPUS_ALWAYS_SENT
