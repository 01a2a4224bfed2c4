"""The major provider version a configuration gets, as terraform init would pick it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import pytest

from batchform.lint import lint_files
from batchform.lint.knowledge.provider_versions import provider_major
from batchform.lint.model.versions import ProviderVersions

T = TypeVar("T")


class _Versions:
    """Just enough of a Configuration: its provider versions."""

    def __init__(self, versions: ProviderVersions) -> None:
        self.versions = versions

    @property
    def aws_provider(self) -> ProviderVersions:
        return self.versions

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        return compute()


def _major(*constraints: str, locked: str | None = None) -> int | None:
    versions = ProviderVersions(
        tuple((text, "versions.tf:5") for text in constraints),
        locked, ".terraform.lock.hcl" if locked else None,
    )
    found = provider_major(_Versions(versions), 6)  # type: ignore[arg-type]
    return None if found is None else found.number


@pytest.mark.parametrize(("constraints", "major"), [
    ((), 6),
    (("~> 4.0",), 4),
    (("~> 4",), 4),
    (("~> 5.31.0",), 5),
    (("4.67.0",), 4),
    (("= 3.76.1",), 3),
    ((">= 3.0",), 6),
    ((">= 3.0, < 5.0",), 4),
    ((">= 3.0, < 5.1",), 5),
    ((">= 4.0", "< 6"), 5),
    ((">= 4.0", "<= 4.99"), 4),
    ((">= 5.0, != 5.1.0",), 6),
    (("> 4.67",), 6),
    ((">= 7.0",), None),
    (("~> 4.0", "~> 5.0"), None),
    (("latest",), None),
])
def test_the_newest_major_every_constraint_allows(
    constraints: tuple[str, ...], major: int | None
) -> None:
    assert _major(*constraints) == major


def test_the_lock_file_decides_over_constraints() -> None:
    assert _major(">= 4.0", locked="4.67.0") == 4
    assert _major(locked="5.100.0") == 5
    assert _major(locked="not a version") is None


def test_the_reason_names_where_the_constraints_are() -> None:
    versions = ProviderVersions((("~> 5.0", "versions.tf:5"),))
    found = provider_major(_Versions(versions), 6)  # type: ignore[arg-type]
    assert found is not None and '"~> 5.0" at versions.tf:5' in found.because


@pytest.mark.parametrize(("versions", "reported"), [
    ('terraform {\n  required_providers {\n    aws = "~> 2.70"\n  }\n}\n', False),
    ('provider "aws" {\n  version = "~> 3.0"\n}\n', False),
    ('terraform {\n  required_providers {\n    aws = { version = "~> 4.0" }\n  }\n}\n', False),
    ('terraform {\n  required_providers {\n    amazon = {\n      source  = "hashicorp/aws"\n'
     '      version = "~> 4.0"\n    }\n  }\n}\n', False),
    ('terraform {\n  required_providers {\n    aws = {\n      source  = "example/aws"\n'
     '      version = "~> 4.0"\n    }\n  }\n}\n', True),
    ('terraform {\n  required_providers {\n    google = { version = "~> 4.0" }\n  }\n}\n', True),
])
def test_constraints_are_read_in_every_form_terraform_takes(
    tmp_path: Path, versions: str, reported: bool
) -> None:
    files = {"versions.tf": versions, "main.tf": 'data "aws_subnet_ids" "x" {\n  vpc_id = "v"\n}\n'}
    result = lint_files(files, "BF036", root=tmp_path)
    assert bool(result.findings) is reported
