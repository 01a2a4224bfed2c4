"""Which major version of the AWS provider a configuration gets, as `terraform init` picks one:
the locked version, else the newest that every version constraint allows."""

from __future__ import annotations

from dataclasses import dataclass

from batchform.lint.model import Configuration


@dataclass(frozen=True)
class Major:
    """The major version a configuration gets, and what decides it, in words."""

    number: int
    because: str


def provider_major(configuration: Configuration, newest_release: int) -> Major | None:
    """The hashicorp/aws major version the configuration gets, given the newest release's;
    None when its constraints cannot be read or allow no release."""
    versions = configuration.aws_provider
    number = versions.selected_major(newest_release)
    return Major(number, versions.selection_reason()) if number is not None else None
