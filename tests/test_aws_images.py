"""Batch's ECS image types: the default per instance type, and the ones that cannot serve."""

from __future__ import annotations

import pytest

from batchform.aws import images, instance_types


def types(*names: str) -> list[instance_types.InstanceType]:
    found = instance_types.expand(names)
    assert found is not None
    return found


@pytest.mark.parametrize(("names", "expected"), [
    (("c6i.large", "m6i.large"), images.AL2023),
    (("g5.xlarge",), images.AL2023_NVIDIA),
    (("g6",), images.AL2023_NVIDIA),
    (("c6i.large", "g5.xlarge"), images.AL2023_NVIDIA),
    (("m7g.large",), images.AL2023),
    # AMD GPUs and Graviton's NVIDIA GPUs are not what the NVIDIA image drives.
    (("g4ad.xlarge",), images.AL2023),
    (("g5g.xlarge",), images.AL2023),
])
def test_default_image_type_follows_the_gpus(names: tuple[str, ...], expected: str) -> None:
    assert images.default_image_type(types(*names)) == expected


def test_batch_choices_get_amazon_linux_2023() -> None:
    assert images.default_image_type(None) == images.AL2023


def test_schedulable_gpus_count_nvidia_on_x86_only() -> None:
    assert images.schedulable_gpus(types("g5.12xlarge")[0]) == 4
    assert images.schedulable_gpus(types("g5g.xlarge")[0]) == 0
    assert images.schedulable_gpus(types("c6i.large")[0]) == 0


@pytest.mark.parametrize("image_type", sorted(images.AMAZON_LINUX_2))
def test_amazon_linux_2_is_refused_with_its_date_and_successor(image_type: str) -> None:
    problem = images.image_type_problem(image_type, types("c6i.large"))
    assert problem is not None
    assert "30 June 2026" in problem and "ECS_AL2023" in problem


def test_a1_has_no_amazon_linux_2023() -> None:
    problem = images.image_type_problem(images.AL2023, types("a1.large"))
    assert problem is not None and "A1" in problem


def test_the_nvidia_image_serves_x86_only() -> None:
    assert images.image_type_problem(images.AL2023_NVIDIA, types("g5.xlarge")) is None
    problem = images.image_type_problem(images.AL2023_NVIDIA, types("m7g.large"))
    assert problem is not None and "Graviton" in problem


def test_ami_ids() -> None:
    assert images.AMI_ID.match("ami-0123456789abcdef0")
    assert images.AMI_ID.match("ami-01234567")
    assert not images.AMI_ID.match("ami-0123")
    assert not images.AMI_ID.match("img-01234567")
