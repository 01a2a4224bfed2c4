"""The Terraform provider generated stacks use, the versions they accept, and what its major
versions removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Registry address and source of the AWS provider (registry.terraform.io/hashicorp/aws).
SOURCE = "hashicorp/aws"
ADDRESS = f"registry.terraform.io/{SOURCE}"
# Generated stacks need provider v6: it removed the job queue's `compute_environments` argument
# in favour of `compute_environment_order` (terraform-provider-aws, version 6 upgrade guide).
VERSION_CONSTRAINT = "~> 6.0"
# The newest major version: what `terraform init` installs where nothing pins an older one. The
# provider schema snapshot (data/aws_provider_schema.json) is of this major.
CURRENT_MAJOR = 6

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
