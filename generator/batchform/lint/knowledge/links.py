"""How instances point at each other: the instance a value refers to, and who refers to whom."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef, ResourceRef, Unknown


def instance_of(value: Any, resource_type: str) -> ResourceInstance | None:
    """The instance a value points at (`x.arn`, `x.id`, `x` itself) when it is of that type."""
    if isinstance(value, (AttrRef, ResourceRef)) and value.instance.type == resource_type:
        return value.instance
    return None


@dataclass
class Referrers:
    """The instances of one type by the instance one of their arguments points at; `unclear`
    holds those whose argument is unknown (it may point at anything)."""

    by_target: dict[ResourceInstance, list[ResourceInstance]] = field(default_factory=dict)
    unclear: list[ResourceInstance] = field(default_factory=list)

    def of(self, target: ResourceInstance) -> list[ResourceInstance]:
        """The instances whose argument points at `target`."""
        return self.by_target.get(target, [])


def referrers(configuration: Configuration, resource_type: str, argument: str) -> Referrers:
    """Every instance of `resource_type`, by what its `argument` refers to (`x.id`, `x.arn`);
    a known value that is not a reference (a literal id) points at nothing the linter knows."""

    def index() -> Referrers:
        found = Referrers()
        for instance in configuration.instances(resource_type):
            value = instance.get(argument)
            if isinstance(value, AttrRef):
                found.by_target.setdefault(value.instance, []).append(instance)
            elif isinstance(value, Unknown):
                found.unclear.append(instance)
        return found

    return configuration.derived(("referrers", resource_type, argument), index)
