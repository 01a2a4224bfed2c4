"""What the configuration section of a plan says an argument is written from: its `references`,
followed through module variables (the caller's argument) and module outputs to the resources
they name."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from batchform.lint.plan.document import PlanModule, PlanResource

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_MAX_DEPTH = 40
# Roots that name no resource: what they hold is not in the plan's configuration.
_NOT_RESOURCES = {"local", "count", "each", "path", "self", "terraform"}


@dataclass(frozen=True)
class Step:
    """`.name` (an attribute) or `[key]` (an index)."""

    value: str | int
    index: bool = False


@dataclass(frozen=True)
class Target:
    """A resource (all its instances, or the one at `key`) and the attribute path after it."""

    resource: PlanResource
    key: Any
    path: tuple[str | int, ...]
    # The reference chose its instance by the referrer's own count.index or each.key.
    by_own_key: bool = False


def split(reference: str) -> list[Step]:
    """`module.m[0].out`, `aws_x.y["k"].arn` as names and indexes."""
    steps: list[Step] = []
    position = 0
    while position < len(reference):
        char = reference[position]
        if char == ".":
            position += 1
            continue
        if char == "[":
            end = reference.find("]", position)
            if end < 0:
                return steps
            steps.append(Step(_index(reference[position + 1 : end]), index=True))
            position = end + 1
            continue
        match = _NAME.match(reference, position)
        if match is None:
            return steps
        steps.append(Step(match.group(0)))
        position = match.end()
    return steps


def _index(text: str) -> str | int:
    if text.isdigit():
        return int(text)
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (str, int)) else text


def _name(steps: list[Step], position: int) -> str | None:
    """The attribute name at a position, None for an index or past the end."""
    if position < len(steps) and not steps[position].index:
        return str(steps[position].value)
    return None


def specific(references: list[str]) -> list[str]:
    """The references that are not just a prefix of another one in the list (Terraform lists
    `aws_vpc.this.id` and `aws_vpc.this` for one use)."""
    found = []
    for reference in references:
        longer = any(
            other != reference and other.startswith(reference) and other[len(reference)] in ".["
            for other in references
        )
        if not longer and reference not in found:
            found.append(reference)
    return found


def expression_references(expression: Any) -> list[str]:
    """The references of one configuration expression (`{"references": [...]}`)."""
    if isinstance(expression, dict):
        listed = expression.get("references")
        if isinstance(listed, list):
            return specific([str(item) for item in listed])
    return []


def argument(config: dict[str, Any], name: str) -> Any:
    """The configuration expression of an argument (or the list of a nested block's bodies)."""
    expressions = config.get("expressions")
    return expressions.get(name) if isinstance(expressions, dict) else None


class References:
    """Reference resolution over one plan's module tree."""

    def targets(self, module: PlanModule, references: list[str], depth: int = 0) -> list[Target]:
        """Every resource the references lead to, in order, each once."""
        found: list[Target] = []
        own_key = any(item in ("count.index", "each.key", "each.value") for item in references)
        for reference in references:
            for target in self._resolve(module, split(reference), depth):
                if own_key and target.key is None and not target.by_own_key:
                    target = Target(target.resource, None, target.path, True)
                if target not in found:
                    found.append(target)
        return found

    def _resolve(self, module: PlanModule, steps: list[Step], depth: int) -> list[Target]:
        root = _name(steps, 0)
        if depth > _MAX_DEPTH or root is None or root in _NOT_RESOURCES:
            return []
        if root == "var":
            return self._variable(module, steps, depth)
        if root == "module":
            return self._output(module, steps, depth)
        if root == "resource":
            steps = steps[1:]
            root = _name(steps, 0)
        if root == "data":
            return _resource_target(module, "data", steps[1:])
        return _resource_target(module, "resource", steps)

    def _variable(self, module: PlanModule, steps: list[Step], depth: int) -> list[Target]:
        name = _name(steps, 1)
        if module.parent is None or module.call is None or name is None:
            return []
        references = expression_references(argument(module.call, name))
        rest = tuple(step.value for step in steps[2:])
        return [
            Target(target.resource, target.key, target.path + rest, target.by_own_key)
            for target in self.targets(module.parent, references, depth + 1)
        ]

    def _output(self, module: PlanModule, steps: list[Step], depth: int) -> list[Target]:
        call = _name(steps, 1)
        child = module.children.get(call) if call is not None else None
        if child is None:
            return []
        rest = steps[2:]
        if rest and rest[0].index:
            rest = rest[1:]  # module.m[0].out: the module's instance key
        output_name = _name(rest, 0)
        if output_name is None:
            return [
                Target(resource, None, ())
                for sub in child.walk()
                for resource in sub.resources.values()
            ]
        output = (child.config.get("outputs") or {}).get(output_name) or {}
        references = expression_references(output.get("expression"))
        more = tuple(step.value for step in rest[1:])
        return [
            Target(target.resource, target.key, target.path + more, target.by_own_key)
            for target in self.targets(child, references, depth + 1)
        ]

    def variables(
        self, module: PlanModule, references: list[str], depth: int = 0
    ) -> Iterator[tuple[PlanModule, str]]:
        """Every input variable on the way from the references to their resources: (module,
        name), the module's own first, then its callers'."""
        for reference in references:
            steps = split(reference)
            name = _name(steps, 1)
            if _name(steps, 0) != "var" or name is None:
                continue
            yield module, name
            if module.parent is not None and module.call is not None and depth < _MAX_DEPTH:
                outer = expression_references(argument(module.call, name))
                yield from self.variables(module.parent, outer, depth + 1)


def _resource_target(module: PlanModule, mode: str, steps: list[Step]) -> list[Target]:
    kind, name = _name(steps, 0), _name(steps, 1)
    if kind is None or name is None:
        return []
    resource = module.resources.get((mode, kind, name))
    if resource is None:
        return []
    rest = steps[2:]
    key = None
    if rest and rest[0].index:
        key, rest = rest[0].value, rest[1:]
    return [Target(resource, key, tuple(step.value for step in rest))]


def variable_reads(module: PlanModule, providers: list[dict[str, Any]]) -> Counter[str]:
    """How many expressions of a module (and of the provider configurations written in it)
    read each of its variables."""
    reads: Counter[str] = Counter()
    expressions = list(_module_expressions(module))
    for provider in providers:
        expressions += list(_expressions(provider.get("expressions") or {}))
    for expression in expressions:
        names = set()
        for reference in expression_references(expression):
            steps = split(reference)
            if _name(steps, 0) == "var" and _name(steps, 1) is not None:
                names.add(_name(steps, 1))
        for name in names:
            reads[str(name)] += 1
    return reads


def _module_expressions(module: PlanModule) -> Iterator[Any]:
    config = module.config
    for resource in config.get("resources") or []:
        yield from block_expressions(resource)
    for call in (config.get("module_calls") or {}).values():
        yield from (call.get("expressions") or {}).values()
    for output in (config.get("outputs") or {}).values():
        yield output.get("expression")


def block_expressions(block: dict[str, Any]) -> Iterator[Any]:
    """Every expression of a resource or nested block configuration, nested ones included."""
    for key in ("count_expression", "for_each_expression"):
        if key in block:
            yield block[key]
    yield from _expressions(block.get("expressions") or {})


def _expressions(expressions: dict[str, Any]) -> Iterator[Any]:
    for value in expressions.values():
        if isinstance(value, list):
            for body in value:
                if isinstance(body, dict):
                    yield from _expressions(body)
        elif isinstance(value, dict) and ("references" in value or "constant_value" in value):
            yield value
