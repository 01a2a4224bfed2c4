"""The EC2 instance-type catalogue shipped as data (vCPUs and memory per type)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class InstanceType:
    """One EC2 instance type's size."""

    name: str
    vcpus: int
    memory_mib: int

    def usable_memory_mib(self) -> int:
        """Memory a job can ask for: the OS and the ECS agent keep some (at least 5%, 128 MiB)."""
        return self.memory_mib - max(self.memory_mib * 5 // 100, 128)


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, InstanceType]:
    """All instance types by name, from batchform/data/instance_types.json."""
    text = resources.files("batchform").joinpath("data/instance_types.json").read_text("utf-8")
    data = json.loads(text)["instance_types"]
    return {
        name: InstanceType(name, entry["vcpus"], entry["memory_mib"])
        for name, entry in data.items()
    }


def expand(names: list[str]) -> list[InstanceType] | None:
    """The types a CE's `instance_type` list allows (families expanded), None if not explicit."""
    types = catalogue()
    found: list[InstanceType] = []
    for name in names:
        if name in types:
            found.append(types[name])
            continue
        family = [entry for key, entry in types.items() if key.split(".")[0] == name]
        if not family:
            # "optimal", "default_x86_64", or a type newer than the catalogue.
            return None
        found.extend(family)
    return found
