"""Fargate task sizes: the vCPU and memory pairs a Fargate job may ask for."""

from __future__ import annotations

from collections.abc import Sequence

# vCPU -> the memory sizes in MiB a Fargate job may ask for with it
# (AWS Batch user guide, "Fargate" compute resource requirements).
MEMORY_BY_VCPUS: dict[float, Sequence[int]] = {
    0.25: (512, 1024, 2048),
    0.5: range(1024, 4096 + 1, 1024),
    1: range(2048, 8192 + 1, 1024),
    2: range(4096, 16384 + 1, 1024),
    4: range(8192, 30720 + 1, 1024),
    8: range(16384, 61440 + 1, 4096),
    16: range(32768, 122880 + 1, 8192),
}


def vcpu_choices() -> str:
    """The Fargate vCPU sizes, for messages."""
    return ", ".join(f"{size:g}" for size in MEMORY_BY_VCPUS)


def memory_choices(vcpus: float) -> str:
    """The memory sizes that fit vcpus, for messages."""
    sizes = MEMORY_BY_VCPUS[vcpus]
    if isinstance(sizes, range):
        return f"{sizes.start} to {sizes[-1]} MiB in steps of {sizes.step}"
    return ", ".join(str(size) for size in sizes[:-1]) + f" or {sizes[-1]} MiB"


def fits(vcpus: float, memory: float) -> bool:
    """Whether vcpus and memory form a Fargate task size."""
    sizes = MEMORY_BY_VCPUS.get(vcpus)
    return sizes is not None and memory == int(memory) and int(memory) in sizes
