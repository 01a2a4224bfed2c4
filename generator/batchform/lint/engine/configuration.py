"""A root module and every local module it instantiates: the resource model from source."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from batchform.lint.engine.declarations import undeclared_references
from batchform.lint.engine.modules import ModuleGraph, ModuleInstance, Resource
from batchform.lint.engine.providers import aws_versions
from batchform.lint.engine.views import Instance
from batchform.lint.model import ModuleCycle, UndeclaredReference
from batchform.lint.model.versions import ProviderVersions

T = TypeVar("T")


class SourceConfiguration:
    """The `Configuration` read from Terraform files: the module tree is walked and its
    resources indexed by type once, so asking for a type never scans the tree again."""

    def __init__(
        self,
        root: ModuleInstance,
        graph: ModuleGraph | None = None,
        unparsed: Collection[Path] = (),
    ) -> None:
        self.root = root
        self.graph = graph
        # Directories with a file that could not be parsed: what they declare is not all known.
        self.unparsed = frozenset(unparsed)
        self.modules = list(root.walk())
        self._resources: dict[tuple[str, str | None], list[Resource]] = {}
        for module in self.modules:
            for resource in module.resources.values():
                self._resources.setdefault((resource.mode, resource.type), []).append(resource)
                self._resources.setdefault((resource.mode, None), []).append(resource)
        self._instances: dict[tuple[str, str | None], list[Instance]] = {}
        self._derived: dict[Hashable, Any] = {}
        # A call left out (remote, missing, or cyclic) may hold what a rule looks for.
        self.opaque = any(
            module.child(name) is None for module in self.modules for name in module.calls
        )

    @cached_property
    def aws_provider(self) -> ProviderVersions:
        """The hashicorp/aws constraints of every module instance and the root's lock file."""
        return aws_versions(self.modules, self.root.lock)

    def resources(self, resource_type: str | None = None, mode: str = "resource") -> list[Resource]:
        """Every resource (or data source) block of a type, in every module instance."""
        return self._resources.get((mode, resource_type), [])

    def instances(self, resource_type: str | None = None, mode: str = "resource") -> list[Instance]:
        """Every instance of a type (every type for None) across the module tree."""
        key = (mode, resource_type)
        if key not in self._instances:
            self._instances[key] = [
                instance
                for resource in self.resources(resource_type, mode)
                for instance in resource.instances()
            ]
        return self._instances[key]

    def declared(self, resource_type: str | None = None, mode: str = "resource") -> list[Instance]:
        """One representative instance per resource block, count and for_each left unknown."""
        return [resource.declared() for resource in self.resources(resource_type, mode)]

    def module_cycles(self) -> list[ModuleCycle]:
        """The cycles of local module calls this configuration left out."""
        if self.graph is None:
            return []
        found: list[ModuleCycle] = []
        for module in self.modules:
            if module.cyclic_calls:
                cycle = self.graph.cycle_through(module.directory)
                if cycle is not None and cycle not in found:
                    found.append(cycle)
        return found

    def undeclared_references(self) -> list[UndeclaredReference]:
        """References to names their module does not declare, once per module directory."""
        return self.derived(
            "undeclared_references",
            lambda: undeclared_references(self.modules, self.unparsed),
        )

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this configuration."""
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value
