"""The EC2 instance-type catalogue: vCPUs, memory, architecture and GPUs of every type.

Data: ``batchform/data/instance_types.json``, generated from moto's dump of EC2
DescribeInstanceTypes by ``scripts/update_instance_types.py`` (the file names its source).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

# Names a compute environment may give instead of types or families, and the architecture each
# launches (AWS Batch API reference, ComputeResource.instanceTypes: "optimal" is the same as
# "default_x86_64").
BATCH_CHOICES = {"optimal": "x86_64", "default_x86_64": "x86_64", "default_arm64": "arm64"}
# A job definition's runtimePlatform.cpuArchitecture ("Valid values are X86_64 and ARM64",
# AWS Batch API reference, RuntimePlatform.cpuArchitecture) as the architecture EC2 names
# (EC2 API reference, ArchitectureType).
RUNTIME_PLATFORM_ARCHITECTURES = {"X86_64": "x86_64", "ARM64": "arm64"}


@dataclass(frozen=True)
class InstanceType:
    """One EC2 instance type."""

    name: str
    vcpus: int
    memory_mib: int
    architectures: tuple[str, ...] = ("x86_64",)
    gpus: int = 0
    gpu_vendor: str | None = None
    gpu_memory_mib: int = 0
    current_generation: bool = True

    @property
    def family(self) -> str:
        """The family part of the name: "c6i" of "c6i.large"."""
        return self.name.split(".")[0]

    @property
    def architecture(self) -> str:
        """The architecture Batch launches it with: x86_64 where a type supports i386 too."""
        return "x86_64" if "x86_64" in self.architectures else self.architectures[0]

    def usable_memory_mib(self) -> int:
        """Memory a job can ask for: the OS and the ECS agent keep some.

        batchform's estimate (5% with at least 128 MiB), not an AWS figure: the ECS agent
        registers less memory than the type has, and a job asking for all of it never starts.
        """
        return self.memory_mib - max(self.memory_mib * 5 // 100, 128)

    def fits(self, vcpus: float | None, memory_mib: float | None, gpus: int = 0) -> bool:
        """Whether a job asking vcpus, memory_mib (and gpus) can run on one instance."""
        return (
            (vcpus is None or self.vcpus >= vcpus)
            and (memory_mib is None or self.usable_memory_mib() >= memory_mib)
            and self.gpus >= gpus
        )

    def describe(self) -> str:
        """Its size for messages: "4 vCPU / about 7.6 GiB"."""
        return f"{self.vcpus} vCPU / about {self.usable_memory_mib() / 1024:.1f} GiB"


@functools.cache
def catalogue() -> dict[str, InstanceType]:
    """All instance types by name."""
    text = resources.files("batchform").joinpath("data/instance_types.json").read_text("utf-8")
    data = json.loads(text)["instance_types"]
    return {
        name: InstanceType(
            name,
            entry["vcpus"],
            entry["memory_mib"],
            tuple(entry["architectures"]),
            entry.get("gpus", 0),
            entry.get("gpu_vendor"),
            entry.get("gpu_memory_mib", 0),
            entry["current_generation"],
        )
        for name, entry in data.items()
    }


@functools.cache
def families() -> dict[str, tuple[InstanceType, ...]]:
    """Every family with its types, smallest first."""
    grouped: dict[str, list[InstanceType]] = {}
    for entry in catalogue().values():
        grouped.setdefault(entry.family, []).append(entry)
    return {
        family: tuple(sorted(members, key=lambda t: (t.vcpus, t.memory_mib, t.name)))
        for family, members in sorted(grouped.items())
    }


def resolve(name: str) -> tuple[InstanceType, ...] | None:
    """The types a name stands for (one type, or a whole family); None when it names neither."""
    found = catalogue().get(name)
    if found is not None:
        return (found,)
    return families().get(name)


def is_known(name: str) -> bool:
    """Whether a compute environment may list name: a type, a family or one of Batch's choices."""
    return name in BATCH_CHOICES or resolve(name) is not None


def suggest(name: str) -> str | None:
    """The known type, family or choice most like name, for a did-you-mean."""
    known = [*catalogue(), *families(), *BATCH_CHOICES]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def architectures(name: str) -> frozenset[str]:
    """The architectures a type, family or choice launches; empty when the name is unknown."""
    if name in BATCH_CHOICES:
        return frozenset({BATCH_CHOICES[name]})
    return frozenset(entry.architecture for entry in resolve(name) or ())


def expand(names: Iterable[str]) -> list[InstanceType] | None:
    """The types a compute environment's list allows (families expanded); None when that is not
    known from the catalogue alone ("optimal", Batch's default choices, a type newer than it)."""
    found: list[InstanceType] = []
    for name in names:
        types = resolve(name)
        if types is None:
            return None
        found.extend(types)
    return found


def largest(types: Iterable[InstanceType]) -> InstanceType:
    """The type with the most vCPUs, then memory."""
    return max(types, key=lambda entry: (entry.vcpus, entry.memory_mib))


def smallest_fit(
    candidates: Iterable[InstanceType], vcpus: float | None, memory_mib: float | None, gpus: int = 0
) -> InstanceType | None:
    """The smallest candidate a job fits on (fewest vCPUs, then least memory), if any."""
    fitting = [entry for entry in candidates if entry.fits(vcpus, memory_mib, gpus)]
    return min(fitting, key=lambda t: (t.vcpus, t.memory_mib, t.name)) if fitting else None
