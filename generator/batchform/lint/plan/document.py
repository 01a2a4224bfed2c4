"""A `terraform show -json PLANFILE` document: checked, and indexed as a tree of modules, each
with its resource blocks and their planned instances."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batchform.errors import PlanFileError

# The JSON output format this adapter reads (Terraform's "format_version" 1.x).
FORMAT_MAJOR = "1"
_MODES = {"managed": "resource", "data": "data"}


@dataclass(eq=False)
class PlanResource:
    """A `resource` or `data` block of one module: its configuration and planned instances
    (every instance of every instance of its module)."""

    module: PlanModule
    mode: str
    type: str
    name: str
    config: dict[str, Any]
    instances: list[PlannedObject] = field(default_factory=list)

    @property
    def address(self) -> str:
        """The address without instance keys, e.g. module.ce.aws_iam_role.service."""
        local = (
            f"{self.type}.{self.name}"
            if self.mode == "resource"
            else (f"data.{self.type}.{self.name}")
        )
        return f"{self.module.address}.{local}" if self.module.address else local


@dataclass(frozen=True)
class PlannedObject:
    """One resource instance as the plan has it."""

    address: str
    key: Any
    values: dict[str, Any]
    unknown: Any
    actions: tuple[str, ...]


@dataclass(eq=False)
class PlanModule:
    """One module of the configuration (the root, or a `module` call, whatever its count)."""

    address: str
    source: str
    config: dict[str, Any]
    # Whether `source` is a path from the root module (no registry or git source on the way).
    local: bool = True
    parent: PlanModule | None = None
    call: dict[str, Any] | None = None
    children: dict[str, PlanModule] = field(default_factory=dict)
    resources: dict[tuple[str, str, str], PlanResource] = field(default_factory=dict)

    def walk(self) -> list[PlanModule]:
        """This module and every module below it, parents first."""
        found = [self]
        for child in self.children.values():
            found += child.walk()
        return found


@dataclass
class PlanDocument:
    """The checked document: its module tree and the provider constraints it records."""

    path: str
    root: PlanModule
    provider_constraints: list[tuple[str, str]]
    # Provider configurations by the address of the module they are written in ("" the root).
    providers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def load(path: Path, display: str) -> PlanDocument:
    """Read and check a plan's JSON (PlanFileError, naming the file and what is wrong)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlanFileError(display, f"cannot read it ({error.strerror})") from None
    except UnicodeDecodeError:
        raise PlanFileError(display, "not UTF-8 text") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise PlanFileError(display, f"not JSON ({error})") from None
    return parse(document, display)


def parse(document: Any, display: str) -> PlanDocument:
    """The module tree of a parsed plan document."""
    _check(document, display)
    configuration = document["configuration"]
    root = _module("", ".", True, configuration.get("root_module") or {}, None, None)
    index = {module.address: module for module in root.walk()}
    for entry in document.get("resource_changes") or []:
        _add_change(index, entry)
    prior = ((document.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
    for entry in _state_resources(prior):
        if entry.get("mode") == "data":
            _add_state(index, entry)
    providers: dict[str, list[dict[str, Any]]] = {}
    for provider in (configuration.get("provider_config") or {}).values():
        if isinstance(provider, dict):
            providers.setdefault(str(provider.get("module_address", "")), []).append(provider)
    return PlanDocument(display, root, _constraints(configuration), providers)


def _check(document: Any, display: str) -> None:
    if not isinstance(document, dict):
        raise PlanFileError(display, "not a JSON object")
    version = str(document.get("format_version", ""))
    if "planned_values" not in document and "values" in document:
        raise PlanFileError(
            display,
            "the JSON of a state, not of a plan; save a plan with `terraform plan -out "
            "PLANFILE` and give `terraform show -json PLANFILE`",
        )
    if version.split(".")[0] != FORMAT_MAJOR or "planned_values" not in document:
        raise PlanFileError(
            display,
            "not the output of `terraform show -json PLANFILE` (format_version 1.x with "
            f"planned_values); format_version is {version or 'missing'}",
        )
    if not isinstance(document.get("configuration"), dict):
        raise PlanFileError(display, "the plan has no `configuration` section")


def _module(
    address: str,
    source: str,
    local: bool,
    config: dict[str, Any],
    parent: PlanModule | None,
    call: dict[str, Any] | None,
) -> PlanModule:
    module = PlanModule(address, source, config, local, parent, call)
    for resource in config.get("resources") or []:
        mode = _MODES.get(str(resource.get("mode")), "resource")
        key = (mode, str(resource.get("type")), str(resource.get("name")))
        module.resources[key] = PlanResource(module, *key, config=resource)
    for name, child_call in (config.get("module_calls") or {}).items():
        child_address = f"{address}.module.{name}" if address else f"module.{name}"
        written = str(child_call.get("source", ""))
        child_local = local and written.startswith(("./", "../"))
        module.children[name] = _module(
            child_address,
            _join(module, written),
            child_local,
            child_call.get("module") or {},
            module,
            child_call,
        )
    return module


def _join(parent: PlanModule | None, source: str) -> str:
    """A module's source as a path from the root: a local source joined to its caller's path
    (to a remote caller's source after `//`, as Terraform writes a subdirectory of one)."""
    if not source.startswith(("./", "../")):
        return source
    if parent is None or parent.local:
        base = parent.source if parent is not None else "."
        return posixpath.normpath(posixpath.join(base, source))
    return f"{parent.source}//{posixpath.normpath(source)}"


def _module_of(index: dict[str, PlanModule], module_address: str) -> PlanModule | None:
    """The module of an instance's module address (`module.a[0].module.b["x"]`)."""
    return index.get(_without_keys(module_address))


def _without_keys(address: str) -> str:
    out, depth = [], 0
    for char in address:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _resource_of(index: dict[str, PlanModule], entry: dict[str, Any]) -> PlanResource | None:
    module = _module_of(index, str(entry.get("module_address", "")))
    if module is None:
        return None
    mode = _MODES.get(str(entry.get("mode")), "resource")
    key = (mode, str(entry.get("type")), str(entry.get("name")))
    if key not in module.resources:
        module.resources[key] = PlanResource(module, *key, config={})
    return module.resources[key]


def _add_change(index: dict[str, PlanModule], entry: dict[str, Any]) -> None:
    change = entry.get("change") or {}
    actions = tuple(change.get("actions") or ())
    after = change.get("after")
    if actions == ("delete",) or not isinstance(after, dict):
        return  # gone after the apply, or nothing planned
    resource = _resource_of(index, entry)
    if resource is not None:
        resource.instances.append(
            PlannedObject(
                str(entry.get("address")),
                entry.get("index"),
                after,
                change.get("after_unknown") or {},
                actions,
            )
        )


def _add_state(index: dict[str, PlanModule], entry: dict[str, Any]) -> None:
    resource = _resource_of(index, {**entry, "module_address": _state_module(entry)})
    if resource is None or any(item.address == entry.get("address") for item in resource.instances):
        return
    values = entry.get("values")
    if isinstance(values, dict):
        resource.instances.append(
            PlannedObject(str(entry.get("address")), entry.get("index"), values, {}, ("read",))
        )


def _state_module(entry: dict[str, Any]) -> str:
    address = str(entry.get("address", ""))
    marker = ".data." if ".data." in address else None
    if marker is None:
        return ""
    return address[: address.rindex(marker)]


def _state_resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(module.get("resources") or [])
    for child in module.get("child_modules") or []:
        found += _state_resources(child)
    return found


def _constraints(configuration: dict[str, Any]) -> list[tuple[str, str]]:
    """The hashicorp/aws version constraints of every provider configuration of the plan."""
    found = []
    for key, provider in (configuration.get("provider_config") or {}).items():
        if str(provider.get("full_name", "")).endswith("hashicorp/aws"):
            constraint = provider.get("version_constraint")
            if isinstance(constraint, str) and constraint:
                found.append((constraint, f"provider_config {key}"))
    return found
