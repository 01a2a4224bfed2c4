"""BF036: resource and data source types the configuration's provider version no longer has."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import provider, upgrades
from batchform.lint.knowledge.provider_versions import provider_major
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Blocks of a type the AWS provider removed in the major version the configuration gets."""
    major = None
    for removed in upgrades.REMOVED_TYPES:
        for instance in configuration.declared(removed.name, removed.mode):
            major = major or provider_major(configuration, provider.CURRENT_MAJOR)
            if major is None or major.number < removed.removed_in:
                continue
            yield hit(
                instance,
                f"{removed.kind} {removed.name} was removed in AWS provider "
                f"{removed.removed_in}.0 (its upgrade guide); use {removed.instead}. This "
                f"configuration gets provider {major.number}: {major.because}",
            )


RULE = Rule(
    code="BF036",
    severity="error",
    title="resource or data source type its AWS provider version removed",
    explanation="""
A major version of the AWS provider removes resource and data source types (data
"aws_subnet_ids" in 5.0, the OpsWorks resources in 6.0, ...; batchform.aws.provider lists them
with the upgrade guide that says so). The major version is the one terraform init picks: the
lock file's, else the newest that every required_providers constraint (and legacy provider
version) allows, else the newest. terraform validate then fails: the provider does not
support the type.
""",
    fix="use the replacement the message names, or pin the provider to a major version that "
    "still has the type (required_providers version) until the code is migrated",
    check=check,
)
