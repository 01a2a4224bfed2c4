"""Module instances and their resources; the graph of local module calls and its cycles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchform.hcl.syntax import Attribute, Block, Literal, SourceFile, Template, Traversal, walk
from batchform.lint.engine.operations import iteration
from batchform.lint.engine.scope import Scope
from batchform.lint.engine.views import Instance
from batchform.lint.model import ModuleCall, ModuleCycle
from batchform.lint.model.values import UNKNOWN, ResourceRef, Unknown

if TYPE_CHECKING:
    from batchform.lint.engine.resolver import Resolver

# Reads the .tf files of one module directory (none when there are none).
ModuleLoader = Callable[[Path], list[SourceFile]]


class Resource:
    """A `resource` or `data` block inside one module instance."""

    def __init__(self, module: ModuleInstance, block: Block) -> None:
        self.module = module
        self.block = block
        self.mode = block.type
        self.type = block.labels[0]
        self.name = block.labels[1]
        local = (
            f"{self.type}.{self.name}"
            if self.mode == "resource"
            else f"data.{self.type}.{self.name}"
        )
        self.address = f"{module.address}.{local}" if module.address else local
        self._instances: list[Instance] | None = None
        self._value: Any = None
        self._declared: Instance | None = None

    def instances(self) -> list[Instance]:
        """The instances, expanded by count/for_each when those are known."""
        if self._instances is None:
            self._instances, self._value = self._expand()
        return self._instances

    def declared(self) -> Instance:
        """The block as written: an instance whose count.index and each are unknown."""
        if self._declared is None:
            scope = Scope(self.module).bind(
                count={"index": UNKNOWN}, each={"key": UNKNOWN, "value": UNKNOWN}
            )
            self._declared = Instance(self, UNKNOWN, scope)
        return self._declared

    def value(self) -> Any:
        """What a reference to the whole resource evaluates to."""
        self.instances()
        return self._value

    def _expand(self) -> tuple[list[Instance], Any]:
        scope = Scope(self.module)
        resolver = self.module.resolver
        if "count" in self.block.attributes:
            count = resolver.evaluate(self.block.attributes["count"].expr, scope)
            if isinstance(count, bool) or not isinstance(count, (int, float)):
                only = Instance(self, UNKNOWN, scope.bind(count={"index": UNKNOWN}))
                return [only], UnknownExpansion(only)
            instances = [
                Instance(self, index, scope.bind(count={"index": index}))
                for index in range(int(count))
            ]
            return instances, [ResourceRef(instance) for instance in instances]
        if "for_each" in self.block.attributes:
            collection = resolver.evaluate(self.block.attributes["for_each"].expr, scope)
            items = iteration(collection, as_set_keys=True)
            if items is None:
                only = Instance(self, UNKNOWN, scope.bind(each={"key": UNKNOWN, "value": UNKNOWN}))
                return [only], UnknownExpansion(only)
            instances = [
                Instance(self, key, scope.bind(each={"key": key, "value": value}))
                for key, value in items
            ]
            return instances, {str(i.key): ResourceRef(i) for i in instances}
        instance = Instance(self, None, scope)
        return [instance], ResourceRef(instance)

    def __repr__(self) -> str:
        return f"Resource({self.address})"


@dataclass(frozen=True)
class UnknownExpansion(Unknown):
    """A counted resource whose count is unknown: indexing yields its one representative."""

    representative: Instance


_IN_PROGRESS = object()


class ModuleInstance:
    """One module directory instantiated once: the root, or a `module` call."""

    def __init__(
        self,
        resolver: Resolver,
        directory: Path,
        files: list[SourceFile],
        address: str,
        parent: ModuleInstance | None = None,
        call: Block | None = None,
    ) -> None:
        self.resolver = resolver
        self.directory = directory
        self.files = files
        self.address = address
        self.parent = parent
        self.call = call
        self.variables: dict[str, Block] = {}
        self.locals: dict[str, Attribute] = {}
        self.outputs: dict[str, Block] = {}
        self.resources: dict[tuple[str, str, str], Resource] = {}
        self.calls: dict[str, Block] = {}
        # `terraform` and `provider` blocks: where provider versions are constrained.
        self.settings: list[Block] = []
        # Calls left out because they lead back into a module on the way here.
        self.cyclic_calls: list[str] = []
        self._children: dict[str, ModuleInstance | None] = {}
        self._memo: dict[tuple[str, str], Any] = {}
        self._reads: Counter[tuple[str, str]] | None = None
        # Root modules only: variable values (tfvars files, -var) and the lock file.
        self.tfvars: dict[str, Attribute] = {}
        self.lock: SourceFile | None = None
        for source in files:
            for block in source.blocks:
                self._index(block)

    def _index(self, block: Block) -> None:
        if block.type == "variable" and block.labels:
            self.variables[block.labels[0]] = block
        elif block.type == "locals":
            self.locals.update(block.attributes)
        elif block.type == "output" and block.labels:
            self.outputs[block.labels[0]] = block
        elif block.type in ("resource", "data") and len(block.labels) == 2:
            resource = Resource(self, block)
            self.resources[(block.type, resource.type, resource.name)] = resource
        elif block.type == "module" and block.labels:
            self.calls[block.labels[0]] = block
        elif block.type in ("terraform", "provider"):
            self.settings.append(block)

    def child(self, name: str) -> ModuleInstance | None:
        """The instance of a local module call (`source = "./..."`), None for remote sources,
        missing directories and calls that form a cycle."""
        if name not in self._children:
            self._children[name] = self.resolver.instantiate_child(self, name)
        return self._children[name]

    def children(self) -> list[ModuleInstance]:
        """Every local child module instance."""
        return [child for name in self.calls if (child := self.child(name)) is not None]

    def walk(self) -> Iterator[ModuleInstance]:
        """This module and all its descendants, depth first."""
        pending = [self]
        while pending:
            module = pending.pop()
            yield module
            pending.extend(reversed(module.children()))

    def ancestors(self) -> Iterator[ModuleInstance]:
        """This module, its caller, its caller's caller, ... up to the root."""
        module: ModuleInstance | None = self
        while module is not None:
            yield module
            module = module.parent

    def reads(self) -> Counter[tuple[str, str]]:
        """How often each variable and local is read in this module's files, by (`var` or
        `local`, name); a variable's own block (its validations) does not count."""
        if self._reads is None:
            self._reads = Counter()
            for source in self.files:
                for block in source.blocks:
                    if block.type != "variable":
                        _count_reads(block, self._reads)
        return self._reads

    def memo(self, kind: str, name: str, compute: Callable[[], Any]) -> Any:
        """A local, variable or output evaluated once per module instance; a reference cycle
        becomes unknown."""
        key = (kind, name)
        if key in self._memo:
            value = self._memo[key]
            return UNKNOWN if value is _IN_PROGRESS else value
        self._memo[key] = _IN_PROGRESS
        value = compute()
        self._memo[key] = value
        return value


def _count_reads(block: Block, reads: Counter[tuple[str, str]]) -> None:
    for attribute in block.attributes.values():
        for node in walk(attribute.expr):
            if (
                isinstance(node, Traversal)
                and node.source is None
                and node.root in ("var", "local")
                and node.steps
                and node.steps[0].kind == "attr"
            ):
                reads[(node.root, node.steps[0].name)] += 1
    for child in block.blocks:
        _count_reads(child, reads)


def local_source(call: Block) -> str | None:
    """The `source` of a module call when it is a local path (`./x`, `../x`), else None.
    Terraform takes only a literal string there."""
    attribute = call.attributes.get("source")
    expr = attribute.expr if attribute is not None else None
    text = None
    if isinstance(expr, Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        text = expr.parts[0]
    elif isinstance(expr, Literal) and isinstance(expr.value, str):
        text = expr.value
    return text if text is not None and text.startswith(("./", "../")) else None


@dataclass(frozen=True)
class _Edge:
    caller: Path
    callee: Path
    call: ModuleCall


class ModuleGraph:
    """Which module directory calls which through local sources, read from the files once.

    Terraform cannot load a module that calls itself, directly or through others (`terraform
    init` nests it until the path is too long); the linter reports each cycle, follows no call
    inside one, and lints the modules only such calls reach as roots of their own.
    """

    def __init__(self, modules: dict[Path, list[SourceFile]], load: ModuleLoader) -> None:
        self.linted = sorted(modules)
        self._linted = set(self.linted)
        self._edges: dict[Path, list[_Edge]] = {}
        pending = list(self.linted)
        while pending:
            directory = pending.pop()
            if directory in self._edges:
                continue
            files = modules[directory] if directory in modules else load(directory)
            self._edges[directory] = edges = _calls(directory, files)
            pending.extend(edge.callee for edge in edges if edge.callee not in self._edges)
        self._component = _components(self._edges)

    def cyclic(self, caller: Path, callee: Path) -> bool:
        """True when a call from `caller` to `callee` leads back to `caller`."""
        if caller == callee:
            return True
        component = self._component.get(caller)
        return component is not None and self._component.get(callee) == component

    def cycle_through(self, directory: Path) -> ModuleCycle | None:
        """The calls of the cycle a directory is on, in the order they are written; None when it
        is on none."""
        calls = [
            edge.call
            for edges in self._edges.values()
            for edge in edges
            if self.cyclic(edge.caller, edge.callee) and self._together(edge.caller, directory)
        ]
        if not calls:
            return None
        return ModuleCycle(tuple(sorted(calls, key=lambda call: (call.file, call.line))))

    def _together(self, one: Path, other: Path) -> bool:
        return one == other or self.cyclic(one, other)

    def roots(self) -> list[Path]:
        """The directories to lint as root modules: every linted one that no other linted module
        calls, and every other one on a cycle that no call from outside its cycle reaches."""
        called: set[Path] = set()
        reached: set[Path] = set()
        for edges in self._edges.values():
            for edge in edges:
                if self.cyclic(edge.caller, edge.callee):
                    continue
                reached.add(edge.callee)
                if edge.caller in self._linted:
                    called.add(edge.callee)
        roots = [directory for directory in self.linted if directory not in called]
        return roots + [
            directory
            for directory in sorted(self._edges)
            if directory not in self._linted
            and directory not in reached
            and self.cycle_through(directory) is not None
        ]


def _calls(directory: Path, files: list[SourceFile]) -> list[_Edge]:
    edges = []
    resolved: dict[str, Path] = {}  # many calls share a source: resolve each path once
    for source in files:
        for block in source.blocks:
            if block.type != "module" or not block.labels:
                continue
            text = local_source(block)
            if text is not None:
                if text not in resolved:
                    resolved[text] = (directory / text).resolve()
                call = ModuleCall(block.file, block.line, block.labels[0], text)
                edges.append(_Edge(directory, resolved[text], call))
    return edges


def callee_directory(caller: Path, source: str, known: dict[tuple[Path, str], Path]) -> Path:
    """The directory a local source names, resolved once per (caller, source) in `known`."""
    key = (caller, source)
    if key not in known:
        known[key] = (caller / source).resolve()
    return known[key]


def _components(edges: dict[Path, list[_Edge]]) -> dict[Path, int]:
    """The cycles among several directories: each directory on one, numbered by its cycle
    (directories that reach each other share a number)."""
    callees = {caller: {edge.callee for edge in found} for caller, found in edges.items()}
    reach = {directory: _reachable(directory, callees) for directory in callees}
    component: dict[Path, int] = {}
    for directory in sorted(callees):
        if directory in component:
            continue
        together = {other for other in reach[directory] if directory in reach.get(other, ())}
        if len(together - {directory}) > 0:
            number = len(set(component.values()))
            component.update(dict.fromkeys(together | {directory}, number))
    return component


def _reachable(start: Path, callees: dict[Path, set[Path]]) -> set[Path]:
    """Every directory some chain of calls from `start` leads to (`start` only if it is on one)."""
    found: set[Path] = set()
    pending = list(callees.get(start, ()))
    while pending:
        directory = pending.pop()
        if directory not in found:
            found.add(directory)
            pending.extend(callees.get(directory, ()))
    return found
