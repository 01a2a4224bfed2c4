"""Fargate task sizes."""

from __future__ import annotations

import pytest

from batchform.aws import fargate


@pytest.mark.parametrize(
    ("vcpus", "memory", "fits"),
    [(0.25, 512, True), (0.25, 1536, False), (0.5, 4096, True), (1, 1024, False),
     (4, 30720, True), (4, 31744, False), (8, 20480, True), (8, 18432, False),
     (16, 122880, True), (3, 8192, False), (1, 2048.5, False)],
)
def test_fits(vcpus: float, memory: float, fits: bool) -> None:
    assert fargate.fits(vcpus, memory) is fits


def test_choices_for_messages() -> None:
    assert fargate.vcpu_choices() == "0.25, 0.5, 1, 2, 4, 8, 16"
    assert fargate.memory_choices(0.25) == "512, 1024 or 2048 MiB"
    assert fargate.memory_choices(8) == "16384 to 61440 MiB in steps of 4096"
