"""The Terraform provider generated stacks use, and the versions they accept."""

from __future__ import annotations

# Registry address and source of the AWS provider (registry.terraform.io/hashicorp/aws).
SOURCE = "hashicorp/aws"
ADDRESS = f"registry.terraform.io/{SOURCE}"
# Generated stacks need provider v6: it removed the job queue's `compute_environments` argument
# in favour of `compute_environment_order` (terraform-provider-aws, version 6 upgrade guide).
VERSION_CONSTRAINT = "~> 6.0"
