"""A saved plan as the `Configuration` the rules judge."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from batchform.lint.model import ModuleCycle, UndeclaredReference
from batchform.lint.model.versions import ProviderVersions
from batchform.lint.plan.document import PlanDocument, PlanModule, PlanResource, load
from batchform.lint.plan.references import (
    References,
    Target,
    argument,
    block_expressions,
    expression_references,
    variable_reads,
)
from batchform.lint.plan.values import Linker
from batchform.lint.plan.views import PlanBody, PlanInstance

T = TypeVar("T")


def read_plan(path: Path, display: str | None = None) -> PlanConfiguration:
    """The configuration of a `terraform show -json PLANFILE` file (PlanFileError if it is not
    one)."""
    return PlanConfiguration(load(path, display or str(path)))


class PlanConfiguration:
    """Every planned instance of a plan, by type, with the plan's module tree for references."""

    opaque = False

    def __init__(self, document: PlanDocument) -> None:
        self.document = document
        self.refs = References()
        self.modules = document.root.walk()
        self._instances: dict[PlanResource, list[PlanInstance]] = {}
        self._by_type: dict[tuple[str, str | None], list[PlanInstance]] = {}
        for module in self.modules:
            for resource in module.resources.values():
                made = [PlanInstance(self, resource, item) for item in resource.instances]
                self._instances[resource] = made
                self._by_type.setdefault((resource.mode, resource.type), []).extend(made)
                self._by_type.setdefault((resource.mode, None), []).extend(made)
        self._derived: dict[Hashable, Any] = {}
        self._reads: dict[int, Counter[str]] = {}
        self._dependencies: dict[PlanResource, list[PlanInstance]] = {}
        self._ids: dict[str, tuple[PlanInstance, str] | None] | None = None

    @property
    def aws_provider(self) -> ProviderVersions:
        """The hashicorp/aws version constraints of the plan's provider configurations."""
        return ProviderVersions(tuple(self.document.provider_constraints))

    def instances(
        self, resource_type: str | None = None, mode: str = "resource"
    ) -> list[PlanInstance]:
        """Every planned instance of a type (every type for None)."""
        return self._by_type.get((mode, resource_type), [])

    def declared(
        self, resource_type: str | None = None, mode: str = "resource"
    ) -> list[PlanInstance]:
        """One instance per resource block of the configuration that plans any."""
        return [
            instances[0]
            for resource, instances in self._instances.items()
            if instances
            and resource.config
            and resource.mode == mode
            and resource_type in (None, resource.type)
        ]

    def module_cycles(self) -> list[ModuleCycle]:
        """None: Terraform planned the configuration, so its modules load."""
        return []

    def undeclared_references(self) -> list[UndeclaredReference]:
        """None: Terraform refuses to plan a configuration that has any."""
        return []

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this plan."""
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value

    # -- what the views ask ---------------------------------------------------------------------

    def instances_of(self, resource: PlanResource) -> list[PlanInstance]:
        """The planned instances of one resource block."""
        return self._instances.get(resource, [])

    def linker(self, body: PlanBody, name: str) -> Linker:
        """The linker of one argument of a block: its references resolved."""
        module = body.instance.resource.module
        references = expression_references(argument(body.config or {}, name))
        targets = self.refs.targets(module, references)
        key = body.instance.key

        def instances(target: Target) -> list[PlanInstance]:
            found = self.instances_of(target.resource)
            if target.key is not None:
                return [item for item in found if item.key == target.key]
            if target.by_own_key and key is not None:
                own = [item for item in found if item.key == key]
                return own or found
            return found

        return Linker(targets, instances, self.owner_of)

    def owner_of(self, text: str) -> tuple[PlanInstance, str] | None:
        """The instance whose planned id or ARN is `text`, when only one has it."""
        if self._ids is None:
            self._ids = {}
            for instances in self._instances.values():
                for instance in instances:
                    for attribute in ("id", "arn"):
                        value = instance.planned(attribute)
                        if isinstance(value, str) and value:
                            known = self._ids.get(value, (instance, attribute))
                            self._ids[value] = known if known and known[0] is instance else None
        return self._ids.get(text)

    def variable_reads(self, module: PlanModule) -> Counter[str]:
        """How many expressions of a module read each of its variables."""
        if id(module) not in self._reads:
            providers = self.document.providers.get(module.address, [])
            self._reads[id(module)] = variable_reads(module, providers)
        return self._reads[id(module)]

    def dependencies(self, resource: PlanResource) -> list[PlanInstance]:
        """Every instance a resource is created after, transitively."""
        if resource not in self._dependencies:
            closure: list[PlanResource] = []
            pending = [resource]
            while pending:
                for dependency in self._direct(pending.pop()):
                    if dependency is not resource and dependency not in closure:
                        closure.append(dependency)
                        pending.append(dependency)
            self._dependencies[resource] = [
                instance for item in closure for instance in self.instances_of(item)
            ]
        return self._dependencies[resource]

    def _direct(self, resource: PlanResource) -> list[PlanResource]:
        module = resource.module
        references: list[str] = []
        for expression in block_expressions(resource.config):
            references += expression_references(expression)
        references += [str(item) for item in resource.config.get("depends_on") or []]
        found = [target.resource for target in self.refs.targets(module, references)]
        while module.parent is not None and module.call is not None:
            listed = [str(item) for item in module.call.get("depends_on") or []]
            found += [target.resource for target in self.refs.targets(module.parent, listed)]
            module = module.parent
        return found
