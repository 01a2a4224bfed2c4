"""The provider address and constraint, the stack that pins them, and what it sends AWS."""

from __future__ import annotations

import pytest

from batchform.aws import provider
from batchform.aws.provider import compute_resource_sent
from batchform.generate import render_stack
from batchform.specfile import load_spec


def test_generated_stacks_pin_the_provider_from_the_facts_package() -> None:
    files = render_stack(load_spec(None))
    assert f'source  = "{provider.SOURCE}"' in files["versions.tf"]
    assert f'version = "{provider.VERSION_CONSTRAINT}"' in files["versions.tf"]
    assert provider.ADDRESS == f"registry.terraform.io/{provider.SOURCE}"


def test_the_current_major_is_the_schema_snapshots() -> None:
    from batchform.schema import load_provider_schema

    assert load_provider_schema().version.split(".")[0] == str(provider.CURRENT_MAJOR)
    assert provider.VERSION_CONSTRAINT == f"~> {provider.CURRENT_MAJOR}.0"


@pytest.mark.parametrize(
    ("argument", "value", "compute_type", "sent"),
    [
        ("image_id", "", "EC2", False),
        ("image_id", "ami-0abc1234", "EC2", True),
        ("min_vcpus", 0, "FARGATE", False),
        ("min_vcpus", 0, "EC2", True),
        ("min_vcpus", 0, "spot", True),
        ("min_vcpus", 2, "FARGATE", True),
        ("instance_role", "", "FARGATE", False),
        ("instance_type", [], "EC2", False),
        ("desired_vcpus", 0, "EC2", False),
        ("type", "", "EC2", True),  # not one the provider leaves out
        ("image_id", None, "EC2", False),
    ],
)
def test_compute_resource_sent(argument: str, value: object, compute_type: str, sent: bool) -> None:
    assert compute_resource_sent(argument, value, compute_type) is sent
